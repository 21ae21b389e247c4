from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    """The charter: composed from the boards, published as frozen versions, exported (above voting
    and workspace; nothing below imports it)."""

    name = "charter"
    verbose_name = _("Charter")
    default_auto_field = "django.db.models.BigAutoField"
