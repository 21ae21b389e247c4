"""Co-editing across two Daphne processes on PostgreSQL and Redis: clients on different processes
converge, and the stored draft is the same text."""

import asyncio
import time

import pytest

from tests.drafts.test_live import board_id, draft_url
from tests.yclient import YClient, edit_together

pytestmark = pytest.mark.scale


def test_clients_on_two_processes_converge(pair):
    """One client on each of two processes edits at random with drops; both end with the stored text."""
    first, second = pair
    kz, mn = first.token("kz"), second.token("mn")
    board = board_id(first, kz, "mission")

    urls = [draft_url(first, board, kz), draft_url(second, board, mn)]
    one, two = asyncio.run(edit_together(urls, seed=11, steps=100, drop_chance=0.05))
    assert one == two and len(one) > 50
    for server, token in ((first, kz), (second, mn)):
        assert server.request("GET", f"/api/boards/{board}/draft/", token=token)[1]["markdown"] == one


def test_an_edit_reaches_the_other_process_live(pair):
    """Typed through one process, a change reaches an editor on the other within two seconds, by
    relay alone (neither client reconnects or asks to sync again)."""
    first, second = pair
    kz, mn = first.token("kz"), second.token("mn")
    board = board_id(first, kz, "vision")

    async def scenario():
        writer, reader = YClient(draft_url(first, board, kz)), YClient(draft_url(second, board, mn))
        await writer.connect()
        await reader.connect()
        await asyncio.sleep(0.5)
        seen = []
        for word in ("Живой ", "текст ", "متن "):
            writer.text.insert(len(writer.text), word)
            await writer.flush()
            started = time.monotonic()
            while word not in reader.value() and time.monotonic() - started < 2:
                await asyncio.sleep(0.02)
            seen.append(word in reader.value())
        await writer.disconnect()
        await reader.disconnect()
        return seen, reader.value()

    seen, text = asyncio.run(scenario())
    assert seen == [True, True, True], text
