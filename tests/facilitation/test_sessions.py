"""Live sessions: facilitators start, extend and end them; one at a time; every page shows the
live one and its time left on the server's clock."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from facilitation import actions
from facilitation.errors import FacilitationError
from tests.factories import make_workspace
from workspace.errors import WorkspaceError
from workspace.models import SessionState


@pytest.fixture
def workspace(db):
    start = timezone.now() + timedelta(hours=1)
    return make_workspace(
        agenda=[
            ("Day 1", start, start + timedelta(hours=2)),
            ("Day 2", start + timedelta(days=1), start + timedelta(days=1, hours=2)),
        ]
    )


def sessions(workspace):
    return list(workspace.agenda.all())


def test_a_session_is_upcoming_until_a_facilitator_starts_it(workspace, facilitator, room_events):
    """Starting makes it live, stamps the start, keeps its planned end, and tells the room."""
    day1, _day2 = sessions(workspace)
    assert day1.state == SessionState.UPCOMING
    with room_events(workspace) as frames:
        started = actions.start_session(session=day1, by=facilitator)
    assert started.state == SessionState.LIVE
    assert started.started_at is not None
    assert started.ends_at == day1.ends_at
    assert frames[0]["type"] == "session.updated"
    assert frames[0]["session"]["state"] == "live"
    assert frames[0]["session"]["ends_at"] == day1.ends_at.isoformat()


def test_a_late_start_runs_for_the_planned_length(workspace, facilitator):
    """Started after its planned end, a session gets its planned length from now."""
    day1, _ = sessions(workspace)
    day1.ends_at = timezone.now() - timedelta(minutes=5)
    day1.starts_at = day1.ends_at - timedelta(hours=2)
    day1.save()
    started = actions.start_session(session=day1, by=facilitator)
    assert timedelta(hours=1, minutes=59) < started.ends_at - timezone.now() <= timedelta(hours=2)


def test_one_session_is_live_at_a_time(workspace, facilitator):
    day1, day2 = sessions(workspace)
    actions.start_session(session=day1, by=facilitator)
    with pytest.raises(FacilitationError, match="Day 1"):
        actions.start_session(session=day2, by=facilitator)
    with pytest.raises(FacilitationError):
        actions.start_session(session=day1, by=facilitator)


def test_extending_moves_the_end_and_counts_from_now_when_over_time(workspace, facilitator):
    day1, _ = sessions(workspace)
    live = actions.start_session(session=day1, by=facilitator)
    extended = actions.extend_session(session=live, by=facilitator, minutes=10)
    assert extended.ends_at == day1.ends_at + timedelta(minutes=10)
    over = timezone.now() - timedelta(minutes=3)
    type(live).objects.filter(pk=live.pk).update(starts_at=over - timedelta(hours=2), ends_at=over)
    extended = actions.extend_session(session=live, by=facilitator, minutes=5)
    assert timedelta(minutes=4, seconds=58) < extended.ends_at - timezone.now() <= timedelta(minutes=5)


@pytest.mark.parametrize("minutes", [0, -5, 241, "10", True, None])
def test_extensions_out_of_range_are_refused(workspace, facilitator, minutes):
    day1, _ = sessions(workspace)
    live = actions.start_session(session=day1, by=facilitator)
    with pytest.raises(FacilitationError):
        actions.extend_session(session=live, by=facilitator, minutes=minutes)


def test_ending_and_restarting(workspace, facilitator):
    """An ended session can be started again (ended by mistake); only a live one ends or extends."""
    day1, _ = sessions(workspace)
    actions.start_session(session=day1, by=facilitator)
    ended = actions.end_session(session=day1, by=facilitator)
    assert ended.state == SessionState.ENDED and ended.ended_at is not None
    for step in (actions.end_session, lambda **kw: actions.extend_session(minutes=5, **kw)):
        with pytest.raises(FacilitationError):
            step(session=day1, by=facilitator)
    again = actions.start_session(session=day1, by=facilitator)
    assert again.state == SessionState.LIVE and again.ended_at is None


def test_participants_cannot_run_sessions(workspace, participant):
    day1, _ = sessions(workspace)
    with pytest.raises(WorkspaceError) as refused:
        actions.start_session(session=day1, by=participant)
    assert refused.value.kind == WorkspaceError.FORBIDDEN


def test_every_workspace_page_shows_the_live_session_and_its_time_left(workspace, facilitator, participant, client):
    """The strip under the navigation names the live session and the time left, from the server."""
    day1, _ = sessions(workspace)
    client.force_login(participant.user)
    page = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    assert "data-room-session hidden" in page
    actions.start_session(session=day1, by=facilitator)
    due = timezone.now() + timedelta(minutes=42, seconds=30)
    type(day1).objects.filter(pk=day1.pk).update(starts_at=due - timedelta(hours=2), ends_at=due)
    for name, args in (("workspace", [workspace.slug]), ("fishbowl", [workspace.slug]), ("charter", [workspace.slug])):
        page = client.get(reverse(name, args=args)).content.decode()
        assert "data-room-session hidden" not in page
        assert "Day 1" in page
        assert "42:2" in page or "42:3" in page  # 42:30 left, give or take the second the test takes


def test_the_home_page_agenda_follows_the_facilitators(workspace, facilitator, participant, client):
    day1, _ = sessions(workspace)
    client.force_login(participant.user)
    actions.start_session(session=day1, by=facilitator)
    page = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    assert "agenda__item--live" in page
    actions.end_session(session=day1, by=facilitator)
    page = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    assert "agenda__item--live" not in page and "agenda__item--over" in page


def test_a_session_past_its_end_shows_how_far_over_time_it_is(workspace, facilitator, participant, client):
    """Until a facilitator ends it, a session past its end says so, by how much."""
    day1, _ = sessions(workspace)
    actions.start_session(session=day1, by=facilitator)
    due = timezone.now() - timedelta(minutes=3, seconds=10)
    type(day1).objects.filter(pk=day1.pk).update(starts_at=due - timedelta(hours=2), ends_at=due)
    client.force_login(participant.user)
    page = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    assert "Over time by 3:1" in page and "room__session--over" in page


def test_a_session_never_started_and_long_over_shows_as_not_held(workspace, facilitator, client):
    """A session whose planned end passed weeks ago, never started, is "Not held" on the home page
    and the console, not "Upcoming"; tomorrow's stays upcoming."""
    day1, _day2 = sessions(workspace)
    weeks_ago = timezone.now() - timedelta(days=20)
    type(day1).objects.filter(pk=day1.pk).update(starts_at=weeks_ago, ends_at=weeks_ago + timedelta(hours=2))
    client.force_login(facilitator.user)
    home = client.get(reverse("workspace", args=[workspace.slug])).content.decode()
    [past, coming] = home.split('class="agenda__item')[1:3]
    assert past.startswith(" agenda__item--over") and "Not held" in past
    assert "Not held" not in coming and "agenda__item--over" not in coming
    console = client.get(reverse("console", args=[workspace.slug])).content.decode()
    assert console.count(">Not held</span>") == 1 and '"not_held_after_s": 43200' in console
