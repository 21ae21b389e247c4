"""An anonymous round stays anonymous against arithmetic (findings 2 and 3 of the safety review):
no per-country cell under three voters anywhere, no frame per dot, and removing a member does not
make the tally drop by exactly their votes."""

import csv
import io
import json
from collections import Counter

import pytest

from boards.models import BoardEvent
from charter import actions as charter_actions
from tests.factories import make_card, make_invitation, make_member, make_round, make_user
from voting import actions
from voting.models import Round
from voting.privacy import MIN_VOTERS, OTHER
from workspace import actions as workspace_actions
from workspace.models import Membership

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
    """Dots send nothing to the board; a batch goes out only when five different people changed
    their dots, and its turnout names no small country."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    first_four = [people["TM"][0], *people["KG"], people["KZ"][0]]
    with board_events(board) as frames:
        for member in first_four:
            card = cards[2] if member in people["TM"] else cards[1] if member in people["KG"] else cards[0]
            actions.place_dot(round_=round_, voter=member, card_id=card.pk)
            assert actions.publish_tallies() == []  # fewer than five people: the change would be theirs
    assert [f["type"] for f in frames] == []
    with board_events(board) as frames:
        actions.place_dot(round_=round_, voter=people["KZ"][1], card_id=cards[0].pk)
        actions.publish_tallies()
        actions.publish_tallies()  # nothing new: nothing sent
    assert [f["type"] for f in frames] == ["round.updated"]
    published = frames[0]["round"]
    assert published["turnout"]["voters"] == 5
    assert {row["card"]: row["dots"] for row in published["tally"]} == {cards[0].pk: 2, cards[1].pk: 2, cards[2].pk: 1}
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


# Differencing (issue 32, item 6): what an attacker with k colluders can and cannot learn, exactly
# as docs/design.md ("Anonymity") says it.


def cell_of(cells: dict, code: str) -> str:
    """The cell a country's voters are counted in: its own when shown, else "other"."""
    return code if code in cells else OTHER


def read_ballot(results: dict, *, victim_country: str, colluders: list, own: Counter) -> dict | None:
    """The attack of item 6a, as colluders run it on closed results: take the turnout cell holding
    the victim's country, take away the colluders when they are counted in it too (where their own
    page says: under the country a steward confirmed, or none); when that leaves exactly one voter,
    that cell's dots on each card minus their own are the victim's ballot. None when it leaves
    more: the dots left are several people's."""
    turnout = results["turnout"]["by_country"]
    cell = cell_of(turnout, victim_country)
    homes = {cell_of(turnout, member.country.code or "none") for member in colluders}
    inside = homes == {cell}
    if turnout[cell]["voters"] - (len(colluders) if inside else 0) != 1:
        return None
    ballot = {}
    for row in results["cards"]:
        cells = row["by_country"]
        # A card without the victim's cell: the colluders' dots there were too few voters to show,
        # so the victim put nothing there.
        here = victim_country if victim_country in cells else OTHER if cell == OTHER and OTHER in cells else None
        dots = cells[here]["dots"] if here else 0
        ballot[row["card"]] = dots - (own[row["card"]] if inside and here else 0)
    return ballot


def colluders_vote(round_, colluders, cards) -> Counter:
    """Each colluder puts one dot on every card; returns their dots per card."""
    own = Counter()
    for member in colluders:
        for card in cards:
            actions.place_dot(round_=round_, voter=member, card_id=card.pk)
            own[card.pk] += 1
    return own


def victim_votes(round_, victim, cards) -> dict:
    """The lone Turkmen voter's ballot: two dots on the third card, one on the first."""
    for card in (cards[2], cards[2], cards[0]):
        actions.place_dot(round_=round_, voter=victim, card_id=card.pk)
    return {cards[0].pk: 1, cards[1].pk: 0, cards[2].pk: 2}


def closed_results(api, round_, facilitator, reader) -> dict:
    actions.close_round(round_=round_, by=facilitator)
    return api.as_user(reader.user).get(f"/api/rounds/{round_.pk}/results/").json()


def test_two_accounts_declaring_the_victims_country_cannot_read_their_ballot(api, room, facilitator, steward):
    """Item 6a: two colluding accounts declare Turkmenistan (one joining through a link for many,
    one in its settings), put one dot on every card and subtract their own dots from the closed
    results: they do not get the lone Turkmen voter's ballot (they count under no country)."""
    board, people, cards = room
    link = make_invitation(board.workspace, by=steward, max_uses=10)
    first, _ = workspace_actions.accept_invitation(token=link.token, user=make_user(), display_name="C1", country="TM")
    second, _ = workspace_actions.accept_invitation(token=link.token, user=make_user(), display_name="C2")
    second = workspace_actions.update_my_membership(membership=second, country="TM")
    colluders = [Membership.objects.get(pk=first.pk), Membership.objects.get(pk=second.pk)]
    round_ = make_round(board, facilitator, anonymous=True)
    vote_everyone(round_, {"KZ": people["KZ"]}, cards)  # the Kyrgyz do not vote: no other small country
    ballot = victim_votes(round_, people["TM"][0], cards)
    own = colluders_vote(round_, colluders, cards)
    results = closed_results(api, round_, facilitator, colluders[0])
    read = read_ballot(results, victim_country="TM", colluders=colluders, own=own)
    assert read != ballot and read is None
    assert results["turnout"]["by_country"][OTHER]["voters"] == 7  # TM 1, the two, and Kazakhstan's 4
    assert [(m.country.code, m.requested_country.code) for m in colluders] == [("", "TM"), ("", "TM")]


@pytest.mark.parametrize("count", [1, 2, 4])
def test_accounts_without_a_confirmed_country_cannot_read_a_lone_voter_through_other(
    api, room, facilitator, count
):
    """Accounts with no confirmed country (any number of them) and the lone Turkmen voter in
    "other": that cell needs three voters with a confirmed country, so Kazakhstan joins it and
    the colluders' subtraction leaves five people's dots, not one person's ballot."""
    board, people, cards = room
    colluders = [make_member(board.workspace, country="", display_name=f"Nobody {n}") for n in range(count)]
    round_ = make_round(board, facilitator, anonymous=True)
    vote_everyone(round_, {"KZ": people["KZ"]}, cards)
    ballot = victim_votes(round_, people["TM"][0], cards)
    own = colluders_vote(round_, colluders, cards)
    results = closed_results(api, round_, facilitator, colluders[0])
    read = read_ballot(results, victim_country="TM", colluders=colluders, own=own)
    assert read != ballot and read is None


def test_two_colluders_a_steward_placed_in_the_victims_country_read_the_third(api, room, facilitator, steward):
    """The limit docs/design.md states: a cell of three voters whose country a steward confirmed,
    two of them colluding, gives the third one's ballot. The remedy is the steward's: confirm a
    country only for people known to be from it."""
    board, people, cards = room
    colluders = [make_member(board.workspace, country="KZ", display_name=f"Placed {n}") for n in range(2)]
    colluders = [workspace_actions.set_member_country(membership=m, by=steward, country="TM") for m in colluders]
    round_ = make_round(board, facilitator, anonymous=True)
    vote_everyone(round_, {"KZ": people["KZ"]}, cards)
    ballot = victim_votes(round_, people["TM"][0], cards)
    own = colluders_vote(round_, colluders, cards)
    results = closed_results(api, round_, facilitator, colluders[0])
    assert read_ballot(results, victim_country="TM", colluders=colluders, own=own) == ballot


class Watcher:
    """Colluders watching an anonymous live round: every published count (the board's
    ``round.updated`` frames, as watchers get them and the log keeps them), and the changes made
    since the one before, theirs known to them, the others' known only to the test."""

    def __init__(self, board, round_, colluders):
        self.board, self.round, self.colluders = board, round_, {m.pk for m in colluders}
        self.seq = BoardEvent.objects.filter(board=board).order_by("-seq").values_list("seq", flat=True).first()
        self.last = Counter()
        self.changes: list[tuple[int, int, int]] = []
        self.windows: list[tuple[Counter, dict[int, Counter]]] = []

    def act(self, member, card, place: bool = True) -> None:
        step = actions.place_dot if place else actions.remove_dot
        step(round_=self.round, voter=member, card_id=card.pk)
        self.changes.append((member.pk, card.pk, 1 if place else -1))
        actions.publish_tallies()  # the server's timer after every click: as many counts as it can send
        for event in BoardEvent.objects.filter(board=self.board, type="round.updated", seq__gt=self.seq):
            self.seq = event.seq
            tally = Counter({row["card"]: row["dots"] for row in event.payload["round"]["tally"]})
            own, others = Counter(), {}
            for voter, changed, delta in self.changes:
                (own if voter in self.colluders else others.setdefault(voter, Counter()))[changed] += delta
            left = {c: tally[c] - self.last[c] - own[c] for c in set(tally) | set(own)}
            # the others whose dots differ from the last count (a dot placed and taken back is none)
            others = {voter: change for voter, change in others.items() if any(change.values())}
            self.windows.append((Counter({c: n for c, n in left.items() if n}), others))
            self.last, self.changes = tally, []


def alternate(watcher, colluders, card, times: int) -> None:
    """Each colluder places a dot on ``card`` and takes it back, ``times`` over."""
    for _ in range(times):
        for member in colluders:
            watcher.act(member, card)
            watcher.act(member, card, place=False)


@pytest.mark.parametrize("accounts", [1, 2, 3])
def test_alternating_place_and_remove_never_isolates_a_dot(room, facilitator, accounts):
    """Item 6b: the attacker (with up to two colluders) alternates placing and taking back a dot
    around every other voter's click; every published count differs from the one before by the
    dots of at least 5 - accounts other people, so none is one person's dot, the victim's least."""
    board, people, cards = room
    colluders = [make_member(board.workspace, country="UZ", display_name=f"Watcher {n}") for n in range(accounts)]
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    watcher = Watcher(board, round_, colluders)
    victim, honest = people["TM"][0], people["KZ"][:3]
    alternate(watcher, colluders, cards[0], 1)
    for member, card in [(victim, cards[2]), *((h, cards[1]) for h in honest), (victim, cards[2])]:
        watcher.act(member, card)
        alternate(watcher, colluders, cards[0], 2)
    assert watcher.windows, "five different people changed their dots: a count went out"
    for left, others in watcher.windows:
        assert len(others) >= 5 - accounts, others
        assert others.keys() != {victim.pk} and left != Counter({cards[2].pk: 1})


def test_colluders_alone_never_complete_a_batch(room, facilitator):
    """Four accounts placing and taking back dots, eighty times over, then keeping one each: no
    count goes out (four people, and a dot taken back again counts for nothing)."""
    board, people, cards = room
    colluders = [make_member(board.workspace, country="UZ", display_name=f"Watcher {n}") for n in range(4)]
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    watcher = Watcher(board, round_, colluders)
    alternate(watcher, colluders, cards[0], 10)
    for member in colluders:
        watcher.act(member, cards[1])
    assert watcher.windows == []


def test_four_colluders_read_the_change_of_a_fifth_but_not_whose_it_is(room, facilitator):
    """The limit docs/design.md states: four accounts that each placed a dot since the last count
    make the next person's change complete the batch, and that count minus theirs is that one
    change (the frame says nothing of who made it)."""
    board, people, cards = room
    colluders = [make_member(board.workspace, country="UZ", display_name=f"Watcher {n}") for n in range(4)]
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    watcher = Watcher(board, round_, colluders)
    alternate(watcher, colluders, cards[0], 1)  # taken back again: not enough
    for member in colluders:
        watcher.act(member, cards[0])
    watcher.act(people["TM"][0], cards[2])
    ((left, others),) = watcher.windows
    assert left == Counter({cards[2].pk: 1}) and set(others) == {people["TM"][0].pk}
    assert "TM" not in json.dumps(BoardEvent.objects.filter(board=board, type="round.updated").last().payload)


def test_the_close_shows_what_changed_since_the_last_count(room, facilitator):
    """The limit docs/design.md states: the closed results minus the last count are the changes
    made since it, by fewer than five people (here one); a round with hidden results has no count
    to subtract."""
    board, people, cards = room
    round_ = make_round(board, facilitator, anonymous=True, results_visibility="live")
    vote_everyone(round_, {"KZ": people["KZ"], "KG": people["KG"][:1]}, cards)
    actions.publish_tallies()
    last = Counter({row["card"]: row["dots"] for row in Round.objects.get(pk=round_.pk).published["tally"]})
    actions.place_dot(round_=round_, voter=people["TM"][0], card_id=cards[2].pk)
    actions.close_round(round_=round_, by=facilitator)
    final = Counter({row["card"]: row["dots"] for row in Round.objects.get(pk=round_.pk).results["cards"]})
    assert final - last == Counter({cards[2].pk: 1})
