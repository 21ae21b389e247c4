"""Rounds over amendments: competing wordings of one passage put to a dot vote, the winners applied
to the draft in rank order, with hidden results and anonymity holding as for cards."""

import json

import pytest

from boards.models import BoardEvent
from drafts import actions as drafts
from drafts.documents import draft_markdown, new_doc, replace_text
from drafts.models import AmendmentState
from tests.factories import make_card, make_member, make_round
from tests.voting.test_privacy import read_every_path
from voting import actions
from voting.errors import VotingError
from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

MISSION = "We publish research every year."


@pytest.fixture
def competing(board, facilitator):
    """The mission draft, an idea card, and two competing amendments of the same words."""
    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, MISSION))
    make_card(board, facilitator, "An idea, not an amendment")
    kz = make_member(board.workspace, country="KZ", display_name="Aigerim")
    af = make_member(board.workspace, country="AF", display_name="Farid")
    start = MISSION.find("every year")
    twice = drafts.propose_amendment(board=board, by=kz, original="every year", proposed="twice a year", start=start)
    monthly = drafts.propose_amendment(board=board, by=af, original="every year", proposed="every month", start=start)
    return twice, monthly


def test_a_round_over_amendments_holds_the_open_amendments_only(board, facilitator, competing):
    """Without a choice, a round over amendments takes the open amendments; one over cards takes
    the ideas and never an amendment."""
    twice, monthly = competing
    over_amendments = make_round(board, facilitator, subject="amendments")
    assert over_amendments.subject == "amendments"
    assert sorted(over_amendments.cards.values_list("id", flat=True)) == sorted([twice.card_id, monthly.card_id])
    actions.cancel_round(round_=over_amendments, by=facilitator)
    over_cards = make_round(board, facilitator)
    assert twice.card_id not in set(over_cards.cards.values_list("id", flat=True))


def test_an_idea_card_cannot_join_a_round_over_amendments(board, facilitator, competing):
    """Choosing an idea card for a round over amendments is refused, naming it."""
    idea = board.cards.get(kind="idea")
    with pytest.raises(VotingError, match=str(idea.pk)):
        actions.create_round(board=board, by=facilitator, question="Which wording?", subject="amendments",
                             cards=[idea.pk])  # fmt: skip


def test_adopting_applies_the_winner_and_the_loser_is_outdated(board, facilitator, competing):
    """Both vote; the winner is applied to the draft; the competing one, whose words are gone (the
    winner replaced them), is marked outdated and left for the facilitator."""
    twice, monthly = competing
    round_ = make_round(board, facilitator, subject="amendments", anonymous=False)
    voters = [make_member(board.workspace, country=c) for c in ("MN", "TJ", "UZ")]
    for voter in voters:
        actions.place_dot(round_=round_, voter=voter, card_id=twice.card_id)
    actions.place_dot(round_=round_, voter=voters[0], card_id=monthly.card_id)
    actions.close_round(round_=round_, by=facilitator)
    adopted = actions.adopt_results(round_=round_, by=facilitator, top=2)
    assert [card.pk for card in adopted] == [twice.card_id]
    assert draft_markdown(board.pk) == "We publish research twice a year."
    twice.refresh_from_db()
    monthly.refresh_from_db()
    assert twice.state == AmendmentState.ACCEPTED and "Which ideas should lead?" in twice.decision_reason
    assert monthly.state == AmendmentState.OPEN and monthly.outdated and monthly.current == ""


def test_a_winner_removed_after_the_round_is_skipped_when_adopting(board, facilitator, competing):
    """The round's winner was removed (abusive) after the round closed: adopting the top two
    applies the runner-up, instead of failing on the removed one."""
    twice, monthly = competing
    round_ = make_round(board, facilitator, subject="amendments", anonymous=False)
    voters = [make_member(board.workspace, country=c) for c in ("MN", "TJ", "UZ")]
    for voter in voters:
        actions.place_dot(round_=round_, voter=voter, card_id=twice.card_id)
    actions.place_dot(round_=round_, voter=voters[0], card_id=monthly.card_id)
    actions.close_round(round_=round_, by=facilitator)
    drafts.remove_amendment(amendment=twice, by=facilitator)
    adopted = actions.adopt_results(round_=round_, by=facilitator, top=2)
    assert [card.pk for card in adopted] == [monthly.card_id]
    assert draft_markdown(board.pk) == "We publish research every month."


def test_hidden_and_anonymous_rules_hold_for_amendments_on_every_path(client, api, board, facilitator, steward,
                                                                       competing):  # fmt: skip
    """A hidden, anonymous round over amendments shows no tally on any path while open, and never
    who voted, to anyone (the amendments' own authors and supporters are not its voters)."""
    twice, _monthly = competing
    voter = make_member(board.workspace, country="TM", display_name="Secret Voter Zed")
    round_ = make_round(board, facilitator, subject="amendments", results_visibility="hidden", anonymous=True)
    for _ in range(3):
        actions.place_dot(round_=round_, voter=voter, card_id=twice.card_id)
    actions.publish_tallies()
    for viewer in (steward, facilitator, voter):
        paths = read_every_path(client, api, board, round_, viewer)
        assert paths["results"].status_code == 403
        for name in ("round", "history", "state", "page", "events"):
            assert '"tally": null' in paths[name] or '"tally":null' in paths[name], name
            assert '"dots": 3' not in paths[name] and '"dots":3' not in paths[name], name
    actions.close_round(round_=round_, by=facilitator)
    for viewer in (steward, facilitator):
        paths = read_every_path(client, api, board, round_, viewer)
        texts = [paths[name] for name in ("round", "history", "state", "page", "events")]
        texts += [paths["results"].content.decode(), paths["csv"].content.decode()]
        assert all("Secret Voter Zed" not in text for text in texts)
        assert paths["results"].json()["cards"][0]["dots"] == 3
    events = json.dumps(list(BoardEvent.objects.filter(board=board).values_list("payload", flat=True)))
    assert "Secret Voter Zed" not in events


def test_amendments_wait_while_their_round_runs(board, facilitator, competing):
    """While the round runs, nobody changes or supports the amendments being voted on."""
    twice, _monthly = competing
    make_round(board, facilitator, subject="amendments")
    from workspace.errors import WorkspaceError  # noqa: PLC0415

    with pytest.raises(WorkspaceError, match="voting round is running"):
        drafts.support_amendment(amendment=twice, by=facilitator)
    with pytest.raises(WorkspaceError, match="voting round is running"):
        drafts.update_amendment(amendment=twice, by=twice.card.author, proposed="thrice a year")


def test_the_audit_lists_only_the_amendments_applied(board, facilitator, competing):
    """Adopting the top two of a round over amendments audits the one applied, not the competing
    one left open as outdated."""
    twice, monthly = competing
    round_ = make_round(board, facilitator, subject="amendments", anonymous=False)
    voters = [make_member(board.workspace, country=c) for c in ("MN", "TJ", "UZ")]
    for voter in voters:
        actions.place_dot(round_=round_, voter=voter, card_id=twice.card_id)
    actions.place_dot(round_=round_, voter=voters[0], card_id=monthly.card_id)
    actions.close_round(round_=round_, by=facilitator)
    actions.adopt_results(round_=round_, by=facilitator, top=2)
    entry = AuditEntry.objects.get(verb="round.adopted")
    assert entry.details["cards"] == [twice.card_id]
