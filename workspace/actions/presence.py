"""Presence: who has a board open right now. Ephemeral: no event, no ``seq``.

Each open connection is a ``BoardPresence`` row (in the database, so every server process sees the
same room); the board's group hears the list of people whenever it changes. A connection that
stops pinging ages out (``PRESENCE_STALE_AFTER``), which also clears rows left by a process that
died.
"""

from django.db import connection, transaction
from django.utils import timezone

from workspace.events import publish_ephemeral
from workspace.models import Board, BoardPresence, Membership
from workspace.selectors import PRESENCE_STALE_AFTER, board_presence, live_presence


def announce_presence(board_id: int) -> None:
    publish_ephemeral(board_id, {"type": "presence", "members": board_presence(board_id)})


def _ephemeral_write() -> None:
    """Presence is not worth waiting for the disk: on PostgreSQL, commit it without flushing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def join_board(*, board: Board, membership: Membership, channel_name: str) -> None:
    """A member's connection opens on a board; the room hears of it if they were not there yet."""
    with transaction.atomic():
        _ephemeral_write()
        BoardPresence.objects.filter(board=board, last_seen__lt=timezone.now() - PRESENCE_STALE_AFTER).delete()
        already_here = live_presence(board.pk).filter(membership=membership).exists()
        BoardPresence.objects.update_or_create(
            channel_name=channel_name, defaults={"board": board, "membership": membership, "last_seen": timezone.now()}
        )
    if not already_here:
        announce_presence(board.pk)


def touch_presence(*, channel_name: str) -> None:
    """The connection is still there (called on its pings)."""
    with transaction.atomic():
        _ephemeral_write()
        BoardPresence.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def leave_board(*, board_id: int, channel_name: str) -> None:
    """A connection closes; the member leaves the list when it was their last one."""
    with transaction.atomic():
        _ephemeral_write()
        row = BoardPresence.objects.filter(channel_name=channel_name).first()
        if row is None:
            return
        row.delete()
        still_here = live_presence(board_id).filter(membership_id=row.membership_id).exists()
    if not still_here:
        announce_presence(board_id)
