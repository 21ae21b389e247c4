"""Export: seconds to export a large charter to each format: 4 sections of 20,000 characters each
(Latin, Cyrillic, Dari) and 50 adopted priority areas, on SQLite and on PostgreSQL. Prints a
table (or --json); asserts nothing.

    .venv/bin/python bench/export.py [--config both|sqlite|scaled] [--json] [--profile]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import add_config_argument, chosen, database_name, report, run_inner  # noqa: E402

PARAGRAPHS = [
    "The think tank connects civil society across the region and turns shared research into action. ",
    "Мы объединяем гражданское общество региона и превращаем общие исследования в действия. ",
    "ما جامعه مدنی منطقه را به هم وصل می‌کنیم و پژوهش مشترک را به عمل تبدیل می‌کنیم. ",
]


def section_text(chars: int) -> str:
    text, n = [], 0
    while sum(map(len, text)) < chars:
        text.append(f"## Part {n}\n\n" + PARAGRAPHS[n % 3] * 4 + "\n\n- one point\n- another point\n\n")
        n += 1
    return "".join(text)[:chars]


def inner(profile: bool) -> dict:
    """Runs in a child process whose DATABASE_URL names a fresh, empty database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from charter.compose import compose
    from charter.exports import Charter
    from drafts import actions as drafts
    from drafts.documents import new_doc, replace_text
    from workspace import actions
    from workspace.models import Board, CardStatus, Membership, Workspace

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "card": (1000, 60)}  # one author posts all 50 areas here
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    workspace = Workspace.objects.get(slug="gs-think-tank")
    author = Membership.objects.get(user__username="kg", workspace=workspace)
    facilitator = Membership.objects.get(user__username="facilitator", workspace=workspace)
    for board in Board.objects.filter(workspace=workspace):
        doc, text = new_doc()
        drafts.store_draft_update(board_id=board.pk, by=author, update=replace_text(doc, text, section_text(20_000)))
    priorities = Board.objects.get(workspace=workspace, kind="priorities")
    for n in range(50):
        card = actions.create_card(board=priorities, by=author, body=f"Priority area {n}: {PARAGRAPHS[n % 3]}")
        actions.update_card(card=card, by=facilitator, status=CardStatus.ADOPTED)

    started = time.perf_counter()
    content = compose(workspace)
    result = {
        "characters": sum(len(s["markdown"]) for s in content["sections"]),
        "areas": len(content["sections"][3].get("adopted", [])),
        "compose_s": round(time.perf_counter() - started, 2),
    }
    charter = Charter(content, number=1, published_at=timezone.now(), sha="0" * 64)
    for fmt in ("md", "html", "docx", "pdf"):
        started = time.perf_counter()
        data = charter.render(fmt)
        result[f"{fmt}_s"] = round(time.perf_counter() - started, 2)
        result[f"{fmt}_kib"] = round(len(data) / 1024)
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(charter.render, "pdf")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(18)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="profile the PDF export (to stderr)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    add_config_argument(parser)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.profile)))
        return

    rows = []
    for config in chosen(args.config):
        answer, stderr = run_inner(__file__, config, ["--profile"] if args.profile else [])
        if args.profile:
            print(stderr, file=sys.stderr)
        rows.append({"database": database_name(config), **answer})
    report(
        rows,
        [
            ("database", "database"),
            ("characters", "characters"),
            ("areas", "areas"),
            ("compose s", "compose_s"),
            ("md s", "md_s"),
            ("html s", "html_s"),
            ("docx s", "docx_s"),
            ("pdf s", "pdf_s"),
            ("pdf KiB", "pdf_kib"),
        ],  # fmt: skip
        args.json,
    )


if __name__ == "__main__":
    main()
