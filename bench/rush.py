"""Rush: "everyone to Priority areas". N *different* members (each with their own token, made in the
benchmark's own database) open one board's socket within about a second, spread over the server
processes; 2 s after the last one is in, a facilitator posts a comment. Prints, per configuration:
how long the N connects took, the presence frames and bytes each person received until the comment
(mean and max over the N), and how long the comment took to reach everyone (p50/p99/max over the N
sockets). A table (or --json).

    .venv/bin/python bench/rush.py --clients 110 [--config both|sqlite|scaled]
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import COUNTRIES, add_config_argument, chosen, make_members, report, servers_for, summary_ms  # noqa: E402

SETTLE_S = 2.0


class Person:
    """One member's socket: what it received, and when."""

    def __init__(self, ws):
        self.ws = ws
        self.presence_frames = 0
        self.presence_bytes = 0
        self.arrivals: dict[int, float] = {}  # seq -> when it arrived

    async def listen(self):
        try:
            async for text in self.ws:
                frame = json.loads(text)
                kind = frame.get("type", "")
                if kind == "welcome" or kind.startswith("presence"):
                    self.presence_frames += 1
                    self.presence_bytes += len(text.encode())
                elif isinstance(frame.get("seq"), int):
                    self.arrivals.setdefault(frame["seq"], time.monotonic())
        except websockets.ConnectionClosed:
            pass


async def rush(servers, tokens: list[str], board: int, card: int, facilitator: str) -> dict:
    started = time.monotonic()

    async def arrive(n, token):
        await asyncio.sleep(n / len(tokens))  # everyone within a second, as after "come to this board"
        server = servers[n % len(servers)]
        ws = await websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/boards/{board}/?token={token}", open_timeout=60, max_size=2**22
        )
        return Person(ws)

    people = await asyncio.gather(*(arrive(n, token) for n, token in enumerate(tokens)))
    connected = time.monotonic() - started
    listeners = [asyncio.create_task(person.listen()) for person in people]
    await asyncio.sleep(SETTLE_S)  # the comment comes 2 s after the last person arrived
    presence = [(p.presence_frames, p.presence_bytes) for p in people]
    sent = time.monotonic()
    status, comment = await asyncio.to_thread(
        servers[0].request, "POST", f"/api/cards/{card}/comments/", {"body": "Welcome, everyone."}, facilitator
    )
    assert status == 201, comment
    state_path = f"/api/boards/{board}/state/"
    _status, state = await asyncio.to_thread(servers[0].request, "GET", state_path, None, facilitator)
    seq = state["seq"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(seq in p.arrivals for p in people):
        await asyncio.sleep(0.02)
    delays = [p.arrivals[seq] - sent for p in people if seq in p.arrivals]
    for person in people:
        await person.ws.close()
    for task in listeners:
        task.cancel()
    frames = [f for f, _b in presence]
    sizes = [b for _f, b in presence]
    return {
        "connect_s": round(connected, 2),
        "presence_frames_mean": round(sum(frames) / len(frames), 1),
        "presence_frames_max": max(frames),
        "presence_kb_mean": round(sum(sizes) / len(sizes) / 1024, 1),
        "presence_kb_max": round(max(sizes) / 1024, 1),
        "reached": len(delays),
        **summary_ms(delays),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=110)
    add_config_argument(parser)
    options = parser.parse_args()
    rows = []
    for config in chosen(options.config):
        with servers_for(config) as servers:
            tokens = make_members(
                servers[0], options.clients, username="rusher", display="Person", countries=COUNTRIES
            )
            facilitator = servers[0].token("facilitator")
            _status, boards = servers[0].request("GET", "/api/workspaces/gs-think-tank/boards/", token=facilitator)
            board = next(b["id"] for b in boards if b["kind"] == "priorities")
            _status, card = servers[0].request(
                "POST", f"/api/boards/{board}/cards/", {"body": "Civic education"}, token=facilitator
            )
            row = {"config": config, "processes": len(servers), "clients": options.clients}
            row.update(asyncio.run(rush(servers, tokens, board, card["id"], facilitator)))
            rows.append(row)
    columns = [("config", "config"), ("procs", "processes"), ("people", "clients"), ("connect s", "connect_s"),
               ("presence frames", "presence_frames_mean"), ("max", "presence_frames_max"),
               ("presence KB", "presence_kb_mean"), ("max KB", "presence_kb_max"), ("reached", "reached"),
               ("comment p50 ms", "p50_ms"), ("p99 ms", "p99_ms"), ("max ms", "max_ms")]  # fmt: skip
    report(rows, columns, options.json)


if __name__ == "__main__":
    main()
