from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """A person: sign-in and its limits, API tokens, how a request or a socket proves who it is,
    the account and preference pages, and what every member's socket does alike (above workspace,
    below boards)."""

    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames this app sends to clients, each with its schema (workspace/frames.py).
        from accounts.frames import FRAMES
        from workspace.frames import register_frames

        register_frames(FRAMES)
        # A person's data download carries their settings (the profile lives here).
        from workspace.data_export import register_account_section

        register_account_section(account_settings)
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="codesign-sign-out")


def close_sockets_on_sign_out(sender, request, user, **kwargs):
    """Signing out ends the sockets this browser session opened, on every open page."""
    from accounts import actions

    actions.signed_out(session_key=getattr(getattr(request, "session", None), "session_key", None))


def account_settings(user) -> dict:
    """The person's language and time zone, as kept for them ("" = follow the browser)."""
    from accounts.models import Profile

    profile = Profile.objects.filter(user=user).first()
    return {"language": profile.language if profile else "", "time_zone": profile.time_zone if profile else ""}
