"""The board WebSocket: who may connect, live events, resume, presence, bad frames, limits."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from boards import actions as board_actions
from boards.actions.presence import flush_presence
from boards.events import board_group
from boards.models import Board, BoardPresence
from codesign.asgi import application
from tests.factories import make_member, make_token, make_workspace
from workspace import actions

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(user) -> str:
    return make_token(user)


async def open_socket(board_id, user=None, *, token=None, headers=None):
    key = token or (await database_sync_to_async(token_for)(user) if user else None)
    path = f"/ws/boards/{board_id}/" + (f"?token={key}" if key else "")
    comm = WebsocketCommunicator(application, path, headers=headers or [])
    connected, code = await comm.connect()
    return comm, connected, code


async def drain(comm, wait=0.3) -> list[dict]:
    frames = []
    while not await comm.receive_nothing(wait):
        frames.append(await comm.receive_json_from())
    return frames


def stored(frames):
    return [f for f in frames if "seq" in f and f["type"] not in ("welcome", "resync_required")]


def run(scenario):
    return async_to_sync(scenario)()


@pytest.fixture
def room(db):
    workspace = make_workspace()
    return {
        "board": Board.objects.select_related("workspace").get(workspace=workspace, kind="mission"),
        "other_board": Board.objects.select_related("workspace").get(workspace=workspace, kind="vision"),
        "alice": make_member(workspace, country="KZ", display_name="Alice"),
        "bek": make_member(workspace, country="KG", display_name="Bek"),
        "facilitator": make_member(workspace, "facilitator"),
        "steward": make_member(workspace, "steward"),
    }


def test_member_connects_and_sees_events_live(room):
    """A member's socket gets a welcome with the board's seq, then each new card as it is posted."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        comm, connected, _ = await open_socket(board.pk, alice.user)
        assert connected
        frames = await drain(comm)
        assert frames[0]["type"] == "welcome" and frames[0]["seq"] == 0
        await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body="Live idea")
        frames = await drain(comm)
        assert [(f["type"], f["seq"], f["card"]["body"]) for f in stored(frames)] == [("card.created", 1, "Live idea")]
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize("who", ["stranger", "bad-token"])
def test_non_members_are_closed_with_4403(room, who):
    """A signed-in stranger, or a made-up token, is closed with code 4403 and hears nothing."""
    board = room["board"]

    async def scenario():
        if who == "stranger":
            stranger = await database_sync_to_async(lambda: make_member(make_workspace()).user)()
            comm, connected, _ = await open_socket(board.pk, stranger)
        else:
            comm, connected, _ = await open_socket(board.pk, token="not-a-token")
        assert connected
        closing = await comm.receive_output()
        assert closing == {"type": "websocket.close", "code": 4403}
        await comm.wait()

    run(scenario)


def test_cookie_socket_without_origin_is_refused(room):
    """Without a token, a socket must come from one of our pages (Origin checked): a bare one is refused."""

    async def scenario():
        comm, connected, _ = await open_socket(room["board"].pk)
        assert not connected
        comm2, connected2, _ = await open_socket(room["board"].pk, headers=[(b"origin", b"https://evil.example")])
        assert not connected2

    run(scenario)


def test_resume_delivers_exactly_the_missed_events(room):
    """After a drop, resuming from the last seq brings every missed event once, in order, then live ones."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        await database_sync_to_async(board_actions.create_card)(board=board, by=bek, body="seen live")
        last_seq = stored(await drain(comm))[-1]["seq"]
        await comm.disconnect()
        for n in range(3):
            await database_sync_to_async(board_actions.create_card)(board=board, by=bek, body=f"missed {n}")
        comm, *_ = await open_socket(board.pk, alice.user)
        await comm.send_json_to({"type": "resume", "after": last_seq})
        await database_sync_to_async(board_actions.create_card)(board=board, by=bek, body="after resume")
        frames = stored(await drain(comm))
        assert [f["seq"] for f in frames] == [2, 3, 4, 5]
        assert [f["card"]["body"] for f in frames] == ["missed 0", "missed 1", "missed 2", "after resume"]
        await comm.send_json_to({"type": "resume", "after": 5})
        assert stored(await drain(comm)) == []
        await comm.disconnect()

    run(scenario)


def test_resume_while_events_arrive_sends_no_duplicates(room):
    """Events that arrived live before the resume are not sent again by it."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        for n in range(3):
            await database_sync_to_async(board_actions.create_card)(board=board, by=bek, body=f"card {n}")
        await comm.send_json_to({"type": "resume", "after": 0})
        frames = stored(await drain(comm))
        assert [f["seq"] for f in frames] == [1, 2, 3]
        await comm.disconnect()

    run(scenario)


def test_too_far_behind_gets_resync_required(room, settings):
    """A client further behind than the server replays is told to reload; the snapshot's seq lets it go on."""
    settings.MAX_RESUME_EVENTS = 3
    board, alice = room["board"], room["alice"]

    async def scenario():
        for n in range(5):
            await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body=f"card {n}")
        comm, *_ = await open_socket(board.pk, alice.user)
        await drain(comm)
        await comm.send_json_to({"type": "resume", "after": 1})
        frames = await drain(comm)
        assert frames == [{"type": "resync_required", "seq": 5, "snapshot_url": f"/api/boards/{board.pk}/state/"}]
        await comm.send_json_to({"type": "resume", "after": 5})
        await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body="next")
        assert [f["seq"] for f in stored(await drain(comm))] == [6]
        await comm.send_json_to({"type": "resume", "after": 99})
        assert (await drain(comm))[0]["type"] == "resync_required"
        await comm.disconnect()

    run(scenario)


def test_events_never_reach_another_boards_clients(room):
    """A client on the Vision board hears nothing of the Mission board."""
    board, other, alice = room["board"], room["other_board"], room["alice"]

    async def scenario():
        comm, *_ = await open_socket(other.pk, alice.user)
        await drain(comm)
        await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body="mission only")
        assert stored(await drain(comm)) == []
        await comm.send_json_to({"type": "resume", "after": 0})
        assert stored(await drain(comm)) == []
        await comm.disconnect()

    run(scenario)


def test_dropped_live_frames_are_filled_in(room):
    """If the layer drops frames (a lagging consumer), the next frame's gap is filled from the log."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        await comm.send_json_to({"type": "resume", "after": 0})
        await drain(comm)
        # Stand in for a full channel: this socket misses two broadcasts.
        channel = await database_sync_to_async(lambda: BoardPresence.objects.get(membership=alice).channel_name)()
        layer = get_channel_layer()
        await layer.group_discard(board_group(board.pk), channel)
        for n in range(2):
            await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body=f"dropped {n}")
        await layer.group_add(board_group(board.pk), channel)
        await database_sync_to_async(board_actions.create_card)(board=board, by=alice, body="arrives")
        frames = stored(await drain(comm))
        assert [(f["seq"], f["card"]["body"]) for f in frames] == [(1, "dropped 0"), (2, "dropped 1"), (3, "arrives")]
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"no": "type"}',
        '{"type": "dance"}',
        '{"type": "resume"}',
        '{"type": "resume", "after": "5"}',
        '{"type": "resume", "after": -1}',
        '{"type": "resume", "after": true}',
        "x" * 5000,
    ],
)
def test_malformed_frames_get_error_and_socket_stays_open(room, frame):
    """A malformed frame is answered with an error frame; the socket keeps working."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        await drain(comm)
        await comm.send_to(text_data=frame)
        reply = await drain(comm)
        assert len(reply) == 1 and reply[0]["type"] == "error" and reply[0]["message"]
        await comm.send_json_to({"type": "ping"})
        assert await drain(comm) == [{"type": "pong"}]
        await comm.disconnect()

    run(scenario)


def test_binary_frame_is_an_error(room):
    """Binary frames are refused with an error frame."""

    async def scenario():
        comm, *_ = await open_socket(room["board"].pk, room["alice"].user)
        await drain(comm)
        await comm.send_to(bytes_data=b"\x00\x01")
        assert (await drain(comm))[0]["type"] == "error"
        await comm.disconnect()

    run(scenario)


def test_removed_member_is_disconnected(room):
    """When a steward removes a member, the member's open socket is told and closed with 4403."""
    board, alice, steward = room["board"], room["alice"], room["steward"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        await drain(comm)
        await database_sync_to_async(actions.remove_member)(membership=alice, by=steward)
        error = await comm.receive_json_from()
        assert (error["type"], error["code"]) == ("error", "removed")
        assert await comm.receive_output() == {"type": "websocket.close", "code": 4403}
        again, connected, _ = await open_socket(board.pk, alice.user)
        assert await again.receive_output() == {"type": "websocket.close", "code": 4403}

    run(scenario)


async def flush():
    """What each server process's presence batcher does every half second."""
    return await database_sync_to_async(flush_presence)()


def test_presence_one_entry_per_person(room):
    """Presence lists each person once however many tabs they open, and drops them when the last
    closes: a full list in the welcome, then numbered deltas."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    def presence(frames):
        return [f for f in frames if f["type"].startswith("presence")]

    async def scenario():
        a1, *_ = await open_socket(board.pk, alice.user)
        await flush()
        (full,) = presence(await drain(a1))  # the chain starts: everyone gets the whole list once
        assert full["members"] == [{"id": alice.pk, "display_name": "Alice", "country": "KZ"}]
        b1, *_ = await open_socket(board.pk, bek.user)
        welcome = (await drain(b1))[0]
        assert welcome["presence_version"] == full["version"]
        await flush()
        (delta,) = presence(await drain(a1))
        assert delta == {
            "type": "presence.delta", "version": full["version"] + 1,
            "arrived": [{"id": bek.pk, "display_name": "Bek", "country": "KG"}], "left": [],
        }  # fmt: skip
        await drain(b1)
        a2, *_ = await open_socket(board.pk, alice.user)
        await flush()
        assert presence(await drain(b1)) == []  # nobody new
        await a2.disconnect()
        await a1.disconnect()
        await flush()
        (gone,) = presence(await drain(b1))
        assert (gone["arrived"], gone["left"], gone["version"]) == ([], [alice.pk], full["version"] + 2)
        await b1.send_json_to({"type": "presence"})  # a client that missed one asks for the list
        assert await b1.receive_json_from() == {
            "type": "presence", "version": full["version"] + 2,
            "members": [{"id": bek.pk, "display_name": "Bek", "country": "KG"}],
        }  # fmt: skip
        await b1.disconnect()
        assert await database_sync_to_async(BoardPresence.objects.count)() == 0

    run(scenario)


def test_a_rush_to_one_board_costs_each_person_a_few_presence_frames(room):
    """ "Everyone to this board": 40 different people arrive within the same half second. Each one
    hears one list (welcome) and one delta, not a whole list per arrival (was 40 lists each)."""
    board = room["board"]
    people = [make_member(board.workspace, country=("KZ", "AF", "MN", "UZ")[n % 4]) for n in range(40)]

    async def scenario():
        sockets = [(await open_socket(board.pk, person.user))[0] for person in people]
        await flush()
        received = [await drain(comm, wait=0.1) for comm in sockets]
        await flush()  # nothing changed since: nothing sent
        later = [await drain(comm, wait=0.05) for comm in sockets]
        for comm in sockets:
            await comm.disconnect()
        return received, later

    received, later = run(scenario)
    for frames in received:
        kinds = [f["type"] for f in frames if f["type"].startswith("presence") or f["type"] == "welcome"]
        assert kinds == ["welcome", "presence"]  # the chain's first frame is a whole list
        assert {p["id"] for p in frames[-1]["members"]} == {p.pk for p in people}
    assert all(frames == [] for frames in later)
    total_bytes = sum(len(json.dumps(f)) for frames in received for f in frames)
    assert total_bytes / len(people) < 8_000


def test_socket_cap_per_member(room, settings):
    """A member past the cap of open sockets is refused with an error and code 4429; others are not."""
    settings.MAX_SOCKETS_PER_MEMBER = 2
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        first, *_ = await open_socket(board.pk, alice.user)
        second, *_ = await open_socket(board.pk, alice.user)
        third, connected, _ = await open_socket(board.pk, alice.user)
        assert (await third.receive_json_from())["code"] == "too_many_connections"
        assert await third.receive_output() == {"type": "websocket.close", "code": 4429}
        bek_socket, *_ = await open_socket(board.pk, bek.user)
        assert (await bek_socket.receive_json_from())["type"] == "welcome"
        for comm in (first, second, bek_socket):
            await comm.disconnect()

    run(scenario)


def test_frame_rate_limit(room, settings):
    """Past the frame allowance a member gets a rate_limited error frame with retry_after."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "socket_frame": (3, 60)}
    board, alice = room["board"], room["alice"]

    async def scenario():
        comm, *_ = await open_socket(board.pk, alice.user)
        await drain(comm)
        for _ in range(4):
            await comm.send_json_to({"type": "ping"})
        frames = await drain(comm)
        assert [f["type"] for f in frames] == ["pong", "pong", "pong", "error"]
        assert frames[-1]["code"] == "rate_limited" and frames[-1]["retry_after"] >= 1
        await comm.disconnect()

    run(scenario)
