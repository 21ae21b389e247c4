"""Dots over the board socket (issue "The room at full size"): the page places and takes back dots
with a frame on the socket it already has open. Every frame gets the API's checks and actions; a
refusal is an error frame with the client's ref; an anonymous voter's answer reaches nobody else."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Board
from codesign.asgi import application
from tests.factories import make_card, make_member, make_round, make_token, make_workspace
from voting.models import Dot
from workspace.models import Membership
from workspace.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(db):
    workspace = make_workspace()
    board = Board.objects.select_related("workspace").get(workspace=workspace, kind="priorities")
    facilitator = make_member(workspace, Role.FACILITATOR, country="KZ", display_name="Farida")
    cards = [make_card(board, facilitator, f"Area {n}") for n in range(3)]
    return {
        "workspace": workspace,
        "board": board,
        "other_board": Board.objects.get(workspace=workspace, kind="vision"),
        "facilitator": facilitator,
        "alice": make_member(workspace, country="TJ", display_name="Alice"),
        "bek": make_member(workspace, country="AF", display_name="Bek"),
        "cards": cards,
    }


async def open_socket(board_id, user):
    key = await database_sync_to_async(make_token)(user)
    comm = WebsocketCommunicator(application, f"/ws/boards/{board_id}/?token={key}")
    connected, _code = await comm.connect()
    assert connected
    await drain(comm)  # welcome, presence
    return comm


async def drain(comm, wait=0.3) -> list[dict]:
    frames = []
    while not await comm.receive_nothing(wait):
        frames.append(await comm.receive_json_from())
    return frames


async def ask(comm, **frame) -> dict:
    """Send a frame; return the answer that carries its ref (other frames are skipped)."""
    await comm.send_json_to({"type": "dot", **frame})
    while True:
        answer = await comm.receive_json_from(timeout=5)
        if answer.get("ref") == frame.get("ref"):
            return answer


def run(scenario):
    return async_to_sync(scenario)()


def stored_dots(round_, membership) -> int:
    return Dot.objects.filter(round=round_, voter=membership).count()


def test_a_voter_places_and_takes_back_dots_over_the_socket(room):
    board, alice, cards = room["board"], room["alice"], room["cards"]
    round_ = make_round(board, room["facilitator"], dots_per_voter=3, max_per_card=2)

    async def scenario():
        comm = await open_socket(board.pk, alice.user)
        first = await ask(comm, ref="d1", round=round_.pk, card=cards[0].pk)
        second = await ask(comm, ref=7, round=round_.pk, card=cards[0].pk)
        taken = await ask(comm, ref="d3", round=round_.pk, card=cards[0].pk, op="remove")
        await comm.disconnect()
        return first, second, taken

    first, second, taken = run(scenario)
    assert first["type"] == "dot.done" and first["op"] == "place" and first["ref"] == "d1"
    assert (first["used"], first["remaining"], first["dots"]) == (1, 2, {str(cards[0].pk): 1})
    assert (second["ref"], second["used"]) == (7, 2)
    assert (taken["op"], taken["used"], taken["remaining"]) == ("remove", 1, 2)
    assert stored_dots(round_, alice) == 1


def test_every_refusal_is_an_error_with_the_ref_and_nothing_is_stored(room):
    board, alice, cards = room["board"], room["alice"], room["cards"]
    round_ = make_round(board, room["facilitator"], dots_per_voter=1, max_per_card=1)
    elsewhere = make_workspace()
    foreign_board = Board.objects.get(workspace=elsewhere, kind="priorities")
    foreign_owner = make_member(elsewhere, Role.FACILITATOR)
    foreign_round = make_round(foreign_board, foreign_owner, cards=[make_card(foreign_board, foreign_owner).pk])
    other_board, facilitator = room["other_board"], room["facilitator"]
    other_round = make_round(other_board, facilitator, cards=[make_card(other_board, facilitator).pk])

    async def scenario():
        comm = await open_socket(board.pk, alice.user)
        answers = {
            "placed": await ask(comm, ref="ok", round=round_.pk, card=cards[0].pk),
            "no_dots_left": await ask(comm, ref="a", round=round_.pk, card=cards[1].pk),
            "not_in_round": await ask(comm, ref="b", round=round_.pk, card=999999),
            "missing_round": await ask(comm, ref="c", round=999999, card=cards[0].pk),
            "foreign_round": await ask(comm, ref="d", round=foreign_round.pk, card=cards[0].pk),
            "other_board": await ask(comm, ref="e", round=other_round.pk, card=cards[0].pk),
            "bad_card": await ask(comm, ref="f", round=round_.pk, card="1; DROP"),
            "bool_card": await ask(comm, ref="g", round=round_.pk, card=True),
            "bad_op": await ask(comm, ref="h", round=round_.pk, card=cards[0].pk, op="steal"),
            "no_dot_here": await ask(comm, ref="i", round=round_.pk, card=cards[1].pk, op="remove"),
        }
        await comm.send_json_to({"type": "dot", "ref": ["x"], "round": round_.pk, "card": cards[0].pk})
        answers["bad_ref"] = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return answers

    answers = run(scenario)
    assert answers.pop("placed")["type"] == "dot.done"
    assert answers["no_dots_left"] | {"message": ""} == {
        "type": "error", "code": "no_dots_left", "status": 409, "ref": "a", "message": "",
    }  # fmt: skip
    assert (answers["not_in_round"]["status"], answers["not_in_round"]["ref"]) == (400, "b")
    # A round that does not exist, another workspace's, this workspace's on another board: the same answer.
    missing = {key: answers[key] for key in ("missing_round", "foreign_round", "other_board")}
    assert {(a["type"], a["status"], a["code"], a["message"]) for a in missing.values()} == {
        ("error", 404, "not_found", "No such round.")
    }
    for key in ("bad_card", "bool_card", "bad_op"):
        assert (answers[key]["type"], answers[key]["status"]) == ("error", 400), key
    assert (answers["no_dot_here"]["code"], answers["no_dot_here"]["status"]) == ("no_dot_here", 409)
    assert answers["bad_ref"]["type"] == "error" and "ref" not in answers["bad_ref"]
    assert Dot.objects.count() == 1  # only the first, accepted dot


def test_the_role_is_read_for_every_frame_not_once_per_socket(room):
    """A facilitator may not vote in this round; demoted to participant while the socket stays open
    (as a steward's role change will do), their next dot counts: the socket re-checks each frame."""
    board, facilitator, cards = room["board"], room["facilitator"], room["cards"]
    round_ = make_round(board, facilitator, facilitators_vote=False)

    async def scenario():
        comm = await open_socket(board.pk, facilitator.user)
        refused = await ask(comm, ref=1, round=round_.pk, card=cards[0].pk)
        await database_sync_to_async(Membership.objects.filter(pk=facilitator.pk).update)(role=Role.PARTICIPANT)
        accepted = await ask(comm, ref=2, round=round_.pk, card=cards[0].pk)
        await comm.disconnect()
        return refused, accepted

    refused, accepted = run(scenario)
    assert (refused["type"], refused["status"]) == ("error", 403)
    assert accepted["type"] == "dot.done" and accepted["used"] == 1


def test_an_anonymous_voters_answer_reaches_only_them(room):
    """Alice votes in an anonymous round while Bek watches the same board: Bek gets no frame of
    hers (no dot.done, no my_dots), only the batched count; Alice's other tab gets her dots."""
    board, alice, bek, cards = room["board"], room["alice"], room["bek"], room["cards"]
    round_ = make_round(board, room["facilitator"], anonymous=True, results_visibility="live")

    async def scenario():
        mine = await open_socket(board.pk, alice.user)
        my_other_tab = await open_socket(board.pk, alice.user)
        watcher = await open_socket(board.pk, bek.user)
        await ask(mine, ref="x", round=round_.pk, card=cards[0].pk)
        await ask(mine, ref="y", round=round_.pk, card=cards[1].pk)
        seen_by_bek = await drain(watcher, wait=1.0)  # the timer's batch comes within 250 ms
        seen_in_other_tab = await drain(my_other_tab)
        for comm in (mine, my_other_tab, watcher):
            await comm.disconnect()
        return seen_by_bek, seen_in_other_tab

    seen_by_bek, seen_in_other_tab = run(scenario)
    assert {frame["type"] for frame in seen_by_bek} <= {"round.updated", "presence.delta"}
    assert all("ref" not in frame and "dots" not in frame for frame in seen_by_bek)
    assert [f["used"] for f in seen_in_other_tab if f["type"] == "round.my_dots"] == [1, 2]


def _frame(member, board, **content):
    from boards.consumers import BoardFrame

    return BoardFrame(user=member.user, board_id=board.pk, content=content, sender=f"socket-{member.pk}", language="ru")


def _statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].split()[0] not in ("BEGIN", "COMMIT")]


def test_a_dot_over_the_socket_costs_five_queries_and_no_token_lookup(room):
    """The frame needs no token or session lookup: still a member, the round (locked), the voter's
    dots, the insert, the round's count of changes."""
    from voting.sockets import dot_frames

    board, alice, cards = room["board"], room["alice"], room["cards"]
    round_ = make_round(board, room["facilitator"])
    dot_frames([_frame(alice, board, round=round_.pk, card=cards[0].pk)])
    with CaptureQueriesContext(connection) as placed:
        [answer] = dot_frames([_frame(alice, board, round=round_.pk, card=cards[1].pk)])
    assert answer["used"] == 2
    assert len(_statements(placed)) <= 5, _statements(placed)
    assert not any("apitoken" in sql or "session" in sql for sql in _statements(placed))


def test_dots_that_arrive_together_cost_the_queries_of_one_and_are_answered_each(room):
    """Forty frames handed over together (as the socket does with those that arrive while the last
    ones are stored): the queries of one dot, and each frame its own answer, in its sender's
    language: a dot over budget, a stranger, another board's round and a removal in between."""
    from voting.sockets import dot_frames

    board, cards, workspace = room["board"], room["cards"], room["workspace"]
    round_ = make_round(board, room["facilitator"], dots_per_voter=2, max_per_card=2)
    voters = [make_member(workspace, country="KG") for _ in range(12)]
    outsider = make_member(make_workspace(), country="KG")
    make_card(room["other_board"], room["facilitator"], "Another board's card")
    elsewhere = make_round(room["other_board"], room["facilitator"])
    frames = [_frame(v, board, round=round_.pk, card=cards[n % 3].pk) for n, v in enumerate(voters)] * 3
    frames += [
        _frame(outsider, board, round=round_.pk, card=cards[0].pk),
        _frame(voters[0], board, round=elsewhere.pk, card=cards[0].pk),
        _frame(voters[1], board, round=round_.pk, card=cards[1].pk, op="remove"),
        _frame(voters[1], board, round=round_.pk, card=cards[2].pk),
    ]
    with CaptureQueriesContext(connection) as together:
        answers = dot_frames(frames)
    assert len(_statements(together)) <= 6, _statements(together)  # + one delete (the removal)
    placed, over_budget = answers[:24], answers[24:36]
    assert [a["used"] for a in placed] == [1] * 12 + [2] * 12
    assert {(a.code, a.http_status) for a in over_budget} == {("no_dots_left", 409)}
    assert all("точ" in a.message for a in over_budget), over_budget[0].message  # Russian, as asked
    stranger, foreign_round, removed, again = answers[36:]
    assert (stranger.http_status, foreign_round.http_status) == (404, 404)
    assert (removed["used"], again["used"], again["dots"]) == (1, 2, {str(cards[1].pk): 1, str(cards[2].pk): 1})
    assert Dot.objects.filter(round=round_).count() == 24
    assert stored_dots(round_, voters[1]) == 2
    assert not Dot.objects.filter(round=elsewhere).exists()


def test_a_dot_refused_by_the_frame_limit_hears_so_with_its_ref(room, settings):
    """Past the socket's frame allowance a dot frame is refused with its ref, so the page can tell
    its voter at once instead of waiting for an answer that never comes."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "socket_frame": (1, 60)}
    board, alice, cards = room["board"], room["alice"], room["cards"]
    round_ = make_round(board, room["facilitator"])

    async def scenario():
        comm = await open_socket(board.pk, alice.user)
        first = await ask(comm, ref="a", round=round_.pk, card=cards[0].pk)
        refused = await ask(comm, ref="b", round=round_.pk, card=cards[1].pk)
        await comm.disconnect()
        return first, refused

    first, refused = run(scenario)
    assert first["type"] == "dot.done"
    assert (refused["type"], refused["code"], refused["ref"]) == ("error", "rate_limited", "b")
    assert Dot.objects.count() == 1


VOTER_FRAMES = ("dot.done", "round.my_dots", "error")


def answers_and_dots(frames: list[dict]) -> list[str]:
    """The frames that tell a voter about their own dots (not presence, not the board's count)."""
    return [frame["type"] for frame in frames if frame["type"] in VOTER_FRAMES]


def test_the_socket_that_sent_a_dot_gets_one_answer_and_the_voters_other_tabs_one_frame(room):
    """Per dot, the socket that sent it gets ``dot.done`` only, and each of the voter's other
    sockets one ``round.my_dots`` with the same dots; someone else's socket nothing of the voter's."""
    board, alice, bek, cards = room["board"], room["alice"], room["bek"], room["cards"]
    round_ = make_round(board, room["facilitator"], anonymous=False, results_visibility="live")

    async def scenario():
        sender = await open_socket(board.pk, alice.user)
        other_tabs = [await open_socket(board.pk, alice.user) for _ in range(2)]
        watcher = await open_socket(board.pk, bek.user)
        seen = []
        for op, card in (("place", cards[0]), ("place", cards[1]), ("remove", cards[0])):
            frame = {"type": "dot", "ref": f"{op}-{card.pk}", "round": round_.pk, "card": card.pk, "op": op}
            await sender.send_json_to(frame)
            seen.append({
                "sender": await drain(sender), "other_tabs": [await drain(tab) for tab in other_tabs],
                "watcher": await drain(watcher),
            })  # fmt: skip
        for comm in (sender, *other_tabs, watcher):
            await comm.disconnect()
        return seen

    for n, frames in enumerate(run(scenario)):
        assert answers_and_dots(frames["sender"]) == ["dot.done"], n
        for tab in frames["other_tabs"]:
            assert answers_and_dots(tab) == ["round.my_dots"], n
            (mine,) = [f for f in tab if f["type"] == "round.my_dots"]
            (answer,) = [f for f in frames["sender"] if f["type"] == "dot.done"]
            assert {k: mine[k] for k in ("dots", "used", "remaining", "change")} == {
                k: answer[k] for k in ("dots", "used", "remaining", "change")
            }
        assert answers_and_dots(frames["watcher"]) == [], n


def test_a_dot_placed_over_http_reaches_every_open_socket_of_the_voter_once(room):
    """A dot through the dots API is answered over HTTP; each of the voter's open sockets gets one
    ``round.my_dots`` (none of them asked, so none has the answer)."""
    from rest_framework.test import APIClient

    board, alice, cards = room["board"], room["alice"], room["cards"]
    round_ = make_round(board, room["facilitator"])
    client = APIClient()
    client.force_authenticate(user=alice.user)

    async def scenario():
        tabs = [await open_socket(board.pk, alice.user) for _ in range(2)]
        response = await database_sync_to_async(client.post)(
            f"/api/rounds/{round_.pk}/dots/", {"card": cards[0].pk}, format="json"
        )
        seen = [await drain(tab) for tab in tabs]
        for comm in tabs:
            await comm.disconnect()
        return response, seen

    response, seen = run(scenario)
    assert (response.status_code, response.json()["used"]) == (201, 1)
    for frames in seen:
        assert answers_and_dots(frames) == ["round.my_dots"]
        assert next(f for f in frames if f["type"] == "round.my_dots")["used"] == 1
