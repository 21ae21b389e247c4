from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="codesign-sign-out")


def close_sockets_on_sign_out(sender, request, user, **kwargs):
    """Signing out ends the sockets this browser session opened, on every open page."""
    from workspace import actions

    actions.signed_out(session_key=getattr(getattr(request, "session", None), "session_key", None))
