"""How long ``render_markdown`` takes on text of every shape, at 20,000 and 200,000 characters.

Pathological shapes (brackets, emphasis runs, deep lists and quotes, raw HTML, wide tables) next to
ordinary prose in three scripts. Targets: < 100 ms at 20,000 characters, < 1 s at 200,000.

    .venv/bin/python bench/markdown_shapes.py [--json]
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from workspace.markdown import render_markdown  # noqa: E402

SHAPES = {
    "prose (en, ru, fa)": "We, civil society. Мы — гражданское общество. ما جامعه مدنی هستیم.\n\n",
    "open brackets [": "[",
    "close brackets ]": "]",
    "link openers [a](": "[a](",
    "images ![": "![",
    "emphasis *a": "*a",
    "strong runs **": "**",
    "underscores _": "_",
    "mixed *_[`<": "*_[`<",
    "backticks `": "`",
    "angle brackets <": "<",
    "raw html <div>": "<div>",
    "autolinks <http://a": "<http://a",
    "entities &amp;": "&amp;",
    "nested quotes >": ">",
    "quote + list > - ": "> - ",
    "nested lists": None,
    "ordered markers 1. ": "1. ",
    "table rows": None,
    "bare urls": "https://docs.example.org/d/1AbC/edit?usp=sharing ",
}


def text_of(shape: str, unit: str | None, size: int) -> str:
    if shape == "nested lists":
        lines, length, depth = [], 0, 0
        while length < size:
            lines.append("  " * depth + "- x\n")
            length += len(lines[-1])
            depth += 1
        return "".join(lines)[:size]
    if shape == "table rows":
        return ("|a|b|\n|-|-|\n" + "|x|y|\n" * size)[:size]
    return (unit * (size // len(unit) + 1))[:size]


def measure(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        render_markdown(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = []
    for shape, unit in SHAPES.items():
        rows.append({"shape": shape, **{f"{size}": measure(text_of(shape, unit, size)) for size in (20_000, 200_000)}})
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'shape':24} {'20,000 chars':>14} {'200,000 chars':>14}")
    for row in rows:
        print(f"{row['shape']:24} {row['20000'] * 1000:11.1f} ms {row['200000'] * 1000:11.1f} ms")
    worst = max(rows, key=lambda row: row["200000"])
    print(f"worst at 200,000: {worst['shape']} {worst['200000'] * 1000:.0f} ms (target < 1000 ms)")
    print(f"worst at 20,000: {max(row['20000'] for row in rows) * 1000:.0f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
