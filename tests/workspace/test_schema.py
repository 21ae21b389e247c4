"""The schema lists every answer an operation gives (``workspace.schema``): each refusal with the
one ``Error`` body, which every refusal really has; Schemathesis checks it against a live server."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import served, sqlite_database

SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_refusal_has_the_error_body(schema):
    """Every 4xx an operation lists is the Error component, as JSON."""
    for name, operation in operations(schema):
        refusals = {code: answer for code, answer in operation["responses"].items() if code.startswith("4")}
        assert refusals, name
        for code, answer in refusals.items():
            assert answer["content"] == {"application/json": {"schema": ERROR_REF}}, (name, code)
            assert answer["description"], (name, code)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}


def test_refusals_follow_from_what_the_view_does(schema):
    """Signed-in operations list 401 and 403, a path 404, a JSON body 400 and 415, a 429 its Retry-After."""
    for name, operation in operations(schema):
        method, path = name.split(" ", 1)
        codes = set(operation["responses"])
        if path != "/api/auth/token/":
            assert {"401", "403"} <= codes, name
        if "{" in path:
            assert "404" in codes, name
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, name
        if "429" in codes:
            assert "Retry-After" in operation["responses"]["429"]["headers"], name


def test_refusals_only_the_action_knows_are_declared(schema):
    """What a view declares in ``may_refuse`` (409, 410, 429) is in its operations' responses."""
    paths = schema["paths"]
    assert {"409", "429"} <= set(paths["/api/boards/{board_id}/cards/"]["post"]["responses"])
    assert {"409", "410"} <= set(paths["/api/invitations/{token}/accept/"]["post"]["responses"])
    assert "429" in paths["/api/auth/token/"]["post"]["responses"]
    assert "409" in paths["/api/rounds/{round_id}/results.csv"]["get"]["responses"]
    assert "409" not in paths["/api/workspaces/{slug}/boards/"]["get"]["responses"]


def test_the_schemas_limits_are_the_ones_the_actions_enforce(schema):
    """Each length limit the schema states is the constant its action checks, not a copy of it."""
    from boards.actions import cards
    from boards.models import BOARD_TEXTS
    from charter.actions import TITLE_MAX
    from drafts.actions import REVISION_NAME_MAX
    from drafts.models import Amendment
    from facilitation.models import Notice
    from workspace.actions import members

    components = schema["components"]["schemas"]

    def limit(component, field):
        return components[component]["properties"][field]["maxLength"]

    assert limit("BoardCreateRequest", "title") == BOARD_TEXTS["title"].max_length
    assert limit("PatchedBoardUpdateRequest", "guiding_question") == BOARD_TEXTS["guiding_question"].max_length
    assert limit("PatchedCardUpdateRequest", "group_label") == cards.GROUP_LABEL_MAX
    assert limit("CommentHideRequest", "reason") == cards.HIDDEN_REASON_MAX
    assert limit("RevisionCreateRequest", "name") == REVISION_NAME_MAX
    assert limit("AmendmentCreateRequest", "proposed") == Amendment.WORDS_MAX
    assert limit("MessageRequest", "text") == Notice.TEXT_MAX
    assert limit("PublishRequest", "title") == TITLE_MAX
    assert limit("InvitationCreateRequest", "note") == members.INVITATION_NOTE.max_length
    assert limit("InvitationAcceptRequest", "display_name") == members.DISPLAY_NAME_MAX


def test_the_schemas_allows_is_the_tables_activities(schema):
    """A board's ``allows`` in the schema, on the board and in the console, lists every activity of
    the one table (``boards.rules``) and nothing else."""
    from boards.rules import ACTIVITIES

    components = schema["components"]["schemas"]
    assert set(components["BoardAllows"]["properties"]) == set(ACTIVITIES)
    assert components["ConsoleBoard"]["properties"]["allows"]["allOf"] == [{"$ref": "#/components/schemas/BoardAllows"}]


@pytest.mark.django_db
def test_a_board_is_described_once(schema, api, steward):
    """The board the API answers (written by ``boards.selectors.board_data``, as the events carry
    it) has exactly the schema's properties, each of the schema's type."""
    from boards.models import Board

    board = Board.objects.filter(workspace=steward.workspace).first()
    answer = api.as_user(steward.user).get(f"/api/boards/{board.pk}/").json()
    properties = schema["components"]["schemas"]["Board"]["properties"]
    assert set(answer) == set(properties)
    kinds = {"integer": int, "string": str, "object": dict}
    for name, value in answer.items():
        declared = properties[name].get("type")
        assert declared is None or isinstance(value, kinds[declared]), (name, value, properties[name])


@pytest.mark.django_db
def test_drf_refusals_have_the_error_body(api, steward):
    """DRF's own refusals (not signed in, not JSON, broken JSON) answer ``detail`` and ``code`` too."""
    anonymous = api.get("/api/workspaces/")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated" and anonymous.json()["detail"]
    client = api.as_user(steward.user)
    board = steward.workspace.boards.first()
    not_json = client.generic("POST", f"/api/boards/{board.pk}/cards/", "body=hi", content_type="text/plain")
    assert (not_json.status_code, not_json.json()["code"]) == (415, "unsupported_media_type")
    broken = client.generic("POST", f"/api/boards/{board.pk}/cards/", "{", content_type="application/json")
    assert (broken.status_code, broken.json()["code"]) == (400, "parse_error")
    unknown = client.post(f"/api/boards/{board.pk}/cards/", {"body": "hi", "colour": "red"}, format="json")
    assert unknown.status_code == 400
    assert set(unknown.json()) == {"detail", "code", "errors"} and "colour" in unknown.json()["errors"]


@pytest.mark.process
def test_schemathesis_finds_nothing(tmp_path):
    """Schemathesis over every operation of ``/api/schema/``, signed in as a steward, finds no server
    error, no status, content type or body the schema does not list."""
    examples = os.environ.get("CODESIGN_SCHEMATHESIS_EXAMPLES", "10")
    seed = os.environ.get("CODESIGN_SCHEMATHESIS_SEED", "1")
    report = tmp_path / "schemathesis.json"
    with sqlite_database(tmp_path) as url, served(url) as server:
        command = [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(SCHEMATHESIS_CONFIG),
            "run", f"{server.base_url}/api/schema/",
            "--header", f"Authorization: Token {server.token('steward')}",
            "--checks", CHECKS, "--max-examples", examples, "--seed", seed,
            # One worker: Python 3.11's ast.parse is not thread-safe, and Hypothesis calls it.
            "--workers", "1",
            "--report", "json", "--report-json-path", str(report),
        ]  # fmt: skip
        started = time.monotonic()
        # Its caches go in the test's directory, not the checkout.
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)  # noqa: S603
        took = time.monotonic() - started
    output = result.stdout[-6000:] + result.stderr[-2000:]
    found = json.loads(report.read_text())
    assert found["operations"]["tested"] == found["operations"]["total"] > 60, output
    assert (found["failures"], found["errors"], result.returncode) == ([], [], 0), output
    assert took < 240, f"Schemathesis took {took:.0f} s"
