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


def clean_name(text: str) -> str:
    """A display name as it may be shown: NFKC-normalised, one line, no controls, no bidi or
    zero-width characters, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", clean_text(text))
    return " ".join(text.split())


def xml_safe(text: str) -> str:
    """``text`` with what XML 1.0 cannot hold removed (an old stored text may still have it)."""
    return _CONTROLS.sub("", text)
