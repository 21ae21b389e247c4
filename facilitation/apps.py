from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    """Running the room: the facilitators' console over every board, live agenda sessions, notices
    to everyone and the fishbowl speaker queue (built on the workspace and voting apps, never
    imported by them)."""

    name = "facilitation"
    verbose_name = _("Facilitation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames this app sends to clients, each with its schema (workspace/frames.py).
        from facilitation.frames import FRAMES
        from workspace.frames import register_frames

        register_frames(FRAMES)
        from facilitation.actions.fishbowl import release_removed_member
        from workspace.actions.members import register_member_removal_hook

        register_member_removal_hook(release_removed_member)
        # A seat offered and not taken goes to the next, on the batcher's tick.
        from boards.timers import register_batch
        from facilitation.actions.fishbowl import expire_offers

        register_batch(expire_offers)
