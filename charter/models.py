"""The charter of a workspace: how it is composed, and the versions published from it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.models import Membership, Workspace
from workspace.translations import Translated


class CharterSettings(Translated):  # title
    """How the charter is composed: which custom boards join the four, which revision each board
    contributes (its live draft when none is chosen), after which boards' drafts their adopted cards
    are listed (the priority areas', unless turned off, and those chosen), and whether versions carry
    the appendix."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="charter_settings")
    title = models.CharField(_("title"), max_length=200, blank=True)
    custom_boards = models.JSONField(default=list, blank=True)
    revisions = models.JSONField(default=dict, blank=True)  # {"<board id>": revision number}
    list_adopted = models.BooleanField(_("list the adopted priority areas"), default=True)
    # The other boards (ids) whose adopted cards are listed after their draft: none by default.
    adopted_boards = models.JSONField(default=list, blank=True)
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


class CharterExport(models.Model):
    """A published version rendered in one format and one reader's language, kept so that it is
    rendered once (``charter.exports.cached_export``). ``source`` fingerprints everything the bytes
    were made from (the version's content and the renderer: code, template, message catalog,
    libraries): bytes made from anything else are never served. A stored copy of the version's
    words: ``charter.exports.forget_cached_exports`` drops them."""

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=8)
    language = models.CharField(max_length=16)
    source = models.CharField(max_length=64)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "format", "language"], name="one_charter_export_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.version} as {self.format} ({self.language})"
