"""Passages of a draft: finding the words an amendment is about, anchoring them so they follow the
text while people type (pycrdt sticky indices, which are Yjs relative positions), reading what
they say now, and comparing two wordings word by word (``drafts.documents.replace_span`` replaces them).

Offsets here count code points of the draft's text, as Python strings do. pycrdt's ``Text``
indexes count UTF-8 bytes, but its sticky indices (like Yjs in the browser) count UTF-16 units;
both are converted at the edge. (A sticky index "after" the very end of the text makes pycrdt
panic: the end of a passage at the end of the text sticks to the last character instead.)
"""

import re

from pycrdt import Assoc, Doc, StickyIndex, Text

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def utf16_offset(value: str, index: int) -> int:
    """The UTF-16 offset (a sticky index's unit) of the ``index``-th code point of ``value``."""
    return len(value[:index].encode("utf-16-le")) // 2


def char_offset(value: str, utf16_index: int) -> int:
    """The code-point offset in ``value`` of a UTF-16 offset."""
    return len(value.encode("utf-16-le")[: 2 * utf16_index].decode("utf-16-le", errors="ignore"))


def locate(current: str, original: str, hint: int | None) -> int | None:
    """Where ``original`` is in ``current``: at ``hint`` if it is there, else its occurrence nearest
    to ``hint`` (the text may have moved while the proposer read it); None if it is nowhere.
    An insertion point (no words) is ``hint`` itself, within the text."""
    if not original:
        return None if hint is None else max(0, min(hint, len(current)))
    if hint is not None and current[hint : hint + len(original)] == original:
        return hint
    found, at = [], current.find(original)
    while at != -1:
        found.append(at)
        at = current.find(original, at + 1)
    if not found:
        return None
    return min(found, key=lambda index: abs(index - (hint or 0)))


class Positions:
    """Anchors into one state of a draft: made, and found again, in code points of its text.

    pycrdt's sticky indices mix units on multi-byte text: the items before an anchor count in UTF-8
    bytes, the offset inside its own item in UTF-16 units (after a Cyrillic word was typed before a
    passage, its anchor pointed seven characters too far). They are made and read here on a twin
    of the document with the same items (clients, clocks, order) whose text is ASCII, where the
    units agree; the twin's offsets are the draft's UTF-16 offsets.
    """

    def __init__(self, doc: Doc, text: Text):
        self.value = str(text)
        twin = Doc()
        self.twin = twin.get("draft", type=Text)
        twin.apply_update(ascii_twin(doc.get_update()))

    def anchor(self, start: int, end: int) -> tuple[bytes, bytes]:
        """Encoded anchors of the passage ``[start, end)``: the start sticks to its first character
        and the end to its last, so typing just outside stays outside and typing inside is inside.
        An insertion point sticks to the character after it (at the very end of the text, to the
        one before: an anchor after the end makes pycrdt panic)."""
        length = utf16_offset(self.value, len(self.value))
        first, last = utf16_offset(self.value, start), utf16_offset(self.value, end)
        if first < length or not self.value:
            start_index = self.twin.sticky_index(first, Assoc.AFTER)
        else:
            start_index = self.twin.sticky_index(first, Assoc.BEFORE)
        if last <= first:
            return start_index.encode(), start_index.encode()
        return start_index.encode(), self.twin.sticky_index(last, Assoc.BEFORE).encode()

    def span(self, start: bytes, end: bytes) -> tuple[int, int]:
        """Where the anchored passage is now, in code points (never reversed)."""
        first = char_offset(self.value, StickyIndex.decode(bytes(start), self.twin).get_index())
        last = char_offset(self.value, StickyIndex.decode(bytes(end), self.twin).get_index())
        return first, max(first, last)

    def words(self, start: bytes, end: bytes) -> str:
        """What the anchored passage says now."""
        first, last = self.span(start, end)
        return self.value[first:last]


# The twin: the same Yjs update with every string replaced by as many "x" as it has UTF-16 units.


def _write_uint(value: int) -> bytes:
    out = bytearray()
    while value > 127:
        out.append(128 | (value & 127))
        value >>= 7
    out.append(value)
    return bytes(out)


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def uint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.byte()
            value |= (byte & 127) << shift
            shift += 7
            if byte < 128:
                return value

    def chunk(self) -> bytes:
        length = self.uint()
        self.at += length
        if self.at > len(self.data):
            raise ValueError("truncated update")
        return self.data[self.at - length : self.at]

    def skip_any(self) -> None:
        """Step over one lib0 ``any`` value."""
        kind = self.byte()
        if kind == 125:  # a var int: same continuation bits as a var uint
            self.uint()
        elif kind in (124, 123, 122):
            self.at += {124: 4, 123: 8, 122: 8}[kind]
        elif kind in (119, 116):
            self.chunk()
        elif kind == 118:
            for _ in range(self.uint()):
                self.chunk()
                self.skip_any()
        elif kind == 117:
            for _ in range(self.uint()):
                self.skip_any()
        elif kind not in (127, 126, 121, 120):
            raise ValueError(f"unknown any type {kind}")


def _skip_content(reader: _Reader, ref: int) -> None:
    if ref == 1:  # deleted: a length
        reader.uint()
    elif ref == 2:  # JSON: strings
        for _ in range(reader.uint()):
            reader.chunk()
    elif ref in (3, 5):  # binary, embed
        reader.chunk()
    elif ref == 6:  # format: key and value
        reader.chunk()
        reader.chunk()
    elif ref == 7:  # a nested type (an XML element or hook has a name)
        if reader.uint() in (3, 5):
            reader.chunk()
    elif ref == 8:  # any values
        for _ in range(reader.uint()):
            reader.skip_any()
    elif ref == 9:  # a sub-document: guid and options
        reader.chunk()
        reader.skip_any()
    else:
        raise ValueError(f"unknown content {ref}")


def ascii_twin(update: bytes) -> bytes:
    """The update (Yjs v1 encoding) with each string content replaced by ASCII of its UTF-16
    length: the same structs, clocks and delete set, so the same document shape."""
    reader, out = _Reader(update), bytearray()
    clients = reader.uint()
    out += _write_uint(clients)
    for _ in range(clients):
        structs, client, clock = reader.uint(), reader.uint(), reader.uint()
        out += _write_uint(structs) + _write_uint(client) + _write_uint(clock)
        for _ in range(structs):
            info = reader.byte()
            out.append(info)
            ref = info & 31
            if ref in (0, 10):  # GC, skip: a length
                out += _write_uint(reader.uint())
                continue
            start = reader.at
            if info & 0x80:  # origin
                reader.uint(), reader.uint()
            if info & 0x40:  # right origin
                reader.uint(), reader.uint()
            if not info & 0xC0:  # parent: a root's name or an item's id, then the key in a map
                if reader.uint() == 1:
                    reader.chunk()
                else:
                    reader.uint(), reader.uint()
                if info & 0x20:
                    reader.chunk()
            out += update[start : reader.at]
            if ref == 4:
                units = len(reader.chunk().decode("utf-8").encode("utf-16-le")) // 2
                out += _write_uint(units) + b"x" * units
            else:
                start = reader.at
                _skip_content(reader, ref)
                out += update[start : reader.at]
    out += update[reader.at :]  # the delete set
    return bytes(out)


def anchor_json(data: bytes) -> dict:
    """An anchor as the browser's Yjs reads it (``Y.createRelativePositionFromJSON``)."""
    doc = Doc()
    return StickyIndex.decode(bytes(data), doc.get("draft", type=Text)).to_json()


# However unlike two wordings are, their comparison stops refining after this long and settles for
# a coarser one (whole runs of words removed and added), still correct.
DIFF_SECONDS = 0.2


def _token_runs(old: list[str], new: list[str]) -> list[tuple[str, list[str], list[str]]]:
    """(``"equal"`` or ``"change"``, old tokens, new tokens) runs, from diff-match-patch over the
    tokens (each one character): Myers' O(ND) algorithm with a deadline, where difflib's
    SequenceMatcher took 8-12 s on 1,000 characters of "a a a ..." against "a b a b ..."."""
    from diff_match_patch import diff_match_patch

    codes: dict[str, str] = {}
    tokens: list[str] = []

    def encode(words: list[str]) -> str:
        out = []
        for word in words:
            if word not in codes:
                number = len(tokens) + 1
                codes[word] = chr(number + 0x800 if number >= 0xD800 else number)  # no surrogates
                tokens.append(word)
            out.append(codes[word])
        return "".join(out)

    a, b = encode(old), encode(new)
    decode = {code: word for word, code in codes.items()}
    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_SECONDS
    runs: list[tuple[str, list[str], list[str]]] = []
    for op, chunk in differ.diff_main(a, b, False):
        words = [decode[code] for code in chunk]
        if op == 0:
            runs.append(("equal", words, words))
        elif runs and runs[-1][0] == "change":
            runs[-1][1 if op < 0 else 2].extend(words)
        else:
            runs.append(("change", words if op < 0 else [], words if op > 0 else []))
    return runs


def word_diff(before: str, after: str) -> list[list[str]]:
    """``[[op, text], ...]`` with op "same", "removed" or "added", word by word (spaces and
    punctuation are words of their own), in bounded time whatever the words (``DIFF_SECONDS``).
    Spaces alone between two changes join them, so "every year" -> "twice a year" reads as one
    change, not a word-by-word interleaving. Computed once, when an amendment is stored."""
    runs = _token_runs(_TOKEN.findall(before), _TOKEN.findall(after))
    chunks: list[tuple[list[str], list[str] | None]] = []  # (removed, added); unchanged are (same, None)
    for index, (tag, removed, added) in enumerate(runs):
        between_changes = 0 < index < len(runs) - 1 and not "".join(removed).strip()
        if tag == "equal" and not between_changes:
            chunks.append((removed, None))
        else:
            chunks.append((removed, added))
    ops: list[list[str]] = []

    def add(op: str, tokens: list[str]) -> None:
        if not tokens:
            return
        if ops and ops[-1][0] == op:
            ops[-1][1] += "".join(tokens)
        else:
            ops.append([op, "".join(tokens)])

    pending_removed, pending_added = [], []
    for removed, added in chunks:
        if added is None:  # unchanged words: first the change before them, whole
            add("removed", pending_removed)
            add("added", pending_added)
            pending_removed, pending_added = [], []
            add("same", removed)
        else:
            pending_removed += removed
            pending_added += added
    add("removed", pending_removed)
    add("added", pending_added)
    return ops
