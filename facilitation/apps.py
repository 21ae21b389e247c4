from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    """Running the room: the facilitators' console over every board, live agenda sessions, notices
    to everyone and the fishbowl speaker queue (built on the workspace and voting apps, never
    imported by them)."""

    name = "facilitation"
    verbose_name = _("Facilitation")
    default_auto_field = "django.db.models.BigAutoField"
