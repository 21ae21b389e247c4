"""A cookie-authenticated socket must come from this very site, scheme and port included; HSTS is
sent behind TLS (finding 13)."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.ws_auth import same_origin
from codesign.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def scope(origin: str, host: str = "localhost:8000", scheme: str = "ws") -> dict:
    return {"type": "websocket", "scheme": scheme, "headers": [(b"origin", origin.encode()), (b"host", host.encode())]}


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "allowed"),
    [
        ("http://localhost:8000", "localhost:8000", "ws", True),
        ("http://localhost:9999", "localhost:8000", "ws", False),  # another port: another site
        ("https://localhost:8000", "localhost:8000", "ws", False),  # another scheme
        ("http://localhost", "localhost", "ws", True),
        ("https://localhost", "localhost", "wss", True),
        ("http://localhost", "localhost", "wss", False),
        ("http://evil.example:8000", "localhost:8000", "ws", False),
        ("null", "localhost:8000", "ws", False),
    ],
)
def test_origin_must_match_scheme_host_and_port(origin, host, scheme, allowed):
    assert same_origin(scope(origin, host, scheme)) is allowed


def test_a_cookie_socket_from_another_port_is_refused(board, participant):
    """Signed in, from http://localhost:9999 (another local site): the handshake is refused."""
    client = Client()
    client.force_login(participant.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def attempt(origin: bytes):
        comm = WebsocketCommunicator(
            application, f"/ws/boards/{board.pk}/",
            headers=[(b"origin", origin), (b"host", b"localhost"), (b"cookie", cookie)],
        )  # fmt: skip
        connected, _ = await comm.connect()
        await comm.disconnect()
        return connected

    from asgiref.sync import async_to_sync

    assert async_to_sync(attempt)(b"http://localhost") is True
    assert async_to_sync(attempt)(b"http://localhost:9999") is False


def test_hsts_behind_tls():
    """With HTTPS=1, every answer carries Strict-Transport-Security for a year."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/accounts/login/', secure=True).headers.get('Strict-Transport-Security'))"
    )
    env = {**os.environ, "HTTPS": "1", "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "codesign.settings",
           "ALLOWED_HOSTS": "testserver"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("max-age=31536000")
