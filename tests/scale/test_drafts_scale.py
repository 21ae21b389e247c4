"""Co-editing across two Daphne processes on PostgreSQL and Redis: clients on different processes
converge, and the stored draft is the same text."""

import asyncio
import random

import pytest

from tests.servers import REDIS_URL, postgres_database, redis_prefix, served_many
from tests.workspace.test_draft_live import board_id, draft_url, settle
from tests.yclient import YClient

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

        async def scenario():
            chance = random.Random(11)
            clients = [YClient(draft_url(first, board, kz), seed=11), YClient(draft_url(second, board, mn), seed=12)]
            for client in clients:
                await client.connect()
            for _step in range(100):
                client = chance.choice(clients)
                client.random_edit()
                if client.ws is not None and chance.random() < 0.7:
                    await client.flush()
                if chance.random() < 0.05:
                    await (client.connect() if client.ws is None else client.disconnect())
                await asyncio.sleep(chance.random() * 0.01)
            for client in clients:
                if client.ws is None:
                    await client.connect()
            await settle(*clients)
            texts = [client.value() for client in clients]
            for client in clients:
                await client.disconnect()
            return texts

        one, two = asyncio.run(scenario())
        assert one == two and len(one) > 50
        for server, token in ((first, kz), (second, mn)):
            assert server.request("GET", f"/api/boards/{board}/draft/", token=token)[1]["markdown"] == one
