"""Notices: a facilitator's message to everyone (a banner, kept in the history) and "everyone to
board X"."""

import pytest

from boards.selectors import workspace_boards
from facilitation import actions
from facilitation.errors import FacilitationError
from facilitation.models import Notice
from tests.factories import make_workspace
from workspace.errors import WorkspaceError


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
    assert 'class="room room--message-first"' in html
    assert 'class="room__strip room__summon room__strip--more"' in html
    assert "asks everyone to this board." in html
    # A message sent after the summons is news: it comes first on other boards too.
    actions.post_message(workspace=workspace, by=facilitator, text="Newer than the summons")
    html = strips(elsewhere)
    assert 'class="room room--message-first"' in html
    assert 'class="room__strip room__summon room__strip--more"' in html
    # Its author is not summoned by their own notice; with one line left, no button.
    client.force_login(facilitator.user)
    html = client.get(f"/w/{workspace.slug}/boards/{elsewhere.pk}/").content.decode()
    assert 'data-room-summon role="alert" hidden' in html
    assert 'class="room__strip room__banner"' in html
    assert 'data-room-toggle aria-expanded="false" hidden>' in html


def test_a_facilitator_withdraws_a_summons_and_it_leaves_every_page(api, workspace, facilitator, participant,
                                                                     room_events):  # fmt: skip
    """DELETE on a notice: everyone's room hears notice.withdrawn, the room state no longer carries
    it (so no page draws it), the console's history keeps it marked, and the audit says so."""
    from facilitation.selectors import notices, room_state
    from workspace.audit import describe
    from workspace.models import AuditEntry

    board = workspace_boards(workspace)[1]
    notice = actions.summon_to_board(board=board, by=facilitator)
    url = f"/api/workspaces/{workspace.slug}/notices/{notice.pk}/"
    assert api.as_user(participant.user).delete(url).status_code == 403
    client = api.as_user(facilitator.user)
    with room_events(workspace) as frames:
        assert client.delete(url).status_code == 204
    assert [(f["type"], f["notice_id"]) for f in frames] == [("notice.withdrawn", notice.pk)]
    assert room_state(workspace)["notices"] == []
    assert notices(workspace)[0]["withdrawn_at"] is not None
    again = client.delete(url)
    assert again.status_code == 409
    verbs = list(AuditEntry.objects.filter(workspace=workspace).order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == ["notice.summon", "notice.withdrawn"]
    assert describe(AuditEntry.objects.get(verb="notice.summon")) == f"asked everyone to come to {board.title}"


def test_a_notice_of_another_workspace_answers_as_a_missing_one(api, workspace, facilitator):
    """Withdrawing another workspace's notice is the same 404 as one that does not exist."""
    other = make_workspace()
    from tests.factories import make_member

    theirs = actions.post_message(workspace=other, by=make_member(other, "facilitator"), text="Theirs")
    client = api.as_user(facilitator.user)
    missing = client.delete(f"/api/workspaces/{workspace.slug}/notices/999999/")
    foreign = client.delete(f"/api/workspaces/{workspace.slug}/notices/{theirs.pk}/")
    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json()
    assert Notice.objects.get(pk=theirs.pk).withdrawn_at is None


def test_withdrawing_a_notice_brings_no_older_one_back(api, workspace, facilitator, participant):
    """This morning's message and today's: withdrawing today's leaves no message on the pages (the
    older one does not come back), and members no longer read the withdrawn one's words."""
    from facilitation.selectors import room_state

    morning = actions.post_message(workspace=workspace, by=facilitator, text="Welcome, everyone")
    today = actions.post_message(workspace=workspace, by=facilitator, text="Lunch in ten minutes")
    actions.withdraw_notice(notice=today, by=facilitator)
    assert [n["id"] for n in room_state(workspace)["notices"]] == []
    later = actions.post_message(workspace=workspace, by=facilitator, text="We start again")
    assert [n["id"] for n in room_state(workspace)["notices"]] == [later.pk]
    read = api.as_user(participant.user).get(f"/api/workspaces/{workspace.slug}/notices/").json()
    assert [n["id"] for n in read] == [later.pk]
    history = api.as_user(facilitator.user).get(f"/api/workspaces/{workspace.slug}/notices/").json()
    assert [n["id"] for n in history] == [later.pk, today.pk, morning.pk]


def test_the_live_session_is_never_folded_behind_a_message(client, facilitator, participant):
    """A message and a summons fold into one line with "1 more" on a phone, but the live session's
    line (its title and time left) stays out: a message must not hide how long the session runs."""
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() + timedelta(minutes=5)
    workspace = facilitator.workspace
    session = workspace.agenda.create(title="Day 1", starts_at=start, ends_at=start + timedelta(hours=2))
    actions.start_session(session=session, by=facilitator)
    board = workspace_boards(workspace)[0]
    client.force_login(participant.user)

    def page():
        return client.get(f"/w/{workspace.slug}/boards/{board.pk}/").content.decode()

    html = page()  # the session alone: its line carries the (hidden) button
    assert 'class="room__strip room__session" data-room-session>' in html
    actions.post_message(workspace=workspace, by=facilitator, text="Ten minutes")
    html = page()
    assert 'class="room__strip room__session" data-room-session>' in html
    assert 'data-room-toggle aria-expanded="false" hidden>' in html  # nothing folded
    actions.summon_to_board(board=workspace_boards(workspace)[1], by=facilitator)
    html = page()
    assert 'class="room__strip room__session" data-room-session>' in html
    assert 'class="room__strip room__banner room__strip--more"' in html
    assert ">1 more</button>" in html
