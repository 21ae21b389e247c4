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


def test_the_page_draws_the_most_pressing_line_first_as_the_script_does(client, workspace, facilitator, participant):
    """The room strip comes from the server already as room.js draws it (the page jumped when the
    script swapped the session's line for a message): the message and "come to board X" with
    their texts escaped, the most pressing first, the others folded behind "N more"."""
    elsewhere, summoned = workspace_boards(workspace)[:2]
    facilitator.display_name = "Aigul <b>K.</b>"
    facilitator.save()
    actions.post_message(workspace=workspace, by=facilitator, text="<script>alert(1)</script> ten minutes")
    actions.summon_to_board(board=summoned, by=facilitator)
    client.force_login(participant.user)

    def strips(board):
        html = client.get(f"/w/{workspace.slug}/boards/{board.pk}/").content.decode()
        assert "<script>alert(1)" not in html and "<b>K.</b>" not in html
        return html

    # On another board: "come to board X" first, with its link; the message behind "1 more".
    html = strips(elsewhere)
    assert 'class="room"' in html
    assert 'data-room-summon role="alert" data-notice="' in html
    assert f'href="/w/{workspace.slug}/boards/{summoned.pk}/">Go to <bdi>{summoned.title}</bdi></a>' in html
    assert 'class="room__strip room__banner room__strip--more"' in html
    assert "Message from <bdi>Aigul &lt;b&gt;K.&lt;/b&gt;</bdi>:" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ten minutes" in html
    assert '<button type="button" class="room__toggle" data-room-toggle aria-expanded="false">1 more</button>' in html
    # On the summoned board: the message first, the summons ("to this board", no link) folded.
    html = strips(summoned)
    assert 'class="room room--summon-here"' in html
    assert 'class="room__strip room__summon room__strip--more"' in html
    assert "asks everyone to this board." in html
    # Its author is not summoned by their own notice; with one line left, no button.
    client.force_login(facilitator.user)
    html = client.get(f"/w/{workspace.slug}/boards/{elsewhere.pk}/").content.decode()
    assert 'data-room-summon role="alert" hidden' in html
    assert 'class="room__strip room__banner"' in html
    assert 'data-room-toggle aria-expanded="false" hidden>' in html
