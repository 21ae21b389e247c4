"""The fishbowl under real concurrency, against a live server on SQLite and on PostgreSQL: hands
raised at the same moment all get a place, in some order, once; raises, leaves, seat offers taken
and a facilitator's moves racing each other never put more people in the bowl than it has seats."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import postgres_database, served, sqlite_database

pytestmark = pytest.mark.process

PARTICIPANTS = ["steward", "af", "kz", "kg", "mn", "tj", "tm", "uz"]
URL = "/api/workspaces/gs-think-tank/fishbowl/"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    if request.param == "sqlite":
        database = sqlite_database(tmp_path_factory.mktemp("db"))
    else:
        database = postgres_database()
    with database as url, served(url) as server:
        server.tokens = {name: server.token(name) for name in [*PARTICIPANTS, "facilitator"]}
        server.members_by_user = {
            name: server.request("GET", "/api/workspaces/gs-think-tank/room/", token=token)[1]["me"]
            for name, token in server.tokens.items()
        }
        yield server


def fire(server, calls):
    """Send all the requests at once (a barrier releases every thread together)."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        barrier.wait()
        method, path, body, who = call
        return server.request(method, path, body, token=server.tokens[who])

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def state(server):
    status, body = server.request("GET", URL, token=server.tokens["facilitator"])
    assert status == 200
    return body


def check(fishbowl):
    """The rules that must hold in every state anyone can read."""
    everyone = [s["member"] for key in ("seated", "offered", "queue") for s in fishbowl[key]]
    assert len(everyone) == len(set(everyone)), "someone holds two places"
    assert len(fishbowl["seated"]) + len(fishbowl["offered"]) <= fishbowl["seats"], fishbowl
    tickets = [s["ticket"] for s in fishbowl["queue"]]
    assert tickets == sorted(tickets)


def empty_the_bowl(server):
    fishbowl = state(server)
    for speaker in fishbowl["seated"] + fishbowl["offered"] + fishbowl["queue"]:
        server.request("POST", f"{URL}members/{speaker['member']}/unseat/", token=server.tokens["facilitator"])
    status, _ = server.request("POST", f"{URL}seats/", {"seats": 5}, token=server.tokens["facilitator"])
    assert status == 200


def test_eight_hands_raised_at_once_fill_five_seats_then_queue(server):
    """8 simultaneous raises into 5 seats: all accepted, 5 offered seats, 3 waiting, each person once."""
    empty_the_bowl(server)
    results = fire(server, [("POST", f"{URL}raise-hand/", None, name) for name in PARTICIPANTS])
    assert [status for status, _ in results] == [200] * 8
    fishbowl = state(server)
    check(fishbowl)
    assert (len(fishbowl["offered"]), len(fishbowl["queue"])) == (5, 3)
    offered = sorted(s["ticket"] for s in fishbowl["offered"])
    assert max(offered) < min(s["ticket"] for s in fishbowl["queue"]), "seats went out of queue order"


def test_racing_raises_leaves_and_moves_never_overfill_the_bowl(server):
    """Rounds of everything at once (take a seat, leave, raise again, a facilitator moving the waiting
    in) while a reader watches: never more than 5 in the bowl, never anyone twice."""
    empty_the_bowl(server)
    fire(server, [("POST", f"{URL}raise-hand/", None, name) for name in PARTICIPANTS])
    seen = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.append(state(server))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _round in range(6):
            fishbowl = state(server)
            calls = []
            for speaker in fishbowl["offered"]:
                calls.append(("POST", f"{URL}accept-seat/", None, user_of(server, speaker)))
            for speaker in fishbowl["seated"]:
                calls.append(("POST", f"{URL}leave/", None, user_of(server, speaker)))
            placed = {s["member"] for key in ("seated", "offered", "queue") for s in fishbowl[key]}
            for name in PARTICIPANTS:
                if server.members_by_user[name] not in placed:
                    calls.append(("POST", f"{URL}raise-hand/", None, name))
            for speaker in fishbowl["queue"]:
                calls.append(("POST", f"{URL}members/{speaker['member']}/seat/", None, "facilitator"))
            results = fire(server, calls)
            assert {status for status, _ in results} <= {200, 409}, results
            assert all(body.get("detail") for status, body in results if status == 409)
            check(state(server))
    finally:
        stop.set()
        watcher.join()
    assert len(seen) > 10
    for fishbowl in seen:
        check(fishbowl)


def user_of(server, speaker) -> str:
    return next(user for user, member in server.members_by_user.items() if member == speaker["member"])
