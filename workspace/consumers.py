"""The board's WebSocket: ``/ws/boards/<id>/``.

Members only (session or ``?token=``); anyone else is closed with code 4403. The socket relays the
board's stored events as they are published (no query per event) and presence, which is not
stored. Every stored event carries the board's ``seq``.

Client frames:
- ``{"type": "resume", "after": n}``: send every event after ``n`` in order, then live ones; each
  event reaches a connection once. Too far behind: ``{"type": "resync_required", ...}``.
- ``{"type": "ping"}``: keeps the member present; answered with ``pong``.
- ``{"type": "presence"}``: the whole list of who is here again.
- Frames the apps above register (``board_frame``), e.g. voting's ``dot``: answered with the
  handler's frame, or an ``error``, carrying the client's ``ref``.

A malformed frame gets ``{"type": "error", "message": ...}`` and the socket stays open. If live
frames arrive with a gap (a lagging consumer on Redis may have dropped some), the socket fills it
from the database before relaying.
"""

import json
import logging
import time
from collections import Counter
from collections.abc import Callable

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from workspace import actions
from workspace.access import access_board
from workspace.actions.presence import presence_snapshot
from workspace.errors import WorkspaceError
from workspace.events import board_group, member_group
from workspace.middleware import language_for_socket
from workspace.selectors import board_seq, events_after
from workspace.ws_auth import credential_groups, credentials_hold

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_TRY_AGAIN = 4500  # a server-side failure: reconnect (a y-websocket client resyncs what it has)
CLOSE_TOO_MANY = 4429
CLOSE_SIGNED_OUT = 4401  # the session signed out, the token was revoked or the password changed
FRAME_MAX_CHARS = 4096

# Open sockets per member, and each member's frame allowance, in this server process.
_open_sockets: Counter = Counter()
_frame_buckets: dict[tuple[str, int], tuple[float, float]] = {}


# Frames that apps above this one answer on the board socket (voting's dots): type -> handler.
_board_frames: dict[str, Callable[..., dict]] = {}
REF_MAX_CHARS = 64


def board_frame(kind: str):
    """Register ``handler(*, user, board_id, content) -> dict`` to answer client frames of type
    ``kind`` on the board socket. It runs in the database thread and checks its own permissions,
    as an API view does (the socket only knows who is connected); a ``WorkspaceError`` it raises is
    sent back as an ``error`` frame. The answer and the error both carry the client's ``ref``."""

    def register(handler):
        _board_frames[kind] = handler
        return handler

    return register


def take_frame_token(member_id: int, kind: str = "socket_frame") -> float:
    """Spend one of the member's frame tokens of ``kind`` (a key of RATE_LIMITS); 0 if allowed,
    else seconds until the next one."""
    limit, window = settings.RATE_LIMITS[kind]
    rate = limit / window
    now = time.monotonic()
    key = (kind, member_id)
    tokens, stamp = _frame_buckets.get(key, (float(limit), now))
    tokens = min(float(limit), tokens + (now - stamp) * rate)
    if tokens < 1:
        _frame_buckets[key] = (tokens, now)
        return (1 - tokens) / rate
    _frame_buckets[key] = (tokens - 1, now)
    return 0.0


def _ref_of(text_data) -> dict:
    """``{"ref": ...}`` of a small JSON frame that carries a usable one, else nothing."""
    if not text_data or len(text_data) > FRAME_MAX_CHARS or '"ref"' not in text_data:
        return {}
    try:
        ref = json.loads(text_data).get("ref")
    except (ValueError, AttributeError):
        return {}
    usable = isinstance(ref, str | int) and not isinstance(ref, bool) and len(str(ref)) <= REF_MAX_CHARS
    return {"ref": ref} if usable else {}


class SpeaksTheMembersLanguage:
    """Messages a socket sends (errors, refusals) are in the language the member's pages are in.

    Frames go straight to their handler, except the socket's opening and closing: Channels'
    dispatch first closes stale database connections, in the one database thread, so every frame
    of every socket would wait there behind any query under way (a draft's store, a snapshot):
    keystrokes could not queue while a batch is stored, nor an event reach a hundred sockets while
    a query runs. The handlers reach the database only through ``database_sync_to_async``, which
    closes stale connections itself.
    """

    language = None
    # Frames only relayed from the channel layer say nothing of their own: no language needed (the
    # hot path of a fan-out to hundreds of sockets).
    RELAYED = frozenset({"board.event", "board.ephemeral", "member.frame"})
    OPEN_AND_CLOSE = frozenset({"websocket.connect", "websocket.disconnect"})

    async def dispatch(self, message):
        if message["type"] in self.RELAYED:
            return await self.handle(message)
        if self.language is None:
            self.language = await database_sync_to_async(language_for_socket)(self.scope)
        with translation.override(self.language):
            if message["type"] in self.OPEN_AND_CLOSE:
                await super().dispatch(message)
            else:
                await self.handle(message)

    async def handle(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class MemberSocket:
    """What every member's JSON socket does alike: a cap on one member's sockets in this process
    (each kind of socket counts its own, in ``open_sockets``), a frame allowance per member, and
    frames that must be small JSON objects."""

    open_sockets: Counter
    membership = None

    async def refuse(self, code: int) -> None:
        self.membership = None  # not counted, so release() has nothing to undo
        await self.accept()
        await self.close(code=code)

    async def admit(self) -> bool:
        """Count this socket for ``self.membership``; past the cap, say why and close (False)."""
        if self.open_sockets[self.membership.pk] >= settings.MAX_SOCKETS_PER_MEMBER:
            self.membership = None
            await self.accept()
            await self.send_error(
                _("You have too many connections open (%(max)d). Close some tabs.")
                % {"max": settings.MAX_SOCKETS_PER_MEMBER},
                code="too_many_connections",
            )
            await self.close(code=CLOSE_TOO_MANY)
            return False
        self.open_sockets[self.membership.pk] += 1
        self.credential_groups = credential_groups(self.scope)
        for group in self.credential_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        if not await credentials_hold(self.scope):  # ended while this socket was on its way in
            await self.release()
            self.membership = None
            await self.close(code=CLOSE_SIGNED_OUT)
            return False
        return True

    async def release(self) -> None:
        self.open_sockets[self.membership.pk] -= 1
        if self.open_sockets[self.membership.pk] <= 0:
            del self.open_sockets[self.membership.pk]
        for group in self.credential_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def credentials_ended(self, message):
        """Signed out, token revoked or password changed: this socket ends (the page reloads)."""
        await self.close(code=CLOSE_SIGNED_OUT)

    async def read_frame(self, text_data):
        """The frame as a dict, or None after telling the client what was wrong with it."""
        wait = take_frame_token(self.membership.pk)
        if wait:
            await self.send_error(
                _("Too many messages; slow down."),
                code="rate_limited",
                retry_after=max(1, round(wait)),
                **_ref_of(text_data),  # a frame waiting for its answer (a dot) hears it is refused
            )
            return None
        if text_data is None:
            await self.send_error(_("Send JSON text frames."))
            return None
        if len(text_data) > FRAME_MAX_CHARS:
            await self.send_error(_("That message is too long."))
            return None
        try:
            return json.loads(text_data)
        except ValueError:
            await self.send_error(_("That message is not valid JSON."))
            return None

    async def send_error(self, message, *, code: str = "invalid", **extra):
        await self.send_json({"type": "error", "code": code, "message": str(message), **extra})


class BoardConsumer(SpeaksTheMembersLanguage, MemberSocket, AsyncJsonWebsocketConsumer):
    open_sockets = _open_sockets

    async def connect(self):
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        try:
            self.board, self.membership = await database_sync_to_async(access_board)(
                self.scope.get("user"), self.board_id
            )
        except WorkspaceError:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        if not await self.admit():
            return
        self.sent: set[int] = set()
        self.synced_to: int | None = None
        await self.channel_layer.group_add(board_group(self.board_id), self.channel_name)
        await self.channel_layer.group_add(member_group(self.membership.pk), self.channel_name)
        await self.accept()
        presence = await database_sync_to_async(self.join)()
        await self.send_json(
            {
                "type": "welcome",
                "seq": self.board.event_seq,
                "presence": presence["members"],
                "presence_version": presence["version"],
            }
        )

    def join(self) -> dict:
        # One trip to the database thread for the whole join: a burst of connects queues on it.
        actions.join_board(board=self.board, membership=self.membership, channel_name=self.channel_name)
        return presence_snapshot(self.board_id)

    async def disconnect(self, code):
        if self.membership is None:
            return
        await self.release()
        await self.channel_layer.group_discard(board_group(self.board_id), self.channel_name)
        await self.channel_layer.group_discard(member_group(self.membership.pk), self.channel_name)
        await database_sync_to_async(actions.leave_board)(board_id=self.board_id, channel_name=self.channel_name)
        self.membership = None

    # Client frames --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.membership is None:
            return
        content = await self.read_frame(text_data)
        if content is not None:
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
        elif kind == "presence":  # a client that missed a presence delta asks for the whole list
            snapshot = await database_sync_to_async(presence_snapshot)(self.board_id)
            await self.send_json({"type": "presence", **snapshot})
        elif kind in _board_frames:
            await self.answer(_board_frames[kind], content)
        else:
            await self.send_error(
                _("Unknown message type; expected one of: %(types)s.")
                % {"types": ", ".join(["resume", "ping", "presence", *sorted(_board_frames)])}
            )

    async def answer(self, handler, content: dict) -> None:
        """A registered frame: the handler's answer, or its refusal, with the client's ``ref``."""
        ref = content.get("ref")
        if ref is not None and (
            not isinstance(ref, str | int) or isinstance(ref, bool) or len(str(ref)) > REF_MAX_CHARS
        ):
            await self.send_error(_('"ref" must be a short string or number.'))
            return
        try:
            reply = await database_sync_to_async(handler)(
                user=self.scope.get("user"), board_id=int(self.board_id), content=content
            )
        except WorkspaceError as error:
            extra = {"retry_after": error.retry_after} if error.retry_after else {}
            await self.send_error(error.message, code=error.code, ref=ref, status=error.http_status, **extra)
            return
        await self.send_json({**reply, "ref": ref})

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
        seq = message["seq"]
        if self.synced_to is not None and seq > self.synced_to + 1:
            await self.resume(self.synced_to)  # fills the gap, this frame included
            return
        if seq not in self.sent:
            self.sent.add(seq)
            await self.send(text_data=message["text"])
        self.synced_to = max(self.synced_to or 0, seq)

    async def board_ephemeral(self, message):
        await self.send_json(message["frame"])

    async def member_frame(self, message):
        await self.send_json(message["frame"])

    async def member_removed(self, message):
        await self.send_error(_("You are no longer a member of this workspace."), code="removed")
        await self.close(code=CLOSE_FORBIDDEN)
