"""Board load: time and SQL query count to render the board page and the board's snapshot API with
200 cards and 1,000 comments (and, for comparison, with 2 cards and 5 comments), on SQLite and on
PostgreSQL. Rendered in-process with Django's test client (no network), 20 times each; prints
the median and worst time. Prints a table (or --json); asserts nothing.

    .venv/bin/python bench/board_load.py [--cards 200] [--comments 1000] [--config both|sqlite|scaled]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import add_config_argument, chosen, database_name, report, run_inner  # noqa: E402

REPEAT = 20


def inner(cards: int, comments: int) -> list[dict]:
    """Runs in a child process whose DATABASE_URL names a fresh, empty database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from boards import actions as board_actions
    from boards.models import Board
    from workspace.models import Membership

    settings.RATE_LIMITS = {key: (10**9, 1) for key in settings.RATE_LIMITS}  # a fill, not a person
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    authors = list(Membership.objects.filter(workspace__slug="gs-think-tank"))
    client = Client()
    client.force_login(authors[0].user)
    rows = []
    for kind, (n_cards, n_comments) in (("concept", (2, 5)), ("priorities", (cards, comments))):
        board = Board.objects.get(workspace__slug="gs-think-tank", kind=kind)
        made = [
            board_actions.create_card(
                board=board, by=authors[n % len(authors)], body=f"Idea {n}: **open data** for all"
            )
            for n in range(n_cards)
        ]
        for n in range(n_comments):
            board_actions.add_comment(card=made[n % len(made)], by=authors[(n + 1) % len(authors)], body=f"Comment {n}")
        for what, url in (
            ("board page", f"/w/gs-think-tank/boards/{board.pk}/"),
            ("snapshot API", f"/api/boards/{board.pk}/state/"),
        ):
            client.get(url)  # warm
            times = []
            for _ in range(REPEAT):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
            rows.append(
                {
                    "what": what,
                    "cards": n_cards,
                    "comments": n_comments,
                    "queries": len(queries),
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "max_ms": round(max(times) * 1000, 1),
                    "kib": round(len(response.content) / 1024, 1),
                }
            )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    add_config_argument(parser)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.cards, args.comments)))
        return

    rows = []
    for config in chosen(args.config):
        answer, _stderr = run_inner(__file__, config, ["--cards", str(args.cards), "--comments", str(args.comments)])
        rows += [{"database": database_name(config), **row} for row in answer]
    report(
        rows,
        [
            ("database", "database"),
            ("what", "what"),
            ("cards", "cards"),
            ("comments", "comments"),
            ("queries", "queries"),
            ("median ms", "median_ms"),
            ("max ms", "max_ms"),
            ("KiB", "kib"),
        ],  # fmt: skip
        args.json,
    )


if __name__ == "__main__":
    main()
