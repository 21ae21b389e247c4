"""Dots under real concurrency: many simultaneous requests from one voter against a live server,
on SQLite and on PostgreSQL. The budget, the per-card cap and the close always hold."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import postgres_database, served, sqlite_database

pytestmark = pytest.mark.process


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """One server per database for the module; each test uses a board and a voter of its own."""
    if request.param == "sqlite":
        database = sqlite_database(tmp_path_factory.mktemp("db"))
    else:
        database = postgres_database()
    with database as url, served(url) as server:
        yield server


def board_with_cards(server, count: int, kind: str) -> tuple[int, list[int]]:
    facilitator = server.token("facilitator")
    status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=facilitator)
    board = next(b["id"] for b in boards if b["kind"] == kind)
    cards = []
    for n in range(count):
        status, card = server.request("POST", f"/api/boards/{board}/cards/", {"body": f"Area {n}"}, token=facilitator)
        assert status == 201, card
        cards.append(card["id"])
    return board, cards


def open_round(server, board: int, **settings) -> int:
    facilitator = server.token("facilitator")
    status, round_ = server.request(
        "POST", f"/api/boards/{board}/rounds/", {"question": "Which first?", **settings}, token=facilitator
    )
    assert status == 201, round_
    status, opened = server.request("POST", f"/api/rounds/{round_['id']}/open/", token=facilitator)
    assert status == 200, opened
    return round_["id"]


def fire(server, calls: list[tuple[str, str, object, str]]) -> list[tuple[int, object]]:
    """Send all the requests at once (a barrier releases every thread together)."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        barrier.wait()
        return server.request(*call)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def my_dots(server, round_id: int, token: str) -> dict:
    return server.request("GET", f"/api/rounds/{round_id}/", token=token)[1]["mine"]


def test_fifty_concurrent_dots_spend_exactly_the_budget(server):
    """50 simultaneous dots from one voter with 5 dots: exactly 5 succeed, the rest get a clear 409."""
    board, cards = board_with_cards(server, 10, "concept")
    round_id = open_round(server, board, dots_per_voter=5, max_per_card=5)
    voter = server.token("kg")
    results = fire(
        server, [("POST", f"/api/rounds/{round_id}/dots/", {"card": cards[n % 10]}, voter) for n in range(50)]
    )
    statuses = [status for status, _body in results]
    assert statuses.count(201) == 5
    assert set(statuses) == {201, 409}
    assert all(body["detail"] for status, body in results if status == 409)
    assert my_dots(server, round_id, voter)["used"] == 5


def test_fifty_concurrent_dots_on_one_card_respect_the_cap(server):
    """50 simultaneous dots on one card with a cap of 3: exactly 3 succeed."""
    board, cards = board_with_cards(server, 2, "mission")
    round_id = open_round(server, board, dots_per_voter=10, max_per_card=3)
    voter = server.token("uz")
    results = fire(server, [("POST", f"/api/rounds/{round_id}/dots/", {"card": cards[0]}, voter)] * 50)
    assert [status for status, _ in results].count(201) == 3
    assert my_dots(server, round_id, voter)["dots"] == {str(cards[0]): 3}


def test_dots_racing_the_close(server):
    """Dots sent while the facilitator closes: every accepted dot is in the results, no refused one is."""
    board, cards = board_with_cards(server, 3, "vision")
    round_id = open_round(server, board, dots_per_voter=30, max_per_card=30, results_visibility="live")
    voter, facilitator = server.token("tj"), server.token("facilitator")
    calls = [("POST", f"/api/rounds/{round_id}/dots/", {"card": cards[n % 3]}, voter) for n in range(29)]
    calls.insert(15, ("POST", f"/api/rounds/{round_id}/close/", None, facilitator))
    results = fire(server, calls)
    close_status, closed = results[15]
    assert close_status == 200
    accepted = sum(1 for n, (status, _) in enumerate(results) if n != 15 and status == 201)
    refused = [body for n, (status, body) in enumerate(results) if n != 15 and status != 201]
    assert all("closed" in body["detail"] for body in refused)
    assert sum(row["dots"] for row in closed["results"]["cards"]) == accepted
    status, after = server.request("POST", f"/api/rounds/{round_id}/dots/", {"card": cards[0]}, voter)
    assert status == 409


def test_five_people_at_once_complete_an_anonymous_batch(server):
    """Five people's dots at the same moment on an anonymous round with live results: each is noted
    as a different person (no concurrent write loses one), so the timer publishes their count; one
    lost would hold it back for ever (docs/design.md, "Anonymity")."""
    board, cards = board_with_cards(server, 2, "priorities")
    round_id = open_round(server, board, results_visibility="live", anonymous=True)
    tokens = [server.token(name) for name in ("af", "kz", "kg", "mn", "tj")]
    results = fire(server, [("POST", f"/api/rounds/{round_id}/dots/", {"card": cards[0]}, token) for token in tokens])
    assert [status for status, _ in results] == [201] * 5
    deadline = time.monotonic() + 10
    while True:
        tally = server.request("GET", f"/api/rounds/{round_id}/", token=tokens[0])[1]["round"]["tally"]
        if sum(row["dots"] for row in tally) == 5 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert {row["card"]: row["dots"] for row in tally} == {cards[0]: 5, cards[1]: 0}
