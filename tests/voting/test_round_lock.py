"""A dot naming a round of another board waits for nothing there, against a live server on
PostgreSQL (issue 26 review): the rounds a batch of dots locks are read by id and board together."""

import asyncio
import json
import time

import psycopg
import pytest
import websockets

from tests.servers import postgres_database, served

pytestmark = pytest.mark.process

MAKE_ROUND = """
from boards.models import Board
from tests.factories import make_card, make_round
from workspace.models import Membership
board = Board.objects.get(kind="vision")
facilitator = Membership.objects.get(user__username="facilitator")
card = make_card(board, facilitator, "An idea on another board")
print(make_round(board, facilitator, cards=[card.pk]).pk, card.pk)
"""


@pytest.fixture(scope="module")
def server():
    with postgres_database() as url, served(url) as server:
        server.database_url = url
        yield server


def test_a_dot_naming_another_boards_busy_round_is_refused_at_once(server):
    """The other board's round is held (its close, another batch of dots); a member sends a dot
    naming it on this board's socket: "No such round." at once, not after the other transaction
    (before, the batch locked the round by its id alone, then found it was not this board's)."""
    round_id, card_id = map(int, server.manage("shell", "-c", MAKE_ROUND).split()[-2:])
    token = server.token("kz")
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=token)
    mission = next(b["id"] for b in boards if b["kind"] == "mission")

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/boards/{mission}/?token={token}") as ws:
            await ws.send(json.dumps({"type": "dot", "ref": "x", "round": round_id, "card": card_id}))
            started = time.monotonic()
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                if frame.get("ref") == "x":
                    return frame, time.monotonic() - started

    with psycopg.connect(server.database_url) as hold:
        hold.execute("SELECT id FROM voting_round WHERE id = %s FOR UPDATE", [round_id])
        frame, seconds = asyncio.run(scenario())
        hold.rollback()
    assert (frame["type"], frame["status"]) == ("error", 404)
    assert seconds < 2, seconds  # did not wait for the held round (the hold lasts until the answer)
