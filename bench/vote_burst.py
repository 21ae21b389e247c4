"""Vote burst: V voters, each a different member watching the board over its own WebSocket (as
in the room), each place their 5 dots as fast as they can, all at once, spread over the processes.
Each voter clicks over their own board socket, as the page does (``--via socket``), or through the
dots API (``--via http``); by default both, each on a fresh database.
Dots per second, p50/p99 latency from click to answer, a final check that the dots stored equal the dots
acknowledged (none lost, none twice, nobody over budget), the count frames and bytes each watcher
received during the burst, how long after the last dot every watcher saw the final count, and the
frames a voter's socket got about their own dots per dot (``dot.done`` and ``round.my_dots``: 1 over
the socket, where the answer is the one frame; 1 over HTTP, beside the HTTP answer).
Prints a table (or --json).

    .venv/bin/python bench/vote_burst.py --clients 110 [--via both|socket|http] [--config both|sqlite|scaled]

--clients is the number of voters (110 and 500 in docs/performance.md).
"""

import argparse
import asyncio
import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import websockets  # noqa: E402

from bench.common import (  # noqa: E402
    add_config_argument,
    chosen,
    make_members,
    process_usage,
    report,
    servers_for,
    summary_ms,
)

DOTS = 5
CARDS = 10

STORED = """
import json
from django.db.models import Count
from voting.models import Dot
per_voter = Dot.objects.filter(round_id={round_id}).values("voter").annotate(n=Count("id"))
print(json.dumps({{"stored": Dot.objects.filter(round_id={round_id}).count(),
                  "most_by_one_voter": max((row["n"] for row in per_voter), default=0)}}))
"""


class Watchers:
    """Every voter's board socket, in a thread of its own: count frames, bytes and the last tally."""

    def __init__(self, servers, tokens, board):
        self.servers, self.tokens, self.board = servers, tokens, board
        self.frames = [0] * len(tokens)
        self.bytes = [0] * len(tokens)
        self.totals = [0] * len(tokens)  # dots in the last count each watcher saw
        self.own = [0] * len(tokens)  # frames about the voter's own dots (dot.done, round.my_dots)
        self.seen_all: list[float | None] = [None] * len(tokens)
        self.expected = None
        self.counting = False
        self.waiting: dict[str, asyncio.Future] = {}  # ref -> the answer to a dot frame
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.main(),), daemon=True)

    async def main(self):
        sockets = await asyncio.gather(*(
            websockets.connect(f"ws://127.0.0.1:{self.servers[n % len(self.servers)].port}/ws/boards/{self.board}/"
                               f"?token={token}", open_timeout=60, max_size=2**22)
            for n, token in enumerate(self.tokens)
        ))  # fmt: skip
        self.stop = asyncio.Event()
        self.sockets = sockets
        tasks = [asyncio.create_task(self.listen(n, ws)) for n, ws in enumerate(sockets)]
        self.ready.set()
        await self.stop.wait()
        for ws in sockets:
            await ws.close()
        for task in tasks:
            task.cancel()

    async def listen(self, n, ws):
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame.get("type") in ("dot.done", "round.my_dots") and self.counting:
                    self.own[n] += 1
                if frame.get("ref") is not None and frame["ref"] in self.waiting:
                    self.waiting.pop(frame["ref"]).set_result(frame)
                    continue
                if frame.get("type") != "round.updated" or not self.counting:
                    continue
                self.frames[n] += 1
                self.bytes[n] += len(text.encode())
                tally = frame["round"].get("tally") or []
                self.totals[n] = sum(row["dots"] for row in tally)
                if self.expected is not None and self.totals[n] >= self.expected and self.seen_all[n] is None:
                    self.seen_all[n] = time.monotonic()
        except websockets.ConnectionClosed:
            pass

    async def click(self, n: int, round_id: int, card: int) -> tuple[int, float]:
        """Voter n places a dot over their board socket: (HTTP-like status, seconds to the answer)."""
        ref = f"{n}-{len(self.waiting)}-{time.monotonic()}"
        answer = self.waiting[ref] = self.loop.create_future()
        started = time.monotonic()
        await self.sockets[n].send(json.dumps({"type": "dot", "ref": ref, "round": round_id, "card": card}))
        frame = await asyncio.wait_for(answer, 60)
        return (201 if frame["type"] == "dot.done" else frame.get("status", 400)), time.monotonic() - started

    def vote_over_sockets(self, round_id: int, cards: list[int]) -> list[tuple[int, float]]:
        """Every voter clicks their dots one after the other, each waiting for the answer; all at once."""

        async def voter(n):
            return [await self.click(n, round_id, cards[(n + k) % len(cards)]) for k in range(DOTS)]

        async def everyone():
            return [item for results in await asyncio.gather(*(voter(n) for n in range(len(self.tokens))))
                    for item in results]  # fmt: skip

        return asyncio.run_coroutine_threadsafe(everyone(), self.loop).result(300)

    def __enter__(self):
        self.thread.start()
        self.ready.wait(120)
        self.counting = True
        return self

    def wait_for(self, expected: int, timeout: float = 30.0) -> None:
        self.expected = expected
        for n, total in enumerate(self.totals):
            if total >= expected and self.seen_all[n] is None:
                self.seen_all[n] = time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and None in self.seen_all:
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


def burst(servers, voters: int, via: str) -> dict:
    first = servers[0]
    tokens = make_members(first, voters, username="voter", display="Voter", countries=["KG"])
    facilitator = first.token("facilitator")
    _status, boards = first.request("GET", "/api/workspaces/gs-think-tank/boards/", token=facilitator)
    board = next(b["id"] for b in boards if b["kind"] == "priorities")
    cards = [
        first.request("POST", f"/api/boards/{board}/cards/", {"body": f"Area {n}"}, token=facilitator)[1]["id"]
        for n in range(CARDS)
    ]
    setup = {"question": "Which first?", "dots_per_voter": DOTS, "max_per_card": 3, "facilitators_vote": False,
             "results_visibility": "live"}  # fmt: skip
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

    with Watchers(servers, tokens, board) as watchers:
        cpu_before = sum(process_usage(server.process.pid)[0] for server in servers)
        started = time.monotonic()
        if via == "socket":
            answers = watchers.vote_over_sockets(round_["id"], cards)
        else:
            with ThreadPoolExecutor(max_workers=min(voters, 200)) as pool:
                answers = [item for voter in pool.map(vote, range(voters)) for item in voter]
        wall = time.monotonic() - started
        server_cpu = sum(process_usage(server.process.pid)[0] for server in servers) - cpu_before
        acknowledged = sum(1 for status, _ in answers if status == 201)
        last_ack = time.monotonic()
        watchers.wait_for(acknowledged)
    seen = [moment - last_ack for moment in watchers.seen_all if moment is not None]
    statuses = Counter(status for status, _ in answers)
    check = json.loads(first.manage("shell", "-c", STORED.format(round_id=round_["id"])).splitlines()[-1])
    return {
        "via": via,
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
        "server_cpu_ms_per_dot": round(1000 * server_cpu / max(1, len(answers)), 1),
        **summary_ms([seconds for _status, seconds in answers]),
        "count_frames_mean": round(sum(watchers.frames) / voters, 1),
        "count_frames_max": max(watchers.frames),
        "count_kb_mean": round(sum(watchers.bytes) / voters / 1024, 1),
        "own_frames_per_dot": round(sum(watchers.own) / max(1, acknowledged), 2),
        "all_saw_final": len(seen) == voters,
        "final_seen_max_ms": round(max(seen) * 1000, 1) if seen else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=110, help="voters")
    parser.add_argument(
        "--via",
        choices=["socket", "http", "both"],
        default="both",
        help="socket: each voter's board socket, as the page does; http: the dots API (as other clients do)",
    )
    add_config_argument(parser)
    args = parser.parse_args()
    rows = []
    for config in chosen(args.config):
        for via in ["socket", "http"] if args.via == "both" else [args.via]:
            with servers_for(config, DATABASE_POOL_SIZE="20") as servers:  # a fresh database each
                rows.append({"config": config, "processes": len(servers), **burst(servers, args.clients, via)})
    report(
        rows,
        [
            ("config", "config"),
            ("procs", "processes"),
            ("via", "via"),
            ("voters", "voters"),
            ("acked", "acknowledged"),
            ("stored", "stored"),
            ("max/voter", "most_by_one_voter"),
            ("ok", "all_kept"),
            ("seconds", "seconds"),
            ("dots/s", "dots_per_s"),
            ("server CPU ms/dot", "server_cpu_ms_per_dot"),
            ("p50 ms", "p50_ms"),
            ("p99 ms", "p99_ms"),
            ("max ms", "max_ms"),
            ("count frames", "count_frames_mean"),
            ("max", "count_frames_max"),
            ("count KB", "count_kb_mean"),
            ("own frames/dot", "own_frames_per_dot"),
            ("all saw final", "all_saw_final"),
            ("final seen ms", "final_seen_max_ms"),
        ],  # fmt: skip
        args.json,
    )


if __name__ == "__main__":
    main()
