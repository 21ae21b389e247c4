"""The board's WebSocket: ``/ws/boards/<id>/``.

Members only (session or ``?token=``); anyone else is closed with code 4403. The socket relays the
board's stored events as they are published (no query per event) and presence, which is not
stored. Every stored event carries the board's ``seq``.

Client frames:
- ``{"type": "resume", "after": n}``: send every event after ``n`` in order, then live ones; each
  event reaches a connection once. Too far behind: ``{"type": "resync_required", ...}``.
- ``{"type": "ping"}``: keeps the member present; answered with ``pong``.

A malformed frame gets ``{"type": "error", "message": ...}`` and the socket stays open. If live
frames arrive with a gap (a lagging consumer on Redis may have dropped some), the socket fills it
from the database before relaying.
"""

import json
import time
from collections import Counter

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from workspace import actions
from workspace.access import access_board
from workspace.errors import WorkspaceError
from workspace.events import board_group, member_group
from workspace.selectors import board_presence, board_seq, events_after

CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
FRAME_MAX_CHARS = 4096

# Open sockets per member, and each member's frame allowance, in this server process.
_open_sockets: Counter = Counter()
_frame_buckets: dict[int, tuple[float, float]] = {}


def take_frame_token(member_id: int) -> float:
    """Spend one of the member's frame tokens; 0 if allowed, else seconds until the next one."""
    limit, window = settings.RATE_LIMITS["socket_frame"]
    rate = limit / window
    now = time.monotonic()
    tokens, stamp = _frame_buckets.get(member_id, (float(limit), now))
    tokens = min(float(limit), tokens + (now - stamp) * rate)
    if tokens < 1:
        _frame_buckets[member_id] = (tokens, now)
        return (1 - tokens) / rate
    _frame_buckets[member_id] = (tokens - 1, now)
    return 0.0


class BoardConsumer(AsyncJsonWebsocketConsumer):
    membership = None

    async def connect(self):
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        try:
            self.board, self.membership = await database_sync_to_async(access_board)(
                self.scope.get("user"), self.board_id
            )
        except WorkspaceError:
            self.membership = None
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if _open_sockets[self.membership.pk] >= settings.MAX_SOCKETS_PER_MEMBER:
            self.membership = None  # not counted, so disconnect() has nothing to undo
            await self.accept()
            await self.send_error(
                _("You have too many connections open (%(max)d). Close some tabs.")
                % {"max": settings.MAX_SOCKETS_PER_MEMBER},
                code="too_many_connections",
            )
            await self.close(code=CLOSE_TOO_MANY)
            return
        _open_sockets[self.membership.pk] += 1
        self.sent: set[int] = set()
        self.synced_to: int | None = None
        await self.channel_layer.group_add(board_group(self.board_id), self.channel_name)
        await self.channel_layer.group_add(member_group(self.membership.pk), self.channel_name)
        await self.accept()
        await database_sync_to_async(actions.join_board)(
            board=self.board, membership=self.membership, channel_name=self.channel_name
        )
        presence = await database_sync_to_async(board_presence)(self.board_id)
        await self.send_json({"type": "welcome", "seq": self.board.event_seq, "presence": presence})

    async def disconnect(self, code):
        if self.membership is None:
            return
        _open_sockets[self.membership.pk] -= 1
        if _open_sockets[self.membership.pk] <= 0:
            del _open_sockets[self.membership.pk]
        await self.channel_layer.group_discard(board_group(self.board_id), self.channel_name)
        await self.channel_layer.group_discard(member_group(self.membership.pk), self.channel_name)
        await database_sync_to_async(actions.leave_board)(board_id=self.board_id, channel_name=self.channel_name)
        self.membership = None

    # Client frames --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.membership is None:
            return
        wait = take_frame_token(self.membership.pk)
        if wait:
            await self.send_error(
                _("Too many messages; slow down."), code="rate_limited", retry_after=max(1, round(wait))
            )
            return
        if text_data is None:
            await self.send_error(_("Send JSON text frames."))
            return
        if len(text_data) > FRAME_MAX_CHARS:
            await self.send_error(_("That message is too long."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error(_("That message is not valid JSON."))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resume":
            after = content.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_error(_('"after" must be a whole number, the last seq you have.'))
                return
            await self.resume(after)
        elif kind == "ping":
            await database_sync_to_async(actions.touch_presence)(channel_name=self.channel_name)
            await self.send_json({"type": "pong"})
        else:
            await self.send_error(_("Unknown message type; expected resume or ping."))

    async def send_error(self, message, *, code: str = "invalid", **extra):
        await self.send_json({"type": "error", "code": code, "message": str(message), **extra})

    # Delivery -------------------------------------------------------------------------------

    async def resume(self, after: int) -> None:
        frames = await database_sync_to_async(events_after)(self.board_id, after, limit=settings.MAX_RESUME_EVENTS)
        if frames is None:
            seq = await database_sync_to_async(board_seq)(self.board_id)
            await self.send_json(
                {
                    "type": "resync_required",
                    "seq": seq,
                    "snapshot_url": reverse("api-board-state", args=[self.board_id]),
                }
            )
            self.synced_to = None
            return
        await self.deliver(frames)
        self.synced_to = max([self.synced_to or 0, after, *(frame["seq"] for frame in frames)])

    async def deliver(self, frames: list[dict]) -> None:
        for frame in frames:
            if frame["seq"] not in self.sent:
                self.sent.add(frame["seq"])
                await self.send_json(frame)

    # Group messages -------------------------------------------------------------------------

    async def board_event(self, message):
        frame = message["event"]
        if self.synced_to is not None and frame["seq"] > self.synced_to + 1:
            await self.resume(self.synced_to)  # fills the gap, this frame included
            return
        await self.deliver([frame])
        self.synced_to = max(self.synced_to or 0, frame["seq"])

    async def board_ephemeral(self, message):
        await self.send_json(message["frame"])

    async def member_frame(self, message):
        await self.send_json(message["frame"])

    async def member_removed(self, message):
        await self.send_error(_("You are no longer a member of this workspace."), code="removed")
        await self.close(code=CLOSE_FORBIDDEN)
