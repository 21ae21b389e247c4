"""A person's own records, the same in every workspace: their settings and their API tokens."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.models import validate_time_zone


class Profile(models.Model):
    """A person's own settings, the same in every workspace: interface language and time zone.

    Blank means "follow the browser": its Accept-Language header, and the zone it reports.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="codesign_profile")
    # One of settings.LANGUAGES (checked by the action, so adding a language needs no migration).
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_time_zone])

    class Meta:
        db_table = "workspace_profile"  # made in the workspace app, before accounts had its own
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.language or '-'}, {self.time_zone or '-'})"


class ApiToken(models.Model):
    """A key for the API and scripts (``Authorization: Token <key>``, or ``?token=`` on a socket).

    Only a digest of the key is stored (it is shown once, when made); it expires, and its owner
    sees and revokes it on their account page. Revoking closes the sockets opened with it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("first characters"), max_length=6)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        db_table = "workspace_apitoken"  # made in the workspace app, before accounts had its own
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…, {self.user})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
