"""Odd input answers 4xx with a message, never 500, on every API endpoint (finding 15), and a
published charter version always exports (a control character in a title broke its DOCX)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from boards import actions as board_actions
from boards.models import Board
from charter import actions as charter_actions
from tests.factories import make_card, make_comment, make_round

pytestmark = pytest.mark.django_db

BODIES = [
    "[" * 100_000,  # deep nesting: Python's json gives up with RecursionError
    '{"revisions": {"abc": 1}}',
    '{"revisions": {"1": "x"}, "custom_boards": "all"}',
    '{"title": ["a"], "body": {"x": 1}, "question": 7, "dots_per_voter": "five", "cards": [[[[1]]]]}',
    '{"body": null, "text": true, "seconds": 1e309, "card": -1, "position": 99999999999999999999}',
    '{"cards": [' + ",".join(["1"] * 50_000) + "]}",
    '{"title": "' + "x" * 100_000 + '"}',
    "not json at all",
    '"just a string"',
    "\x00\x01\x02",
]


def api_paths(resolver=None, prefix=""):
    """Every API route as a path template."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_paths(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route


@pytest.fixture
def things(workspace, steward, facilitator, participant):
    board = Board.objects.get(workspace=workspace, kind="mission")
    card = make_card(board, participant, "An idea")
    comment = make_comment(card, participant)
    round_ = make_round(board, facilitator)
    return {"board_id": board.pk, "card_id": card.pk, "comment_id": comment.pk, "round_id": round_.pk,
            "slug": workspace.slug, "number": 1, "other": 2, "membership_id": participant.pk,
            "session_id": 1, "invitation_id": 1, "token": "x", "fmt": "docx"}  # fmt: skip


def concrete(route: str, values: dict) -> str:
    route = route.replace("^", "").replace("$", "")

    def fill(match):
        name = match.group(2)
        return str(values.get(name, 1))

    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), 1)), route)
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route).replace("\\.", ".")


def test_no_endpoint_answers_500_to_malformed_bodies(api, steward, things):
    """POST, PUT and PATCH of malformed bodies to every API route: never a 500."""
    client = api.as_user(steward.user)
    paths = sorted({concrete(route, things) for route in api_paths()})
    assert len(paths) > 20
    failures = []
    for path in paths:
        for method in ("POST", "PATCH", "PUT"):
            for body in BODIES:
                response = client.generic(method, path, body, content_type="application/json")
                if response.status_code >= 500:
                    failures.append((method, path, body[:40], response.status_code))
    assert failures == []


def test_a_version_with_a_control_character_in_a_title_exports(api, steward, facilitator, workspace):
    """A board title with \\x01 is cleaned when stored; a version holding one still exports to DOCX."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    board_actions.update_board(board=board, by=facilitator, title="Mission\x01 statement\x07")
    board.refresh_from_db()
    assert board.title == "Mission statement"
    version = charter_actions.publish_version(membership=steward)
    version.content["title"] += "\x01"  # as stored by an older version of codesign
    version.content["sections"][0]["markdown"] = "Text with a bell\x07 inside"
    version.save()
    response = api.as_user(steward.user).get(f"/api/workspaces/{workspace.slug}/charter/versions/1/export.docx")
    assert response.status_code == 200, response.content[:200]
