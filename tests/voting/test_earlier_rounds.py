"""Every closed round of a board stays readable: the snapshot lists the ones before the round it
shows (newest first), and the rounds API gives their results to anyone on the board."""

import pytest

from boards.models import Board
from boards.selectors import board_state
from tests.factories import make_card, make_round, make_user
from voting import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(workspace):
    return Board.objects.get(workspace=workspace, kind="priorities")


def closed(board, facilitator, question):
    round_ = make_round(board, facilitator, question=question)
    return actions.close_round(round_=round_, by=facilitator)


def test_the_snapshot_lists_the_earlier_closed_rounds_newest_first(board, facilitator, participant):
    make_card(board, participant)
    first = closed(board, facilitator, "First?")
    second = closed(board, facilitator, "Second?")
    snapshot = board_state(board)
    assert snapshot["round"]["id"] == second.pk
    assert [r["question"] for r in snapshot["earlier_rounds"]] == ["First?"]
    cancelled = make_round(board, facilitator, question="Oops?")
    actions.cancel_round(round_=cancelled, by=facilitator)
    third = make_round(board, facilitator, question="Third?")  # open: shown; both closed ones earlier
    snapshot = board_state(board)
    assert snapshot["round"]["id"] == third.pk
    assert [r["id"] for r in snapshot["earlier_rounds"]] == [second.pk, first.pk]


def test_their_results_come_from_the_rounds_api_for_members_only(api, board, facilitator, participant):
    card = make_card(board, participant)
    round_ = make_round(board, facilitator, question="First?")
    actions.place_dot(round_=round_, voter=participant, card_id=card.pk)
    actions.close_round(round_=round_, by=facilitator)
    make_round(board, facilitator, question="Second?")
    rounds = api.as_user(participant.user).get(f"/api/boards/{board.pk}/rounds/").json()
    first = next(r for r in rounds if r["id"] == round_.pk)
    assert first["results"]["cards"][0]["dots"] == 1
    assert api.as_user(make_user()).get(f"/api/boards/{board.pk}/rounds/").status_code == 404
