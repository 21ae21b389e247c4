"""A round opens in front of the whole room and everyone clicks at once (issue "The room at full
size"): each dot does the least it can, and the board hears batched counts, not a frame per dot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_card, make_member, make_round
from voting import actions
from workspace.roles import Role

pytestmark = pytest.mark.django_db

VOTERS = 30
DOTS = 5


@pytest.fixture
def room(board, facilitator):
    cards = [make_card(board, facilitator, f"Idea {n}") for n in range(6)]
    voters = [make_member(board.workspace, Role.PARTICIPANT, country="KZ") for _ in range(VOTERS)]
    return cards, voters


def statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_dot_costs_at_most_eight_queries_through_the_api(api, board, facilitator, room, anonymous):
    cards, voters = room
    round_ = make_round(board, facilitator, anonymous=anonymous)
    client = api.as_user(voters[0].user)
    client.post(f"/api/rounds/{round_.pk}/dots/", {"card": cards[0].pk}, format="json")
    with CaptureQueriesContext(connection) as placed:
        response = client.post(f"/api/rounds/{round_.pk}/dots/", {"card": cards[1].pk}, format="json")
    assert response.status_code == 201 and response.json()["used"] == 2
    assert len(statements(placed.captured_queries)) <= 8, statements(placed.captured_queries)
    with CaptureQueriesContext(connection) as taken:
        response = client.delete(f"/api/rounds/{round_.pk}/dots/{cards[1].pk}/")
    assert response.status_code == 200 and response.json()["used"] == 1
    assert len(statements(taken.captured_queries)) <= 8, statements(taken.captured_queries)


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_burst_sends_the_board_one_count_per_tick_not_one_per_dot(board, facilitator, room, board_events, anonymous):
    """30 voters x 5 dots within three ticks of the timer: the watchers get three count frames (the
    latest count each time), not 150; nothing is lost and the last frame has every dot."""
    cards, voters = room
    round_ = make_round(board, facilitator, anonymous=anonymous, results_visibility="live")
    per_tick = len(voters) * DOTS // 3
    with board_events(board) as frames:
        placed = 0
        for n in range(DOTS):
            for voter in voters:
                mine = actions.place_dot(round_=round_, voter=voter, card_id=cards[(n + voter.pk) % len(cards)].pk)
                assert mine["used"] == n + 1
                placed += 1
                if placed % per_tick == 0:
                    actions.publish_tallies()  # the server's timer, every 250 ms
        actions.publish_tallies()  # nothing new since the last tick: nothing sent
    counts = [f for f in frames if f["type"] == "round.updated"]
    assert len(counts) == 3
    assert sum(row["dots"] for row in counts[-1]["round"]["tally"]) == VOTERS * DOTS
    assert counts[-1]["round"]["turnout"]["voters"] == VOTERS


def test_taking_back_a_dot_is_counted_in_the_next_batch(board, facilitator, room, board_events):
    cards, voters = room
    round_ = make_round(board, facilitator, anonymous=False, results_visibility="live")
    actions.place_dot(round_=round_, voter=voters[0], card_id=cards[0].pk)
    actions.publish_tallies()
    with board_events(board) as frames:
        actions.remove_dot(round_=round_, voter=voters[0], card_id=cards[0].pk)
        actions.publish_tallies()
    (frame,) = frames
    assert sum(row["dots"] for row in frame["round"]["tally"]) == 0
