"""The pages a member sees: sign-in, the workspace home, a board."""

import pytest
from django.urls import reverse

from boards.models import Board
from tests.factories import PASSWORD, aware, make_member, make_user, make_workspace
from workspace.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda_workspace(db):
    return make_workspace(
        time_zone="Asia/Bishkek",
        agenda=[("Day 1", aware(2026, 11, 18, 17, 0), aware(2026, 11, 18, 19, 0))],
    )


def test_login_page_and_sign_in(client, db):
    """The login page signs a member in and takes them home."""
    make_user("aziz")
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.text
    response = client.post("/accounts/login/", {"username": "aziz", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_says_so(client, db):
    """A wrong password keeps you on the login page with a message."""
    make_user("aziz")
    response = client.post("/accounts/login/", {"username": "aziz", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.text


def test_pages_need_sign_in(client, workspace):
    """Without signing in, workspace pages send you to the login page and show nothing of the workspace."""
    response = client.get(reverse("workspace", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_goes_straight_to_the_only_workspace(client, participant):
    """Someone in one workspace lands right in it."""
    client.force_login(participant.user)
    response = client.get("/")
    assert response["Location"] == reverse("workspace", args=[participant.workspace.slug])


def test_home_lists_several_workspaces(client, participant):
    """Someone in two workspaces chooses between them."""
    other = make_workspace()
    make_member(other, user=participant.user)
    client.force_login(participant.user)
    response = client.get("/")
    assert participant.workspace.name in response.text
    assert other.name in response.text


def test_workspace_home_shows_boards_and_members_by_country(client, agenda_workspace):
    """The home page shows the description, the four boards and members grouped under their countries."""
    me = make_member(agenda_workspace, Role.PARTICIPANT, country="AF", display_name="Farid")
    make_member(agenda_workspace, Role.STEWARD, country="MN", display_name="Oyuna")
    make_member(agenda_workspace, Role.PARTICIPANT, country="MN", display_name="Bat")
    client.force_login(me.user)
    page = client.get(reverse("workspace", args=[agenda_workspace.slug])).text
    for title in ["Concept", "Mission", "Vision", "Priority areas"]:
        assert title in page
    assert "Test workspace" in page
    members = page[page.index('id="members-heading"') :]
    afghanistan, mongolia = members.index("Afghanistan"), members.index("Mongolia")
    assert afghanistan < members.index("Farid") < mongolia < members.index("Bat")
    assert members.index("Oyuna") > mongolia


def test_agenda_in_viewer_zone_with_workspace_zone_beside(client, agenda_workspace):
    """A viewer in Kabul (UTC+4:30) sees 15:30–17:30 their time and 17:00–19:00 Bishkek time beside it."""
    me = make_member(agenda_workspace)
    client.force_login(me.user)
    client.cookies["tz"] = "Asia/Kabul"
    page = client.get(reverse("workspace", args=[agenda_workspace.slug])).text
    assert "15:30–17:30" in page
    assert "17:00–19:00 in Bishkek" in page
    assert "Asia/Kabul" in page


def test_agenda_in_same_zone_shows_time_once(client, agenda_workspace):
    """A viewer in Bishkek sees the time once, without a second zone."""
    me = make_member(agenda_workspace)
    client.force_login(me.user)
    client.cookies["tz"] = "Asia/Bishkek"
    page = client.get(reverse("workspace", args=[agenda_workspace.slug])).text
    assert "17:00–19:00" in page
    assert "in Bishkek" not in page


def test_unknown_time_zone_cookie_falls_back_to_workspace_zone(client, agenda_workspace):
    """A nonsense time zone cookie is ignored, and times show in the workspace's zone."""
    me = make_member(agenda_workspace)
    client.force_login(me.user)
    client.cookies["tz"] = "Mars/Olympus"
    page = client.get(reverse("workspace", args=[agenda_workspace.slug]))
    assert page.status_code == 200
    assert "17:00–19:00" in page.text


def test_board_page_shows_title_and_question(client, workspace, participant):
    """A board page shows the board's title and guiding question."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    board.guiding_question = "What will we do, for whom?"
    board.save()
    client.force_login(participant.user)
    page = client.get(reverse("board", args=[workspace.slug, board.pk]))
    assert page.status_code == 200
    assert "Mission" in page.text
    assert "What will we do, for whom?" in page.text


def test_board_page_of_other_workspace_is_404(client, workspace, participant):
    """A board address under the wrong workspace, or of a workspace you are not in, is not found."""
    foreign = Board.objects.filter(workspace=make_workspace()).first()
    client.force_login(participant.user)
    assert client.get(reverse("board", args=[foreign.workspace.slug, foreign.pk])).status_code == 404
    assert client.get(reverse("board", args=[workspace.slug, foreign.pk])).status_code == 404


def test_stranger_gets_404_page(client, workspace):
    """A signed-in stranger cannot tell the workspace exists."""
    client.force_login(make_user())
    response = client.get(reverse("workspace", args=[workspace.slug]))
    assert response.status_code == 404
    assert workspace.name not in response.text


def test_invite_button_only_for_stewards(client, workspace, steward, facilitator):
    """Stewards see "Invite people" and "Manage members"; facilitators see neither."""
    client.force_login(steward.user)
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert "Invite people" in page and "Manage members" in page
    client.force_login(facilitator.user)
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert "Invite people" not in page and "Manage members" not in page


def test_user_text_is_escaped(client, workspace):
    """A display name with markup is shown as text, never run as HTML."""
    me = make_member(workspace, display_name="<script>alert(1)</script>")
    client.force_login(me.user)
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_board_shows_each_tool_exactly_when_its_action_allows_it(client, workspace, monkeypatch):
    """The page's flags are read from the table the actions check: a role given curating but not
    managing boards sees no "Save revision", since saving one needs manage_boards."""
    from workspace import roles

    board = Board.objects.get(workspace=workspace, kind="mission")
    curator = make_member(workspace, Role.PARTICIPANT)
    client.force_login(curator.user)
    table = {**roles.ROLE_CAPABILITIES, Role.PARTICIPANT: roles.ROLE_CAPABILITIES[Role.PARTICIPANT] | {"curate_cards"}}
    monkeypatch.setattr(roles, "ROLE_CAPABILITIES", table)
    response = client.get(reverse("board", args=[workspace.slug, board.pk]))
    viewer = response.context["viewer"]
    assert viewer["can_curate_cards"] and not viewer["can_manage_boards"]
    assert "data-revision-form" not in response.text
    assert set(viewer) == {"member"} | {f"can_{c}" for c in roles.ROLE_CAPABILITIES[Role.STEWARD]}
