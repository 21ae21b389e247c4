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
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from pycrdt import merge_updates

from workspace import actions
from workspace.access import access_board
from workspace.actions import drafts as drafts_actions
from workspace.actions.presence import presence_snapshot
from workspace.drafts import (
    DRAFT_MAX_BYTES,
    DRAFT_MAX_CHARS,
    EMPTY_UPDATE,
    MESSAGE_AWARENESS,
    MESSAGE_QUERY_AWARENESS,
    MESSAGE_SYNC,
    MalformedMessage,
    Room,
    YSyncMessageType,
    awareness_message,
    create_sync_message,
    create_update_message,
    decode_awareness,
    describe_member,
    parse_message,
    permission_denied_message,
    read_sync_step1,
    stored_updates,
    sync_step2,
)
from workspace.errors import WorkspaceError
from workspace.events import board_group, draft_group, member_group, relay_to_draft
from workspace.middleware import language_for_socket
from workspace.selectors import board_seq, events_after
from workspace.ws_auth import credential_groups

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_TRY_AGAIN = 4500  # a server-side failure: reconnect (a y-websocket client resyncs what it has)
CLOSE_TOO_MANY = 4429
CLOSE_SIGNED_OUT = 4401  # the session signed out, the token was revoked or the password changed
FRAME_MAX_CHARS = 4096

# Open sockets per member, and each member's frame allowance, in this server process.
_open_sockets: Counter = Counter()
_frame_buckets: dict[tuple[str, int], tuple[float, float]] = {}
_open_draft_sockets: Counter = Counter()


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
    """Messages a socket sends (errors, refusals) are in the language the member's pages are in."""

    language = None
    # Frames only relayed from the channel layer say nothing of their own: no language needed (the
    # hot path of a fan-out to hundreds of sockets).
    RELAYED = frozenset({"board.event", "board.ephemeral", "member.frame"})

    async def dispatch(self, message):
        if message["type"] in self.RELAYED:
            return await super().dispatch(message)
        if self.language is None:
            self.language = await database_sync_to_async(language_for_socket)(self.scope)
        with translation.override(self.language):
            await super().dispatch(message)


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


# Drafts ---------------------------------------------------------------------------------------

_rooms: dict[int, Room] = {}


async def store_queued(board_id: int, room: Room) -> None:
    """Store the room's queued updates in batches until none is left; relay each stored batch."""
    try:
        while room.queue:
            batch, room.queue = room.queue, []
            try:
                results = await database_sync_to_async(drafts_actions.store_draft_updates)(
                    board_id=board_id, updates=[(membership, update) for _c, membership, update, _done in batch]
                )
            except Exception as error:  # the database failed: nothing of this batch was stored
                logger.exception("Storing %d draft updates of board %s failed", len(batch), board_id)
                room.forget_trial()
                for *_queued, done in batch:
                    done.set_exception(error)
                continue
            stored = []
            for (consumer, _membership, update, _done), result in zip(batch, results, strict=True):
                if isinstance(result, int):
                    room.apply(update)
                    stored.append((consumer, update))
                else:
                    room.forget_trial()  # tried, then refused: the trial copy must not keep it
            try:
                if stored:
                    await relay_stored(board_id, room, stored)
            finally:
                for (*_queued, done), result in zip(batch, results, strict=True):
                    done.set_result(None if isinstance(result, int) else result)
    finally:
        room.storing = False


async def relay_stored(board_id: int, room: Room, stored: list[tuple[object, bytes]]) -> None:
    """Send a stored batch on: to this process's editors at once, as one merged update each (Yjs
    updates merge; an editor gets the others' part of the batch, not its own), then once through
    the channel layer to the other processes' rooms (this room's listener skips it)."""
    merged = merge_updates(*(update for _c, update in stored)) if len(stored) > 1 else stored[0][1]
    senders = {consumer for consumer, _update in stored}
    everything = create_update_message(merged)
    for consumer in list(room.consumers):
        if consumer in senders:
            others = [update for sender, update in stored if sender is not consumer]
            if not others:
                continue
            data = create_update_message(merge_updates(*others) if len(others) > 1 else others[0])
        else:
            data = everything
        await send_to_editor(consumer, data)
    await relay_to_draft(
        board_id, {"type": "draft.update", "update": merged, "id": uuid.uuid4().hex, "origin": room.channel}
    )


async def send_to_editor(consumer, data: bytes) -> None:
    try:
        await consumer.send(bytes_data=data)
    except Exception:  # noqa: BLE001 - a socket closing meanwhile; the others go on
        logger.debug("Draft relay to a closing socket failed", exc_info=True)


async def room_listen(board_id: int, room: Room) -> None:
    """The process's one reader of a board's draft group: delivers to this process's editors.

    Stored updates and awareness changes reach each process once through the channel layer (one
    channel per process and board, not one per socket), and are sent from here to the sockets.
    """
    layer = get_channel_layer()
    while True:
        try:
            await deliver_to_room(room, await layer.receive(room.channel))
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - one bad message must not stop the board's relays
            logger.exception("Relaying a draft message of board %s failed", board_id)
            await asyncio.sleep(0.1)


async def deliver_to_room(room: Room, message: dict) -> None:
    """Apply a relayed update (once) or awareness change to the room, and send it to its sockets."""
    if message["type"] == "draft.update":
        if message.get("origin") == room.channel:
            return  # stored here, and already sent to this room's editors (``relay_stored``)
        room.apply(message["update"], message.get("id"))
        data = create_update_message(message["update"])
    elif message["type"] == "draft.awareness":
        _kind, _sync, payload = parse_message(message["message"])
        for client_id, clock, state in decode_awareness(payload):
            if state is None:
                room.awareness.pop(client_id, None)
            else:
                room.awareness[client_id] = (client_id, clock, state)
        data = message["message"]
    else:
        return
    for consumer in list(room.consumers):
        if consumer.channel_name != message.get("sender"):
            await send_to_editor(consumer, data)


_room_locks: dict[int, asyncio.Lock] = {}
REVISION_CHECK_SECONDS = 60
# One y-websocket message: the largest is a client's first sync of a full draft.
DRAFT_FRAME_MAX_BYTES = DRAFT_MAX_BYTES + 64 * 1024
AWARENESS_CLIENTS_MAX = 4
CURSOR_MAX_CHARS = 400


def cursor_of(state: dict) -> dict:
    """The client's ``cursor`` (two Yjs relative positions) if it is one, else nothing."""
    cursor = state.get("cursor")
    if not isinstance(cursor, dict) or set(cursor) != {"anchor", "head"}:
        return {}
    if not all(isinstance(cursor[end], dict) for end in ("anchor", "head")):
        return {}
    if len(json.dumps(cursor)) > CURSOR_MAX_CHARS:
        return {}
    return {"cursor": cursor}


class DraftConsumer(SpeaksTheMembersLanguage, MemberSocket, AsyncWebsocketConsumer):
    """``/ws/drafts/<board_id>``: the y-websocket protocol over the board's draft.

    The server holds the truth. It answers sync step 1 from its own copy, stores every update
    before passing it on (to editors here and, through the channel layer, in other processes), and
    refuses updates (y-protocols' permission-denied message) from members who may not edit now:
    the board is locked or voting. Reading and syncing still work then.

    Limits, as on the board socket (``MemberSocket``): sockets per member, a frame allowance
    (``RATE_LIMITS["draft_frame"]``; past it the socket closes with 4429 and the client's
    reconnection resyncs what it has), a frame size; an update must leave the document within
    DRAFT_MAX_CHARS of text and DRAFT_MAX_BYTES in all, with nothing but the ``draft`` Text at its
    root. Every malformed message is refused and the socket goes on; a failure of ours closes it
    (4500) and ``disconnect()`` still runs, taking the client's cursor away.

    Awareness (cursors and names) is relayed as the server describes it: the ``user`` of each state
    is built from the member (name, country, a colour from a fixed palette); of what the client
    sent, only a well-formed ``cursor`` is kept.
    """

    room: Room | None = None
    open_sockets = _open_draft_sockets

    async def connect(self):
        self.board_id = int(self.scope["url_route"]["kwargs"]["board_id"])
        try:
            _board, self.membership = await database_sync_to_async(access_board)(self.scope.get("user"), self.board_id)
        except WorkspaceError:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        if not await self.admit():
            return
        self.awareness_clients: dict[int, int] = {}
        self.user_state = describe_member(self.membership)
        await self.channel_layer.group_add(member_group(self.membership.pk), self.channel_name)
        self.room = await self.join_room()
        await self.accept()
        await self.send(bytes_data=create_sync_message(self.room.doc))
        if self.room.awareness:
            await self.send(bytes_data=awareness_message(list(self.room.awareness.values())))

    async def join_room(self) -> Room:
        lock = _room_locks.setdefault(self.board_id, asyncio.Lock())
        async with lock:
            room = _rooms.get(self.board_id)
            if room is None:
                # Listen before loading, so no update stored meanwhile can be missed.
                # The default prefix: channels-redis reads all of a process's channels through one
                # shared queue only when they share it (another prefix is never read).
                channel = await self.channel_layer.new_channel()
                await self.channel_layer.group_add(draft_group(self.board_id), channel)
                parts, _ids = await database_sync_to_async(stored_updates)(self.board_id)
                room = _rooms[self.board_id] = Room(parts)
                room.channel = channel
                room.listener = asyncio.ensure_future(room_listen(self.board_id, room))
            room.clients += 1
            room.consumers.add(self)
            return room

    async def disconnect(self, code):
        if self.membership is not None:
            await self.release()
            self.membership_id, self.membership = self.membership.pk, None
            await self.channel_layer.group_discard(member_group(self.membership_id), self.channel_name)
        if self.room is None:
            return
        room, self.room = self.room, None
        if self.awareness_clients:
            gone = [(client_id, clock + 1, None) for client_id, clock in self.awareness_clients.items()]
            for client_id in self.awareness_clients:
                room.awareness.pop(client_id, None)
            await relay_to_draft(
                self.board_id, {"type": "draft.awareness", "message": awareness_message(gone), "sender": None}
            )
        room.clients -= 1
        room.consumers.discard(self)
        if room.clients <= 0 and _rooms.get(self.board_id) is room:
            del _rooms[self.board_id]
            room.listener.cancel()
            await self.channel_layer.group_discard(draft_group(self.board_id), room.channel)
            # Everyone here left: merge the log now (the database keeps everything either way).
            await database_sync_to_async(drafts_actions.compact_draft)(board_id=self.board_id)

    async def deny(self, reason) -> None:
        await self.send(bytes_data=permission_denied_message(str(reason)))

    async def send_error(self, message, *, code: str = "invalid", **extra):
        await self.deny(message)

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return
        try:
            await self.receive_message(text_data, bytes_data)
        except asyncio.CancelledError:
            raise
        except MalformedMessage:
            await self.deny(_("That message could not be read; nothing was changed."))
        except BaseException:  # noqa: BLE001 - ours, not the client's: close cleanly, disconnect() runs
            logger.exception("A draft socket of board %s failed", self.board_id)
            await self.close(code=CLOSE_TRY_AGAIN)

    async def receive_message(self, text_data, bytes_data) -> None:
        if bytes_data is None:
            await self.deny(_("This socket speaks the binary y-websocket protocol."))
            return
        if len(bytes_data) > DRAFT_FRAME_MAX_BYTES:
            await self.deny(_("That message is too large; nothing was changed."))
            return
        if take_frame_token(self.membership.pk, "draft_frame"):
            await self.deny(_("Too many messages; slow down."))
            await self.close(code=CLOSE_TOO_MANY)
            return
        kind, sync_type, payload = parse_message(bytes_data)
        if kind == MESSAGE_SYNC and sync_type == YSyncMessageType.SYNC_STEP1:
            await self.send(bytes_data=sync_step2(read_sync_step1(self.room.doc, payload)))
        elif kind == MESSAGE_SYNC:
            await self.accept_update(payload)
        elif kind == MESSAGE_AWARENESS:
            await self.relay_awareness(payload)
        elif kind == MESSAGE_QUERY_AWARENESS and self.room.awareness:
            await self.send(bytes_data=awareness_message(list(self.room.awareness.values())))

    async def accept_update(self, update: bytes) -> None:
        if not update or update == EMPTY_UPDATE:
            return
        refusal = self.room.refusal(update)
        if refusal is not None:
            await self.deny(
                {
                    "length": _("The draft would be longer than %(max)d characters; this change was not kept.")
                    % {"max": DRAFT_MAX_CHARS},
                    "size": _("The draft would be larger than %(max)d MB; this change was not kept.")
                    % {"max": DRAFT_MAX_BYTES // (1024 * 1024)},
                }.get(refusal, _("A draft holds text only; this change was not kept."))
            )
            return
        # Stored before it is relayed. Updates arriving while a store is under way wait for the
        # next one and are stored together (one transaction), then relayed in the order stored.
        # The socket does not wait for the store: it goes on receiving (other editors' updates
        # keep arriving; a socket that stops reading lets the layer's queue for it overflow).
        room, done = self.room, asyncio.get_running_loop().create_future()
        # The member as they are now: the socket may close before the batch is stored (a dropped
        # connection); what it sent before is still theirs to store, and nobody else's batch fails.
        room.queue.append((self, self.membership, update, done))
        if not room.storing:
            room.storing = True
            asyncio.ensure_future(store_queued(self.board_id, room))
        done.add_done_callback(lambda stored: asyncio.ensure_future(self.after_store(stored)))

    async def after_store(self, stored: asyncio.Future) -> None:
        if stored.exception() is not None:
            # Not stored (the database failed): the client reconnects and its sync sends it again.
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        refusal = stored.result()
        if refusal:
            await self.deny(refusal)
        elif self.room is not None:
            await self.housekeeping()

    async def housekeeping(self) -> None:
        room = self.room
        room.stored_since_compaction += 1
        if room.stored_since_compaction >= drafts_actions.COMPACT_AFTER_UPDATES:
            room.stored_since_compaction = 0
            await database_sync_to_async(drafts_actions.compact_draft)(board_id=self.board_id)
        if time.monotonic() - room.last_revision_check >= REVISION_CHECK_SECONDS:
            room.last_revision_check = time.monotonic()
            await database_sync_to_async(drafts_actions.save_revision_if_due)(board_id=self.board_id)

    async def relay_awareness(self, payload: bytes) -> None:
        entries = []
        for client_id, clock, state in decode_awareness(payload):
            if client_id not in self.awareness_clients and len(self.awareness_clients) >= AWARENESS_CLIENTS_MAX:
                continue  # one socket speaks for one editor (a few, across reloads), not for a crowd
            if state is not None:
                state = {"user": self.user_state, **cursor_of(state)}  # the server says who this is
            self.awareness_clients[client_id] = clock
            entries.append((client_id, clock, state))
        await relay_to_draft(
            self.board_id,
            {"type": "draft.awareness", "message": awareness_message(entries), "sender": self.channel_name},
        )

    # Group messages -------------------------------------------------------------------------

    async def member_frame(self, message):
        pass  # board-page frames (e.g. my dots) are not for the draft socket

    async def member_removed(self, message):
        await self.close(code=CLOSE_FORBIDDEN)
