"""Presence: who has a board open right now. Ephemeral: no event, no ``seq``.

Each open connection is a ``BoardPresence`` row (in the database, so every server process sees the
same room); the board's group hears the list of people whenever it changes. A connection that
stops pinging ages out (``PRESENCE_STALE_AFTER``), which also clears rows left by a process that
died.
"""

from django.db import transaction
from django.utils import timezone

from workspace.events import publish_ephemeral
from workspace.models import Board, BoardPresence, Membership
from workspace.selectors import PRESENCE_STALE_AFTER, board_presence


def announce_presence(board_id: int) -> None:
    publish_ephemeral(board_id, {"type": "presence", "members": board_presence(board_id)})


def _people(board_id: int) -> set[int]:
    return {person["id"] for person in board_presence(board_id)}


def join_board(*, board: Board, membership: Membership, channel_name: str) -> None:
    """A member's connection opens on a board."""
    before = _people(board.pk)
    with transaction.atomic():
        BoardPresence.objects.filter(board=board, last_seen__lt=timezone.now() - PRESENCE_STALE_AFTER).delete()
        BoardPresence.objects.update_or_create(
            channel_name=channel_name, defaults={"board": board, "membership": membership, "last_seen": timezone.now()}
        )
    if _people(board.pk) != before:
        announce_presence(board.pk)


def touch_presence(*, channel_name: str) -> None:
    """The connection is still there (called on its pings)."""
    BoardPresence.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def leave_board(*, board_id: int, channel_name: str) -> None:
    """A connection closes; the member leaves the list when it was their last one."""
    before = _people(board_id)
    BoardPresence.objects.filter(channel_name=channel_name).delete()
    if _people(board_id) != before:
        announce_presence(board_id)
