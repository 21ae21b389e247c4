"""What every text we store goes through first: no control characters (they break exports, logs
and terminals, and can hide text), no bidi overrides or invisible characters where a name is shown.
"""

import re
import unicodedata

# C0 and C1 controls but tab and newline; carriage returns become newlines.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Bidi embeddings, overrides and isolates, zero-width and other invisible format characters.
_INVISIBLE = re.compile(
    r"[\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]"
    # The zero-width (non-)joiner belongs in Dari and Persian words (می‌خواهم), nowhere else.
    r"|(?<![\u0600-\u06ff])[\u200c\u200d]|[\u200c\u200d](?![\u0600-\u06ff])"
)


def clean_text(text: str) -> str:
    """``text`` without control characters (line breaks kept, as ``\\n``)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str | None) -> str:
    """One line of text as it is stored (a title, a question, a notice, a reason): no control
    characters, single spaces."""
    return " ".join(clean_text(text or "").split())


def clean_name(text: str) -> str:
    """A display name as it may be shown: NFKC-normalised, one line, no controls, no bidi or
    zero-width characters, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", clean_text(text))
    return " ".join(text.split())


def xml_safe(text: str) -> str:
    """``text`` with what XML 1.0 cannot hold removed (an old stored text may still have it)."""
    return _CONTROLS.sub("", text)


def skeleton(name: str) -> str:
    """What a name looks like, for telling look-alikes apart (after Unicode TR39's skeleton): each
    character replaced by the Latin one it can be mistaken for (Cyrillic "е" and Latin "e", the
    digit 0 and the letter O), case and spaces ignored."""
    from confusable_homoglyphs.confusables import confusables_data

    out = []
    for char in unicodedata.normalize("NFKD", clean_name(name)):
        if unicodedata.combining(char) or char.isspace():
            continue
        glyphs = None if char.isascii() else confusables_data.get(char)
        if glyphs:
            char = next((g["c"] for g in glyphs if g["c"].isascii() and g["c"].isalnum()), char)
        out.append(char)
    return "".join(out).casefold().replace("0", "o").replace("1", "l")


def mixes_scripts(name: str) -> bool:
    """Does a word of ``name`` mix look-alike letters of several scripts (Latin "D" in "Дemo")?"""
    from confusable_homoglyphs import confusables

    return any(confusables.is_dangerous(word) for word in clean_name(name).split())


def spreadsheet_safe(text) -> str:
    """A CSV cell that a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
