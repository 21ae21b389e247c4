from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """Dot-voting rounds on boards (built on the workspace app, never imported by it)."""

    name = "voting"
    verbose_name = _("Voting")
    default_auto_field = "django.db.models.BigAutoField"
