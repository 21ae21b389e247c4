"""The room WebSocket: members only, the room's state on connect, workspace events live, the queue
kept across reconnects, and the console's board changes for facilitators only."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from boards import actions as board_actions
from boards.selectors import workspace_boards
from codesign.asgi import application
from facilitation import actions
from tests.factories import make_member, make_workspace
from tests.workspace.test_board_socket import drain, token_for

pytestmark = pytest.mark.django_db(transaction=True)


async def open_room(slug, user=None, query=""):
    key = await database_sync_to_async(token_for)(user) if user else None
    params = "&".join(p for p in (f"token={key}" if key else "", query) if p)
    comm = WebsocketCommunicator(application, f"/ws/w/{slug}/room/" + (f"?{params}" if params else ""))
    connected, code = await comm.connect()
    return comm, connected, code


def run(scenario):
    return async_to_sync(scenario)()


@pytest.fixture
def people(db):
    workspace = make_workspace()
    return {
        "workspace": workspace,
        "alice": make_member(workspace, country="KZ", display_name="Alice"),
        "bek": make_member(workspace, country="KG", display_name="Bek"),
        "facilitator": make_member(workspace, "facilitator"),
        "stranger": make_member(make_workspace()),
    }


def test_a_stranger_learns_nothing(people):
    """A member of another workspace, or a made-up token: closed with 4403, no state sent."""

    async def scenario():
        for query in ("", "token=not-a-token"):
            comm, connected, _ = await open_room(
                people["workspace"].slug, None if query else people["stranger"].user, query
            )
            assert connected
            assert await comm.receive_output() == {"type": "websocket.close", "code": 4403}
            await comm.wait()

    run(scenario)


def test_connect_sends_the_room_then_events_with_their_seq(people):
    async def scenario():
        comm, connected, _ = await open_room(people["workspace"].slug, people["alice"].user)
        assert connected
        hello = await comm.receive_json_from()
        assert hello["type"] == "room" and hello["seq"] == 0 and hello["me"] == people["alice"].pk
        assert hello["fishbowl"]["seats"] == 5 and "server_time" in hello
        await database_sync_to_async(actions.raise_hand)(member=people["bek"])
        await database_sync_to_async(actions.post_message)(
            workspace=people["workspace"], by=people["facilitator"], text="Welcome"
        )
        frames = await drain(comm)
        assert [(f["type"], f["seq"]) for f in frames] == [("fishbowl.updated", 1), ("notice.posted", 2)]
        assert frames[0]["fishbowl"]["offered"][0]["display_name"] == "Bek"
        await comm.disconnect()

    run(scenario)


def test_the_queue_survives_a_reconnect(people):
    """Places in the queue belong to people, not connections: a new socket shows the same order."""

    async def scenario():
        facilitator = people["facilitator"]
        await database_sync_to_async(actions.set_seats)(by=facilitator, seats=1)
        comm, _, _ = await open_room(people["workspace"].slug, people["alice"].user)
        await comm.receive_json_from()
        for name in ("facilitator", "alice", "bek"):
            await database_sync_to_async(actions.raise_hand)(member=people[name])
        await comm.disconnect()
        comm, _, _ = await open_room(people["workspace"].slug, people["alice"].user)
        hello = await comm.receive_json_from()
        assert [s["member"] for s in hello["fishbowl"]["offered"]] == [facilitator.pk]
        assert [s["display_name"] for s in hello["fishbowl"]["queue"]] == ["Alice", "Bek"]
        await comm.disconnect()

    run(scenario)


def test_the_console_hears_board_changes_and_participants_do_not(people):
    """A burst of cards on one board reaches the console as one frame with that board's row (what
    it shows now: 3 new cards), not as a nudge per card to fetch everything; a participant asking
    for the console hears nothing of it."""
    async def scenario():
        boards = await database_sync_to_async(lambda: list(workspace_boards(people["workspace"])))()
        board = boards[0]
        console, _, _ = await open_room(people["workspace"].slug, people["facilitator"].user, "console=1")
        sneaky, _, _ = await open_room(people["workspace"].slug, people["alice"].user, "console=1")
        await console.receive_json_from()
        await sneaky.receive_json_from()
        for body in ("An idea", "Another", "A third"):
            await database_sync_to_async(board_actions.create_card)(board=board, by=people["bek"], body=body)
        heard = await drain(console, 1.0)
        assert [frame["type"] for frame in heard] == ["console.boards"]
        (row,) = heard[0]["boards"]
        assert row["id"] == board.pk and row["new_cards"] == 3
        assert await drain(sneaky) == []
        await console.disconnect()
        await sneaky.disconnect()

    run(scenario)


def test_bad_frames_get_an_error_and_sync_sends_the_room_again(people):
    async def scenario():
        comm, _, _ = await open_room(people["workspace"].slug, people["alice"].user)
        await comm.receive_json_from()
        await comm.send_to(text_data="not json")
        assert (await comm.receive_json_from())["type"] == "error"
        await comm.send_json_to({"type": "vote"})
        assert (await comm.receive_json_from())["type"] == "error"
        await comm.send_json_to({"type": "sync"})
        assert (await comm.receive_json_from())["type"] == "room"
        await comm.disconnect()

    run(scenario)
