"""Adopting the top N of a round: a tie at rank N is taken whole, a card nobody gave a dot is
adopted only when chosen, and the page can ask first what would be adopted."""

import pytest

from boards.models import Card
from tests.factories import make_card, make_member, make_round
from voting import actions
from voting.errors import VotingError

pytestmark = pytest.mark.django_db


@pytest.fixture
def tied(board, facilitator):
    """A 3 dots (rank 1), B 2 (rank 2), C and D 1 each (both rank 3), E none (rank 5)."""
    voters = [make_member(board.workspace, country=c) for c in ("KZ", "AF", "MN")]
    a, b, c, d, e = (make_card(board, facilitator, name) for name in ("Alpha", "Beta", "Gamma", "Delta", "Eta"))
    round_ = make_round(board, facilitator, facilitators_vote=False, anonymous=False, dots_per_voter=3,
                        max_per_card=3)  # fmt: skip
    for voter, cards in zip(voters, ([a, a, a], [b, b], [c, d]), strict=True):
        for card in cards:
            actions.place_dot(round_=round_, voter=voter, card_id=card.pk)
    round_ = actions.close_round(round_=round_, by=facilitator)
    return round_, (a, b, c, d, e)


def adopted_ids(board):
    return list(Card.objects.filter(board=board, status="adopted").order_by("position").values_list("id", flat=True))


def test_top_three_adopts_both_cards_tied_at_rank_three(tied, board, facilitator):
    """C and D tie at rank 3: "top 3" adopts A, B, C and D (it used to adopt C only)."""
    round_, (a, b, c, d, _e) = tied
    adopted = actions.adopt_results(round_=round_, by=facilitator, top=3)
    assert [card.pk for card in adopted] == [a.pk, b.pk, c.pk, d.pk]
    assert adopted_ids(board) == [a.pk, b.pk, c.pk, d.pk]


def test_top_n_leaves_out_cards_without_a_dot(tied, board, facilitator):
    """Adopting the "top 5" reaches E, which nobody gave a dot: it is left out, the four others adopted."""
    round_, (a, b, c, d, e) = tied
    assert actions.cards_to_adopt(round_=round_, top=5) == ([a.pk, b.pk, c.pk, d.pk], [e.pk])
    adopted = actions.adopt_results(round_=round_, by=facilitator, top=5)
    assert e.pk not in [card.pk for card in adopted]
    assert adopted_ids(board) == [a.pk, b.pk, c.pk, d.pk]


def test_a_card_without_a_dot_is_adopted_when_asked_for(tied, board, facilitator):
    """Chosen by hand, or with include_unvoted, a card without a dot is adopted."""
    round_, (a, b, c, d, e) = tied
    assert [card.pk for card in actions.adopt_results(round_=round_, by=facilitator, cards=[e.pk])] == [e.pk]
    assert actions.cards_to_adopt(round_=round_, top=5, include_unvoted=True) == ([a.pk, b.pk, c.pk, d.pk, e.pk], [])


def test_top_n_of_a_round_nobody_voted_in_is_refused(board, facilitator):
    """Nobody placed a dot: adopting the top 1 is refused with a message, nothing is adopted."""
    make_card(board, facilitator, "Lonely")
    round_ = actions.close_round(round_=make_round(board, facilitator), by=facilitator)
    with pytest.raises(VotingError, match="got a dot"):
        actions.adopt_results(round_=round_, by=facilitator, top=1)
    assert adopted_ids(board) == []


def test_the_api_previews_without_adopting_then_adopts(api, tied, board, facilitator):
    """A preview says which cards "top 3" and "top 5" would adopt and which it leaves out, and
    changes nothing; the adoption itself answers with the same lists."""
    round_, (a, b, c, d, e) = tied
    client = api.as_user(facilitator.user)
    url = f"/api/rounds/{round_.pk}/adopt/"
    preview = client.post(url, {"top": 5, "preview": True}, format="json").json()
    assert preview == {"adopted": [a.pk, b.pk, c.pk, d.pk], "left_out": [e.pk], "preview": True}
    assert adopted_ids(board) == []
    done = client.post(url, {"top": 3}, format="json").json()
    assert done == {"adopted": [a.pk, b.pk, c.pk, d.pk], "left_out": [], "preview": False}
    refused = client.post(url, {"top": 3, "include_unvoted": "maybe"}, format="json")
    assert refused.status_code == 400
