"""Board drafts: one Yjs document per board whose shared ``Text`` named "draft" holds markdown.

This module knows the document; it reads the database but never writes it (writes are
``drafts.actions``). The truth is the database: a compacted snapshot plus the updates stored after
it. Every server process keeps its own in-memory copy for the boards being edited there
(``drafts.rooms``); ``drafts.protocol`` speaks y-websocket to the browsers.

Offsets: pycrdt's ``Text`` counts UTF-8 bytes where Python strings count code points and Yjs in the
browser counts UTF-16 units. Every server-side edit converts (``byte_offset``).
"""

from pycrdt import Doc, Text

from drafts.models import DraftSnapshot, DraftUpdate

TEXT_NAME = "draft"
DRAFT_MAX_CHARS = 200_000
# The whole document, every root type and its history included, encoded as a Yjs update.
DRAFT_MAX_BYTES = 4 * 1024 * 1024
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
    return replace_span(doc, text, start, end_old, new[start:end_new])


def replace_span(doc: Doc, text: Text, start: int, end: int, new: str) -> bytes:
    """Replace ``[start, end)`` (code points) by ``new`` as one edit on top of the history; return
    the edit as an update."""
    value = str(text)
    before = doc.get_state()
    with doc.transaction():
        first, last = byte_offset(value, start), byte_offset(value, end)
        if last > first:
            del text[first:last]
        if new:
            text.insert(first, new)
    return doc.get_update(before)
