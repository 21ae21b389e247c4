"""The draft socket: ``/ws/drafts/<board_id>``, the y-websocket protocol over a board's draft."""

import asyncio
import json
import logging
import time
from collections import Counter

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from accounts.sockets import (
    CLOSE_FORBIDDEN,
    CLOSE_TOO_MANY,
    CLOSE_TRY_AGAIN,
    MemberSocket,
    SpeaksTheMembersLanguage,
    take_frame_token,
)
from boards.access import access_board
from boards.events import relay_to_draft
from drafts import actions
from drafts.documents import DRAFT_MAX_BYTES, DRAFT_MAX_CHARS, EMPTY_UPDATE
from drafts.protocol import (
    MESSAGE_AWARENESS,
    MESSAGE_QUERY_AWARENESS,
    MESSAGE_SYNC,
    MalformedMessage,
    YSyncMessageType,
    awareness_message,
    create_sync_message,
    decode_awareness,
    describe_member,
    parse_message,
    permission_denied_message,
    read_sync_step1,
    sync_step2,
)
from drafts.rooms import Room, join_room, leave_room, store_queued
from workspace.errors import WorkspaceError
from workspace.events import member_group
from workspace.hops import database_hop

logger = logging.getLogger(__name__)

# Open draft sockets per member in this server process (counted apart from board sockets).
_open_draft_sockets: Counter = Counter()
REVISION_CHECK_SECONDS = 60
AMENDMENT_CHECK_SECONDS = 5
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
            _board, self.membership = await database_hop(access_board)(self.scope.get("user"), self.board_id)
        except WorkspaceError:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        if not await self.admit():
            return
        self.awareness_clients: dict[int, int] = {}
        self.user_state = describe_member(self.membership)
        await self.channel_layer.group_add(member_group(self.membership.pk), self.channel_name)
        self.room = await join_room(self.board_id, self)
        await self.accept()
        await self.send(bytes_data=create_sync_message(self.room.doc))
        if self.room.awareness:
            await self.send(bytes_data=awareness_message(list(self.room.awareness.values())))

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
        if await leave_room(self.board_id, room, self):
            # Everyone here left: merge the log now (the database keeps everything either way).
            await database_hop(actions.compact_draft)(board_id=self.board_id)

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
        if room.stored_since_compaction >= actions.COMPACT_AFTER_UPDATES:
            room.stored_since_compaction = 0
            await database_hop(actions.compact_draft)(board_id=self.board_id)
        if time.monotonic() - room.last_amendment_check >= AMENDMENT_CHECK_SECONDS:
            # Open amendments whose passage someone just typed over are marked outdated while it
            # happens, not only when a facilitator tries to accept one.
            room.last_amendment_check = time.monotonic()
            # The room's document, copied here (it is only touched on this loop), not the database's.
            draft = room.doc.get_update()
            await database_hop(actions.check_amendments)(board_id=self.board_id, draft=draft)
        if time.monotonic() - room.last_revision_check >= REVISION_CHECK_SECONDS:
            room.last_revision_check = time.monotonic()
            await database_hop(actions.save_revision_if_due)(board_id=self.board_id)

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
