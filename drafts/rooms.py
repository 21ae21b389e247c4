"""This process's copies of the drafts being edited here, and the relay between processes.

A ``Room`` is one board's draft in memory, shared by the draft sockets of this process on that
board. Updates from its sockets are queued and stored in batches (``store_queued``), then sent to
the room's other sockets and, once through the channel layer, to the rooms of other processes
(``room_listen``), which apply them and pass them on.
"""

import asyncio
import logging
import uuid

from channels.layers import get_channel_layer
from pycrdt import merge_updates

from boards.events import draft_group, relay_to_draft
from drafts import actions
from drafts.documents import DRAFT_MAX_BYTES, DRAFT_MAX_CHARS, EMPTY_UPDATE, TEXT_NAME, new_doc, stored_updates
from drafts.protocol import as_malformed, create_update_message, decode_awareness, parse_message
from workspace.hops import database_hop

logger = logging.getLogger(__name__)


class Room:
    """This process's copy of one board's draft, shared by its editors connected here."""

    def __init__(self, parts: list[bytes]):
        self.doc, self.text = new_doc(*parts)
        # A second copy on which every update from a client is tried first (``refusal``): what a
        # Yjs update does (which root types it touches, what it adds) shows only once applied to
        # the document it was made for. Rebuilt from ``doc`` after a refusal.
        self.new_trial()
        # An upper bound of the encoded document's size, exact after a check: most updates need no
        # look at the whole document.
        self.size_bound = len(self.doc.get_update())
        self.clients = 0
        self.awareness: dict[int, tuple[int, int, dict | None]] = {}  # client id -> entry
        self.stored_since_compaction = 0
        self.last_revision_check = 0.0
        self.last_amendment_check = 0.0
        self.applied: dict[str, None] = {}  # ids of the last relayed updates applied here (ordered)
        self.queue: list = []  # updates waiting to be stored together (``store_queued``)
        self.storing = False
        self.consumers: set = set()  # the draft sockets of this process on this board
        self.channel: str | None = None  # this process's channel in the board's draft group
        self.listener = None  # the task reading that channel

    def apply(self, update: bytes, update_id: str | None = None) -> None:
        """Apply an update once (applying one twice would change nothing: it is a CRDT, but costs)."""
        if update_id is not None:
            if update_id in self.applied:
                return
            self.applied[update_id] = None
            if len(self.applied) > 1000:
                del self.applied[next(iter(self.applied))]
        if update and update != EMPTY_UPDATE:
            self.doc.apply_update(update)
            self.size_bound += len(update)
            self.trial.apply_update(update)  # a no-op where the trial already had it

    def refusal(self, update: bytes) -> str | None:
        """Why ``update`` from a client may not be stored (in words for the log; the consumer says
        it to the client), or None. Tried on the trial copy, which then holds it: the caller
        applies it to ``doc`` once stored (``apply``), or calls ``forget_trial`` if it was not."""
        try:
            self.trial.apply_update(update)
        except BaseException as error:
            self.forget_trial()
            raise as_malformed(error) from None
        if set(self.trial.keys()) - {TEXT_NAME}:
            self.forget_trial()
            return "root"
        if self.trial_odd or len(self.trial_text) != self.trial_bytes:
            self.forget_trial()  # something other than text (an array, a map, an embed) in the draft
            return "type"
        # The text's length in UTF-8 bytes is at hand; its characters (never more) are counted only
        # when the bytes pass the limit: a keystroke does not copy the whole draft.
        if len(self.trial_text) > DRAFT_MAX_CHARS and len(str(self.trial_text)) > DRAFT_MAX_CHARS:
            self.forget_trial()
            return "length"
        if self.size_bound + len(update) > DRAFT_MAX_BYTES:
            self.size_bound = len(self.trial.get_update())
            if self.size_bound > DRAFT_MAX_BYTES:
                self.forget_trial()
                return "size"
        return None

    def new_trial(self) -> None:
        """The trial copy, as ``doc`` is now, watched for anything but text being put in the draft:
        its changes say how many UTF-8 bytes of text it holds, which its length must then be (an
        embed, or an array's items under the draft's name, count in the length but are no text)."""
        self.trial, self.trial_text = new_doc(self.doc.get_update())
        self.trial_odd = False
        self.trial_bytes = len(self.trial_text)
        self.trial_text.observe(self._watch_trial)

    def _watch_trial(self, event) -> None:
        for change in event.delta:
            if "insert" in change:
                if isinstance(change["insert"], str):
                    self.trial_bytes += len(change["insert"].encode("utf-8"))
                else:
                    self.trial_odd = True
            elif "delete" in change:
                self.trial_bytes -= change["delete"]

    def forget_trial(self) -> None:
        self.new_trial()
        self.size_bound = len(self.doc.get_update())


_rooms: dict[int, Room] = {}


async def store_queued(board_id: int, room: Room) -> None:
    """Store the room's queued updates in batches until none is left; relay each stored batch."""
    try:
        while room.queue:
            batch, room.queue = room.queue, []
            try:
                results = await database_hop(actions.store_draft_updates)(
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


async def join_room(board_id: int, consumer) -> Room:
    """The board's room in this process (loaded from the database by its first socket), joined."""
    lock = _room_locks.setdefault(board_id, asyncio.Lock())
    async with lock:
        room = _rooms.get(board_id)
        if room is None:
            # Listen before loading, so no update stored meanwhile can be missed.
            # The default prefix: channels-redis reads all of a process's channels through one
            # shared queue only when they share it (another prefix is never read).
            layer = get_channel_layer()
            channel = await layer.new_channel()
            await layer.group_add(draft_group(board_id), channel)
            parts, _ids = await database_hop(stored_updates)(board_id)
            room = _rooms[board_id] = Room(parts)
            room.channel = channel
            room.listener = asyncio.ensure_future(room_listen(board_id, room))
        room.clients += 1
        room.consumers.add(consumer)
        return room


async def leave_room(board_id: int, room: Room, consumer) -> bool:
    """Leave the room; True if it was the last socket here (the room is gone)."""
    room.clients -= 1
    room.consumers.discard(consumer)
    if room.clients > 0 or _rooms.get(board_id) is not room:
        return False
    del _rooms[board_id]
    room.listener.cancel()
    await get_channel_layer().group_discard(draft_group(board_id), room.channel)
    return True
