"""Presence: who has a board open right now. Ephemeral: no event, no ``seq``.

Each open connection is a ``BoardPresence`` row (in the database, so every server process sees the
same room). A connection that stops pinging ages out (``PRESENCE_STALE_AFTER``), which also clears
rows left by a process that died.

The room hears of it in batches, as deltas: a join or a leave only marks the board; every
``PRESENCE_BATCH_SECONDS`` each server process (``boards.timers``) sends each marked board one
``presence.delta`` frame with who arrived and who left since the last frame, numbered by
``version``. The last list sent (and its version) is kept in the cache, shared by every process,
and one process at a time (a cache lock) turns it into the next delta, so the deltas form one chain
whoever sends them. A socket gets that list once, in its ``welcome``. So "everyone to this board"
costs each person a few frames, not one whole list per arrival (O(N²) frames of O(N) bytes).
"""

import threading

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from boards.events import publish_ephemeral
from boards.models import Board, BoardPresence
from boards.selectors import board_presence, live_presence
from workspace.models import Membership
from workspace.selectors import PRESENCE_STALE_AFTER

PRESENCE_BATCH_SECONDS = 0.5
SNAPSHOT_SECONDS = 24 * 3600  # a board nobody opened for a day starts its chain again (a full list)

_marked: set[int] = set()
_marked_lock = threading.Lock()


def _snapshot_key(board_id: int) -> str:
    return f"presence:last:{board_id}"


def announce_presence(board_id: int) -> None:
    """The board's presence changed: the next batch tells the room."""
    with _marked_lock:
        _marked.add(board_id)


def presence_snapshot(board_id: int) -> dict:
    """The list the room was last told, and its version: what a new socket starts from.

    Before any (or after the cache forgot it), the list from the database with version 0; the next
    batch then sends everyone a full list.
    """
    last = cache.get(_snapshot_key(board_id))
    if last is None:
        return {"version": 0, "members": board_presence(board_id)}
    return {"version": last["version"], "members": list(last["members"].values())}


def flush_presence(board_ids=None) -> list[dict]:
    """Send each marked board (or ``board_ids``) its presence delta; returns the frames sent.

    A board another process is flushing at this moment stays marked for the next tick.
    """
    with _marked_lock:
        boards = set(_marked) if board_ids is None else set(board_ids)
        _marked.difference_update(boards)
    sent = []
    for board_id in sorted(boards):
        lock = f"presence:lock:{board_id}"
        if not cache.add(lock, 1, timeout=10):
            announce_presence(board_id)
            continue
        try:
            frame = _next_frame(board_id)
        finally:
            cache.delete(lock)
        if frame is not None:
            publish_ephemeral(board_id, frame)
            sent.append(frame)
    return sent


def _next_frame(board_id: int) -> dict | None:
    now = {person["id"]: person for person in board_presence(board_id)}
    last = cache.get(_snapshot_key(board_id))
    if last is None:
        version = 1
        frame = {"type": "presence", "version": version, "members": list(now.values())}
    else:
        before = last["members"]
        arrived = [person for member_id, person in now.items() if before.get(member_id) != person]
        left = [member_id for member_id in before if member_id not in now]
        if not arrived and not left:
            return None
        version = last["version"] + 1
        frame = {"type": "presence.delta", "version": version, "arrived": arrived, "left": left}
    cache.set(_snapshot_key(board_id), {"version": version, "members": now}, timeout=SNAPSHOT_SECONDS)
    return frame


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
        Membership.objects.filter(pk=row.membership_id).update(last_seen_at=timezone.now())
        still_here = live_presence(board_id).filter(membership_id=row.membership_id).exists()
    if not still_here:
        announce_presence(board_id)
