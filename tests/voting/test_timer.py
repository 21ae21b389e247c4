"""A round with a timer closes on time with no client connected, and after a server restart."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.servers import served, sqlite_database

pytestmark = pytest.mark.process


def round_state(db_file, round_id: int) -> tuple[str, int]:
    with sqlite3.connect(db_file) as db:
        return db.execute("SELECT state, closed_by_timer FROM voting_round WHERE id = ?", [round_id]).fetchone()


def timed_round(server, kind: str, seconds: int) -> int:
    """Open a round on the board ``kind`` that ends ``seconds`` from now."""
    facilitator = server.token("facilitator")
    status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=facilitator)
    board = next(b["id"] for b in boards if b["kind"] == kind)
    server.request("POST", f"/api/boards/{board}/cards/", {"body": "An idea"}, token=facilitator)
    ends_at = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()
    status, round_ = server.request(
        "POST", f"/api/boards/{board}/rounds/", {"question": "Q?", "ends_at": ends_at}, token=facilitator
    )
    status, opened = server.request("POST", f"/api/rounds/{round_['id']}/open/", token=facilitator)
    assert status == 200, opened
    return round_["id"]


def wait_for(predicate, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_round_closes_on_time_with_nobody_connected(tmp_path):
    """With no socket open and no request made, the server closes the round when its timer ends."""
    with sqlite_database(tmp_path) as url, served(url) as server:
        db_file = url.removeprefix("sqlite:///")
        round_id = timed_round(server, "concept", 4)
        assert round_state(db_file, round_id) == ("open", 0)
        opened_at = time.monotonic()
        wait_for(lambda: round_state(db_file, round_id)[0] == "closed", timeout=10)
        assert 2.5 <= time.monotonic() - opened_at <= 6
        assert round_state(db_file, round_id) == ("closed", 1)


def test_round_that_ran_out_during_a_restart_closes_when_back(tmp_path):
    """A round whose time ends while the server is down is closed as soon as the server is back."""
    with sqlite_database(tmp_path) as url, served(url) as server:
        db_file = url.removeprefix("sqlite:///")
        round_id = timed_round(server, "mission", 3)
        server.stop()
        time.sleep(4)
        assert round_state(db_file, round_id) == ("open", 0)
        server.start()
        wait_for(lambda: round_state(db_file, round_id)[0] == "closed", timeout=5)
        status, detail = server.request("GET", f"/api/rounds/{round_id}/", token=server.token("kz"))
        assert detail["round"]["results"]["turnout"]["voters"] == 0
