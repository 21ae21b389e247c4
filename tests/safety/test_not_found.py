"""Ids do not leak across workspaces (finding 11): for every API route and every id in it, another
workspace's existing thing answers exactly like one that does not exist (same status, same body).

Before: a card on another workspace's board answered "No such board.", a missing card "No such
card." (comments, rounds and sessions likewise), which told a stranger the id existed.
"""

import pytest

from boards.models import Board
from tests.factories import aware, make_card, make_comment, make_invitation, make_member, make_round, make_workspace
from tests.safety.test_never_500 import api_paths, concrete
from workspace.roles import Role

pytestmark = pytest.mark.django_db

MISSING = 987654
ID_PARAMS = ("board_id", "card_id", "comment_id", "round_id", "session_id", "member_id", "invitation_id")
AGENDA = [("Day 1", aware(2026, 12, 1, 10), aware(2026, 12, 1, 12))]


def things_of(workspace, steward):
    """One of everything a workspace holds, made through the real actions."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    member = make_member(workspace, Role.PARTICIPANT, country="UZ")
    card = make_card(board, member, "An idea of " + workspace.slug)
    comment = make_comment(card, member)
    round_ = make_round(board, steward)
    invitation = make_invitation(workspace, by=steward)
    return {
        "slug": workspace.slug,
        "board_id": board.pk,
        "card_id": card.pk,
        "comment_id": comment.pk,
        "round_id": round_.pk,
        "session_id": workspace.agenda.first().pk,
        "member_id": member.pk,
        "invitation_id": invitation.pk,
        "number": 1,
        "other": 1,
        "token": "x",
        "fmt": "md",
        "step": "raise-hand",
    }


@pytest.fixture
def two_workspaces():
    ours, theirs = make_workspace(agenda=AGENDA), make_workspace(agenda=AGENDA)
    our_steward = make_member(ours, Role.STEWARD, country="KG")
    their_steward = make_member(theirs, Role.STEWARD, country="MN")
    mine, foreign = things_of(ours, our_steward), things_of(theirs, their_steward)
    return our_steward, mine, foreign


def answer(client, method, path):
    response = client.generic(method, path, "{}", content_type="application/json")
    return response.status_code, response.content


def test_a_foreign_id_reads_exactly_like_a_missing_one(api, two_workspaces):
    steward, mine, foreign = two_workspaces
    client = api.as_user(steward.user)
    routes = [route for route in api_paths() if any(f"<{p}>" in route or f":{p}>" in route for p in ID_PARAMS)]
    assert len(routes) >= 25
    differences, checked = [], 0
    for route in routes:
        for param in ID_PARAMS:
            if f":{param}>" not in route and f"<{param}>" not in route:
                continue
            foreign_path = concrete(route, {**mine, param: foreign[param]})
            missing_path = concrete(route, {**mine, param: MISSING})
            for method in ("GET", "POST", "PATCH", "DELETE"):
                seen_foreign = answer(client, method, foreign_path)
                seen_missing = answer(client, method, missing_path)
                if seen_foreign[0] == 405:
                    continue
                checked += 1
                if seen_foreign != seen_missing:
                    differences.append((method, route, param, seen_foreign, seen_missing))
    assert checked >= 30
    assert differences == []


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("PATCH", "/api/cards/{card_id}/", "No such card."),
        ("GET", "/api/cards/{card_id}/comments/", "No such card."),
        ("PATCH", "/api/comments/{comment_id}/", "No such comment."),
        ("GET", "/api/rounds/{round_id}/", "No such round."),
        ("POST", "/api/rounds/{round_id}/close/", "No such round."),
        ("POST", "/api/sessions/{session_id}/start/", "No such session."),
    ],
)
def test_the_message_names_what_was_asked_for(api, two_workspaces, method, path, message):
    """The words are those of a missing thing, not of the board or workspace it lives in."""
    steward, _mine, foreign = two_workspaces
    client = api.as_user(steward.user)
    response = client.generic(method, path.format(**foreign), "{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["detail"] == message
