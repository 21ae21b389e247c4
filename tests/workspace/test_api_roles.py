"""The role matrix on every workspace endpoint: strangers 404, roles below the action 403, others succeed."""

import pytest

from boards.models import Board
from tests.factories import make_invitation, make_member, make_user, make_workspace
from workspace.models import Membership
from workspace.roles import ROLE_CAPABILITIES, Role

pytestmark = pytest.mark.django_db

RANK = {None: 0, Role.PARTICIPANT: 1, Role.FACILITATOR: 2, Role.STEWARD: 3}

# method, path (formatted with slug, board, invitation), body, lowest role allowed, success status
ENDPOINTS = [
    ("get", "/api/workspaces/{slug}/", None, Role.PARTICIPANT, 200),
    ("get", "/api/workspaces/{slug}/members/", None, Role.PARTICIPANT, 200),
    ("get", "/api/workspaces/{slug}/boards/", None, Role.PARTICIPANT, 200),
    ("get", "/api/boards/{board}/", None, Role.PARTICIPANT, 200),
    ("post", "/api/workspaces/{slug}/boards/", {"title": "Values"}, Role.FACILITATOR, 201),
    ("patch", "/api/boards/{board}/", {"state": "locked"}, Role.FACILITATOR, 200),
    ("get", "/api/workspaces/{slug}/invitations/", None, Role.STEWARD, 200),
    ("post", "/api/workspaces/{slug}/invitations/", {"role": "participant"}, Role.STEWARD, 201),
    ("post", "/api/workspaces/{slug}/invitations/{invitation}/revoke/", None, Role.STEWARD, 200),
]


@pytest.fixture
def world(db):
    workspace = make_workspace()
    other = make_workspace()
    return {
        "workspace": workspace,
        "board": Board.objects.filter(workspace=workspace).first(),
        "invitation": make_invitation(workspace),
        "members": {role: make_member(workspace, role) for role in Role.values},
        # A member of another workspace only: a stranger to this one.
        "stranger": make_member(other, Role.STEWARD),
    }


def call(api, method, template, body, world):
    path = template.format(slug=world["workspace"].slug, board=world["board"].pk, invitation=world["invitation"].pk)
    return getattr(api, method)(path, body, format="json") if body is not None else getattr(api, method)(path)


@pytest.mark.parametrize(
    ("method", "path", "body", "lowest", "ok"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
@pytest.mark.parametrize("role", [None, *Role.values], ids=["stranger", *Role.values])
def test_role_matrix(api, world, method, path, body, lowest, ok, role):
    """Each endpoint answers a stranger 404, a role below it 403 with a message, and allowed roles success."""
    user = world["stranger"].user if role is None else world["members"][role].user
    response = call(api.as_user(user), method, path, body, world)
    if role is None:
        expected = 404
    elif RANK[role] < RANK[lowest]:
        expected = 403
    else:
        expected = ok
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body", "lowest", "ok"), ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS]
)
def test_anonymous_is_refused(api, world, method, path, body, lowest, ok):
    """Without a token or session every endpoint answers 401 and reveals nothing."""
    response = call(api, method, path, body, world)
    assert response.status_code == 401


def test_stranger_sees_same_404_as_for_missing_workspace(api, world):
    """A workspace you are not in looks exactly like one that does not exist."""
    stranger = api.as_user(world["stranger"].user)
    hidden = stranger.get(f"/api/workspaces/{world['workspace'].slug}/")
    missing = stranger.get("/api/workspaces/no-such-workspace/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    hidden_board = stranger.get(f"/api/boards/{world['board'].pk}/")
    missing_board = stranger.get("/api/boards/999999/")
    assert (hidden_board.status_code, hidden_board.json()) == (missing_board.status_code, missing_board.json())


def test_workspace_list_shows_only_mine(api, world):
    """GET /api/workspaces/ lists the workspaces I belong to, with my role in each."""
    member = world["members"][Role.FACILITATOR]
    make_member(make_workspace(), Role.STEWARD, user=member.user)
    response = api.as_user(member.user).get("/api/workspaces/")
    assert response.status_code == 200
    roles = {item["slug"]: item["role"] for item in response.json()}
    assert roles[world["workspace"].slug] == "facilitator"
    assert len(roles) == 2
    assert sorted(roles.values()) == ["facilitator", "steward"]


def test_members_endpoint_fields(api, world):
    """Members are listed with display name, role and upper-case country, and nothing more private."""
    response = api.as_user(world["members"][Role.PARTICIPANT].user).get(
        f"/api/workspaces/{world['workspace'].slug}/members/"
    )
    first = response.json()[0]
    assert set(first) == {"id", "display_name", "role", "country"}
    assert first["country"] == "KG"
    assert len(response.json()) == Membership.objects.filter(workspace=world["workspace"]).count()


def test_capabilities_grow_with_role():
    """Each role can do everything the role below it can."""
    assert ROLE_CAPABILITIES[Role.PARTICIPANT] < ROLE_CAPABILITIES[Role.FACILITATOR] < ROLE_CAPABILITIES[Role.STEWARD]


def test_token_login_and_use(api, db):
    """POST /api/auth/token/ gives a token that authenticates later calls; each sign-in its own."""
    make_user("amina", password="silk-road-passphrase")
    response = api.post("/api/auth/token/", {"username": "amina", "password": "silk-road-passphrase"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/workspaces/").status_code == 200
    again = api.post("/api/auth/token/", {"username": "amina", "password": "silk-road-passphrase"}, format="json")
    assert again.json()["token"] != token
    api.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")
    assert api.get("/api/workspaces/").status_code == 200


def test_token_login_refuses_wrong_password(api, db):
    """A wrong password gets a 400 with a readable message and no token."""
    make_user("amina", password="silk-road-passphrase")
    response = api.post("/api/auth/token/", {"username": "amina", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert "do not match" in response.json()["detail"]


def test_bad_token_is_401(api, db):
    """A made-up token is refused."""
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/workspaces/").status_code == 401
