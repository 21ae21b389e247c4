"""Co-editing: E editors typing 5 characters a second into one draft. Keystroke propagation (from
the keystroke to its arrival at every other editor) p50/p95/p99, final convergence of every
replica and of what the server stored, and the server's CPU time and memory. In the same run and
under the same load, the reference y-websocket server (npm y-websocket@1, bin/server.js, which
stores nothing and checks nobody) as the yardstick, with the ratio. Prints a table (or --json).

    .venv/bin/python bench/coedit.py --clients 20 50 100 [--seconds 10] [--config both|sqlite|scaled]

Every editor is a *different* member (made with a token in the benchmark's own database).

Node and npm are needed for the yardstick only (`npm ci` in bench/yws/ is run when needed);
without them it is left out, saying so. Editors are Python y-websocket clients (pycrdt).
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import websockets
from pycrdt import create_sync_message, create_update_message

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    COUNTRIES,
    ROOT,
    add_config_argument,
    chosen,
    make_members,
    process_usage,
    report,
    servers_for,
    summary_ms,
)
from tests.servers import free_port, wait_for_url  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
os.environ.setdefault("SECRET_KEY", "bench")
import django  # noqa: E402

django.setup()  # the y-websocket message helpers live in the app (no database is used here)

from drafts.documents import new_doc  # noqa: E402
from drafts.protocol import MESSAGE_SYNC, YSyncMessageType, parse_message, sync_step2  # noqa: E402

KEYS_PER_SECOND = 5


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def state_vector(doc) -> dict[int, int]:
    """client id -> clock (for a typist who only inserts single characters: keystrokes so far)."""
    data = doc.get_state()
    count, at = read_varint(data, 0)
    clocks = {}
    for _ in range(count):
        client, at = read_varint(data, at)
        clocks[client], at = read_varint(data, at)
    return clocks


class Editor:
    def __init__(self, url: str, index: int, sent_at: dict):
        self.url, self.index = url, index
        self.doc, self.text = new_doc()
        self.sent_at = sent_at  # client id -> [time of keystroke 1, 2, ...]
        self.seen: dict[int, int] = {}
        self.latencies: list[float] = []
        self.pending: list[bytes] = []
        self.doc.observe(lambda event: self.pending.append(event.update))

    async def run(self, seconds: float, start: asyncio.Event):
        async with websockets.connect(self.url, max_size=None, open_timeout=60) as ws:
            self.ws = ws
            await ws.send(create_sync_message(self.doc))
            reader = asyncio.create_task(self.read())
            await start.wait()
            mine = self.sent_at.setdefault(self.doc.client_id, [])
            for _ in range(int(seconds * KEYS_PER_SECOND)):
                await asyncio.sleep(1 / KEYS_PER_SECOND)
                self.pending.clear()
                self.text.insert(len(self.text), chr(0x0430 + self.index % 32))  # one keystroke
                mine.append(time.monotonic())
                for update in self.pending:
                    await ws.send(create_update_message(update))
                self.pending.clear()
            await asyncio.sleep(5)  # the last keystrokes arrive
            reader.cancel()

    async def read(self):
        async for message in self.ws:
            kind, sync_type, payload = parse_message(message)
            if kind != MESSAGE_SYNC:
                continue
            if sync_type == YSyncMessageType.SYNC_STEP1:
                await self.ws.send(sync_step2(self.doc.get_update(payload)))
                continue
            self.doc.apply_update(payload)
            self.pending.clear()
            now = time.monotonic()
            for client, clock in state_vector(self.doc).items():
                if client == self.doc.client_id or client not in self.sent_at:
                    continue
                times = self.sent_at[client]
                for k in range(self.seen.get(client, 0), min(clock, len(times))):
                    self.latencies.append(now - times[k])
                self.seen[client] = max(self.seen.get(client, 0), min(clock, len(times)))


async def load(urls: list[str], editors: int, seconds: float, pids: list[int]) -> dict:
    sent_at: dict = {}
    team = [Editor(urls[n % len(urls)], n, sent_at) for n in range(editors)]
    start = asyncio.Event()
    tasks = [asyncio.create_task(editor.run(seconds, start)) for editor in team]
    await asyncio.sleep(2)  # everyone connected and synced
    before = [process_usage(pid) for pid in pids]
    start.set()
    await asyncio.gather(*tasks)
    after = [process_usage(pid) for pid in pids]
    texts = {str(editor.text) for editor in team}
    latencies = [value for editor in team for value in editor.latencies]
    expected = sum(len(times) for times in sent_at.values()) * (editors - 1)
    return {
        "editors": editors,
        "keystrokes": sum(len(times) for times in sent_at.values()),
        "arrivals": f"{len(latencies)}/{expected}",
        "converged": len(texts) == 1,
        "text": texts.pop() if len(texts) == 1 else None,
        **summary_ms(latencies),
        "server_cpu_s": round(sum(a[0] - b[0] for a, b in zip(after, before, strict=True)), 2),
        "server_rss_mb": round(sum(a[1] for a in after) / 2**20, 1),
    }


def ours(config: str, editors: int, seconds: float) -> dict:
    with servers_for(config) as servers:
        tokens = make_members(servers[0], editors, username="editor", display="Editor", countries=COUNTRIES)
        _status, boards = servers[0].request("GET", "/api/workspaces/gs-think-tank/boards/", token=tokens[0])
        board = next(b["id"] for b in boards if b["kind"] == "mission")
        urls = [
            f"ws://127.0.0.1:{servers[n % len(servers)].port}/ws/drafts/{board}?token={token}"
            for n, token in enumerate(tokens)
        ]
        result = asyncio.run(load(urls, editors, seconds, [s.process.pid for s in servers]))
        _status, stored = servers[0].request("GET", f"/api/boards/{board}/draft/", token=tokens[0])
        result["stored_equal"] = stored["markdown"] == result.pop("text")
        return result


def yardstick(editors: int, seconds: float) -> dict | None:
    folder = ROOT / "bench" / "yws"
    if not shutil.which("node") or not shutil.which("npm"):
        print("Node/npm not found: the y-websocket yardstick is left out.", file=sys.stderr)
        return None
    if not (folder / "node_modules" / "y-websocket").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True)  # noqa: S607
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        ["node", str(folder / "node_modules" / "y-websocket" / "bin" / "server.js")],  # noqa: S607
        env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_url(f"http://127.0.0.1:{port}/", seconds=15, process=server)
        result = asyncio.run(load([f"ws://127.0.0.1:{port}/mission"], editors, seconds, [server.pid]))
        result.pop("text")
        result["stored_equal"] = "(stores nothing)"
        return result
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[20], help="editors (several: one run each)")
    parser.add_argument("--seconds", type=float, default=10)
    add_config_argument(parser)
    args = parser.parse_args()
    rows = []
    for editors in args.clients:
        reference = yardstick(editors, args.seconds)
        for config in chosen(args.config):
            row = {"server": f"codesign ({config})", **ours(config, editors, args.seconds)}
            if reference and reference["p95_ms"]:
                row["p95_vs_reference"] = round(row["p95_ms"] / reference["p95_ms"], 2)
            rows.append(row)
        if reference:
            rows.append({"server": "y-websocket@1 (reference)", **reference})
    report(
        rows,
        [
            ("server", "server"),
            ("editors", "editors"),
            ("keys", "keystrokes"),
            ("arrived", "arrivals"),
            ("converged", "converged"),
            ("stored = replicas", "stored_equal"),
            ("p50 ms", "p50_ms"),
            ("p95 ms", "p95_ms"),
            ("p99 ms", "p99_ms"),
            ("max ms", "max_ms"),
            ("CPU s", "server_cpu_s"),
            ("RSS MB", "server_rss_mb"),
            ("p95/ref", "p95_vs_reference"),
        ],  # fmt: skip
        args.json,
    )


if __name__ == "__main__":
    main()
