"""The room: N members with a workspace page open (N room sockets, spread over the processes).
Prints how long the N connects take, how long a room event (a hand raised, a message) takes to
reach every socket (p50/p99/max over the events), and a rush: all N raise a hand at once (time
until every request is answered, and a check that each has one place and the seats are not
overfilled). A table (or --json).

    .venv/bin/python bench/room.py --clients 100 [--events 20] [--config both|sqlite|scaled]
"""

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import add_config_argument, chosen, make_members, report, servers_for, summary_ms  # noqa: E402

URL = "/api/workspaces/gs-think-tank"


async def measure(servers, tokens: list[str], events: int) -> dict:
    first, facilitator = servers[0], servers[0].token("facilitator")
    started = time.monotonic()
    sockets = await asyncio.gather(
        *(
            websockets.connect(
                f"ws://127.0.0.1:{servers[n % len(servers)].port}/ws/w/gs-think-tank/room/?token={token}",
                open_timeout=60,
                max_size=2**22,
            )
            for n, token in enumerate(tokens)
        )
    )
    await asyncio.gather(*(ws.recv() for ws in sockets))  # each socket's room state
    connect = time.monotonic() - started

    async def arrival(ws, seq):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("seq") == seq:
                return time.monotonic()

    delays = []
    seq = (await asyncio.to_thread(first.request, "GET", f"{URL}/room/", None, facilitator))[1]["seq"]
    for n in range(events):
        seq += 1
        waiting = [asyncio.create_task(arrival(ws, seq)) for ws in sockets]
        sent = time.monotonic()
        call = ("POST", f"{URL}/notices/", {"text": f"Message {n}"}, facilitator)
        if n % 2:
            call = ("POST", f"{URL}/fishbowl/{'raise-hand' if n % 4 == 1 else 'lower-hand'}/", None, tokens[0])
        status, body = await asyncio.to_thread(first.request, *call)
        assert status in (200, 201), body
        delays += [moment - sent for moment in await asyncio.gather(*waiting)]
    for ws in sockets:
        await ws.close()
    return {"connect_s": round(connect, 2), **summary_ms(delays)}


def rush(servers, tokens: list[str]) -> dict:
    def raise_hand(index):
        server = servers[index % len(servers)]
        started = time.monotonic()
        status, _ = server.request("POST", f"{URL}/fishbowl/raise-hand/", token=tokens[index])
        return status, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(len(tokens), 200)) as pool:
        answers = list(pool.map(raise_hand, range(1, len(tokens))))
    wall = time.monotonic() - started
    _status, bowl = servers[0].request("GET", f"{URL}/fishbowl/", token=tokens[0])
    placed = [s["member"] for key in ("seated", "offered", "queue") for s in bowl[key]]
    return {
        "rush_s": round(wall, 2),
        "rush_ok": sum(1 for status, _ in answers if status == 200),
        "rush_p99_ms": summary_ms([t for _, t in answers])["p99_ms"],
        "places_ok": len(placed) == len(set(placed)) and len(bowl["seated"]) + len(bowl["offered"]) <= bowl["seats"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=20)
    add_config_argument(parser)
    options = parser.parse_args()
    rows = []
    for config in chosen(options.config):
        with servers_for(config) as servers:
            tokens = make_members(
                servers[0], options.clients, username="member", display="Member", countries=["TJ"]
            )
            row = {"config": config, "clients": options.clients}
            row.update(asyncio.run(measure(servers, tokens, options.events)))
            row.update(rush(servers, tokens))
            rows.append(row)
    columns = [("config", "config"), ("clients", "clients"), ("connect s", "connect_s"), ("event p50 ms", "p50_ms"),
               ("p99 ms", "p99_ms"), ("max ms", "max_ms"), ("rush s", "rush_s"), ("rush ok", "rush_ok"),
               ("rush p99 ms", "rush_p99_ms"), ("places ok", "places_ok")]  # fmt: skip
    report(rows, columns, options.json)


if __name__ == "__main__":
    main()
