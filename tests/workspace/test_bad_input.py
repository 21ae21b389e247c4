"""Bad input gets a 4xx with a readable message, never a 500, and changes nothing."""

import pytest

from boards.models import Board
from workspace.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(workspace):
    return Board.objects.get(workspace=workspace, kind="mission")


def test_unknown_workspace(api, steward):
    """An unknown workspace answers 404 with a message."""
    response = api.as_user(steward.user).get("/api/workspaces/nope/boards/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such workspace."


def test_unknown_api_path_answers_json(api, steward):
    """A path the API does not have answers a JSON 404, not an HTML page."""
    response = api.as_user(steward.user).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_malformed_json(api, facilitator, board):
    """Broken JSON is refused with 400 and says it is a parse error."""
    response = api.as_user(facilitator.user).generic(
        "PATCH", f"/api/boards/{board.pk}/", '{"title": "x",', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_json_that_is_not_an_object(api, facilitator, board):
    """A JSON list where an object is expected is refused with 400."""
    response = api.as_user(facilitator.user).patch(f"/api/boards/{board.pk}/", ["title"], format="json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["detail"]


def test_missing_fields(api, facilitator, workspace):
    """Creating a board without a title names the missing field."""
    response = api.as_user(facilitator.user).post(f"/api/workspaces/{workspace.slug}/boards/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("title:")
    assert "title" in response.json()["errors"]


def test_empty_patch(api, facilitator, board):
    """A PATCH with nothing to change says what can be changed."""
    response = api.as_user(facilitator.user).patch(f"/api/boards/{board.pk}/", {}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["detail"]


def test_too_long_title(api, facilitator, board):
    """A 121-character title is refused and the board keeps its title."""
    response = api.as_user(facilitator.user).patch(f"/api/boards/{board.pk}/", {"title": "x" * 121}, format="json")
    assert response.status_code == 400
    assert "120" in response.json()["detail"]
    board.refresh_from_db()
    assert board.title == "Mission"


def test_too_long_display_name(api, workspace, steward):
    """An 81-character display name is refused on accept."""
    from tests.factories import make_invitation, make_user

    invitation = make_invitation(workspace, by=steward)
    response = api.as_user(make_user()).post(
        f"/api/invitations/{invitation.token}/accept/", {"display_name": "n" * 81}, format="json"
    )
    assert response.status_code == 400
    assert "80" in response.json()["detail"]


def test_unknown_state_and_field(api, facilitator, board):
    """An unknown board state or an unknown field is refused, naming it."""
    bad_state = api.as_user(facilitator.user).patch(f"/api/boards/{board.pk}/", {"state": "archived"}, format="json")
    assert bad_state.status_code == 400
    assert "state" in bad_state.json()["detail"]
    unknown = api.patch(f"/api/boards/{board.pk}/", {"kind": "vision"}, format="json")
    assert unknown.status_code == 400
    assert "kind" in unknown.json()["detail"]
    board.refresh_from_db()
    assert (board.state, board.kind) == ("open", "mission")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"role": "admin"}, "role"),
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses": "many"}, "max_uses"),
        ({"country": "XX"}, "country"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "future"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"note": "n" * 201}, "note"),
    ],
)
def test_bad_invitation_input(api, workspace, steward, body, fragment):
    """Each bad invitation field is refused with a message that points at it; no link is made."""
    response = api.as_user(steward.user).post(f"/api/workspaces/{workspace.slug}/invitations/", body, format="json")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not Invitation.objects.exists()


def test_board_id_that_is_not_a_number(api, facilitator):
    """A board id that is not a number is a 404, not a crash."""
    assert api.as_user(facilitator.user).get("/api/boards/abc/").status_code == 404


def test_unknown_page_is_a_calm_404(client, steward):
    """An unknown page shows the site's own 404 page, not a debug view."""
    client.force_login(steward.user)
    response = client.get("/w/no-such-workspace/")
    assert response.status_code == 404
    assert "codesign" in response.text
    assert "Traceback" not in response.text
