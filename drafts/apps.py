from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    """Boards' shared drafts: the co-edited Yjs documents, their socket, storage and revisions
    (above workspace, below voting and charter; nothing below imports it)."""

    name = "drafts"
    verbose_name = _("Drafts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames this app sends to clients, each with its schema (workspace/frames.py).
        from drafts.frames import FRAMES
        from workspace.frames import register_frames

        register_frames(FRAMES)
        # The board snapshot (page, API, replay) carries the board's amendments.
        from boards.selectors import register_snapshot_section
        from drafts.selectors import board_amendments

        register_snapshot_section("amendments", board_amendments)
        # "+1"s are announced in batches on the presence batcher's tick (a rush of a hundred is a
        # few frames per person, not a hundred).
        from boards.timers import register_batch
        from drafts.actions import publish_supports

        register_batch(publish_supports)
        # Amendments' events and revisions' editors follow removals and edits.
        from drafts.stored_copies import follow_in_drafts
        from workspace import stored_copies

        stored_copies.register("amendments and revisions", follow_in_drafts)
        # A member's data and the workspace archive carry the drafts.
        from boards.data_export import register_board_section
        from workspace.data_export import register_member_section

        register_member_section("drafts_edited", drafts_edited)
        register_board_section("draft", board_draft)


def drafts_edited(membership) -> list[dict]:
    from drafts.models import DraftContributor
    from workspace.selectors import iso

    rows = DraftContributor.objects.filter(membership=membership).select_related("board")
    return [{"board": row.board.title, "last_edit_at": iso(row.last_edit_at)} for row in rows]


def board_draft(board) -> str:
    from drafts.documents import draft_markdown

    return draft_markdown(board.pk)
