from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The kernel: a workspace, its members and invitations, roles and access, mail, the audit
    trail, data export, text cleaning and translations (every other app stands on it)."""

    name = "workspace"
    verbose_name = _("Workspaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames the kernel sends to clients, each with its schema (workspace/frames.py).
        from workspace.frames import FRAMES, register_frames

        register_frames(FRAMES)
        # The outbox's sender runs in every server process (workspace/loops.py starts it).
        from django.conf import settings

        from workspace.loops import register_loop
        from workspace.mail import run_mail_sender

        register_loop("mail sender", run_mail_sender, enabled=lambda: settings.MAIL_SENDER)
