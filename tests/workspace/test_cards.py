"""Cards: posting, editing, curating and removing, each announced as one numbered event."""

import pytest
from django.db import transaction

from boards import actions as board_actions
from boards.models import BoardEvent, Card
from boards.selectors import card_data
from tests.factories import make_card, make_member
from workspace import actions
from workspace.errors import WorkspaceError
from workspace.roles import Role

pytestmark = pytest.mark.django_db


def test_member_posts_card_and_everyone_is_told(board, participant, board_events):
    """A posted card is stored with its rendered text and sent as card.created with seq 1."""
    with board_events(board) as frames:
        card = board_actions.create_card(board=board, by=participant, body="We **research** and act")
    assert card.body_html == '<p dir="auto">We <strong>research</strong> and act</p>'
    assert frames == [{"type": "card.created", "seq": 1, "card": card_data(card)}]
    assert frames[0]["card"]["author"] == {
        "id": participant.pk,
        "display_name": participant.display_name,
        "country": "AF",
    }


def test_cards_go_after_each_other(board, participant):
    """Each new card is placed after the last one."""
    first, second = make_card(board, participant), make_card(board, participant)
    assert second.position == first.position + 1


def test_author_edits_own_card(board, participant, board_events):
    """The author rewrites their card: it is marked edited and the event names the changed field."""
    card = make_card(board, participant)
    with board_events(board) as frames:
        board_actions.update_card(card=card, by=participant, body="A better idea")
    card.refresh_from_db()
    assert card.edited_at is not None
    assert [(f["type"], f["changed"], f["card"]["body"]) for f in frames] == [
        ("card.updated", ["body"], "A better idea")
    ]


def test_participant_cannot_edit_others_card(board, participant):
    """Another participant's card is not yours to edit."""
    card = make_card(board, participant)
    other = make_member(board.workspace)
    with pytest.raises(WorkspaceError) as error:
        board_actions.update_card(card=card, by=other, body="Mine now")
    assert error.value.http_status == 403
    card.refresh_from_db()
    assert card.body == "An idea"


def test_participant_cannot_adopt_own_card(board, participant):
    """Adopting, archiving, grouping and moving are for facilitators, even on your own card."""
    card = make_card(board, participant)
    for change in ({"status": "adopted"}, {"group_label": "Education"}, {"position": 9}):
        with pytest.raises(WorkspaceError) as error:
            board_actions.update_card(card=card, by=participant, **change)
        assert error.value.http_status == 403


def test_facilitator_curates_any_card(board, participant, facilitator, board_events):
    """A facilitator adopts, groups and moves someone's card in one change, announced once."""
    card = make_card(board, participant)
    with board_events(board) as frames:
        board_actions.update_card(card=card, by=facilitator, status="adopted", group_label="Education", position=5)
    assert len(frames) == 1
    assert frames[0]["changed"] == ["group_label", "position", "status"]
    assert (frames[0]["card"]["status"], frames[0]["card"]["group_label"]) == ("adopted", "Education")


def test_remove_card_leaves_trace(board, participant, board_events):
    """Removing a card takes it off the board; the history keeps a card.removed event."""
    card = make_card(board, participant)
    with board_events(board) as frames:
        board_actions.remove_card(card=card, by=participant)
    assert frames == [{"type": "card.removed", "seq": 2, "card_id": card.pk}]
    card.refresh_from_db()
    assert card.removed_at is not None
    assert BoardEvent.objects.filter(board=board, type="card.removed").exists()
    with pytest.raises(WorkspaceError) as error:
        board_actions.update_card(card=card, by=participant, body="back?")
    assert error.value.http_status == 404


@pytest.mark.parametrize("state", ["locked", "voting"])
def test_cards_frozen_unless_board_open(board, participant, facilitator, state):
    """On a locked or voting board no card is posted, edited or removed."""
    card = make_card(board, participant)
    if state == "voting":
        board_actions.set_board_voting(board=board, voting=True)  # as opening a round does
    else:
        board_actions.update_board(board=board, by=facilitator, state=state)
    for attempt in (
        lambda: board_actions.create_card(board=board, by=participant, body="late"),
        lambda: board_actions.update_card(card=card, by=participant, body="changed"),
        lambda: board_actions.remove_card(card=card, by=participant),
        lambda: board_actions.update_card(card=card, by=facilitator, status="adopted"),
    ):
        with pytest.raises(WorkspaceError) as error:
            attempt()
        assert error.value.http_status == 409
    assert Card.objects.filter(board=board).count() == 1
    card.refresh_from_db()
    assert (card.body, card.status, card.removed_at) == ("An idea", "proposed", None)


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, None])
def test_card_body_limits(board, participant, body):
    """An empty or over-long card is refused and nothing is stored."""
    with pytest.raises(WorkspaceError):
        board_actions.create_card(board=board, by=participant, body=body)
    assert not Card.objects.exists()


def test_card_of_2000_characters_is_fine(board, participant):
    """Exactly 2,000 characters (in any script) is allowed."""
    card = board_actions.create_card(board=board, by=participant, body="ж" * 2000)
    assert len(card.body) == 2000


def test_rolled_back_action_sends_nothing(board, participant, board_events):
    """A card created inside a transaction that rolls back is never announced nor stored."""
    with board_events(board) as frames:
        with pytest.raises(RuntimeError), transaction.atomic():
            board_actions.create_card(board=board, by=participant, body="never")
            raise RuntimeError("rollback")
    assert frames == []
    assert not Card.objects.exists()
    assert not BoardEvent.objects.exists()


def test_former_members_card_stays(board, participant, steward):
    """When a member is removed, their card stays, by a former member."""
    card = make_card(board, participant)
    actions.remove_member(membership=participant, by=steward)
    card.refresh_from_db()
    assert card.author is None
    assert card_data(card)["author"] is None


def test_last_steward_cannot_be_removed(workspace, steward):
    """A workspace always keeps a steward."""
    other_steward_exists = workspace.memberships.filter(role=Role.STEWARD).count() > 1
    assert not other_steward_exists
    with pytest.raises(WorkspaceError) as error:
        actions.remove_member(membership=steward, by=steward)
    assert error.value.http_status == 409
