"""Hidden results stay hidden on every path until close; anonymous voters stay anonymous forever."""

import json

import pytest
from django.urls import reverse

from boards.models import BoardEvent
from tests.factories import make_card, make_member, make_round
from voting import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(board, facilitator, steward):
    voter = make_member(board.workspace, country="TM", display_name="Secret Voter Zed")
    cards = [make_card(board, facilitator, f"Idea {n}") for n in range(2)]
    return board, voter, cards


def read_every_path(client, api, board, round_, viewer) -> dict:
    """Everything a member can read about a round and its board."""
    client.force_login(viewer.user)
    rest = api.as_user(viewer.user)
    return {
        "round": rest.get(f"/api/rounds/{round_.pk}/").content.decode(),
        "history": rest.get(f"/api/boards/{board.pk}/rounds/").content.decode(),
        "results": rest.get(f"/api/rounds/{round_.pk}/results/"),
        "csv": rest.get(f"/api/rounds/{round_.pk}/results.csv"),
        "state": rest.get(f"/api/boards/{board.pk}/state/").content.decode(),
        "page": client.get(reverse("board", args=[board.workspace.slug, board.pk])).content.decode(),
        "events": json.dumps(list(BoardEvent.objects.filter(board=board).values_list("payload", flat=True))),
    }


def test_hidden_results_reveal_no_tally_before_close(client, api, setup, facilitator, steward):
    """With hidden results, no path shows a tally while open; after close, they all may."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, results_visibility="hidden")
    for _ in range(3):
        actions.place_dot(round_=round_, voter=voter, card_id=cards[0].pk)
    for other in [make_member(board.workspace, country="KZ") for _ in range(4)]:
        actions.place_dot(round_=round_, voter=other, card_id=cards[1].pk)
    actions.publish_tallies()  # five people changed their dots: the anonymous round's batched count
    for viewer in (steward, facilitator, voter):
        paths = read_every_path(client, api, board, round_, viewer)
        assert paths["results"].status_code == 403
        assert paths["csv"].status_code == 403
        for name in ("round", "history", "state", "page", "events"):
            assert '"tally": null' in paths[name] or '"tally":null' in paths[name], name
            assert '"dots": 3' not in paths[name] and '"dots":3' not in paths[name], name
            assert '"supporters":' not in paths[name], name
    # Turnout is not a tally: everyone sees that five people voted.
    assert json.loads(paths["round"])["round"]["turnout"]["voters"] == 5
    actions.close_round(round_=round_, by=facilitator)
    after = read_every_path(client, api, board, round_, voter)
    assert after["results"].status_code == 200
    assert {row["card"]: row["dots"] for row in after["results"].json()["cards"]}[cards[0].pk] == 3


def test_hidden_results_stay_hidden_on_the_socket(setup, facilitator, board_events):
    """The frames a board's watchers receive for dots in a hidden round carry no tally."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, results_visibility="hidden", anonymous=False)
    with board_events(board) as frames:
        actions.place_dot(round_=round_, voter=voter, card_id=cards[0].pk)
        actions.place_dot(round_=round_, voter=voter, card_id=cards[1].pk)
        actions.publish_tallies()  # the server's timer, four times a second: one frame for both dots
    assert [f["type"] for f in frames] == ["round.updated"]
    assert all(f["round"]["tally"] is None for f in frames)


def test_live_results_show_tally_while_open(api, setup, facilitator):
    """With live results, the tally is there while the round is open."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, results_visibility="live", anonymous=False)
    actions.place_dot(round_=round_, voter=voter, card_id=cards[1].pk)
    tally = api.as_user(facilitator.user).get(f"/api/rounds/{round_.pk}/").json()["round"]["tally"]
    assert {row["card"]: row["dots"] for row in tally} == {cards[0].pk: 0, cards[1].pk: 1}


def test_anonymous_round_never_reveals_voters(client, api, setup, facilitator, steward):
    """In an anonymous round, no path ever shows who placed a dot, to anyone, before or after close."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    actions.place_dot(round_=round_, voter=voter, card_id=cards[0].pk)
    actions.close_round(round_=round_, by=facilitator)
    for viewer in (steward, facilitator):
        paths = read_every_path(client, api, board, round_, viewer)
        texts = [paths[name] for name in ("round", "history", "state", "page", "events")]
        texts += [paths["results"].content.decode(), paths["csv"].content.decode()]
        for text in texts:
            assert "Secret Voter Zed" not in text
            assert f'"id": {voter.pk},' not in text
        assert "voters" not in paths["results"].json()["cards"][0]
    assert not BoardEvent.objects.filter(board=board, type="round.updated").exclude(actor=None).exists()


def test_open_round_shows_voters_only_after_close(api, setup, facilitator):
    """In an open round, names appear in the results after close, not during the vote."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, anonymous=False, results_visibility="live")
    actions.place_dot(round_=round_, voter=voter, card_id=cards[0].pk)
    during = api.as_user(facilitator.user).get(f"/api/rounds/{round_.pk}/results/").content.decode()
    assert "Secret Voter Zed" not in during
    actions.close_round(round_=round_, by=facilitator)
    after = api.get(f"/api/rounds/{round_.pk}/results/").content.decode()
    assert "Secret Voter Zed" in after


def test_no_country_is_never_a_cell_of_its_own_nor_counts_towards_other():
    """Members without a confirmed country are anyone (two accounts of one person): they are always
    in "other", and "other" takes in shown countries until it holds three voters a steward placed."""
    from voting.privacy import OTHER, merge_small_cells

    cells = {"KZ": {"voters": 4, "dots": 4}, "TM": {"voters": 1, "dots": 2}, "none": {"voters": 2, "dots": 2}}
    assert merge_small_cells(cells) == {OTHER: {"voters": 7, "dots": 8}}
    cells["none"] = {"voters": 5, "dots": 5}
    assert merge_small_cells(cells) == {OTHER: {"voters": 10, "dots": 11}}
    cells["KG"] = {"voters": 2, "dots": 2}
    assert merge_small_cells(cells) == {"KZ": {"voters": 4, "dots": 4}, OTHER: {"voters": 8, "dots": 9}}


def test_hidden_results_turnout_moves_only_with_five_people(setup, facilitator, board_events):
    """Item 6b on the turnout: with hidden results an anonymous round still shows turnout, in
    batches; one person voting between two of someone's own clicks never shows as a step of one."""
    board, voter, cards = setup
    round_ = make_round(board, facilitator, results_visibility="hidden")
    attacker = make_member(board.workspace, country="KZ", display_name="Attacker")
    with board_events(board) as frames:
        actions.place_dot(round_=round_, voter=attacker, card_id=cards[0].pk)
        actions.publish_tallies()
        actions.place_dot(round_=round_, voter=voter, card_id=cards[1].pk)
        actions.publish_tallies()
        actions.remove_dot(round_=round_, voter=attacker, card_id=cards[0].pk)
        actions.publish_tallies()
    assert [f for f in frames if f["type"] == "round.updated"] == []
    others = [make_member(board.workspace, country="KZ") for _ in range(4)]
    with board_events(board) as frames:
        for other in others:
            actions.place_dot(round_=round_, voter=other, card_id=cards[0].pk)
            actions.publish_tallies()
    # the attacker's dot, placed and taken back, counted for nothing: the fifth is the fourth other
    (frame,) = [f for f in frames if f["type"] == "round.updated"]
    assert frame["round"]["turnout"]["voters"] == 5 and frame["round"]["tally"] is None


def test_the_board_says_an_anonymous_count_waits_for_five_people(client, setup):
    """The round panel's strings tell voters why the count does not move with their click."""
    board, voter, _cards = setup
    client.force_login(voter.user)
    page = client.get(reverse("board", args=[board.workspace.slug, board.pk])).text
    assert "only after at least 5 different people have changed their dots" in page
