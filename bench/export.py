"""Export: seconds to export a large charter to each format: 4 sections of 20,000 characters each
(Latin, Cyrillic, Dari) and 50 adopted priority areas, on SQLite and on PostgreSQL. Then, against
running servers, a version with a 200,000-character section: the first (cold) and the second
(stored) download of its PDF, and 8 parallel downloads by one member of a version not rendered yet
(answers, seconds, the servers' peak memory, another member's requests meanwhile), cold and stored.
Prints tables (or --json); asserts nothing.

    .venv/bin/python bench/export.py [--config both|sqlite|scaled] [--part both|render|served] [--json] [--profile]
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    add_config_argument,
    chosen,
    database_name,
    make_members,
    process_usage,
    report,
    run_inner,
    servers_for,
)

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

    from boards import actions as board_actions
    from boards.models import Board, CardStatus
    from charter.compose import compose
    from charter.exports import Charter
    from drafts import actions as drafts
    from drafts.documents import new_doc, replace_text
    from workspace.models import Membership, Workspace

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
        card = board_actions.create_card(board=priorities, by=author, body=f"Priority area {n}: {PARAGRAPHS[n % 3]}")
        board_actions.update_card(card=card, by=facilitator, status=CardStatus.ADOPTED)

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


# A 200,000-character concept section (the most a draft holds), published twice: version 1 for the
# cold and stored downloads, version 2 for the parallel burst.
BIG_VERSIONS = """
import json
from bench.export import section_text
from charter import actions as charter
from drafts import actions as drafts
from drafts.documents import new_doc, replace_text
from workspace.models import Membership, Workspace
from boards.models import Board
workspace = Workspace.objects.get(slug="gs-think-tank")
author = Membership.objects.get(user__username="kg", workspace=workspace)
steward = Membership.objects.filter(workspace=workspace, role="steward").first()
board = Board.objects.get(workspace=workspace, kind="concept")
doc, text = new_doc()
drafts.store_draft_update(board_id=board.pk, by=author, update=replace_text(doc, text, section_text(200_000)))
print(json.dumps([charter.publish_version(membership=steward).number for _ in range(2)]))
"""


def fetch(server, path: str, token: str) -> tuple[int, int, float]:
    """(status, bytes, seconds) of one GET."""
    url, headers = f"{server.base_url}{path}", {"Authorization": f"Token {token}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own server, http)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, len(error.read())
    return status, size, time.perf_counter() - started


def burst(servers, path: str, token: str, other_token: str, count: int = 8) -> dict:
    """``count`` parallel GETs of ``path`` by one member (spread over the servers), while another
    member lists the versions and the servers' memory is sampled."""
    pids = [server.process.pid for server in servers]
    baseline = sum(process_usage(pid)[1] for pid in pids)
    peak, done, others = [baseline], threading.Event(), []

    def sample():
        while not done.is_set():
            peak.append(sum(process_usage(pid)[1] for pid in pids))
            time.sleep(0.05)

    def other_member():
        while not done.is_set():
            others.append(fetch(servers[0], "/api/workspaces/gs-think-tank/charter/versions/", other_token)[2])
            time.sleep(0.1)

    answers = [None] * count

    def one(n):
        answers[n] = fetch(servers[n % len(servers)], path, token)

    watchers = [threading.Thread(target=sample), threading.Thread(target=other_member)]
    for thread in watchers:
        thread.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    done.set()
    for thread in watchers:
        thread.join()
    statuses = sorted(answer[0] for answer in answers)
    return {
        "answers": " ".join(f"{statuses.count(code)}x{code}" for code in sorted(set(statuses))),
        "wall_s": round(wall, 2),
        "slowest_200_s": round(max((a[2] for a in answers if a[0] == 200), default=0), 2),
        "rss_base_mib": round(baseline / 2**20),
        "rss_peak_mib": round(max(peak) / 2**20),
        "other_p50_ms": round(statistics.median(others) * 1000, 1) if others else None,
    }


def served(config: str) -> list[dict]:
    with servers_for(config) as servers:
        first, second = json.loads(servers[0].manage("shell", "-c", BIG_VERSIONS).splitlines()[-1])
        token, other = make_members(servers[0], 2, username="exporter", display="Exporter", countries=["KG"])
        url = "/api/workspaces/gs-think-tank/charter/versions/{}/export.pdf"
        cold = fetch(servers[0], url.format(first), token)
        stored = fetch(servers[-1], url.format(first), token)
        row = {"database": database_name(config), "processes": len(servers), "pdf_kib": round(cold[1] / 1024)}
        row.update(cold_s=round(cold[2], 2), stored_ms=round(stored[2] * 1000, 1))
        parallel_cold = burst(servers, url.format(second), token, other)
        while fetch(servers[0], url.format(second), token)[0] != 200:  # the burst's render may still run
            time.sleep(1)
        parallel_stored = burst(servers, url.format(second), token, other)
        return [
            {**row, "burst": "8 parallel, cold", **parallel_cold},
            {**row, "burst": "8 parallel, stored", **parallel_stored},
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="profile the PDF export (to stderr)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--part",
        choices=["render", "served", "both"],
        default="both",
        help="render: each format in one process; served: cold, stored and parallel downloads from servers",
    )
    add_config_argument(parser)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.profile)))
        return
    if args.part in ("render", "both"):
        render_table(args)
    if args.part in ("served", "both"):
        rows = [row for config in chosen(args.config) for row in served(config)]
        report(
            rows,
            [
                ("database", "database"),
                ("processes", "processes"),
                ("pdf KiB", "pdf_kib"),
                ("cold s", "cold_s"),
                ("stored ms", "stored_ms"),
                ("burst", "burst"),
                ("answers", "answers"),
                ("wall s", "wall_s"),
                ("slowest 200 s", "slowest_200_s"),
                ("RSS before MiB", "rss_base_mib"),
                ("RSS peak MiB", "rss_peak_mib"),
                ("other member p50 ms", "other_p50_ms"),
            ],  # fmt: skip
            args.json,
        )


def render_table(args):
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
