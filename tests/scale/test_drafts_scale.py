"""Co-editing across two Daphne processes on PostgreSQL and Redis: clients on different processes
converge, and the stored draft is the same text."""

import asyncio

import pytest

from tests.servers import REDIS_URL, postgres_database, redis_prefix, served_many
from tests.workspace.test_draft_live import board_id, draft_url
from tests.yclient import edit_together

pytestmark = pytest.mark.scale


def test_clients_on_two_processes_converge():
    """One client on each of two processes edits at random with drops; both end with the stored text."""
    with (
        postgres_database() as database,
        redis_prefix() as prefix,
        served_many(database, 2, REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix) as (first, second),
    ):
        kz, mn = first.token("kz"), second.token("mn")
        board = board_id(first, kz, "mission")

        urls = [draft_url(first, board, kz), draft_url(second, board, mn)]
        one, two = asyncio.run(edit_together(urls, seed=11, steps=100, drop_chance=0.05))
        assert one == two and len(one) > 50
        for server, token in ((first, kz), (second, mn)):
            assert server.request("GET", f"/api/boards/{board}/draft/", token=token)[1]["markdown"] == one
