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

import asyncio
import contextvars
import logging
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.sockets import CLOSE_FORBIDDEN, REF_MAX_CHARS, MemberSocket, SpeaksTheMembersLanguage
from boards import actions as board_actions
from boards.access import access_board
from boards.actions.presence import presence_snapshot
from boards.events import board_group
from boards.selectors import board_seq, events_after
from workspace.errors import WorkspaceError
from workspace.events import member_group
from workspace.hops import database_hop

logger = logging.getLogger(__name__)


# Open sockets per member, and each member's frame allowance, in this server process.
_open_sockets: Counter = Counter()


# Frames that apps above this one answer on the board socket (voting's dots): type -> handler.
_board_frames: dict[str, Callable[[list["BoardFrame"]], list]] = {}


@dataclass(frozen=True)
class BoardFrame:
    """A client frame a registered handler answers: who sent it, on which board, in which language."""

    user: object
    board_id: int
    content: dict
    sender: str  # the socket's channel name
    language: str | None


def board_frame(kind: str):
    """Register ``handler(frames: list[BoardFrame]) -> list[dict | WorkspaceError]`` to answer
    client frames of type ``kind`` on the board socket, one answer per frame, in order.

    The handler runs in the database thread and checks its own permissions, as an API view does
    (the socket only knows who is connected); a ``WorkspaceError`` in its answers is sent back as
    an ``error`` frame. The answer and the error both carry the client's ``ref``. Frames of a type
    that arrive while the last ones are being answered wait, and are handed over together (at
    most ``FRAME_BATCH_MAX``): a room clicking at once costs one transaction per batch, not one
    per frame. ``sender`` is the socket's channel name: a frame published to the member with it
    (``publish_to_member(..., sender=...)``) skips this socket, which has the answer instead."""

    def register(handler):
        _board_frames[kind] = handler
        return handler

    return register


FRAME_BATCH_MAX = 100


class _Waiting:
    """The frames of one type waiting for the database thread in one event loop, and the task that
    hands them over: started by the first frame, done when none is left."""

    def __init__(self, handler):
        self.handler = handler
        self.frames: list[tuple[BoardFrame, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def answer(self, frame: BoardFrame):
        future = asyncio.get_running_loop().create_future()
        self.frames.append((frame, future))
        if self.task is None:
            # In a context of its own, not the first sender's: nothing of one member's (their
            # language) reaches the frames of others handed over in the same batch.
            self.task = asyncio.get_running_loop().create_task(self._hand_over(), context=contextvars.Context())
        return await future

    async def _hand_over(self) -> None:
        try:
            while self.frames:
                batch, self.frames = self.frames[:FRAME_BATCH_MAX], self.frames[FRAME_BATCH_MAX:]
                try:
                    answers = await database_hop(self.handler)([frame for frame, _future in batch])
                except Exception:
                    # A failure of the batch (the database went away, a deadlock) is not one
                    # sender's: each hears that nothing was done, and every socket stays open.
                    logger.exception("board frames of %d sockets failed", len(batch))
                    answers = [_failed(frame) for frame, _future in batch]
                for (_frame, future), answer in zip(batch, answers, strict=True):
                    if not future.done():  # else its socket went away
                        future.set_result(answer)
        finally:
            self.task = None


def _failed(frame: BoardFrame) -> WorkspaceError:
    with translation.override(frame.language):
        return WorkspaceError(
            _("Nothing was done: the server could not do it just now. Try again."),
            kind=WorkspaceError.CONFLICT,
            code="try_again",
        )


_waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> type -> _Waiting


def _waiting_for(kind: str) -> _Waiting:
    per_kind = _waiting.setdefault(asyncio.get_running_loop(), {})
    if kind not in per_kind:
        per_kind[kind] = _Waiting(_board_frames[kind])
    return per_kind[kind]


class BoardConsumer(SpeaksTheMembersLanguage, MemberSocket, AsyncJsonWebsocketConsumer):
    open_sockets = _open_sockets

    async def connect(self):
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        try:
            self.board, self.membership = await database_hop(access_board)(
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
        presence = await database_hop(self.join)()
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
        board_actions.join_board(board=self.board, membership=self.membership, channel_name=self.channel_name)
        return presence_snapshot(self.board_id)

    async def disconnect(self, code):
        if self.membership is None:
            return
        await self.release()
        await self.channel_layer.group_discard(board_group(self.board_id), self.channel_name)
        await self.channel_layer.group_discard(member_group(self.membership.pk), self.channel_name)
        await database_hop(board_actions.leave_board)(board_id=self.board_id, channel_name=self.channel_name)
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
            await database_hop(board_actions.touch_presence)(channel_name=self.channel_name)
            await self.send_json({"type": "pong"})
        elif kind == "presence":  # a client that missed a presence delta asks for the whole list
            snapshot = await database_hop(presence_snapshot)(self.board_id)
            await self.send_json({"type": "presence", **snapshot})
        elif kind in _board_frames:
            await self.answer(kind, content)
        else:
            await self.send_error(
                _("Unknown message type; expected one of: %(types)s.")
                % {"types": ", ".join(["resume", "ping", "presence", *sorted(_board_frames)])}
            )

    async def answer(self, kind: str, content: dict) -> None:
        """A registered frame: the handler's answer, or its refusal, with the client's ``ref``."""
        ref = content.get("ref")
        if ref is not None and (
            not isinstance(ref, str | int) or isinstance(ref, bool) or len(str(ref)) > REF_MAX_CHARS
        ):
            await self.send_error(_('"ref" must be a short string or number.'))
            return
        echo = {"ref": ref} if ref is not None else {}  # the answer names the frame it answers
        frame = BoardFrame(
            user=self.scope.get("user"),
            board_id=int(self.board_id),
            content=content,
            sender=self.channel_name,
            language=translation.get_language(),
        )
        reply = await _waiting_for(kind).answer(frame)
        if isinstance(reply, WorkspaceError):
            extra = {"retry_after": reply.retry_after} if reply.retry_after else {}
            await self.send_error(reply.message, code=reply.code, status=reply.http_status, **echo, **extra)
            return
        await self.send_json({**reply, **echo})

    # Delivery -------------------------------------------------------------------------------

    async def resume(self, after: int) -> None:
        frames = await database_hop(events_after)(self.board_id, after, limit=settings.MAX_RESUME_EVENTS)
        if frames is None:
            seq = await database_hop(board_seq)(self.board_id)
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
        if message.get("sender") != self.channel_name:  # the socket that asked has its answer
            await self.send_json(message["frame"])

    async def member_removed(self, message):
        await self.send_error(_("You are no longer a member of this workspace."), code="removed")
        await self.close(code=CLOSE_FORBIDDEN)
