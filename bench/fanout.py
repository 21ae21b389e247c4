"""Fan-out: N WebSocket clients on one board while comments are posted at a steady rate; latency
from sending the POST to receipt at every client. Prints a table (or --json); asserts nothing.

    .venv/bin/python bench/fanout.py --clients 300 --seconds 10 [--rate 5] [--scaled] [--json]

Default: one Daphne process on SQLite with the in-memory layer. --scaled: two processes on
PostgreSQL + Redis (clients spread over both; needs both servers running locally).
One member posts every comment: keep rate x seconds within the per-member limit (60 a minute).
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402

from tests.servers import REDIS_URL, postgres_database, redis_prefix, served_many, sqlite_database  # noqa: E402


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(servers, clients: int, seconds: float, rate: float) -> dict:
    poster = servers[0].token("kz")
    _status, boards = servers[0].request("GET", "/api/workspaces/gs-think-tank/boards/", token=poster)
    board = next(b["id"] for b in boards if b["kind"] == "concept")
    _status, card = servers[0].request("POST", f"/api/boards/{board}/cards/", {"body": "Fan-out"}, token=poster)
    reader = servers[0].token("mn")
    sent: dict[str, float] = {}
    latencies: list[float] = []
    ready = asyncio.Event()
    connected = 0

    async def client(index: int):
        nonlocal connected
        server = servers[index % len(servers)]
        url = f"ws://127.0.0.1:{server.port}/ws/boards/{board}/?token={reader}"
        async with websockets.connect(url, open_timeout=60, max_size=None) as ws:
            await ws.recv()  # welcome
            connected += 1
            if connected == clients:
                ready.set()
            deadline = time.monotonic() + seconds + 60
            while time.monotonic() < deadline:
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
                except TimeoutError:
                    if sent and time.monotonic() > max(sent.values()) + 5:
                        return
                    continue
                if frame.get("type") == "comment.created":
                    body = frame["comment"]["body"]
                    if body in sent:
                        latencies.append(time.monotonic() - sent[body])

    async def post_comments():
        await ready.wait()
        interval = 1 / rate
        for n in range(int(seconds * rate)):
            body = f"comment {n}"
            sent[body] = time.monotonic()
            await asyncio.to_thread(
                servers[0].request, "POST", f"/api/cards/{card['id']}/comments/", {"body": body}, poster
            )
            await asyncio.sleep(interval)

    started = time.monotonic()
    await asyncio.gather(post_comments(), *(client(n) for n in range(clients)))
    expected = len(sent) * clients
    ms = [value * 1000 for value in latencies]
    return {
        "clients": clients,
        "processes": len(servers),
        "comments": len(sent),
        "delivered": len(latencies),
        "expected": expected,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 0.99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "wall_s": round(time.monotonic() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=5, help="comments per second")
    parser.add_argument("--scaled", action="store_true", help="two processes on PostgreSQL + Redis")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # The one user the clients sign in as may hold many sockets in this benchmark.
    settings = {"MAX_SOCKETS_PER_MEMBER": "5000", "DATABASE_POOL_SIZE": "10"}
    if args.scaled:
        with (
            postgres_database() as database,
            redis_prefix() as prefix,
            served_many(database, 2, REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix, **settings) as servers,
        ):
            result = asyncio.run(measure(servers, args.clients, args.seconds, args.rate))
    else:
        with sqlite_database(Path(tempfile.mkdtemp())) as database, served_many(database, 1, **settings) as servers:
            result = asyncio.run(measure(servers, args.clients, args.seconds, args.rate))
    if args.json:
        print(json.dumps(result))
        return
    columns = ["clients", "procs", "comments", "delivered", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    print(" ".join(f"{name:>10}" for name in columns))
    delivered = f"{result['delivered']}/{result['expected']}"
    values = [result["clients"], result["processes"], result["comments"], delivered]
    values += [result["p50_ms"], result["p95_ms"], result["p99_ms"], result["max_ms"]]
    print(" ".join(f"{value:>10}" for value in values))


if __name__ == "__main__":
    main()
