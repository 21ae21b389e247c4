"""An anonymous round stays anonymous against arithmetic (findings 2 and 3 of the safety review):
no per-country cell under three voters anywhere, no frame per dot, and removing a member does not
make the tally drop by exactly their votes."""

import csv
import io
import json

import pytest

from charter import actions as charter_actions
from tests.factories import make_card, make_member, make_round
from voting import actions
from voting.models import Round
from voting.privacy import MIN_VOTERS, OTHER
from workspace import actions as workspace_actions
from workspace.models import BoardEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(board, facilitator, steward):
    """Kazakhstan with four voters, Kyrgyzstan with two, Turkmenistan with one."""
    workspace = board.workspace
    people = {
        "KZ": [make_member(workspace, country="KZ", display_name=f"Kazakh {n}") for n in range(4)],
        "KG": [make_member(workspace, country="KG", display_name=f"Kyrgyz {n}") for n in range(2)],
        "TM": [make_member(workspace, country="TM", display_name="Turkmen alone")],
    }
    cards = [make_card(board, facilitator, f"Idea {n}") for n in range(3)]
    return board, people, cards


def vote_everyone(round_, people, cards):
    for country, members in people.items():
        for member in members:
            # Each country's favourite card, so a country cell would tell what its people chose.
            card = {"KZ": cards[0], "KG": cards[1], "TM": cards[2]}[country]
            actions.place_dot(round_=round_, voter=member, card_id=card.pk)


def small_cells(by_country: dict) -> list[str]:
    """Cells that single out fewer than three voters (an 'other' holding every voter there is says
    nothing the total does not)."""
    if set(by_country) == {OTHER}:
        return []
    return [code for code, counts in by_country.items() if 0 < counts["voters"] < MIN_VOTERS]


def test_results_name_no_country_cell_under_three_voters(api, room, facilitator, steward):
    """Results, CSV, the closing frame, the console and the charter keep small countries merged."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True)
    vote_everyone(round_, people, cards)
    actions.close_round(round_=round_, by=facilitator)
    client = api.as_user(facilitator.user)

    results = client.get(f"/api/rounds/{round_.pk}/results/").json()
    assert results["turnout"]["voters"] == 7
    assert not small_cells(results["turnout"]["by_country"])
    assert "TM" not in results["turnout"]["by_country"] and "KG" not in results["turnout"]["by_country"]
    assert results["turnout"]["by_country"][OTHER]["voters"] == 3
    for row in results["cards"]:
        assert not small_cells(row["by_country"]), row
        assert "TM" not in row["by_country"] and "KG" not in row["by_country"]

    closed = BoardEvent.objects.get(board=board, type="round.closed").payload
    text = json.dumps(closed)
    assert '"TM"' not in text and '"KG"' not in text

    rows = list(csv.reader(io.StringIO(client.get(f"/api/rounds/{round_.pk}/results.csv").content.decode())))
    assert not any(cell.startswith(("TM ", "KG ")) for cell in rows[0])

    version = charter_actions.publish_version(membership=steward)
    stored = json.dumps(version.content) + version.markdown
    assert "Turkmenistan" not in stored and '"TM"' not in stored


def test_a_lone_small_country_is_merged_with_the_smallest_other(room, facilitator):
    """When only one voter is left over, the smallest shown country joins 'other'."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True)
    for member in people["KZ"][:3] + people["TM"]:
        actions.place_dot(round_=round_, voter=member, card_id=cards[0].pk)
    actions.close_round(round_=round_, by=facilitator)
    turnout = Round.objects.get(pk=round_.pk).results["turnout"]
    assert set(turnout["by_country"]) == {OTHER}
    assert turnout["by_country"][OTHER]["voters"] == 4


def test_an_open_round_keeps_full_detail(room, facilitator):
    """Not anonymous: every country, however small, is shown (its voters are named anyway)."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=False)
    vote_everyone(round_, people, cards)
    actions.close_round(round_=round_, by=facilitator)
    turnout = Round.objects.get(pk=round_.pk).results["turnout"]
    assert turnout["by_country"]["TM"] == {"voters": 1, "eligible": 1}


def test_no_frame_per_dot_in_an_anonymous_round(room, facilitator, board_events):
    """Dots send nothing to the board; a batch goes out only when at least two dots changed."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    with board_events(board) as frames:
        actions.place_dot(round_=round_, voter=people["TM"][0], card_id=cards[2].pk)
        assert actions.publish_tallies() == []  # one dot alone would name its voter's country
    assert [f["type"] for f in frames] == []
    with board_events(board) as frames:
        actions.place_dot(round_=round_, voter=people["KZ"][0], card_id=cards[0].pk)
        actions.publish_tallies()
        actions.publish_tallies()  # nothing new: nothing sent
    assert [f["type"] for f in frames] == ["round.updated"]
    published = frames[0]["round"]
    assert published["turnout"]["voters"] == 2
    assert {row["card"]: row["dots"] for row in published["tally"]} == {cards[0].pk: 1, cards[1].pk: 0, cards[2].pk: 1}
    assert not small_cells(published["turnout"]["by_country"])


def test_reading_the_round_between_batches_shows_the_last_batch(api, room, facilitator):
    """The API does not show the count of this instant either: polling would reveal each dot."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    client = api.as_user(facilitator.user)
    before = client.get(f"/api/rounds/{round_.pk}/").json()["round"]
    actions.place_dot(round_=round_, voter=people["TM"][0], card_id=cards[2].pk)
    after = client.get(f"/api/rounds/{round_.pk}/").json()["round"]
    assert after["tally"] == before["tally"]
    assert after["turnout"] == before["turnout"]


def test_removing_a_member_keeps_their_dots_counted(api, room, facilitator, steward, board_events):
    """A member removed mid-round: the tally does not move (it would show their votes), no frame
    says anything of them, and the results at close still count their dots."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    vote_everyone(round_, people, cards)
    actions.publish_tallies()
    client = api.as_user(facilitator.user)
    before = client.get(f"/api/rounds/{round_.pk}/").json()["round"]["tally"]
    with board_events(board) as frames:
        workspace_actions.remove_member(membership=people["TM"][0], by=steward)
        actions.publish_tallies()
    assert not [f for f in frames if f["type"].startswith("round.")]
    assert client.get(f"/api/rounds/{round_.pk}/").json()["round"]["tally"] == before
    actions.close_round(round_=round_, by=facilitator)
    results = Round.objects.get(pk=round_.pk).results
    assert results["turnout"]["voters"] == 7
    assert {row["card"]: row["dots"] for row in results["cards"]}[cards[2].pk] == 1
