"""Board drafts: one Yjs document per board whose shared ``Text`` named "draft" holds markdown.

This module knows the document and the y-websocket protocol; it reads the database but never
writes it (writes are ``workspace.actions.drafts``). The truth is the database: a compacted
snapshot plus the updates stored after it. Every server process keeps its own in-memory copy for
the boards being edited there (``workspace.consumers.DraftConsumer``).

Offsets: pycrdt's ``Text`` counts UTF-8 bytes where Python strings count code points and Yjs in the
browser counts UTF-16 units. Every server-side edit converts (``byte_offset``).
"""

import asyncio
import json

from pycrdt import (  # noqa: F401  (re-exported: the protocol's other messages)
    Decoder,
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    write_var_uint,
)

from workspace.models import DraftSnapshot, DraftUpdate

TEXT_NAME = "draft"
DRAFT_MAX_CHARS = 200_000
# The whole document, every root type and its history included, encoded as a Yjs update.
DRAFT_MAX_BYTES = 4 * 1024 * 1024
MESSAGE_SYNC = YMessageType.SYNC  # 0
MESSAGE_AWARENESS = YMessageType.AWARENESS  # 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3
EMPTY_UPDATE = b"\x00\x00"


def new_doc(*updates: bytes) -> tuple[Doc, Text]:
    doc = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    for update in updates:
        if update and update != EMPTY_UPDATE:
            doc.apply_update(update)
    return doc, text


def stored_updates(board_id: int) -> tuple[list[bytes], list[int]]:
    """The board's draft as stored: the snapshot (if any) and every update not merged into it yet.

    A compaction may commit between the two reads (merging rows into the snapshot and deleting
    them); the snapshot's version is read again afterwards and, if it moved, everything is read
    again. (Rows are not filtered by id: on PostgreSQL ids can commit out of order.)
    """
    for _attempt in range(10):
        snapshot = DraftSnapshot.objects.filter(board_id=board_id).values_list("version", "state").first()
        rows = list(DraftUpdate.objects.filter(board_id=board_id).order_by("id").values_list("id", "data"))
        version = DraftSnapshot.objects.filter(board_id=board_id).values_list("version", flat=True).first()
        if version == (snapshot[0] if snapshot else None):
            parts = ([bytes(snapshot[1])] if snapshot else []) + [bytes(data) for _id, data in rows]
            return parts, [row_id for row_id, _data in rows]
    raise RuntimeError(f"the draft of board {board_id} kept changing while it was read")


def draft_markdown(board_id: int) -> str:
    """The draft's text as stored now."""
    parts, _ids = stored_updates(board_id)
    _doc, text = new_doc(*parts)
    return str(text)


def byte_offset(text: str, index: int) -> int:
    """pycrdt's index (UTF-8 bytes) for the ``index``-th code point of ``text``."""
    return len(text[:index].encode("utf-8"))


def replace_text(doc: Doc, text: Text, new: str) -> bytes:
    """Change the document's text to ``new`` by one minimal edit; return that edit as an update.

    The edit goes on top of the history (a restore is a new change, not a rewrite).
    """
    old = str(text)
    if old == new:
        return b""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    before = doc.get_state()
    with doc.transaction():
        first, last = byte_offset(old, start), byte_offset(old, end_old)
        if last > first:
            del text[first:last]
        if end_new > start:
            text.insert(first, new[start:end_new])
    return doc.get_update(before)


# The y-websocket protocol ---------------------------------------------------------------------


def _var_string(value: str) -> bytes:
    data = value.encode("utf-8")
    return write_var_uint(len(data)) + data


def _var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def permission_denied_message(reason: str) -> bytes:
    """y-protocols' auth message: the client is told its update was refused, and why."""
    return write_var_uint(MESSAGE_AUTH) + write_var_uint(0) + _var_string(reason)


def sync_step2(update: bytes) -> bytes:
    """The answer to a client's sync step 1: what it lacks (pycrdt makes steps 1 and updates)."""
    return bytes([MESSAGE_SYNC, YSyncMessageType.SYNC_STEP2]) + _var_bytes(update)


class MalformedMessage(ValueError):
    pass


def read_sync_step1(doc: Doc, state_vector: bytes) -> bytes:
    """What ``doc`` has that a client with ``state_vector`` (its sync step 1) lacks."""
    try:
        return doc.get_update(state_vector)
    except BaseException as error:
        raise _malformed(error) from None


# Cursor colours, chosen by the server (a client's own colour reached other browsers as CSS).
PALETTE = [
    ("#1f6f8b", "#1f6f8b33"), ("#a23b72", "#a23b7233"), ("#2e7d32", "#2e7d3233"), ("#b45309", "#b4530933"),
    ("#5b4bb7", "#5b4bb733"), ("#b91c1c", "#b91c1c33"), ("#0f766e", "#0f766e33"), ("#6b7280", "#6b728033"),
]  # fmt: skip


def describe_member(membership) -> dict:
    """The awareness ``user`` of a member's editor: name and country as on cards, a fixed colour."""
    code = membership.country.code or ""
    color, light = PALETTE[membership.pk % len(PALETTE)]
    return {
        "name": membership.display_name + (f" ({code})" if code else ""),
        "country": code or None,
        "color": color,
        "colorLight": light,
    }


def _malformed(error: BaseException) -> MalformedMessage:
    # pycrdt (Rust) reports some bad input as a panic, which is a BaseException: catch it too,
    # but never swallow an interrupt or a cancellation.
    if isinstance(error, KeyboardInterrupt | SystemExit | asyncio.CancelledError | MalformedMessage):
        raise error
    return MalformedMessage(str(error))


def parse_message(message: bytes) -> tuple[int, int | None, bytes]:
    """(message type, sync type or None, payload) of one y-websocket message."""
    try:
        decoder = Decoder(message)
        kind = decoder.read_var_uint()
        if kind == MESSAGE_SYNC:
            sync_type = decoder.read_var_uint()
            if sync_type not in (
                YSyncMessageType.SYNC_STEP1,
                YSyncMessageType.SYNC_STEP2,
                YSyncMessageType.SYNC_UPDATE,
            ):
                raise MalformedMessage("unknown sync message")
            return kind, sync_type, decoder.read_message()
        if kind == MESSAGE_AWARENESS:
            return kind, None, decoder.read_message()
        if kind in (MESSAGE_AUTH, MESSAGE_QUERY_AWARENESS):
            return kind, None, b""
    except BaseException as error:
        raise _malformed(error) from None
    raise MalformedMessage("unknown message type")


def decode_awareness(payload: bytes) -> list[tuple[int, int, dict | None]]:
    """The (client id, clock, state) entries of an awareness update; state None means gone."""
    try:
        decoder = Decoder(payload)
        entries = []
        for _ in range(decoder.read_var_uint()):
            client_id, clock = decoder.read_var_uint(), decoder.read_var_uint()
            state = json.loads(decoder.read_var_string())
            entries.append((client_id, clock, state if isinstance(state, dict) else None))
        return entries
    except BaseException as error:
        raise _malformed(error) from None


def awareness_message(entries: list[tuple[int, int, dict | None]]) -> bytes:
    body = write_var_uint(len(entries))
    for client_id, clock, state in entries:
        body += write_var_uint(client_id) + write_var_uint(clock) + _var_string(json.dumps(state))
    return write_var_uint(MESSAGE_AWARENESS) + _var_bytes(body)


# The in-memory copies kept by this process ----------------------------------------------------


class Room:
    """This process's copy of one board's draft, shared by its editors connected here."""

    def __init__(self, parts: list[bytes]):
        self.doc, self.text = new_doc(*parts)
        # A second copy on which every update from a client is tried first (``refusal``): what a
        # Yjs update does (which root types it touches, what it adds) shows only once applied to
        # the document it was made for. Rebuilt from ``doc`` after a refusal.
        self.trial, self.trial_text = new_doc(self.doc.get_update())
        # An upper bound of the encoded document's size, exact after a check: most updates need no
        # look at the whole document.
        self.size_bound = len(self.doc.get_update())
        self.clients = 0
        self.awareness: dict[int, tuple[int, int, dict | None]] = {}  # client id -> entry
        self.stored_since_compaction = 0
        self.last_revision_check = 0.0
        self.applied: dict[str, None] = {}  # ids of the last relayed updates applied here (ordered)
        self.queue: list = []  # updates waiting to be stored together (workspace.consumers)
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
            raise _malformed(error) from None
        if set(self.trial.keys()) - {TEXT_NAME}:
            self.forget_trial()
            return "root"
        text = str(self.trial_text)
        if len(self.trial_text) != len(text.encode("utf-8")):
            self.forget_trial()  # something other than text (an array, a map, an embed) in the draft
            return "type"
        if len(text) > DRAFT_MAX_CHARS:
            self.forget_trial()
            return "length"
        if self.size_bound + len(update) > DRAFT_MAX_BYTES:
            self.size_bound = len(self.trial.get_update())
            if self.size_bound > DRAFT_MAX_BYTES:
                self.forget_trial()
                return "size"
        return None

    def forget_trial(self) -> None:
        self.trial, self.trial_text = new_doc(self.doc.get_update())
        self.size_bound = len(self.doc.get_update())
