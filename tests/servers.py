"""Real server processes for the multi-process tests: Daphne on a port of its own, against an SQLite
file or a PostgreSQL database made (and dropped) for the test, seeded with the demo workspace."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("CODESIGN_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def services_required() -> bool:
    return bool(os.environ.get("CODESIGN_REQUIRE_SERVICES"))


def skip_or_fail(message: str):
    if services_required():
        pytest.fail(message)
    pytest.skip(message + " Skipped.")


@contextmanager
def postgres_database():
    """A fresh PostgreSQL database URL; dropped afterwards. Skips (or fails in CI) without PostgreSQL."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # no server, no driver
        skip_or_fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({error.__class__.__name__}).")
    name = f"codesign_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def sqlite_database(tmp_path):
    yield f"sqlite:///{tmp_path / 'codesign.sqlite3'}"


def daphne_command(port: int, application: str) -> list[str]:
    """Daphne serving ``application`` on 127.0.0.1:``port``, as `make run` starts it."""
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
            "--websocket_connect_timeout", "30", application]  # fmt: skip


def wait_for_url(url: str, *, seconds: float = 30, data: bytes | None = None, process=None) -> None:
    """Poll ``url`` (POST when ``data`` is given) until it answers 2xx/3xx; raise RuntimeError if it
    does not within ``seconds`` or ``process`` exits first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.1)


class Server:
    """One Daphne process serving codesign; ``stop()`` and ``start()`` restart it on the same port."""

    def __init__(self, database_url: str, **env):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        inherited = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "codesign.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "process-test-key",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MAX_SOCKETS_PER_MEMBER": "1000",
            **env,
        }
        self.process = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> "Server":
        # CODESIGN_SERVER_LOG=path keeps what the servers print, for looking into a failure.
        self._log = open(os.environ.get("CODESIGN_SERVER_LOG", os.devnull), "a")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            daphne_command(self.port, "codesign.asgi:application"),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        wait_for_url(f"{self.base_url}/accounts/login/", process=self.process)
        return self

    def kill(self) -> None:
        """The process dies at once, as in a crash (no clean shutdown)."""
        self.process.kill()
        self.process.wait()
        self.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def request(self, method: str, path: str, body=None, token: str | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode()

    def token(self, username: str) -> str:
        status, body = self.request("POST", "/api/auth/token/", {"username": username, "password": "codesign-demo"})
        assert status == 200, body
        return body["token"]


@contextmanager
def served(database_url: str, **env):
    server = Server(database_url, **env)
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.start()
    try:
        yield server
    finally:
        server.stop()


REDIS_URL = os.environ.get("CODESIGN_TEST_REDIS", "redis://127.0.0.1:6379/0")


@contextmanager
def redis_prefix():
    """A key prefix of our own on the test Redis, for the channel layer and cache; removed after."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
    except Exception as error:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL} ({error.__class__.__name__}).")
    prefix = f"codesign-test-{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()


@contextmanager
def served_many(database_url: str, count: int, **env):
    """``count`` Daphne processes on one database (migrated and seeded once)."""
    servers = [Server(database_url, **env) for _ in range(count)]
    servers[0].manage("migrate", "--noinput", "-v", "0")
    servers[0].manage("seed_demo")
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


class Inbox:
    """An SMTP server's handler (aiosmtpd) that keeps every message it is given, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server(port: int | None = None):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of this process): yields its inbox
    (``.messages``) and port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()
