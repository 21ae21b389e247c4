"""Amendments: proposing a change to a passage of a draft, its anchor following the text, support,
outdated detection, accepting (applied once, a revision before it), rejecting, overlaps, rights,
limits and the events everyone receives."""

import pytest
from django.urls import reverse
from pycrdt import Doc, Text

from boards import actions as board_actions
from boards.models import BoardState, CardKind, CardStatus
from drafts import actions as drafts
from drafts import passages
from drafts.documents import draft_markdown, new_doc, replace_text, stored_updates
from drafts.models import Amendment, AmendmentState, DraftRevision, DraftUpdate
from drafts.selectors import board_amendments
from tests.factories import make_member, make_workspace
from workspace.audit import describe
from workspace.errors import WorkspaceError
from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

MISSION = "We connect civil society across Central Asia. We publish research every year."


def type_into(board, member, new_text: str) -> None:
    parts, _ids = stored_updates(board.pk)
    doc, text = new_doc(*parts)
    drafts.store_draft_update(board_id=board.pk, by=member, update=replace_text(doc, text, new_text))


def type_at(board, member, index: int, words: str) -> None:
    """Another editor inserts ``words`` at ``index`` (code points) of the draft as stored."""
    value = draft_markdown(board.pk)
    type_into(board, member, value[:index] + words + value[index:])


@pytest.fixture
def mission(board, facilitator):
    type_into(board, facilitator, MISSION)
    return board


def propose(board, member, original="every year", proposed="twice a year", **kwargs):
    start = kwargs.pop("start", draft_markdown(board.pk).find(original) if original else None)
    return drafts.propose_amendment(board=board, by=member, original=original, proposed=proposed, start=start,
                                    **kwargs)  # fmt: skip


# The anchor ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("before", "every year"),  # typing before the passage moves it, its words stay
        ("after", "every year"),  # typing just after it stays outside
        ("inside", "every single year"),  # typing inside it is part of it
    ],
)
def test_the_anchor_follows_the_passage_while_others_type(where, expected):
    """A passage anchored on the server keeps pointing at its words while another replica types
    before, just after or inside it, and the edits merge in any order."""
    server = Doc()
    text = server.get("draft", type=Text)
    text += "Мы публикуем every year. سلام"
    start = str(text).find("every year")
    start_anchor, end_anchor = passages.Positions(server, text).anchor(start, start + len("every year"))

    other = Doc()
    other_text = other.get("draft", type=Text)
    other.apply_update(server.get_update())
    value = str(other_text)
    at = {"before": 0, "after": value.find("."), "inside": value.find("year")}[where]
    words = {"before": "Сегодня ", "after": " and more", "inside": "single "}[where]
    other_text.insert(len(value[:at].encode()), words)
    server.apply_update(other.get_update(server.get_state()))
    assert passages.Positions(server, text).words(start_anchor, end_anchor) == expected


@pytest.mark.parametrize("seed", range(8))
def test_the_anchor_survives_many_editors_typing_in_every_script(seed):
    """Three replicas type Cyrillic, Dari and emoji at random before and after a passage (many
    items from many clients, as a real room makes), merged in random order: the anchored words are
    still exactly the passage."""
    import random

    chance = random.Random(seed)
    pieces = ["Сегодня ", "ما می‌خواهیم ", "🙂 ", "Кыргызстан, ", "x", "👩🏽‍🎓", "\n"]
    server = Doc()
    text = server.get("draft", type=Text)
    text += "Начало. سلام every year. Конец 🙂"
    start = str(text).find("every year")
    start_anchor, end_anchor = passages.Positions(server, text).anchor(start, start + len("every year"))
    replicas = []
    for _ in range(3):
        doc = Doc()
        doc.get("draft", type=Text)
        doc.apply_update(server.get_update())
        replicas.append(doc)
    for _step in range(40):
        doc = chance.choice(replicas)
        shared = doc.get("draft", type=Text)
        value = str(shared)
        at_passage = value.find("every year")
        at = chance.choice([chance.randint(0, at_passage), chance.randint(at_passage + len("every year"), len(value))])
        shared.insert(len(value[:at].encode()), chance.choice(pieces))
        if chance.random() < 0.5:  # some edits reach the others (and the server) now, some later
            for other in [server, *replicas]:
                other.apply_update(doc.get_update(other.get_state()))
    for doc in chance.sample(replicas, len(replicas)):
        server.apply_update(doc.get_update(server.get_state()))
    assert passages.Positions(server, text).words(start_anchor, end_anchor) == "every year"


def test_a_proposal_is_anchored_even_when_the_text_moved_meanwhile(mission, participant, facilitator):
    """The proposer saw the passage at an offset the draft no longer has (someone typed before
    it): the words are found where they are now."""
    seen_at = draft_markdown(mission.pk).find("every year")
    type_at(mission, facilitator, 0, "Today: ")
    amendment = propose(mission, participant, start=seen_at)
    doc, text = new_doc(*stored_updates(mission.pk)[0])
    assert passages.Positions(doc, text).words(amendment.start, amendment.end) == "every year"


def test_words_no_longer_in_the_draft_are_refused(mission, participant):
    """A passage that is nowhere in the draft any more gets a 409 asking to select it again."""
    with pytest.raises(WorkspaceError) as refused:
        propose(mission, participant, original="every month", start=10)
    assert refused.value.code == "passage_not_found"
    assert not Amendment.objects.exists()


# Proposing, supporting ------------------------------------------------------------------------------


def test_a_proposal_lives_on_its_own_card_and_reaches_the_board(mission, participant, board_events):
    """Proposing makes an amendment card (the author's name and country, as cards) and everyone
    hears ``amendment.created`` with the words, a word-level diff and the anchors."""
    with board_events(mission) as frames:
        amendment = propose(mission, participant, reason="Our budget allows two reports.")
    assert amendment.card.kind == CardKind.AMENDMENT
    assert amendment.card.author == participant
    (frame,) = [f for f in frames if f["type"] == "amendment.created"]
    data = frame["amendment"]
    assert data["number"] == 1 and data["change"] == "replace"
    assert data["diff"] == [["removed", "every"], ["added", "twice a"], ["same", " year"]]
    assert data["card"]["author"]["country"] == "AF"
    assert set(data["anchor"]) == {"start", "end"} and "item" in data["anchor"]["start"]


def test_deletions_and_insertions(mission, participant, facilitator):
    """An empty proposal deletes the passage; an empty passage inserts at a point."""
    deletion = propose(mission, participant, original=" We publish research every year.", proposed="")
    value = draft_markdown(mission.pk)
    insertion = drafts.propose_amendment(
        board=mission, by=participant, original="", proposed=" Together.", start=value.find(".") + 1
    )
    assert deletion.card.body.startswith("~~")
    drafts.accept_amendment(amendment=deletion, by=facilitator)
    drafts.accept_amendment(amendment=insertion, by=facilitator)
    assert draft_markdown(mission.pk) == "We connect civil society across Central Asia. Together."


def test_support_is_one_per_person_and_can_be_taken_back(
    mission, participant, facilitator, board_events, django_capture_on_commit_callbacks
):
    """A "+1" counts once however often it is sent, and can be taken back."""
    amendment = propose(mission, participant)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            drafts.support_amendment(amendment=amendment, by=facilitator)
    with board_events(mission) as frames:
        drafts.publish_supports()  # the batcher's tick
    assert [f["amendment"]["supported_by"] for f in frames if f["type"] == "amendment.supported"] == [[facilitator.pk]]
    drafts.support_amendment(amendment=amendment, by=facilitator, support=False)
    assert amendment.supports.count() == 0


def test_a_rush_of_support_reaches_the_board_as_one_frame_per_batch(
    mission, participant, board_events, django_capture_on_commit_callbacks
):
    """Thirty people "+1" an amendment within one tick of the batcher: the board hears one
    amendment.supported with all thirty, not thirty frames each (a room of 110 would otherwise get
    12,100 frames); each supporter's own answer carries their "+1" at once."""
    amendment = propose(mission, participant)
    people = [make_member(mission.workspace, country="UZ") for _ in range(30)]
    drafts.publish_supports()  # (nothing left over from elsewhere)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [drafts.support_amendment(amendment=amendment, by=person) for person in people]
    with board_events(mission) as frames:
        assert drafts.publish_supports() == [amendment.pk]
        assert drafts.publish_supports() == []  # nothing new: nothing sent
    supported = [f for f in frames if f["type"] == "amendment.supported"]
    assert len(supported) == 1 and sorted(supported[0]["amendment"]["supported_by"]) == sorted(p.pk for p in people)
    assert answers[-1].supports.count() == 30


def test_only_its_author_changes_an_amendment(mission, participant, facilitator):
    """The author rewrites the proposal; nobody else may, facilitators included."""
    amendment = propose(mission, participant)
    drafts.update_amendment(amendment=amendment, by=participant, proposed="each spring", reason="Spring suits us.")
    amendment.refresh_from_db()
    assert amendment.card.body == "each spring"
    with pytest.raises(WorkspaceError) as refused:
        drafts.update_amendment(amendment=amendment, by=facilitator, proposed="never")
    assert refused.value.kind == WorkspaceError.FORBIDDEN


def test_an_amendment_card_changes_only_through_the_amendment(mission, participant):
    """Editing or removing the card of an amendment as a card is refused."""
    amendment = propose(mission, participant)
    with pytest.raises(WorkspaceError, match="amendment"):
        board_actions.update_card(card=amendment.card, by=participant, body="Something else")
    with pytest.raises(WorkspaceError, match="amendment"):
        board_actions.remove_card(card=amendment.card, by=participant)


def test_amendments_wait_while_a_round_runs_or_the_board_is_locked(mission, participant, facilitator):
    """Proposals follow the board's state: none on a locked board."""
    board_actions.update_board(board=mission, by=facilitator, state=BoardState.LOCKED)
    with pytest.raises(WorkspaceError, match="locked"):
        propose(mission, participant)


def test_proposals_are_rate_limited(mission, participant):
    """Past ten proposals in ten minutes, one person is asked to wait (429)."""
    for n in range(10):
        drafts.propose_amendment(board=mission, by=participant, original="every year", proposed=f"option {n}",
                                 start=None)  # fmt: skip
    with pytest.raises(WorkspaceError) as refused:
        propose(mission, participant, proposed="option 11")
    assert refused.value.kind == WorkspaceError.TOO_MANY


# Withdrawing and removing ---------------------------------------------------------------------------


def test_its_author_withdraws_an_amendment_and_it_leaves_the_board(mission, participant, facilitator, board_events):
    """Withdrawn: its card is removed, the board hears ``amendment.removed`` (ids only), the
    snapshot no longer lists it, nobody can support or decide it any more, the audit says so."""
    amendment = propose(mission, participant, reason="Two reports a year")
    with board_events(mission) as frames:
        drafts.remove_amendment(amendment=amendment, by=participant)
    assert [f["type"] for f in frames] == ["amendment.removed"]
    assert {k: frames[0][k] for k in ("amendment_id", "card_id")} == {"amendment_id": amendment.pk,
                                                                      "card_id": amendment.card_id}  # fmt: skip
    amendment.card.refresh_from_db()
    assert amendment.card.removed_at is not None
    assert board_amendments(mission) == []
    for act in (
        lambda: drafts.support_amendment(amendment=amendment, by=participant),
        lambda: drafts.reject_amendment(amendment=amendment, by=facilitator, reason="x"),
        lambda: drafts.accept_amendment(amendment=amendment, by=facilitator),
        lambda: drafts.remove_amendment(amendment=amendment, by=participant),
    ):
        with pytest.raises(WorkspaceError) as refused:
            act()
        assert refused.value.kind == WorkspaceError.NOT_FOUND
    entry = AuditEntry.objects.get(verb="amendment.withdrawn")
    assert "Two reports" not in describe(entry) and "twice" not in str(entry.details)


def test_a_facilitator_removes_an_abusive_amendment_others_cannot(mission, participant, facilitator):
    """Rejecting keeps an amendment's words on the board; removing takes them away. Only its
    author or a facilitator may; an accepted amendment is part of the draft and stays."""
    abusive = propose(mission, participant, proposed="every year (Aziza lives at 12 Secret Street)")
    other = make_member(mission.workspace, country="KZ")
    with pytest.raises(WorkspaceError) as refused:
        drafts.remove_amendment(amendment=abusive, by=other)
    assert refused.value.kind == WorkspaceError.FORBIDDEN
    drafts.reject_amendment(amendment=abusive, by=facilitator, reason="Personal details")
    drafts.remove_amendment(amendment=abusive, by=facilitator)
    assert AuditEntry.objects.filter(verb="amendment.removed", actor=facilitator).count() == 1

    accepted = propose(mission, participant, original="We connect", proposed="We bring together")
    drafts.accept_amendment(amendment=accepted, by=facilitator)
    with pytest.raises(WorkspaceError, match="draft") as refused:
        drafts.remove_amendment(amendment=accepted, by=facilitator)
    assert refused.value.kind == WorkspaceError.CONFLICT
    assert Amendment.objects.get(pk=accepted.pk).card.removed_at is None


def test_a_removed_amendment_is_not_checked_or_announced_again(
    mission, participant, facilitator, board_events, django_capture_on_commit_callbacks
):
    """A "+1" given just before the removal is not announced after it, and typing over its
    passage does not mark it outdated (either would carry its words back to the board)."""
    amendment = propose(mission, participant)
    drafts.publish_supports()  # (nothing left over from elsewhere)
    with django_capture_on_commit_callbacks(execute=True):
        drafts.support_amendment(amendment=amendment, by=facilitator)
    drafts.remove_amendment(amendment=amendment, by=participant)
    with board_events(mission) as frames:
        assert drafts.publish_supports() == []
        type_into(mission, facilitator, MISSION.replace("every year", "each year"))
        drafts.check_amendments(board_id=mission.pk)
    assert not [f for f in frames if f["type"].startswith("amendment.")]


def test_the_api_removes_an_amendment(api, mission, participant, facilitator):
    """DELETE: 204 for its author, 404 once gone; 403 for another participant; 404 for a stranger."""
    amendment = propose(mission, participant)
    url = reverse("api-amendment", args=[amendment.pk])
    other = make_member(mission.workspace, country="KZ")
    assert api.as_user(other.user).delete(url).status_code == 403
    stranger = make_member(make_workspace("elsewhere"))
    assert api.as_user(stranger.user).delete(url).status_code == 404
    assert api.as_user(participant.user).delete(url).status_code == 204
    gone = api.as_user(facilitator.user).delete(url)
    assert gone.status_code == 404 and gone.json()["detail"]
    assert api.as_user(participant.user).get(url).status_code == 404


# Deciding and applying --------------------------------------------------------------------------------


def test_accepting_applies_the_change_once_after_saving_a_revision(mission, participant, facilitator, board_events):
    """Accepting saves a revision of the draft as it was, applies the change as one stored edit
    attributed to the amendment, and announces it; accepting again is refused."""
    amendment = propose(mission, participant)
    with board_events(mission) as frames:
        drafts.accept_amendment(amendment=amendment, by=facilitator, reason="Agreed in the room.")
    assert draft_markdown(mission.pk) == MISSION.replace("every year", "twice a year")
    revision = DraftRevision.objects.get(board=mission)
    assert revision.markdown == MISSION and revision.automatic
    assert DraftUpdate.objects.filter(amendment=amendment).count() == 1
    types = [f["type"] for f in frames]
    assert types.index("draft.revision_saved") < types.index("amendment.accepted")
    accepted = next(f for f in frames if f["type"] == "amendment.accepted")["amendment"]
    assert accepted["state"] == "accepted" and accepted["decision_reason"] == "Agreed in the room."
    assert accepted["card"]["status"] == CardStatus.ADOPTED
    with pytest.raises(WorkspaceError) as again:
        drafts.accept_amendment(amendment=amendment, by=facilitator)
    assert again.value.kind == WorkspaceError.CONFLICT
    assert draft_markdown(mission.pk).count("twice a year") == 1
    (entry,) = AuditEntry.objects.filter(verb="amendment.accepted")
    assert entry.actor == facilitator and describe(entry) == "accepted amendment 1 on Mission"


def test_rejecting_needs_a_reason_everyone_reads(mission, participant, facilitator):
    """A rejection without a reason is refused; with one, the card is archived and the draft untouched."""
    amendment = propose(mission, participant)
    with pytest.raises(WorkspaceError, match="Say why"):
        drafts.reject_amendment(amendment=amendment, by=facilitator, reason="  ")
    drafts.reject_amendment(amendment=amendment, by=facilitator, reason="We keep the yearly report.")
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.REJECTED and amendment.card.status == CardStatus.ARCHIVED
    assert draft_markdown(mission.pk) == MISSION


def test_the_reject_endpoint_takes_a_reason_and_nothing_else(api, mission, participant, facilitator):
    """Rejecting through the API: no reason is a 400 saying why; an accept-only field ("anyway") is
    a 400 naming it, not silently ignored; a reason rejects it."""
    amendment = propose(mission, participant)
    url = reverse("api-amendment-reject", args=[amendment.pk])
    client = api.as_user(facilitator.user)
    assert client.post(url, {}, format="json").status_code == 400
    mixed = client.post(url, {"reason": "No", "anyway": True}, format="json")
    assert mixed.status_code == 400 and "anyway" in str(mixed.json())
    assert Amendment.objects.get(pk=amendment.pk).state == AmendmentState.OPEN
    done = client.post(url, {"reason": "We keep the yearly report."}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "rejected"


def test_participants_propose_and_support_but_do_not_decide(mission, participant):
    """Accepting and rejecting are for facilitators and stewards."""
    amendment = propose(mission, participant)
    for decide in (drafts.accept_amendment, drafts.reject_amendment):
        with pytest.raises(WorkspaceError) as refused:
            decide(amendment=amendment, by=participant, reason="mine")
        assert refused.value.kind == WorkspaceError.FORBIDDEN


def test_a_passage_typed_over_is_outdated_and_accepting_it_needs_anyway(
    mission, participant, facilitator, board_events
):
    """Someone changes the passage's words: the amendment is marked outdated (with the words now),
    accepting it is refused until a facilitator applies it anyway, and its author can refresh it."""
    amendment = propose(mission, participant)
    type_at(mission, facilitator, draft_markdown(mission.pk).find("year"), "calendar ")
    with board_events(mission) as frames:
        drafts.check_amendments(board_id=mission.pk)
    (outdated,) = [f["amendment"] for f in frames if f["type"] == "amendment.outdated"]
    assert outdated["outdated"] and outdated["current"] == "every calendar year"
    with pytest.raises(WorkspaceError) as refused:
        drafts.accept_amendment(amendment=amendment, by=facilitator)
    assert refused.value.code == "amendment_outdated"
    assert "twice" not in draft_markdown(mission.pk)

    drafts.update_amendment(amendment=amendment, by=participant, refresh=True)
    amendment.refresh_from_db()
    assert (amendment.original, amendment.outdated) == ("every calendar year", False)
    drafts.accept_amendment(amendment=amendment, by=facilitator)
    assert draft_markdown(mission.pk) == MISSION.replace("every year", "twice a year")


def test_an_outdated_amendment_applied_anyway(mission, participant, facilitator):
    """A facilitator who compared both applies an outdated amendment anyway; it says so."""
    amendment = propose(mission, participant)
    type_at(mission, facilitator, draft_markdown(mission.pk).find("year"), "calendar ")
    drafts.accept_amendment(amendment=amendment, by=facilitator, anyway=True)
    amendment.refresh_from_db()
    assert amendment.applied_anyway
    assert draft_markdown(mission.pk) == MISSION.replace("every year", "twice a year")


def test_two_overlapping_amendments_apply_in_order_and_the_later_is_rechecked(mission, participant, facilitator):
    """Two amendments over the same words: the first accepted applies; the second, whose words are
    gone, is marked outdated and is not applied on top."""
    workspace = mission.workspace
    other = make_member(workspace, country="MN", display_name="Bat")
    first = propose(mission, participant, original="research every year", proposed="a yearly report")
    second = propose(mission, other, original="every year", proposed="each quarter")
    drafts.accept_amendment(amendment=first, by=facilitator)
    second.refresh_from_db()
    assert second.outdated and second.state == AmendmentState.OPEN
    with pytest.raises(WorkspaceError):
        drafts.accept_amendment(amendment=second, by=facilitator)
    assert draft_markdown(mission.pk) == MISSION.replace("research every year", "a yearly report")


# Over HTTP ----------------------------------------------------------------------------------------------


def test_the_api_proposes_supports_and_decides(api, mission, participant, facilitator):
    """The REST API: propose (201), support, accept; the board's list shows the result."""
    url = reverse("api-amendments", args=[mission.pk])
    start = draft_markdown(mission.pk).find("every year")
    created = api.as_user(participant.user).post(
        url, {"original": "every year", "proposed": "twice a year", "reason": "Two reports", "start": start},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    amendment_id = created.json()["id"]
    assert api.as_user(facilitator.user).post(reverse("api-amendment-support", args=[amendment_id])).status_code == 200
    accepted = api.as_user(facilitator.user).post(
        reverse("api-amendment-accept", args=[amendment_id]), {"reason": "Yes"}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    listed = api.as_user(participant.user).get(url).json()
    assert [a["supported_by"] for a in listed] == [[facilitator.pk]]
    refused = api.as_user(participant.user).post(url, {"original": "nowhere", "proposed": "x"}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"]


def test_the_snapshot_reads_amendments_in_the_same_queries_however_many(mission, participant):
    """Two amendments or eight, with supporters: the board's snapshot costs the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boards.selectors import board_state

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board_state(mission)
        return len(captured)

    people = [make_member(mission.workspace, country="KZ") for _ in range(8)]
    for person in people[:2]:
        drafts.support_amendment(amendment=propose(mission, person, proposed=f"by {person.pk}"), by=participant)
    few = queries()
    for person in people[2:]:
        drafts.support_amendment(amendment=propose(mission, person, proposed=f"by {person.pk}"), by=participant)
    assert len(board_state(mission)["amendments"]) == 8
    assert queries() == few


def test_strangers_get_404_for_amendments_of_another_workspace(api, mission, participant):
    """An amendment of a workspace one is not in answers exactly like one that does not exist."""
    amendment = propose(mission, participant)
    stranger = make_member(make_workspace("elsewhere"))
    client = api.as_user(stranger.user)
    missing = client.get(reverse("api-amendment", args=[amendment.pk + 1000]))
    hidden = client.get(reverse("api-amendment", args=[amendment.pk]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for name in ("api-amendment-support", "api-amendment-accept", "api-amendment-reject"):
        assert client.post(reverse(name, args=[amendment.pk])).status_code == 404
    assert client.get(reverse("api-amendments", args=[mission.pk])).status_code == 404


def test_the_snapshot_carries_the_amendments_and_their_cards(api, mission, participant):
    """The board's state lists amendments with their supporters; their cards are among the cards."""
    amendment = propose(mission, participant)
    state = api.as_user(participant.user).get(reverse("api-board-state", args=[mission.pk])).json()
    assert [a["id"] for a in state["amendments"]] == [amendment.pk]
    assert {c["id"]: c["kind"] for c in state["cards"]}[amendment.card_id] == "amendment"
