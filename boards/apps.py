from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    """The live board: boards, cards, comments, the board's numbered events and their replay,
    presence, the board's rules, its socket, pages and API (above accounts, below drafts)."""

    name = "boards"
    verbose_name = _("Boards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames this app sends to clients, each with its schema (workspace/frames.py).
        from boards.frames import FRAMES
        from workspace.frames import register_frames

        register_frames(FRAMES)
        # Presence (and other apps' batches) go out on one tick in every server process.
        from boards.timers import run_presence_batcher
        from workspace.loops import register_loop

        register_loop("presence batcher", run_presence_batcher)
        # The board's replay log and the answers kept for retries follow removals and edits.
        from boards.stored_copies import follow_in_board_events, follow_in_retry_answers
        from workspace import stored_copies

        stored_copies.register("board events", follow_in_board_events)
        stored_copies.register("answers kept for retries", follow_in_retry_answers)
        # Every page inside a workspace lists its boards; a member leaving leaves the boards' presence.
        from boards.selectors import workspace_boards
        from workspace.actions.members import register_member_removal_hook
        from workspace.views import register_context_section

        register_context_section("boards", lambda workspace: list(workspace_boards(workspace)))
        # A new workspace gets its charter boards; a removal holds the boards first (no event
        # naming the member commits meanwhile), then the boards' presence says who is still here;
        # a member's country waits while a board votes.
        from boards.actions.boards import create_charter_boards, voting_boards
        from workspace.actions.members import register_country_guard, register_workspace_setup_hook

        register_workspace_setup_hook(create_charter_boards)
        register_member_removal_hook(hold_boards_of_removed_member)
        register_member_removal_hook(leave_presence_of_removed_member)
        register_country_guard(voting_boards)
        # The audit trail names a board's state; a person's and a workspace's downloads carry
        # their cards, comments and boards.
        from boards import data_export
        from boards.models import BoardState
        from workspace import data_export as downloads
        from workspace.audit import register_detail_names

        register_detail_names("state", lambda value: BoardState(value).label if value in BoardState.values else "")
        downloads.register_member_section("cards", data_export.member_cards)
        downloads.register_member_section("comments", data_export.member_comments)
        downloads.register_workspace_section("boards", data_export.workspace_boards)


def hold_boards_of_removed_member(membership, by) -> None:
    from boards.actions.boards import hold_workspace_boards

    hold_workspace_boards(membership.workspace_id)


def leave_presence_of_removed_member(membership, by) -> None:
    """Once the removal commits, the boards the member was on say who is still here."""
    from django.db import transaction

    from boards.actions.presence import announce_presence

    for board_id in set(membership.presence_entries.values_list("board_id", flat=True)):
        transaction.on_commit(lambda board_id=board_id: announce_presence(board_id))
