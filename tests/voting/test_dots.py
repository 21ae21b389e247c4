"""Placing and taking back dots: budget, per-card cap, round and card checks, the voter's own view."""

import pytest
from django.db import IntegrityError, transaction

from boards.models import Board
from tests.factories import make_card, make_member, make_round, make_workspace
from voting import actions
from voting.errors import VotingError
from voting.models import Dot
from voting.selectors import my_dots

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(board, participant):
    return [make_card(board, participant, f"Idea {n}") for n in range(3)]


@pytest.fixture
def round_(board, facilitator, cards):
    return make_round(board, facilitator, dots_per_voter=5, max_per_card=3)


def test_place_and_take_back(round_, participant, cards):
    """A voter places dots and takes one back; their remaining dots follow."""
    actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    mine = actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    assert (mine["dots"], mine["remaining"]) == ({str(cards[0].pk): 2}, 3)
    mine = actions.remove_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    assert (mine["dots"], mine["remaining"]) == ({str(cards[0].pk): 1}, 4)


def test_budget_is_never_exceeded(round_, participant, cards):
    """The sixth dot of a five-dot budget is refused with a reason."""
    for card in (cards[0], cards[0], cards[1], cards[1], cards[2]):
        actions.place_dot(round_=round_, voter=participant, card_id=card.pk)
    with pytest.raises(VotingError) as error:
        actions.place_dot(round_=round_, voter=participant, card_id=cards[2].pk)
    assert (error.value.http_status, error.value.code) == (409, "no_dots_left")
    assert Dot.objects.filter(voter=participant).count() == 5


def test_per_card_cap(round_, participant, cards):
    """A fourth dot on one card is refused when the cap is three."""
    for _ in range(3):
        actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    with pytest.raises(VotingError) as error:
        actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    assert error.value.code == "card_cap_reached"


def test_freed_slot_can_be_used_again(round_, participant, cards):
    """Taking a dot back frees it for another card."""
    for card in (cards[0], cards[0], cards[1], cards[1], cards[2]):
        actions.place_dot(round_=round_, voter=participant, card_id=card.pk)
    actions.remove_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    assert actions.place_dot(round_=round_, voter=participant, card_id=cards[2].pk)["remaining"] == 0


def test_database_refuses_a_dot_beyond_the_budget(round_, participant, cards):
    """Even written past the rules, the database refuses a sixth dot of a five-dot budget."""
    for slot in range(1, 6):
        Dot.objects.create(round=round_, card=cards[slot % 3], voter=participant, slot=slot, card_slot=1 + slot // 3,
                           budget=5, cap=3)  # fmt: skip
    for slot in (5, 6, 0):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dot.objects.create(round=round_, card=cards[0], voter=participant, slot=slot, card_slot=3, budget=5, cap=3)


def test_database_refuses_a_dot_beyond_the_card_cap(round_, participant, cards):
    """Even written past the rules, the database refuses a fourth dot on one card with a cap of three."""
    for n in (1, 2, 3):
        Dot.objects.create(round=round_, card=cards[0], voter=participant, slot=n, card_slot=n, budget=5, cap=3)
    for card_slot in (3, 4):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dot.objects.create(round=round_, card=cards[0], voter=participant, slot=4, card_slot=card_slot, budget=5,
                               cap=3)  # fmt: skip


def test_card_outside_the_round(board, facilitator, participant, cards):
    """A card not in the round takes no dots."""
    round_ = make_round(board, facilitator, cards=[cards[0].pk])
    with pytest.raises(VotingError) as error:
        actions.place_dot(round_=round_, voter=participant, card_id=cards[1].pk)
    assert error.value.http_status == 400
    other_board_card = make_card(Board.objects.get(workspace=board.workspace, kind="vision"), participant)
    with pytest.raises(VotingError):
        actions.place_dot(round_=round_, voter=participant, card_id=other_board_card.pk)


@pytest.mark.parametrize("state", ["draft", "closed", "cancelled"])
def test_no_dots_unless_open(board, facilitator, participant, cards, state):
    """Dots are refused in a draft, closed or cancelled round, and taking one back too."""
    round_ = make_round(board, facilitator, open_now=state != "draft")
    if state == "closed":
        actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
        actions.close_round(round_=round_, by=facilitator)
    elif state == "cancelled":
        actions.cancel_round(round_=round_, by=facilitator)
    count = Dot.objects.count()
    for attempt in (actions.place_dot, actions.remove_dot):
        with pytest.raises(VotingError) as error:
            attempt(round_=round_, voter=participant, card_id=cards[0].pk)
        assert error.value.http_status == 409
    assert Dot.objects.count() == count


def test_taking_back_a_dot_you_did_not_place(round_, participant, cards):
    """Removing from a card where you have no dot is refused."""
    with pytest.raises(VotingError) as error:
        actions.remove_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    assert error.value.code == "no_dot_here"


def test_voter_hears_own_dots_only(round_, participant, cards, board, django_capture_on_commit_callbacks):
    """After a dot, the voter's own connections get their dots; the board only the public round."""
    from unittest import mock

    with mock.patch("voting.actions.publish_to_member") as to_member, django_capture_on_commit_callbacks(execute=True):
        actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    (member_id, frame), _kwargs = to_member.call_args
    assert member_id == participant.pk
    assert (frame["type"], frame["remaining"]) == ("round.my_dots", 4)


def test_non_member_cannot_vote_over_api(api, round_, cards):
    """A stranger's dot is a 404; the round does not exist for them."""
    stranger = make_member(make_workspace())
    response = api.as_user(stranger.user).post(f"/api/rounds/{round_.pk}/dots/", {"card": cards[0].pk}, format="json")
    assert response.status_code == 404
    assert not Dot.objects.exists()


def test_dots_over_api(api, round_, participant, cards):
    """POST and DELETE dots answer with the voter's dots; a bad card id is a 400."""
    client = api.as_user(participant.user)
    placed = client.post(f"/api/rounds/{round_.pk}/dots/", {"card": cards[0].pk}, format="json")
    assert (placed.status_code, placed.json()["remaining"]) == (201, 4)
    removed = client.delete(f"/api/rounds/{round_.pk}/dots/{cards[0].pk}/")
    assert (removed.status_code, removed.json()["remaining"]) == (200, 5)
    for body in ({}, {"card": "x"}, {"card": 999999}, {"card": cards[0].pk, "extra": 1}):
        response = client.post(f"/api/rounds/{round_.pk}/dots/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
    assert not Dot.objects.exists()


def test_each_answer_and_frame_says_which_dot_change_it_follows(
    round_, participant, cards, django_capture_on_commit_callbacks
):
    """Answers and ``round.my_dots`` frames say when they were read, increasing with each dot, so a
    page that gets them out of order keeps the latest instead of lagging one dot behind."""
    from unittest import mock

    with mock.patch("voting.actions.publish_to_member") as to_member, django_capture_on_commit_callbacks(execute=True):
        first = actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
        second = actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
        taken_back = actions.remove_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    frames = [call.args[1] for call in to_member.call_args_list]
    assert [f["change"] for f in frames] == [first["change"], second["change"], taken_back["change"]]
    assert first["change"] < second["change"] < taken_back["change"]
    round_.refresh_from_db()
    assert my_dots(round_, participant)["change"] >= taken_back["change"]
