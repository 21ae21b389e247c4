"""Notices: a facilitator's message to everyone (a banner, kept in the history) and "everyone to
board X"."""

import pytest

from facilitation import actions
from facilitation.errors import FacilitationError
from facilitation.models import Notice
from tests.factories import make_workspace
from workspace.errors import WorkspaceError
from workspace.selectors import workspace_boards


def test_a_message_reaches_the_room_and_stays_in_the_history(workspace, facilitator, room_events):
    with room_events(workspace) as frames:
        actions.post_message(workspace=workspace, by=facilitator, text="  Ten minutes\nleft  ")
    assert frames[0]["type"] == "notice.posted"
    assert frames[0]["notice"]["text"] == "Ten minutes left"
    assert frames[0]["notice"]["author"]["display_name"] == facilitator.display_name
    assert Notice.objects.get().text == "Ten minutes left"


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_an_empty_or_overlong_message_is_refused(workspace, facilitator, text):
    with pytest.raises(FacilitationError):
        actions.post_message(workspace=workspace, by=facilitator, text=text)
    assert not Notice.objects.exists()


def test_bring_everyone_to_a_board(workspace, facilitator, room_events):
    board = workspace_boards(workspace)[1]
    with room_events(workspace) as frames:
        actions.summon_to_board(board=board, by=facilitator)
    notice = frames[0]["notice"]
    assert notice["kind"] == "summon"
    assert notice["board"] == {
        "id": board.pk,
        "title": board.title,
        "translations": {},  # each reader's page picks its language
        "url": f"/w/{workspace.slug}/boards/{board.pk}/",
    }


def test_participants_cannot_post_notices(workspace, participant):
    with pytest.raises(WorkspaceError):
        actions.post_message(workspace=workspace, by=participant, text="Hello")
    with pytest.raises(WorkspaceError):
        actions.summon_to_board(board=workspace_boards(workspace)[0], by=participant)


def test_a_board_of_another_workspace_cannot_be_summoned_to(workspace, facilitator):
    other = workspace_boards(make_workspace())[0]
    with pytest.raises(FacilitationError):
        actions.summon_to_board(board=other, by=facilitator)
