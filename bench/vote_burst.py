"""Vote burst: V voters each place their 5 dots as fast as they can, all at once, spread over the
processes. Dots per second, p50/p99 request latency, and a final check that the dots stored equal
the dots acknowledged (none lost, none twice, nobody over budget). Prints a table (or --json).

    .venv/bin/python bench/vote_burst.py --clients 110 [--config both|sqlite|scaled]

--clients is the number of voters (110 and 500 in docs/performance.md).
"""

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import add_config_argument, chosen, report, servers_for, summary_ms  # noqa: E402

DOTS = 5
CARDS = 10

MAKE_VOTERS = """
import json
from django.contrib.auth import get_user_model
from workspace import actions
from workspace.models import Workspace
workspace = Workspace.objects.get(slug="gs-think-tank")
tokens = []
for n in range({count}):
    user = get_user_model().objects.create(username=f"voter{{n}}")  # token only: no password to hash
    actions.add_member(workspace=workspace, user=user, role="participant", display_name=f"Voter {{n}}", country="KG")
    tokens.append(actions.create_api_token(user=user, name="bench")[1])
print(json.dumps(tokens))
"""

STORED = """
import json
from django.db.models import Count
from voting.models import Dot
per_voter = Dot.objects.filter(round_id={round_id}).values("voter").annotate(n=Count("id"))
print(json.dumps({{"stored": Dot.objects.filter(round_id={round_id}).count(),
                  "most_by_one_voter": max((row["n"] for row in per_voter), default=0)}}))
"""


def burst(servers, voters: int) -> dict:
    first = servers[0]
    tokens = json.loads(first.manage("shell", "-c", MAKE_VOTERS.format(count=voters)).splitlines()[-1])
    facilitator = first.token("facilitator")
    _status, boards = first.request("GET", "/api/workspaces/gs-think-tank/boards/", token=facilitator)
    board = next(b["id"] for b in boards if b["kind"] == "priorities")
    cards = [
        first.request("POST", f"/api/boards/{board}/cards/", {"body": f"Area {n}"}, token=facilitator)[1]["id"]
        for n in range(CARDS)
    ]
    setup = {"question": "Which first?", "dots_per_voter": DOTS, "max_per_card": 3, "facilitators_vote": False}
    _status, round_ = first.request("POST", f"/api/boards/{board}/rounds/", setup, token=facilitator)
    first.request("POST", f"/api/rounds/{round_['id']}/open/", token=facilitator)
    path = f"/api/rounds/{round_['id']}/dots/"

    def vote(index: int):
        server, token = servers[index % len(servers)], tokens[index]
        results = []
        for n in range(DOTS):
            started = time.monotonic()
            status, _body = server.request("POST", path, {"card": cards[(index + n) % CARDS]}, token=token)
            results.append((status, time.monotonic() - started))
        return results

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(voters, 200)) as pool:
        answers = [item for voter in pool.map(vote, range(voters)) for item in voter]
    wall = time.monotonic() - started
    acknowledged = sum(1 for status, _ in answers if status == 201)
    statuses = Counter(status for status, _ in answers)
    check = json.loads(first.manage("shell", "-c", STORED.format(round_id=round_["id"])).splitlines()[-1])
    return {
        "voters": voters,
        "requests": len(answers),
        "acknowledged": acknowledged,
        "refused": len(answers) - acknowledged,
        "statuses": " ".join(f"{code}x{n}" for code, n in sorted(statuses.items())),
        "stored": check["stored"],
        "most_by_one_voter": check["most_by_one_voter"],
        "all_kept": check["stored"] == acknowledged and check["most_by_one_voter"] <= DOTS,
        "seconds": round(wall, 2),
        "dots_per_s": round(acknowledged / wall, 1),
        **summary_ms([seconds for _status, seconds in answers]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=110, help="voters")
    add_config_argument(parser)
    args = parser.parse_args()
    rows = []
    for config in chosen(args.config):
        with servers_for(config, DATABASE_POOL_SIZE="20") as servers:
            rows.append({"config": config, "processes": len(servers), **burst(servers, args.clients)})
    report(
        rows,
        [
            ("config", "config"),
            ("procs", "processes"),
            ("voters", "voters"),
            ("acked", "acknowledged"),
            ("stored", "stored"),
            ("max/voter", "most_by_one_voter"),
            ("ok", "all_kept"),
            ("seconds", "seconds"),
            ("dots/s", "dots_per_s"),
            ("p50 ms", "p50_ms"),
            ("p99 ms", "p99_ms"),
            ("max ms", "max_ms"),
        ],  # fmt: skip
        args.json,
    )


if __name__ == "__main__":
    main()
