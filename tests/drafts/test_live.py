"""Co-editing against a live server over real WebSockets: convergence under random edits and
disconnects, and nothing lost across a server restart."""

import asyncio

import pytest

from tests.servers import served, sqlite_database
from tests.yclient import YClient, edit_together, settle

pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One live server for the module; each test edits a board of its own."""
    with sqlite_database(tmp_path_factory.mktemp("db")) as url, served(url) as server:
        yield server


def draft_url(server, board: int, token: str) -> str:
    return f"ws://127.0.0.1:{server.port}/ws/drafts/{board}?token={token}"


def board_id(server, token: str, kind: str = "mission") -> int:
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=token)
    return next(b["id"] for b in boards if b["kind"] == kind)


@pytest.mark.parametrize(("seed", "kind"), [(7, "mission"), (2026, "concept")])
def test_two_clients_converge_through_edits_and_drops(server, seed, kind):
    """Two pycrdt clients edit at random (Cyrillic, Dari, ASCII), drop and reconnect at random, and end
    with the same text, which is what the API returns."""
    kz, af = server.token("kz"), server.token("af")
    board = board_id(server, kz, kind)

    urls = [draft_url(server, board, kz), draft_url(server, board, af)]
    first, second = asyncio.run(edit_together(urls, seed=seed, steps=120, drop_chance=0.06))
    assert first == second
    assert len(first) > 50
    status, draft = server.request("GET", f"/api/boards/{board}/draft/", token=kz)
    assert status == 200
    assert draft["markdown"] == first


def test_restart_loses_nothing_and_late_joiner_gets_all(server):
    """After edits the server stops and starts again; a late joiner alone gets the full text."""
    kz, uz = server.token("kz"), server.token("uz")
    board = board_id(server, kz, "vision")

    async def write():
        client = YClient(draft_url(server, board, kz), seed=1)
        await client.connect()
        await asyncio.sleep(0.2)
        client.text.insert(0, "Видение: регион, где гражданское общество — ")
        client.text += "سهم دارد."
        await client.flush()
        await asyncio.sleep(0.5)
        value = client.value()
        await client.disconnect()
        return value

    async def read():
        client = YClient(draft_url(server, board, uz), seed=2)
        await client.connect()
        await settle(client)
        await asyncio.sleep(0.5)
        value = client.value()
        await client.disconnect()
        return value

    written = asyncio.run(write())
    server.stop()
    server.start()
    assert asyncio.run(read()) == written
    assert server.request("GET", f"/api/boards/{board}/draft/", token=uz)[1]["markdown"] == written
