"""The draft socket in one process: sync, storage, permissions, size limit, awareness names."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from pycrdt import create_sync_message, create_update_message

from boards import actions as board_actions
from boards.models import Board
from codesign.asgi import application
from drafts import actions as drafts_actions
from drafts.documents import DRAFT_MAX_CHARS, draft_markdown, new_doc
from drafts.models import DraftUpdate
from drafts.protocol import (
    MESSAGE_AUTH,
    MESSAGE_AWARENESS,
    MESSAGE_SYNC,
    PALETTE,
    YSyncMessageType,
    decode_awareness,
    parse_message,
)
from tests.factories import make_member, make_token, make_workspace
from workspace import actions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(db):
    workspace = make_workspace()
    return {
        "board": Board.objects.select_related("workspace").get(workspace=workspace, kind="mission"),
        "alice": make_member(workspace, country="KZ", display_name="Alice"),
        "bek": make_member(workspace, country="AF", display_name="Bek"),
        "facilitator": make_member(workspace, "facilitator"),
    }


async def connect(board_id, user, slash=True):
    key = await database_sync_to_async(make_token)(user)
    comm = WebsocketCommunicator(application, f"/ws/drafts/{board_id}{'/' if slash else ''}?token={key}")
    connected, _ = await comm.connect()
    assert connected
    return comm


async def drain(comm, wait=0.3) -> list[bytes]:
    messages = []
    while not await comm.receive_nothing(wait):
        output = await comm.receive_output()
        if output["type"] == "websocket.close":
            messages.append(output)
            break
        messages.append(output.get("bytes"))
    return messages


def edit(text_value: str, base: bytes = b"") -> bytes:
    """An update that inserts ``text_value`` into a document that starts as ``base``."""
    doc, text = new_doc(base) if base else new_doc()
    before = doc.get_state()
    text.insert(len(str(text).encode()), text_value)
    return doc.get_update(before)


def run(scenario):
    return async_to_sync(scenario)()


def test_server_answers_sync_and_stores_updates(room):
    """On connect the server sends sync step 1; an update is stored and reaches another editor."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        b = await connect(board.pk, bek.user, slash=False)
        first = (await drain(a))[0]
        assert parse_message(first)[:2] == (MESSAGE_SYNC, YSyncMessageType.SYNC_STEP1)
        await drain(b)
        await a.send_to(bytes_data=create_update_message(edit("Мы — аналитический центр")))
        received = await drain(b)
        assert parse_message(received[0])[:2] == (MESSAGE_SYNC, YSyncMessageType.SYNC_UPDATE)
        assert await drain(a) == []  # the sender is not echoed
        assert await database_sync_to_async(draft_markdown)(board.pk) == "Мы — аналитический центр"
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_late_joiner_gets_everything_from_the_server(room):
    """With nobody else online, a newcomer's sync step 1 is answered with the whole text."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        await drain(a)
        await a.send_to(bytes_data=create_update_message(edit("ما اندیشکده هستیم")))
        await drain(a)
        await a.disconnect()
        b = await connect(board.pk, bek.user)
        await drain(b)
        doc, text = new_doc()
        await b.send_to(bytes_data=create_sync_message(doc))
        reply = (await drain(b))[0]
        kind, sync_type, update = parse_message(reply)
        assert sync_type == YSyncMessageType.SYNC_STEP2
        doc.apply_update(update)
        assert str(text) == "ما اندیشکده هستیم"
        await b.disconnect()

    run(scenario)


def test_locked_board_refuses_every_update(room):
    """On a locked board a hand-made update is refused with a permission-denied message; reading works."""
    board, alice, facilitator = room["board"], room["alice"], room["facilitator"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        await drain(a)
        await a.send_to(bytes_data=create_update_message(edit("before")))
        await drain(a)
        await database_sync_to_async(board_actions.update_board)(board=board, by=facilitator, state="locked")
        for who in (alice, facilitator):
            comm = a if who is alice else await connect(board.pk, who.user)
            await drain(comm)
            await comm.send_to(bytes_data=create_update_message(edit(" after")))
            refusal = await drain(comm)
            assert parse_message(refusal[0])[0] == MESSAGE_AUTH
            assert b"locked" in refusal[0]
            doc, _text = new_doc()
            await comm.send_to(bytes_data=create_sync_message(doc))
            assert parse_message((await drain(comm))[0])[1] == YSyncMessageType.SYNC_STEP2
            await comm.disconnect()
        assert await database_sync_to_async(draft_markdown)(board.pk) == "before"

    run(scenario)


def test_non_member_cannot_connect(room):
    """A stranger is closed with 4403."""
    board = room["board"]

    async def scenario():
        stranger = await database_sync_to_async(lambda: make_member(make_workspace()).user)()
        comm = await connect(board.pk, stranger)
        assert await comm.receive_output() == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_oversized_update_is_refused_and_draft_unchanged(room):
    """An update that would take the draft past 200,000 characters is refused; the draft stays intact."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        await drain(a)
        base = edit("x" * (DRAFT_MAX_CHARS - 10))
        await a.send_to(bytes_data=create_update_message(base))
        await drain(a)
        await a.send_to(bytes_data=create_update_message(edit("ж" * 11, base)))
        refusal = await drain(a)
        assert parse_message(refusal[0])[0] == MESSAGE_AUTH and b"200000" in refusal[0]
        text = await database_sync_to_async(draft_markdown)(board.pk)
        assert len(text) == DRAFT_MAX_CHARS - 10
        await a.send_to(bytes_data=create_update_message(edit("ok", base)))
        await drain(a)
        assert len(await database_sync_to_async(draft_markdown)(board.pk)) == DRAFT_MAX_CHARS - 8
        await a.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "frame", [b"\x00\x02\x05garbage", b"\x00\x09", b"\x07\x01", b"\x01", b"\x00\x02\x03\xff\xff\xff"]
)
def test_malformed_frames_change_nothing(room, frame):
    """Garbage frames are answered with a message and store nothing; the socket keeps working."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        await drain(a)
        await a.send_to(bytes_data=frame)
        replies = await drain(a)
        assert replies and parse_message(replies[0])[0] == MESSAGE_AUTH
        assert await database_sync_to_async(DraftUpdate.objects.count)() == 0
        await a.send_to(bytes_data=create_update_message(edit("still here")))
        await drain(a)
        assert await database_sync_to_async(draft_markdown)(board.pk) == "still here"
        await a.disconnect()

    run(scenario)


def test_awareness_names_come_from_the_server(room):
    """A client cannot pose as someone else: the server writes its name and country into awareness."""
    board, alice, bek = room["board"], room["alice"], room["bek"]

    async def scenario():
        a = await connect(board.pk, alice.user)
        b = await connect(board.pk, bek.user)
        await drain(a)
        await drain(b)
        from drafts.protocol import awareness_message

        await a.send_to(bytes_data=awareness_message([(42, 1, {"user": {"name": "The Steward", "color": "#f00"}})]))
        received = await drain(b)
        kind, _sync, payload = parse_message(received[0])
        assert kind == MESSAGE_AWARENESS
        ((client_id, clock, state),) = decode_awareness(payload)
        assert (client_id, clock, state["user"]["name"], state["user"]["country"]) == (42, 1, "Alice (KZ)", "KZ")
        assert state["user"]["color"] in {color for color, _light in PALETTE}  # the server's, not "#f00"
        await a.disconnect()
        gone = await drain(b)
        assert decode_awareness(parse_message(gone[0])[2]) == [(42, 2, None)]
        await b.disconnect()

    run(scenario)


def test_removed_member_is_disconnected(room):
    """A member removed from the workspace is closed at once."""
    board, alice = room["board"], room["alice"]

    async def scenario():
        steward = await database_sync_to_async(lambda: make_member(board.workspace, "steward"))()
        a = await connect(board.pk, alice.user)
        await drain(a)
        await database_sync_to_async(actions.remove_member)(membership=alice, by=steward)
        closing = await drain(a)
        assert closing[-1] == {"type": "websocket.close", "code": 4403}

    run(scenario)


def test_an_editor_who_drops_mid_store_fails_nobody(room):
    """An editor's last keystroke is queued while an earlier batch is being stored, then their
    connection drops: the keystroke is stored as theirs, and the other editor, whose keystrokes
    share the next batch, is not thrown out (the batch used to fail on the gone socket's member,
    closing everyone in it with 4500)."""
    import asyncio
    import time
    from unittest import mock

    from drafts import rooms

    board, alice, bek = room["board"], room["alice"], room["bek"]
    store = drafts_actions.store_draft_updates

    def slow_store(**kwargs):
        time.sleep(0.2)  # a busy database: the next keystrokes queue meanwhile
        return store(**kwargs)

    relay = rooms.relay_to_draft

    async def slow_relay(*args, **kwargs):
        await asyncio.sleep(0.1)  # relaying the first batch: the dropped socket's disconnect runs now
        return await relay(*args, **kwargs)

    async def scenario():
        b = await connect(board.pk, bek.user)
        a = await connect(board.pk, alice.user)
        await drain(a)
        await drain(b)
        await b.send_to(bytes_data=create_update_message(edit("b1 ")))  # its store is under way…
        await comm_settle()
        await a.send_to(bytes_data=create_update_message(edit("a1 ")))  # …these queue behind it
        await b.send_to(bytes_data=create_update_message(edit("b2 ")))
        await comm_settle()
        await a.disconnect()  # gone before its keystroke's batch is stored
        closes = [m for m in await drain(b, wait=1.0) if isinstance(m, dict)]
        authors = await database_sync_to_async(
            lambda: list(DraftUpdate.objects.filter(board=board).values_list("author_id", flat=True))
        )()
        text = await database_sync_to_async(draft_markdown)(board.pk)
        await b.disconnect()
        return closes, authors, text

    with (
        mock.patch.object(drafts_actions, "store_draft_updates", slow_store),
        mock.patch.object(rooms, "relay_to_draft", slow_relay),
    ):
        closes, authors, text = run(scenario)
    assert closes == []
    assert sorted(authors) == sorted([bek.pk, alice.pk, bek.pk])
    assert all(word in text for word in ("a1", "b1", "b2"))


async def comm_settle():
    import asyncio

    await asyncio.sleep(0.05)


def test_a_batch_reaches_each_editor_as_one_frame_without_their_own_part(room):
    """Keystrokes stored together (one batch) reach every other editor as one merged update (a
    hundred typists would otherwise cost each editor a frame per keystroke); an editor whose
    keystroke is in the batch gets only the others' part of it, never its own back."""
    import threading
    from unittest import mock

    from drafts import rooms

    board, alice, bek = room["board"], room["alice"], room["bek"]
    store = drafts_actions.store_draft_updates
    batches = []
    queued = threading.Event()

    def slow_store(**kwargs):
        batches.append(len(kwargs["updates"]))
        if len(batches) == 1:  # a busy database: the next keystrokes queue meanwhile
            queued.wait(timeout=10)
        return store(**kwargs)

    async def scenario():
        a = await connect(board.pk, alice.user)
        b = await connect(board.pk, bek.user)
        c = await connect(board.pk, room["facilitator"].user)
        for comm in (a, b, c):
            await drain(comm)
        await c.send_to(bytes_data=create_update_message(edit("c0 ")))  # its store is under way…
        for _n in range(200):  # (wait until it is, however busy the machine)
            if batches:
                break
            await comm_settle()
        await a.send_to(bytes_data=create_update_message(edit("a1 ")))  # …these two queue behind it
        await b.send_to(bytes_data=create_update_message(edit("b1 ")))
        for _n in range(200):  # both are in the room's queue before the first store ends
            if len(rooms._rooms[board.pk].queue) == 2:
                break
            await comm_settle()
        queued.set()
        received = {name: await drain(comm, wait=1.0) for name, comm in (("a", a), ("b", b), ("c", c))}
        for comm in (a, b, c):
            await comm.disconnect()
        return received

    with mock.patch.object(drafts_actions, "store_draft_updates", slow_store):
        received = run(scenario)
    assert batches == [1, 2]

    def words(frames):
        """The words of a document built from nothing but these frames."""
        doc, text = new_doc()
        for frame in frames:
            kind, sync_type, update = parse_message(frame)
            assert (kind, sync_type) == (MESSAGE_SYNC, YSyncMessageType.SYNC_UPDATE)
            doc.apply_update(update)
        return sorted(str(text).split())

    assert len(received["c"]) == 1  # a's and b's keystrokes, merged into one frame
    assert words(received["c"]) == ["a1", "b1"]
    assert len(received["a"]) == 2 and words(received["a"]) == ["b1", "c0"]  # never its own "a1"
    assert len(received["b"]) == 2 and words(received["b"]) == ["a1", "c0"]
