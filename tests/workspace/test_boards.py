"""Boards: the four charter boards, custom boards, and changes announced on the board's event stream."""

import pytest

from boards import actions as board_actions
from boards.models import Board, BoardEvent
from tests.factories import make_member, make_workspace
from workspace.errors import WorkspaceError
from workspace.roles import Role

pytestmark = pytest.mark.django_db


def test_new_workspace_has_four_charter_boards_in_order(workspace):
    """A workspace starts with Concept, Mission, Vision and Priority areas, in that order, all open."""
    boards = list(Board.objects.filter(workspace=workspace))
    assert [b.kind for b in boards] == ["concept", "mission", "vision", "priorities"]
    assert [b.title for b in boards] == ["Concept", "Mission", "Vision", "Priority areas"]
    assert {b.state for b in boards} == {"open"}


def test_boards_api_lists_in_order_with_model_fields(api, workspace, participant):
    """GET boards returns each board's id, kind, title, guiding_question, state and position."""
    response = api.as_user(participant.user).get(f"/api/workspaces/{workspace.slug}/boards/")
    assert response.status_code == 200
    first = response.json()[0]
    assert {"id", "kind", "title", "guiding_question", "state", "position"} <= set(first)
    assert [b["kind"] for b in response.json()] == ["concept", "mission", "vision", "priorities"]


def test_facilitator_locks_board_and_watchers_are_told(api, workspace, facilitator, board_events):
    """Locking a board changes its state and sends one numbered board.updated event to the board's group."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    with board_events(board) as frames:
        response = api.as_user(facilitator.user).patch(f"/api/boards/{board.pk}/", {"state": "locked"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "locked"
    assert frames == [
        {
            "type": "board.updated",
            "seq": 1,
            "changed": ["state"],
            "board": {**response.json(), "workspace": workspace.slug},
        }
    ]
    assert BoardEvent.objects.get(board=board, seq=1).actor == facilitator.user


def test_event_sequence_is_per_board_and_gap_free(workspace, facilitator):
    """Each board numbers its own events 1, 2, 3... without gaps."""
    mission, vision = Board.objects.filter(workspace=workspace, kind__in=["mission", "vision"]).order_by("position")
    board_actions.update_board(board=mission, by=facilitator, title="Our mission")
    board_actions.update_board(board=vision, by=facilitator, state="locked")
    board_actions.update_board(board=mission, by=facilitator, guiding_question="What do we do?")
    assert list(BoardEvent.objects.filter(board=mission).values_list("seq", flat=True)) == [1, 2]
    assert list(BoardEvent.objects.filter(board=vision).values_list("seq", flat=True)) == [1]
    mission.refresh_from_db()
    assert mission.event_seq == 2


def test_change_that_changes_nothing_records_nothing(workspace, facilitator, board_events):
    """Setting a board to the state it already has announces nothing."""
    board = Board.objects.filter(workspace=workspace).first()
    with board_events(board) as frames:
        board_actions.update_board(board=board, by=facilitator, state="open")
    assert frames == []
    assert not BoardEvent.objects.filter(board=board).exists()


def test_failed_change_announces_nothing(workspace, facilitator, board_events):
    """A change refused by a rule leaves the board as it was and sends nothing."""
    board = Board.objects.filter(workspace=workspace).first()
    with board_events(board) as frames, pytest.raises(WorkspaceError):
        board_actions.update_board(board=board, by=facilitator, title="  ")
    assert frames == []
    board.refresh_from_db()
    assert board.title == "Concept"


def test_participant_cannot_change_board(workspace, participant):
    """A participant's attempt to lock a board is refused with a reason, and the board stays open."""
    board = Board.objects.filter(workspace=workspace).first()
    with pytest.raises(WorkspaceError) as error:
        board_actions.update_board(board=board, by=participant, state="locked")
    assert error.value.http_status == 403
    board.refresh_from_db()
    assert board.state == "open"


def test_custom_board_goes_after_the_others(api, workspace, steward, board_events):
    """A custom board is added at the end and announced on its own stream."""
    response = api.as_user(steward.user).post(
        f"/api/workspaces/{workspace.slug}/boards/",
        {"title": "Values", "guiding_question": "Which values hold us together?"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["position"], body["state"]) == ("custom", 4, "open")
    event = BoardEvent.objects.get(board_id=body["id"])
    assert (event.type, event.seq, event.payload["board"]) == ("board.created", 1, body)


def test_patch_title_question_and_position(api, workspace, steward):
    """A steward renames a board, changes its question and moves it; GET shows the new values."""
    board = Board.objects.get(workspace=workspace, kind="vision")
    response = api.as_user(steward.user).patch(
        f"/api/boards/{board.pk}/",
        {"title": "Our vision", "guiding_question": "Where are we in 2036?", "position": 0},
        format="json",
    )
    assert response.status_code == 200
    again = api.get(f"/api/boards/{board.pk}/").json()
    assert (again["title"], again["guiding_question"], again["position"]) == ("Our vision", "Where are we in 2036?", 0)


def test_boards_of_other_workspaces_are_not_reachable(api, facilitator):
    """A facilitator cannot change a board of a workspace they are not in; it looks like it does not exist."""
    other_board = Board.objects.filter(workspace=make_workspace()).first()
    response = api.as_user(facilitator.user).patch(f"/api/boards/{other_board.pk}/", {"state": "locked"}, format="json")
    assert response.status_code == 404
    other_board.refresh_from_db()
    assert other_board.state == "open"


def test_charter_kinds_are_unique_per_workspace(workspace):
    """A workspace cannot hold two Mission boards."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Board.objects.create(workspace=workspace, kind="mission", title="Second mission")


def test_role_change_is_per_workspace(db):
    """One person can be a steward in one workspace and a participant in another."""
    first, second = make_workspace(), make_workspace()
    member = make_member(first, Role.STEWARD)
    make_member(second, Role.PARTICIPANT, user=member.user)
    board = Board.objects.filter(workspace=second).first()
    second_membership = member.user.memberships.get(workspace=second)
    with pytest.raises(WorkspaceError):
        board_actions.update_board(board=board, by=second_membership, state="locked")


def test_voting_state_belongs_to_rounds(api, board, facilitator):
    """A board cannot be put into voting by hand, nor unlocked or locked while a round runs."""
    client = api.as_user(facilitator.user)
    response = client.patch(f"/api/boards/{board.pk}/", {"state": "voting"}, format="json")
    assert response.status_code == 400
    assert "round" in response.json()["detail"]
    board_actions.set_board_voting(board=board, voting=True)
    for state in ("open", "locked"):
        response = client.patch(f"/api/boards/{board.pk}/", {"state": state}, format="json")
        assert response.status_code == 409
    board.refresh_from_db()
    assert board.state == "voting"
