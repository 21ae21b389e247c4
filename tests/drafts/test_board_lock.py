"""A draft edit and a change of the board's state never cross, against a live server on
PostgreSQL: an edit arriving while a round is being opened waits for it and is then refused."""

import asyncio

import psycopg
import pytest

from tests.servers import postgres_database, served
from tests.yclient import YClient

pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def server():
    with postgres_database() as url, served(url) as server:
        server.database_url = url
        yield server


def test_an_edit_waits_for_a_round_opening_and_is_refused(server):
    """The board row is held by a transaction that puts the board into voting (as opening a round
    does); a keystroke sent meanwhile is stored only after it, sees the new state and is refused,
    so nothing lands in the draft once voting began (before the lock, it was stored at once)."""
    token = server.token("kz")
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=token)
    board = next(b["id"] for b in boards if b["kind"] == "vision")

    async def scenario(hold):
        client = YClient(f"ws://127.0.0.1:{server.port}/ws/drafts/{board}?token={token}")
        await client.connect()
        await asyncio.sleep(0.5)  # synced
        with hold.cursor() as cursor:
            cursor.execute("SELECT id FROM workspace_board WHERE id = %s FOR UPDATE", [board])
            cursor.execute("UPDATE workspace_board SET state = 'voting' WHERE id = %s", [board])
        client.text.insert(0, "typed while the round opens")
        await client.flush()
        await asyncio.sleep(1.5)  # the server's store waits on the board row meanwhile
        assert client.refusals == []  # not decided yet: nothing said, nothing stored
        hold.commit()
        for _ in range(50):
            if client.refusals:
                break
            await asyncio.sleep(0.1)
        await client.disconnect()
        return client.refusals

    with psycopg.connect(server.database_url) as hold:
        refusals = asyncio.run(scenario(hold))
    assert len(refusals) == 1
    assert "voting round is running" in refusals[0].decode("utf-8", "replace")
    _status, draft = server.request("GET", f"/api/boards/{board}/draft/", token=token)
    assert "typed while the round opens" not in draft["markdown"]
    with psycopg.connect(server.database_url, autocommit=True) as db:
        db.execute("UPDATE workspace_board SET state = 'open' WHERE id = %s", [board])


def test_keystrokes_do_not_wait_for_a_change_on_the_board(server):
    """The board row held as a card, a comment, an event or a round's count holds it (FOR NO KEY
    UPDATE, ``boards.rules.held_board``): a keystroke sent meanwhile is stored at once, not after
    it (before, every draft batch locked the row as they do and queued behind them)."""
    token = server.token("kz")
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=token)
    board = next(b["id"] for b in boards if b["kind"] == "mission")

    def stored() -> int:
        with psycopg.connect(server.database_url, autocommit=True) as db:
            return db.execute("SELECT count(*) FROM workspace_draftupdate WHERE board_id = %s", [board]).fetchone()[0]

    async def scenario(hold):
        client = YClient(f"ws://127.0.0.1:{server.port}/ws/drafts/{board}?token={token}")
        await client.connect()
        await asyncio.sleep(0.5)  # synced
        before = stored()
        with hold.cursor() as cursor:
            cursor.execute("SELECT id FROM workspace_board WHERE id = %s FOR NO KEY UPDATE", [board])
            cursor.execute("UPDATE workspace_board SET event_seq = event_seq + 1 WHERE id = %s", [board])
        client.text.insert(0, "typed while a card is added")
        await client.flush()
        for _ in range(30):
            if stored() > before:
                break
            await asyncio.sleep(0.1)
        during = stored() - before
        hold.commit()
        await client.disconnect()
        return during, client.refusals

    with psycopg.connect(server.database_url) as hold:
        during, refusals = asyncio.run(scenario(hold))
    assert during >= 1  # stored while the row was held
    assert refusals == []
