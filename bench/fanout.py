"""Fan-out: N WebSocket clients on one board while comments are posted at a steady rate; latency
from sending the POST to receipt at every client, p50/p95/p99/max. In the same run, the same load
on a bare Channels app that only relays a message to its group (bench/floor_app.py: the
framework's floor), and the ratio ours / floor. Prints a table (or --json); asserts nothing.

    .venv/bin/python bench/fanout.py --clients 20 50 100 300 [--seconds 10] [--rate 5] [--config both|sqlite|scaled]

sqlite: one Daphne process on SQLite with the in-memory layer; scaled: two processes on PostgreSQL
+ Redis, clients spread over both (needs both servers running locally); both: one, then the other.
Every client is a *different* member (made with a token in the benchmark's own database). The
comments start 2 s after the last client is in (settled), after one unmeasured warm-up comment (a
process's first request loads its code); one member posts them all: keep rate x seconds within the
per-member limit (60 a minute).
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    COUNTRIES,
    ROOT,
    add_config_argument,
    chosen,
    make_members,
    print_table,
    servers_for,
    summary_ms,
)
from tests.servers import daphne_command, free_port, wait_for_url  # noqa: E402

SETTLE_S = 2.0


async def run_load(clients: int, seconds: float, rate: float, socket_urls, post, is_ours: bool) -> dict:
    """``clients`` sockets, client n on ``socket_urls[n % len]``; ``post(body)`` sends one message;
    latencies collected."""
    sent: dict[str, float] = {}
    latencies: list[float] = []
    ready = asyncio.Event()
    connected = 0

    async def client(index: int):
        nonlocal connected
        url = socket_urls[index % len(socket_urls)]
        async with websockets.connect(url, open_timeout=120, max_size=None) as ws:
            await ws.recv()  # welcome
            connected += 1
            if connected == clients:
                ready.set()
            deadline = time.monotonic() + seconds + 60
            while time.monotonic() < deadline:
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=5)
                except TimeoutError:
                    if sent and time.monotonic() > max(sent.values()) + 5:
                        return
                    continue
                if is_ours:
                    frame = json.loads(raw)
                    body = frame["comment"]["body"] if frame.get("type") == "comment.created" else None
                else:
                    body = raw
                if body in sent:
                    latencies.append(time.monotonic() - sent[body])

    async def post_all():
        await ready.wait()
        await asyncio.sleep(SETTLE_S)  # settled: the joins' presence frames are out
        await asyncio.to_thread(post, "warm-up")  # not measured: a process's first request loads its code
        await asyncio.sleep(0.5)
        for n in range(int(seconds * rate)):
            body = f"comment {n}"
            sent[body] = time.monotonic()
            await asyncio.to_thread(post, body)
            await asyncio.sleep(1 / rate)

    await asyncio.gather(post_all(), *(client(n) for n in range(clients)))
    return {
        "messages": len(sent),
        "delivered": len(latencies),
        "expected": len(sent) * clients,
        **summary_ms(latencies),
    }


def measure_ours(servers, clients, seconds, rate) -> dict:
    poster = servers[0].token("kz")
    _status, boards = servers[0].request("GET", "/api/workspaces/gs-think-tank/boards/", token=poster)
    board = next(b["id"] for b in boards if b["kind"] == "concept")
    _status, card = servers[0].request("POST", f"/api/boards/{board}/cards/", {"body": "Fan-out"}, token=poster)
    readers = make_members(servers[0], clients, username="reader", display="Reader", countries=COUNTRIES)
    urls = [
        f"ws://127.0.0.1:{servers[n % len(servers)].port}/ws/boards/{board}/?token={token}"
        for n, token in enumerate(readers)
    ]

    def post(body):
        status, _ = servers[0].request("POST", f"/api/cards/{card['id']}/comments/", {"body": body}, token=poster)
        assert status == 201, status

    return asyncio.run(run_load(clients, seconds, rate, urls, post, is_ours=True))


def start_floor(count: int, env: dict) -> list[tuple[subprocess.Popen, int]]:
    processes = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            daphne_command(port, "floor_app:application"),
            cwd=ROOT / "bench",
            env={**os.environ, "PYTHONPATH": str(ROOT / "bench"), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append((process, port))
    for process, port in processes:
        wait_for_url(f"http://127.0.0.1:{port}/send", data=b"x", process=process)
    return processes


def measure_floor(config, servers, clients, seconds, rate) -> dict:
    env = {key: servers[0].env[key] for key in ("REDIS_URL", "REDIS_PREFIX") if key in servers[0].env}
    if "REDIS_PREFIX" in env:
        env["REDIS_PREFIX"] += "-floor"
    processes = start_floor(len(servers), env)
    try:
        urls = [f"ws://127.0.0.1:{port}/ws/" for _p, port in processes]
        first = processes[0][1]

        def post(body):
            urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{first}/send", data=body.encode()), timeout=30
            )

        return asyncio.run(run_load(clients, seconds, rate, urls, post, is_ours=False))
    finally:
        for process, _port in processes:
            process.terminate()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[300], help="several: one run each")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=5, help="comments per second")
    add_config_argument(parser)
    args = parser.parse_args()
    env = {"DATABASE_POOL_SIZE": "10"}
    rows = []
    for clients in args.clients:
        for config in chosen(args.config):
            with servers_for(config, **env) as servers:
                ours = measure_ours(servers, clients, args.seconds, args.rate)
                floor = measure_floor(config, servers, clients, args.seconds, args.rate)
            for name, result in (("codesign", ours), ("floor", floor)):
                rows.append({"config": config, "app": name, "clients": clients, "processes": len(servers), **result})
            rows[-2]["p99_vs_floor"] = round(ours["p99_ms"] / floor["p99_ms"], 2) if floor["p99_ms"] else None
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        row["delivered/expected"] = f"{row['delivered']}/{row['expected']}"
    print_table(
        rows,
        [
            ("config", "config"),
            ("app", "app"),
            ("clients", "clients"),
            ("procs", "processes"),
            ("delivered", "delivered/expected"),
            ("p50 ms", "p50_ms"),
            ("p95 ms", "p95_ms"),
            ("p99 ms", "p99_ms"),
            ("max ms", "max_ms"),
            ("p99/floor", "p99_vs_floor"),
        ],  # fmt: skip
    )


if __name__ == "__main__":
    main()
