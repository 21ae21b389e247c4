from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """Dot-voting rounds on boards (built on the workspace app, never imported by it)."""

    name = "voting"
    verbose_name = _("Voting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The frames this app sends to clients, each with its schema (workspace/frames.py).
        from voting.frames import FRAMES
        from workspace.frames import register_frames

        register_frames(FRAMES)
        # Each server process closes rounds whose time ran out and publishes batched counts.
        from django.conf import settings

        from voting.timers import run_round_timer
        from workspace.loops import register_loop

        register_loop("round timer", run_round_timer, enabled=lambda: settings.ROUND_TIMER)
        from boards.selectors import register_board_panel, register_snapshot_section
        from voting.selectors import board_round, earlier_rounds

        # The board snapshot (page, API, replay) carries the board's round.
        register_snapshot_section("round", board_round)
        register_snapshot_section("earlier_rounds", earlier_rounds)
        register_board_panel("voting/round_panel.html")
        # A member's own dots in their data download; every round in the workspace archive.
        from voting.selectors import member_dots, workspace_rounds
        from workspace.data_export import register_member_section, register_workspace_section

        register_member_section("dots", member_dots)
        register_workspace_section("rounds", workspace_rounds)
        # Frozen results hold cards' words and named voters: they follow removals and edits.
        from voting.stored_copies import follow_in_results
        from workspace import stored_copies

        stored_copies.register("round results", follow_in_results)
        # Voters place their dots over the board socket (voting.sockets registers the frame).
        import voting.sockets  # noqa: F401
