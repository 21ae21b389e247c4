"""Project-wide behaviour: the demo data, the API schema, the database settings."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from boards.models import Board
from workspace.models import AgendaSession, Membership, Workspace


@pytest.mark.django_db
def test_seed_demo_creates_workspace_and_is_idempotent(capsys):
    """seed_demo makes the demo workspace, four boards and nine users; a second run changes nothing."""
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "codesign-demo" in out
    workspace = Workspace.objects.get(slug="gs-think-tank")
    assert workspace.time_zone == "Asia/Bishkek"
    assert [b.title for b in Board.objects.filter(workspace=workspace)] == [
        "Concept",
        "Mission",
        "Vision",
        "Priority areas",
    ]
    assert all(b.guiding_question for b in Board.objects.filter(workspace=workspace))
    day1 = AgendaSession.objects.filter(workspace=workspace).first()
    assert day1.starts_at.astimezone(workspace.zone).strftime("%d %b %H:%M") == "18 Nov 17:00"
    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user__username", "role"))
    assert roles["steward"] == "steward" and roles["facilitator"] == "facilitator"
    assert {roles[code] for code in ["af", "kz", "kg", "mn", "tj", "tm", "uz"]} == {"participant"}
    assert Membership.objects.get(user__username="tj").country.code == "TJ"
    assert get_user_model().objects.get(username="af").check_password("codesign-demo")

    counts = [m.objects.count() for m in (Workspace, Board, Membership, AgendaSession, get_user_model())]
    call_command("seed_demo")
    assert [m.objects.count() for m in (Workspace, Board, Membership, AgendaSession, get_user_model())] == counts


def test_openapi_schema_generates_without_warnings(tmp_path):
    """The OpenAPI 3 schema validates and generates without a single warning."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "openapi: 3" in schema
    for path in ["/api/workspaces/{slug}/invitations/", "/api/boards/{board_id}/", "/api/auth/token/"]:
        assert path in schema


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    """/api/schema/ serves the schema and /api/docs/ the interactive docs, with assets from this server."""
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Every script and stylesheet comes from this server (no CDN; the page's random tokens may
    # spell anything, so look at the addresses, not the whole text).
    addresses = re.findall(r'(?:src|href)=["\']([^"\']+)', docs.text) + re.findall(r'url: *["\']([^"\']+)', docs.text)
    assert addresses and not [a for a in addresses if a.startswith(("http:", "https:", "//"))], addresses


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    """The SQLite database uses WAL, and writers take the lock at BEGIN so they wait instead of failing."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5


def test_the_server_loops_start_one_way():
    """The round timer, the presence batcher and the mail sender are registered by their apps and
    started together (workspace/loops.py), each once per server."""
    from workspace import loops

    assert set(loops._loops) == {"round timer", "presence batcher", "mail sender"}
