"""Round life cycle: draft, open, extend, close, cancel; the board follows; each step is announced."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards import actions as board_actions
from tests.factories import make_card, make_member, make_round
from voting import actions
from voting.errors import VotingError
from voting.models import Round
from voting.selectors import may_vote
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(board, participant):
    return [make_card(board, participant, f"Idea {n}") for n in range(3)]


def test_open_round_takes_every_proposed_card_and_freezes_the_board(board, facilitator, cards, board_events):
    """Opening puts the board into voting and the round covers every proposed card; both are announced."""
    board_actions.update_card(card=cards[2], by=facilitator, status="archived")
    round_ = make_round(board, facilitator, open_now=False)
    with board_events(board) as frames:
        round_ = actions.open_round(round_=round_, by=facilitator)
    board.refresh_from_db()
    assert board.state == "voting"
    assert sorted(round_.cards.values_list("id", flat=True)) == [cards[0].pk, cards[1].pk]
    assert [f["type"] for f in frames] == ["board.updated", "round.opened"]
    assert frames[1]["round"]["state"] == "open"
    with pytest.raises(WorkspaceError):
        board_actions.update_card(card=cards[0], by=facilitator, body="edited during vote")


def test_chosen_subset_of_cards(board, facilitator, cards):
    """A facilitator may put only some cards in the round."""
    round_ = make_round(board, facilitator, cards=[cards[1].pk])
    assert list(round_.cards.values_list("id", flat=True)) == [cards[1].pk]


def test_one_open_round_per_board(board, facilitator, cards):
    """A second round cannot open while one is open."""
    make_round(board, facilitator)
    second = make_round(board, facilitator, open_now=False)
    with pytest.raises(VotingError) as error:
        actions.open_round(round_=second, by=facilitator)
    assert error.value.http_status == 409


def test_close_returns_board_to_open_and_freezes_results(board, facilitator, participant, cards, board_events):
    """Closing freezes results and lets cards change again."""
    round_ = make_round(board, facilitator)
    actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    with board_events(board) as frames:
        round_ = actions.close_round(round_=round_, by=facilitator)
    board.refresh_from_db()
    assert board.state == "open"
    assert [f["type"] for f in frames] == ["board.updated", "round.closed"]
    assert frames[1]["round"]["results"]["cards"][0]["dots"] == 1
    frozen = Round.objects.get(pk=round_.pk).results
    make_card(board, participant, "posted after")
    assert Round.objects.get(pk=round_.pk).results == frozen


def test_cancel_open_round(board, facilitator, participant, cards, board_events):
    """A cancelled round keeps no results and the board reopens."""
    round_ = make_round(board, facilitator)
    actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    with board_events(board) as frames:
        round_ = actions.cancel_round(round_=round_, by=facilitator)
    assert (round_.state, round_.results) == ("cancelled", None)
    assert [f["type"] for f in frames] == ["board.updated", "round.cancelled"]
    with pytest.raises(VotingError):
        actions.cancel_round(round_=round_, by=facilitator)


def test_cancel_draft(board, facilitator, cards, board_events):
    """A draft can be cancelled; the board never left open."""
    round_ = make_round(board, facilitator, open_now=False)
    with board_events(board) as frames:
        actions.cancel_round(round_=round_, by=facilitator)
    assert [f["type"] for f in frames] == ["round.cancelled"]


def test_extend_round(board, facilitator, cards, board_events):
    """Extending pushes the end time and announces it."""
    round_ = make_round(board, facilitator, duration_seconds=60)
    before = round_.ends_at
    with board_events(board) as frames:
        round_ = actions.extend_round(round_=round_, by=facilitator, seconds=120)
    assert round_.ends_at == before + timedelta(seconds=120)
    assert frames[0]["type"] == "round.updated"


def test_timer_closes_due_rounds_once(board, facilitator, participant, cards):
    """The server's timer closes a round whose time ran out, once; a late dot is refused."""
    round_ = make_round(board, facilitator, duration_seconds=60)
    actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)
    Round.objects.filter(pk=round_.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(VotingError) as error:
        actions.place_dot(round_=round_, voter=participant, card_id=cards[1].pk)
    assert error.value.http_status == 409
    assert actions.close_due_rounds() == [round_.pk]
    assert actions.close_due_rounds() == []
    round_.refresh_from_db()
    assert (round_.state, round_.closed_by_timer) == ("closed", True)
    assert round_.results["turnout"]["voters"] == 1


def test_participant_cannot_run_rounds(board, participant, facilitator, cards):
    """Participants cannot set up, open, close, extend or cancel rounds."""
    with pytest.raises(WorkspaceError):
        make_round(board, participant)
    round_ = make_round(board, facilitator)
    for attempt in (
        lambda: actions.close_round(round_=round_, by=participant),
        lambda: actions.cancel_round(round_=round_, by=participant),
        lambda: actions.extend_round(round_=round_, by=participant, seconds=60),
    ):
        with pytest.raises(WorkspaceError) as error:
            attempt()
        assert error.value.http_status == 403


@pytest.mark.parametrize(
    "settings",
    [
        {"dots_per_voter": 0},
        {"dots_per_voter": 1000},
        {"dots_per_voter": 5, "max_per_card": 6},
        {"max_per_card": 0},
        {"question": "  "},
        {"results_visibility": "sometimes"},
        {"duration_seconds": 5},
        {"duration_seconds": 60, "ends_at": timezone.now() + timedelta(hours=1)},
        {"ends_at": timezone.now() - timedelta(hours=1)},
        {"cards": []},
        {"cards": [999999]},
    ],
)
def test_bad_round_settings(board, facilitator, cards, settings):
    """Out-of-range budgets and caps, empty questions, bad timers and foreign cards are refused."""
    with pytest.raises(VotingError):
        make_round(board, facilitator, open_now=False, **settings)
    assert not Round.objects.exists()


def test_no_cards_no_round(board, facilitator):
    """A round cannot open on a board with nothing to vote on."""
    round_ = make_round(board, facilitator, open_now=False)
    with pytest.raises(VotingError) as error:
        actions.open_round(round_=round_, by=facilitator)
    assert "no cards" in str(error.value.message)


def test_round_on_locked_board_cannot_open(board, facilitator, cards):
    """Unlock the board first."""
    board_actions.update_board(board=board, by=facilitator, state="locked")
    round_ = make_round(board, facilitator, open_now=False)
    with pytest.raises(VotingError):
        actions.open_round(round_=round_, by=facilitator)


def test_facilitators_may_be_left_out(board, facilitator, participant, cards):
    """A round can be for participants only: a facilitator's dot is refused."""
    round_ = make_round(board, facilitator, facilitators_vote=False)
    with pytest.raises(WorkspaceError) as error:
        actions.place_dot(round_=round_, voter=facilitator, card_id=cards[0].pk)
    assert error.value.http_status == 403
    assert actions.place_dot(round_=round_, voter=participant, card_id=cards[0].pk)["used"] == 1
    other = make_member(board.workspace, "steward")
    with pytest.raises(WorkspaceError):
        actions.place_dot(round_=round_, voter=other, card_id=cards[0].pk)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("participant", (True, True)), ("facilitator", (True, False)), ("steward", (True, False))],
)
def test_the_board_page_says_in_which_rounds_its_viewer_votes(board, client, role, expected):
    """The board page carries whether its viewer votes in a round with facilitators voting and in
    one for participants only, as ``may_vote`` decides, so that a round's opening needs no request."""
    import json
    import re

    viewer = make_member(board.workspace, role)
    client.force_login(viewer.user)
    html = client.get(f"/w/{board.workspace.slug}/boards/{board.pk}/").content.decode()
    data = json.loads(re.search(r'<script id="round-voter" type="application/json">(.*?)</script>', html).group(1))
    assert data == dict(zip(("with_facilitators", "participants_only"), expected, strict=True))
    for facilitators_vote, key in ((True, "with_facilitators"), (False, "participants_only")):
        assert may_vote(Round(facilitators_vote=facilitators_vote), viewer) is data[key]


def test_the_round_forms_results_options_are_short_with_the_explanation_beside(board, facilitator, client):
    """The board's round form names its results options in a word or two (a closed select cuts a
    long option on a 360 px phone) and explains them in a help text the select points to."""
    import re

    client.force_login(facilitator.user)
    html = client.get(f"/w/{board.workspace.slug}/boards/{board.pk}/").content.decode()
    select = re.search(r'<select id="round-visibility"[^>]*>(.*?)</select>', html, re.S)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert options and all(len(option) <= 20 for option in options), options
    assert 'aria-describedby="round-visibility-help"' in select.group(0)
    assert 'id="round-visibility-help"' in html
