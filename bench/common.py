"""What the benchmarks share: the two configurations, percentiles, and a plain table."""

import json
import os
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import REDIS_URL, postgres_database, redis_prefix, served_many, sqlite_database  # noqa: E402

# The founders' countries (as settings.COUNTRIES_FIRST): benchmark members are spread over them.
COUNTRIES = ["AF", "KZ", "KG", "MN", "TJ", "TM", "UZ"]

CONFIGS = {
    "sqlite": "SQLite + in-memory layer, 1 process",
    "scaled": "PostgreSQL + Redis, 2 processes",
}


def add_config_argument(parser):
    parser.add_argument(
        "--config",
        choices=["sqlite", "scaled", "both"],
        default="both",
        help="sqlite: one process on SQLite; scaled: two on PostgreSQL + Redis; both (default): one after the other",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def chosen(config: str) -> list[str]:
    return ["sqlite", "scaled"] if config == "both" else [config]


@contextmanager
def servers_for(config: str, **env):
    """The servers of one configuration, on a fresh database seeded with the demo workspace."""
    if config == "scaled":
        with (
            postgres_database() as database,
            redis_prefix() as prefix,
            served_many(database, 2, REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix, **env) as servers,
        ):
            yield servers
    else:
        with sqlite_database(Path(tempfile.mkdtemp())) as database, served_many(database, 1, **env) as servers:
            yield servers


MAKE_MEMBERS = """
import json
from django.contrib.auth import get_user_model
from accounts import actions as account_actions
from workspace import actions
from workspace.models import Workspace
workspace = Workspace.objects.get(slug="gs-think-tank")
countries = {countries!r}
tokens = []
for n in range({count}):
    user = get_user_model().objects.create(username=f"{username}{{n}}")  # token only: no password to hash
    actions.add_member(
        workspace=workspace, user=user, role="participant", display_name=f"{display} {{n}}",
        country=countries[n % len(countries)],
    )
    tokens.append(account_actions.create_api_token(user=user, name="bench")[1])
print(json.dumps(tokens))
"""


def make_members(server, count: int, *, username: str, display: str, countries: list[str]) -> list[str]:
    """``count`` *different* participants of the demo workspace in the benchmark's own database,
    each with an API token (returned): every client of a benchmark is a person of its own."""
    script = MAKE_MEMBERS.format(count=count, username=username, display=display, countries=countries)
    return json.loads(server.manage("shell", "-c", script).splitlines()[-1])


def process_usage(pid: int) -> tuple[float, int]:
    """(CPU seconds so far, resident memory in bytes) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def summary_ms(seconds: list[float]) -> dict:
    ms = [value * 1000 for value in seconds]
    if not ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
    }


def print_table(rows: list[dict], columns: list[tuple[str, str]]):
    """columns: (heading, key) pairs."""
    widths = [max(len(heading), *(len(str(row.get(key, ""))) for row in rows)) for heading, key in columns]
    print("  ".join(heading.rjust(width) for (heading, _key), width in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row.get(key, "")).rjust(width) for (_h, key), width in zip(columns, widths, strict=True)))


def run_inner(script: str, config: str, arguments: list[str]) -> tuple[object, str]:
    """Run ``script --inner arguments`` in a child process whose DATABASE_URL names a fresh database
    of ``config`` (settings are read once per process); return its JSON answer (the last line it
    printed) and what it wrote to stderr."""
    import json
    import os
    import subprocess

    context = postgres_database() if config == "scaled" else sqlite_database(Path(tempfile.mkdtemp()))
    with context as database:
        env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "bench", "DEBUG": "0"}
        env.pop("REDIS_URL", None)
        done = subprocess.run(  # noqa: S603
            [sys.executable, script, "--inner", *arguments],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def database_name(config: str) -> str:
    return "PostgreSQL" if config == "scaled" else "SQLite"


def report(rows: list[dict], columns: list[tuple[str, str]], as_json: bool) -> None:
    """Print the rows as JSON (--json) or as a table of ``columns``."""
    if as_json:
        import json

        print(json.dumps(rows, indent=2))
    else:
        print_table(rows, columns)
