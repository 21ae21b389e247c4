"""deploy/codesign.nginx.conf, run by a real nginx in front of two Daphne processes (PostgreSQL +
Redis): pages, the API and board sockets go through it, without sticky sessions; when one process
dies, nginx sends the next requests to the other."""

import asyncio
import json
import re
import shutil
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import websockets

from tests.scale.test_board_scale import frames, stored
from tests.servers import (
    REDIS_URL,
    free_port,
    postgres_database,
    redis_prefix,
    served_many,
    skip_or_fail,
    wait_for_url,
)

pytestmark = pytest.mark.scale

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "codesign.nginx.conf"


@contextmanager
def nginx(tmp_path: Path, upstream_ports: list[int]):
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        skip_or_fail("nginx is not installed (make test installs it: apt-get install nginx).")
    port = free_port()
    site = CONFIG.read_text()
    upstreams = "".join(f"    server 127.0.0.1:{p};\n" for p in upstream_ports)
    site, count = re.subn(r"(    server 127\.0\.0\.1:\d+;\n)+", upstreams, site)
    assert count == 1
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
{site}
}}
"""
    )
    process = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    try:
        try:
            wait_for_url(f"http://127.0.0.1:{port}/accounts/login/", seconds=10, process=process)
        except RuntimeError:
            raise AssertionError((tmp_path / "error.log").read_text()) from None
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def behind_nginx(tmp_path):
    with (
        postgres_database() as database,
        redis_prefix() as prefix,
        served_many(database, 2, REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix) as servers,
        nginx(tmp_path, [s.port for s in servers]) as port,
    ):
        yield servers, port


def via(port: int, server, method: str, path: str, body=None, token=None):
    """A request through nginx (reusing the server helper's request code with nginx's address)."""
    original = server.base_url
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        return server.request(method, path, body, token)
    finally:
        server.base_url = original


def test_pages_api_and_sockets_through_nginx(behind_nginx):
    """Through nginx: the login page, the API, and a board socket that receives what is posted, on
    whichever process each request lands; after one process dies, requests still succeed."""
    (first, second), port = behind_nginx
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as response:
        assert response.status == 200 and b"codesign" in response.read()
    kz = first.token("kz")
    _status, boards = via(port, first, "GET", "/api/workspaces/gs-think-tank/boards/", token=kz)
    board = next(b["id"] for b in boards if b["kind"] == "concept")

    async def scenario():
        url = f"ws://127.0.0.1:{port}/ws/boards/{board}/?token={kz}"
        async with websockets.connect(url) as a, websockets.connect(url) as b:
            for ws in (a, b):
                await ws.send(json.dumps({"type": "resume", "after": 0}))
            await frames(a)
            await frames(b)
            for n in range(6):  # round-robin: these land on both processes
                status, _ = await asyncio.to_thread(
                    via, port, first, "POST", f"/api/boards/{board}/cards/", {"body": f"Through nginx {n}"}, kz
                )
                assert status == 201
            return [[f["card"]["body"] for f in stored(await frames(ws, 1.0))] for ws in (a, b)]

    seen = asyncio.run(scenario())
    expected = [f"Through nginx {n}" for n in range(6)]
    assert seen == [expected, expected]

    second.kill()
    for _attempt in range(4):
        status, body = via(port, first, "GET", "/api/workspaces/gs-think-tank/boards/", token=kz)
        assert status == 200, body
