"""Signing out ends something (finding 12): the session's sockets close; API tokens expire and their
owner revokes them (a page lists them); a password can be changed, and that ends the other browsers'
sessions and their sockets.

Before: after signing out, the board socket kept streaming; a token lived for ever and could not be
revoked; there was no page to change one's password.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import actions as account_actions
from accounts.models import ApiToken
from accounts.tokens import digest
from codesign.asgi import application
from tests.factories import PASSWORD, make_token
from workspace.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-new-and-longer-passphrase-2026"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def cookie_socket(path: str, client: Client) -> WebsocketCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)]
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await comm.connect()
    assert connected, code
    return comm


async def token_socket(path: str, key: str) -> tuple[WebsocketCommunicator, bool]:
    comm = WebsocketCommunicator(application, f"{path}?token={key}")
    connected, _code = await comm.connect()
    return comm, connected


async def closed_with(comm: WebsocketCommunicator, timeout: float = 2.0) -> int | None:
    """The close code the server sends next (frames before it are skipped), or None when none
    comes within ``timeout`` (the test's socket is then torn down)."""
    while True:
        try:
            message = await comm.receive_output(timeout=timeout)
        except TimeoutError:
            return None
        if message["type"] == "websocket.close":
            return message.get("code")


async def usable(comm: WebsocketCommunicator, connected: bool) -> bool:
    """Open and not closed at once (a refused socket is accepted, told why, then closed 4403)."""
    if not connected:
        return False
    while not await comm.receive_nothing(0.3):
        message = await comm.receive_output()
        if message["type"] == "websocket.close":
            return False
    return True


async def still_open(comm: WebsocketCommunicator) -> bool:
    while not await comm.receive_nothing(0.3):
        if (await comm.receive_output())["type"] == "websocket.close":
            return False
    await comm.send_json_to({"type": "ping"})
    return (await comm.receive_json_from(timeout=2)) == {"type": "pong"}


def paths(board):
    return {
        "board": f"/ws/boards/{board.pk}/",
        "draft": f"/ws/drafts/{board.pk}",
        "room": f"/ws/w/{board.workspace.slug}/room/",
    }


def test_signing_out_closes_that_sessions_sockets_and_no_other(board, participant):
    here, elsewhere = browser(participant.user), browser(participant.user)

    async def scenario():
        mine = {name: await cookie_socket(path, here) for name, path in paths(board).items()}
        other = await cookie_socket(paths(board)["board"], elsewhere)
        response = await database_sync_to_async(here.post)("/accounts/logout/")
        assert response.status_code == 302
        codes = {name: await closed_with(comm) for name, comm in mine.items()}
        assert codes == {"board": 4401, "draft": 4401, "room": 4401}
        assert await still_open(other)  # the other browser is still signed in
        await other.disconnect()

    async_to_sync(scenario)()


def test_an_expired_token_opens_nothing(api, board, participant):
    key = make_token(participant.user)
    ApiToken.objects.filter(user=participant.user).update(expires_at=timezone.now() - timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/workspaces/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]

    async def scenario():
        return await usable(*await token_socket(paths(board)["board"], key))

    assert async_to_sync(scenario)() is False


def test_a_new_token_lasts_thirty_days_and_only_its_digest_is_stored(api, participant):
    client = browser(participant.user)
    page = client.post("/accounts/tokens/", {"name": "results script"}, follow=True)
    assert page.status_code == 200 and page.redirect_chain  # post, redirect, get: a reload makes no second
    token = ApiToken.objects.get(user=participant.user)
    key = page.context["created_key"]
    assert key in page.content.decode() and len(key) >= 40
    assert token.digest == digest(key) and key not in (token.digest, token.hint)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get("/accounts/tokens/")
    assert key not in again.content.decode()  # shown once
    assert "results script" in again.content.decode()
    assert again["Cache-Control"] == "no-store"


def test_revoking_a_token_closes_what_it_opened(api, board, participant):
    key = make_token(participant.user)
    token = ApiToken.objects.get(user=participant.user)
    owner = browser(participant.user)

    async def scenario():
        comm, connected = await token_socket(paths(board)["board"], key)
        assert connected
        response = await database_sync_to_async(owner.post)(f"/accounts/tokens/{token.pk}/revoke/")
        assert response.status_code == 302
        assert await closed_with(comm) == 4401
        return await usable(*await token_socket(paths(board)["board"], key))

    assert async_to_sync(scenario)() is False
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/workspaces/").status_code == 401


def test_nobody_else_can_revoke_my_token(api, participant, facilitator):
    key = make_token(participant.user)
    token = ApiToken.objects.get(user=participant.user)
    response = browser(facilitator.user).post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "No such token." in response.content.decode()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/workspaces/").status_code == 200


def test_changing_the_password_signs_out_the_other_browsers(board, participant):
    here, elsewhere = browser(participant.user), browser(participant.user)

    async def scenario():
        mine = await cookie_socket(paths(board)["board"], here)
        other = await cookie_socket(paths(board)["room"], elsewhere)
        data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = await database_sync_to_async(here.post)("/accounts/password/", data)
        assert response.status_code == 302
        assert await closed_with(other) == 4401
        assert await closed_with(mine) == 4401  # the page reloads and carries on (this session stays)
        await cookie_socket(paths(board)["board"], here)
        refused = WebsocketCommunicator(
            application,
            paths(board)["board"],
            headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"),
                     (b"cookie", f"sessionid={elsewhere.cookies['sessionid'].value}".encode())],
        )  # fmt: skip
        connected, _ = await refused.connect()
        assert not await usable(refused, connected)

    async_to_sync(scenario)()
    assert not here.get("/").url.startswith("/accounts/login/")
    assert elsewhere.get("/").url.startswith("/accounts/login/")
    assert Client().login(username=participant.user.username, password=NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(participant):
    client = browser(participant.user)
    data = {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post("/accounts/password/", data)
    assert response.status_code == 400
    participant.user.refresh_from_db()
    assert participant.user.check_password(PASSWORD)


def test_each_api_sign_in_is_its_own_token_and_the_oldest_go(api, participant):
    for _ in range(account_actions.MAX_TOKENS + 5):
        account_actions.create_api_token(user=participant.user, name="script")
    assert ApiToken.objects.filter(user=participant.user).count() == account_actions.MAX_TOKENS


def api_sign_in(user) -> str:
    """A token's key, made as a script makes one: ``POST /api/auth/token/`` with the password."""
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_still_works(board, key) -> tuple[int, bool]:
    """The REST status a key gets and whether a new board socket opened with it is usable."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status = client.get("/api/workspaces/").status_code

    async def scenario():
        return await usable(*await token_socket(paths(board)["board"], key))

    return status, async_to_sync(scenario)()


def test_a_password_change_revokes_every_api_token(board, participant):
    """Changing the password revokes the person's API tokens: 401 on REST, the socket handshake refused."""
    key = api_sign_in(participant.user)
    assert token_still_works(board, key) == (200, True)
    owner = browser(participant.user)

    async def scenario():
        open_socket, connected = await token_socket(paths(board)["board"], key)
        assert connected
        data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = await database_sync_to_async(owner.post)("/accounts/password/", data)
        assert response.status_code == 302
        assert await closed_with(open_socket) == 4401

    async_to_sync(scenario)()
    assert token_still_works(board, key) == (401, False)
    assert not ApiToken.objects.filter(user=participant.user).exists()


def test_a_password_reset_by_mail_revokes_every_api_token(board, participant):
    """Setting a new password through the mailed reset link revokes the person's API tokens too."""
    user = participant.user
    user.email = "participant@example.org"
    user.save(update_fields=["email"])
    key = api_sign_in(user)
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    mail = OutgoingMail.objects.get(kind="password_reset", to=user.email)
    link = next(word for word in mail.body_text.split() if "/accounts/password/reset/" in word)
    form = client.get(urlsplit(link).path, follow=True)
    assert "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert token_still_works(board, key) == (401, False)


@pytest.mark.parametrize("ends", ["token revoked", "password changed", "signed out"])
def test_a_socket_whose_credentials_end_on_its_way_in_is_refused(board, participant, monkeypatch, ends):
    """What opened a socket ends after the handshake checked it but before the socket joined the
    groups that close it: the socket is refused, not left open for good."""
    import boards.consumers

    key = api_sign_in(participant.user)
    token = ApiToken.objects.get(digest=digest(key))
    owner = browser(participant.user)
    real_access = boards.consumers.access_board

    def access_then_end(user, board_id):
        found = real_access(user, board_id)
        if ends == "token revoked":
            account_actions.revoke_api_token(user=participant.user, token_id=token.pk)
        elif ends == "password changed":
            account_actions.change_password(user=participant.user, password=NEW_PASSWORD)
        else:
            account_actions.sign_out_everywhere(user=participant.user)
        return found

    monkeypatch.setattr(boards.consumers, "access_board", access_then_end)

    async def scenario():
        if ends == "token revoked":
            comm, connected = await token_socket(paths(board)["board"], key)
        else:
            cookie = f"sessionid={owner.cookies['sessionid'].value}".encode()
            headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)]
            comm = WebsocketCommunicator(application, paths(board)["board"], headers=headers)
            connected, _code = await comm.connect()
        result = await usable(comm, connected)
        await comm.disconnect()
        return result

    assert async_to_sync(scenario)() is False
