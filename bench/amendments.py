"""What amendments cost on a draft the size a room writes: finding passages again (the ASCII twin
of the document that pycrdt's sticky indices need on multi-byte text), and the bytes of one
amendment event each person on the board receives.

A draft of N characters in Cyrillic, Dari and English typed by 110 editors in small edits (many
items from many clients, as a real room makes), with 30 open amendments on it. Targets: the check
that runs every few seconds while people type (twin + every open passage) under 100 ms at
20,000 characters; one amendment event under 2 KB. Then the word diff an amendment stores, on the
wordings that were slowest with difflib ("a a a ..." against "a b a b ...": 8-12 s at 1,000
characters, ~34 s at 2,000): target under 0.5 s for the longest wording allowed (2,000 characters).

    .venv/bin/python bench/amendments.py [--chars 20000 200000] [--json]
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from pycrdt import Doc, Text  # noqa: E402

from bench.common import report  # noqa: E402
from drafts import passages  # noqa: E402

PIECES = ["Мы строим центр. ", "ما با هم می‌نویسیم. ", "We publish research. ", "Кыргызстан, ", "🙂 "]


def room_draft(chars: int, editors: int = 110, seed: int = 1) -> tuple[Doc, Text]:
    """A draft typed piece by piece by ``editors`` replicas, merged as the server merges them."""
    chance = random.Random(seed)
    server = Doc()
    text = server.get("draft", type=Text)
    replicas = [Doc(client_id=n + 1) for n in range(editors)]
    for replica in replicas:
        replica.get("draft", type=Text)
    while len(str(text)) < chars:
        replica = chance.choice(replicas)
        replica.apply_update(server.get_update(replica.get_state()))
        shared = replica.get("draft", type=Text)
        value = str(shared)
        at = chance.randint(0, len(value))
        shared.insert(len(value[:at].encode()), chance.choice(PIECES))
        server.apply_update(replica.get_update(server.get_state()))
    return server, text


def measure(chars: int) -> dict:
    doc, text = room_draft(chars)
    value = str(text)
    chance = random.Random(2)
    started = time.perf_counter()
    positions = passages.Positions(doc, text)
    twin_ms = (time.perf_counter() - started) * 1000
    anchors = []
    for _ in range(30):
        start = chance.randint(0, len(value) - 40)
        anchors.append(positions.anchor(start, start + chance.randint(1, 40)))
    started = time.perf_counter()
    check = passages.Positions(doc, text)
    found = [check.words(start, end) for start, end in anchors]
    check_ms = (time.perf_counter() - started) * 1000
    original = found[0] or "x"
    frame = {
        "type": "amendment.created",
        "seq": 1234,
        "amendment": {
            "id": 1, "number": 1, "board": 1, "change": "replace", "original": original,
            "proposed": original + " и ещё", "reason": "Because the room asked for it. " * 3,
            "diff": passages.word_diff(original, original + " и ещё"),
            "state": "open", "outdated": False, "current": None,
            "anchor": {"start": passages.anchor_json(anchors[0][0]), "end": passages.anchor_json(anchors[0][1])},
            "supported_by": list(range(1000, 1012)), "decided_by": None, "decided_at": None, "decision_reason": "",
            "applied_anyway": False, "created_at": "2026-11-30T08:00:00+00:00", "updated_at": None,
            "card": {"id": 1, "board": 1, "kind": "amendment",
                     "author": {"id": 7, "display_name": "Participant (Kyrgyzstan)", "country": "KG"},
                     "body": original, "body_html": f"<p>{original}</p>", "status": "proposed", "group_label": "",
                     "position": 3, "created_at": "2026-11-30T08:00:00+00:00", "edited_at": None},
        },
    }  # fmt: skip
    return {
        "chars": len(value),
        "update_kb": round(len(doc.get_update()) / 1024, 1),
        "twin_ms": round(twin_ms, 1),
        "check_30_ms": round(check_ms, 1),
        "frame_bytes": len(json.dumps(frame, ensure_ascii=False).encode()),
    }


def diff_figures() -> list[dict]:
    """How long the stored word diff takes on the worst wordings we know, at the size limit."""
    chance = random.Random(2)
    cases = {
        "a a a / a b a b, 1,000 chars": (" ".join(["a"] * 500), " ".join(["a b"] * 250)),
        "a a a / a b a b, 2,000 chars": (" ".join(["a"] * 1000)[:2000], " ".join(["a b"] * 500)[:2000]),
        "random a/b words, 2,000 chars": tuple(" ".join(chance.choice("ab") for _ in range(1000)) for _ in "xy"),
        "Dari and Russian, 2,000 chars": (("ما با هم می‌نویسیم. Мы строим центр. " * 60)[:2000],
                                          ("Мы строим центр. ما با هم می‌نویسیم. " * 60)[:2000]),
    }  # fmt: skip
    rows = []
    for name, (before, after) in cases.items():
        started = time.perf_counter()
        ops = passages.word_diff(before, after)
        rows.append({"case": name, "ms": round((time.perf_counter() - started) * 1000, 1), "ops": len(ops)})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [measure(chars) for chars in args.chars]
    report(
        rows,
        [
            ("draft chars", "chars"),
            ("update KB", "update_kb"),
            ("twin ms", "twin_ms"),
            ("check of 30 ms", "check_30_ms"),
            ("event bytes", "frame_bytes"),
        ],
        args.json,
    )
    report(diff_figures(), [("word diff", "case"), ("ms", "ms"), ("parts", "ops")], args.json)


if __name__ == "__main__":
    main()
