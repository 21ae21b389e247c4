"""The charter of a workspace: how it is composed, and the versions published from it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.models import Membership, Workspace
from workspace.translations import Translated


class CharterSettings(Translated):  # title
    """How the charter is composed: which custom boards join the four, which revision each board
    contributes (its live draft when none is chosen), whether the adopted priority areas are listed,
    and whether versions carry the appendix."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="charter_settings")
    title = models.CharField(_("title"), max_length=200, blank=True)
    custom_boards = models.JSONField(default=list, blank=True)
    revisions = models.JSONField(default=dict, blank=True)  # {"<board id>": revision number}
    list_adopted = models.BooleanField(_("list the adopted priority areas"), default=True)
    appendix = models.BooleanField(_("add the appendix"), default=True)

    def __str__(self) -> str:
        return f"charter settings of {self.workspace}"


class CharterVersion(models.Model):
    """A published charter: frozen, numbered, with a SHA-256 of its canonical Markdown."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="charter_versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    # Everything the version says, frozen: sections, the rounds it relies on, the appendix.
    content = models.JSONField()
    markdown = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["workspace", "number"]
        constraints = [models.UniqueConstraint(fields=["workspace", "number"], name="one_charter_version_number")]

    def __str__(self) -> str:
        return f"{self.workspace} charter v{self.number}"
