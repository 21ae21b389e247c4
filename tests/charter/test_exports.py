"""Charter exports: rendered once per published version, format and language, then served as stored;
rendering bounded per member and for the whole site (429 with Retry-After), released on failure."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connections
from rest_framework.test import APIClient

from boards.models import Board
from charter import actions as charter_actions
from charter import exports
from charter.exports import Charter, forget_cached_exports
from charter.models import CharterExport
from tests.charter.test_charter import type_into
from tests.factories import make_member, make_workspace
from workspace.models import AuditEntry
from workspace.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

PLANTED = "Planted words of version one."


@pytest.fixture
def published(db):
    """A workspace with a published version 1, its steward, two participants and a facilitator."""
    workspace = make_workspace()
    people = {
        "steward": make_member(workspace, Role.STEWARD, display_name="Aidana"),
        "facilitator": make_member(workspace, Role.FACILITATOR, display_name="Dias"),
        "af": make_member(workspace, country="AF", display_name="Farid"),
        "mn": make_member(workspace, country="MN", display_name="Oyuna"),
    }
    type_into(Board.objects.get(workspace=workspace, kind="concept"), people["af"], PLANTED)
    version = charter_actions.publish_version(membership=people["steward"])
    return workspace, version, people


def client_for(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=member.user)
    return client


def export_url(workspace, fmt: str, number: int = 1) -> str:
    return f"/api/workspaces/{workspace.slug}/charter/versions/{number}/export.{fmt}"


def in_thread(call):
    """Run ``call`` in a thread of its own (its own database connection, as under Daphne)."""
    result = {}

    def run():
        try:
            result["response"] = call()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@contextmanager
def slow_render(monkeypatch, fmt: str = "pdf"):
    """Rendering ``fmt`` waits until the block lets it go: ``started`` is set once it is rendering."""
    started, release = threading.Event(), threading.Event()
    original = getattr(Charter, f"to_{fmt}")

    def waiting(self):
        started.set()
        assert release.wait(30), "the test never let the render finish"
        return original(self)

    monkeypatch.setattr(Charter, f"to_{fmt}", waiting)
    try:
        yield started, release
    finally:
        release.set()


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_second_download_is_served_as_stored(published, monkeypatch, fmt):
    """The second download of a version in one format is the stored bytes: nothing is rendered again."""
    workspace, version, people = published
    before = exports.renders[fmt]
    first = client_for(people["af"]).get(export_url(workspace, fmt))
    assert first.status_code == 200 and exports.renders[fmt] == before + 1
    stored = CharterExport.objects.get(version=version, format=fmt)
    assert bytes(stored.content) == first.content and stored.language == "en"

    def no_rendering(self):
        raise AssertionError("rendered again")

    monkeypatch.setattr(Charter, f"to_{fmt}", no_rendering)
    second = client_for(people["mn"]).get(export_url(workspace, fmt))
    assert second.status_code == 200 and second.content == first.content
    assert second["Content-Disposition"] == f'attachment; filename="charter-v1.{fmt}"'
    assert exports.renders[fmt] == before + 1
    assert CharterExport.objects.filter(version=version).count() == 1
    assert AuditEntry.objects.filter(workspace=workspace, verb="charter.exported").count() == 2


def test_member_gets_429_while_their_export_renders(published, monkeypatch):
    """While a member's PDF renders, their next export is refused with 429 and Retry-After; another
    member's is not, and the first one's completes."""
    workspace, _version, people = published
    with slow_render(monkeypatch) as (started, release):
        thread, result = in_thread(lambda: client_for(people["af"]).get(export_url(workspace, "pdf")))
        assert started.wait(30)
        refused = client_for(people["af"]).get(export_url(workspace, "docx"))
        assert refused.status_code == 429 and refused["Retry-After"] == "10"
        assert refused.json() == {
            "detail": "An export you asked for is still being prepared. Please try again in 10 seconds.",
            "code": "rate_limited",
        }
        in_russian = client_for(people["af"]).get(export_url(workspace, "html"), HTTP_ACCEPT_LANGUAGE="ru")
        assert in_russian.status_code == 429 and "ещё готовится" in in_russian.json()["detail"]
        assert client_for(people["mn"]).get(export_url(workspace, "html")).status_code == 200
        release.set()
        thread.join(30)
    assert result["response"].status_code == 200
    assert client_for(people["af"]).get(export_url(workspace, "docx")).status_code == 200


def test_eight_parallel_requests_by_one_member_render_one(published, monkeypatch):
    """Eight parallel downloads of four formats by one member: one renders, the others get 429 at once."""
    workspace, _version, people = published
    with slow_render(monkeypatch) as (started, release):
        thread, result = in_thread(lambda: client_for(people["af"]).get(export_url(workspace, "pdf")))
        assert started.wait(30)
        others = [
            in_thread(lambda fmt=fmt: client_for(people["af"]).get(export_url(workspace, fmt)))
            for fmt in ["pdf", "docx", "html"] * 2 + ["docx"]
        ]
        for other, _result in others:
            other.join(30)
        assert [r["response"].status_code for _t, r in others] == [429] * 7
        release.set()
        thread.join(30)
    assert result["response"].status_code == 200
    assert CharterExport.objects.count() == 1


def test_site_wide_cap_refuses_past_it(published, monkeypatch, settings):
    """Past the site's renders at once, another member's export is refused with 429 too."""
    settings.CHARTER_RENDERS = {**settings.CHARTER_RENDERS, "at_once": 1}
    workspace, _version, people = published
    with slow_render(monkeypatch) as (started, release):
        thread, _result = in_thread(lambda: client_for(people["af"]).get(export_url(workspace, "pdf")))
        assert started.wait(30)
        refused = client_for(people["mn"]).get(export_url(workspace, "docx"))
        assert refused.status_code == 429 and "Many exports" in refused.json()["detail"]
        release.set()
        thread.join(30)


def test_one_export_is_rendered_by_one_request(published, monkeypatch):
    """A second member asking for the export being rendered is told to wait, then gets the stored bytes."""
    workspace, _version, people = published
    before = exports.renders["pdf"]
    with slow_render(monkeypatch) as (started, release):
        thread, result = in_thread(lambda: client_for(people["af"]).get(export_url(workspace, "pdf")))
        assert started.wait(30)
        assert client_for(people["mn"]).get(export_url(workspace, "pdf")).status_code == 429
        release.set()
        thread.join(30)
    again = client_for(people["mn"]).get(export_url(workspace, "pdf"))
    assert again.content == result["response"].content and exports.renders["pdf"] == before + 1


def test_preview_exports_are_limited_too(published, monkeypatch):
    """A facilitator rendering the preview as PDF cannot start a second rendering meanwhile."""
    workspace, _version, people = published
    preview = f"/api/workspaces/{workspace.slug}/charter/preview"
    with slow_render(monkeypatch) as (started, release):
        thread, result = in_thread(lambda: client_for(people["facilitator"]).get(f"{preview}.pdf"))
        assert started.wait(30)
        assert client_for(people["facilitator"]).get(f"{preview}.docx").status_code == 429
        assert client_for(people["facilitator"]).get(export_url(workspace, "html")).status_code == 429
        release.set()
        thread.join(30)
    assert result["response"].status_code == 200
    assert not CharterExport.objects.filter(format="pdf").exists()  # the preview is never stored


def test_slot_released_after_a_failed_render(published, monkeypatch):
    """A render that fails held the member's slot while it ran and frees it: the next export renders."""
    workspace, _version, people = published
    during = {}

    def failing(self):
        thread, result = in_thread(lambda: client_for(people["af"]).get(export_url(workspace, "docx")))
        thread.join(30)
        during["status"] = result["response"].status_code
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(Charter, "to_pdf", failing)
    with pytest.raises(RuntimeError):
        client_for(people["af"]).get(export_url(workspace, "pdf"))
    assert during["status"] == 429
    assert not CharterExport.objects.exists()
    monkeypatch.undo()
    assert client_for(people["af"]).get(export_url(workspace, "pdf")).status_code == 200
    assert client_for(people["af"]).get(export_url(workspace, "docx")).status_code == 200


def test_stranger_gets_404_for_a_stored_export(published):
    """Someone outside the workspace gets 404 for an export, stored or not, and renders nothing."""
    workspace, _version, people = published
    assert client_for(people["af"]).get(export_url(workspace, "pdf")).status_code == 200
    before = exports.renders.copy()
    stranger = client_for(make_member(make_workspace(), Role.STEWARD))
    for fmt in ("pdf", "docx", "md"):
        assert stranger.get(export_url(workspace, fmt)).status_code == 404
    assert stranger.get(export_url(workspace, "pdf", number=2)).status_code == 404
    assert exports.renders == before and CharterExport.objects.count() == 1


def test_each_language_has_its_own_export(published):
    """A Russian reader gets the version rendered in Russian, stored beside the English one."""
    workspace, version, people = published
    english = client_for(people["af"]).get(export_url(workspace, "html")).content.decode()
    russian = client_for(people["mn"]).get(export_url(workspace, "html"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Appendix" in english and "Приложение" in russian and "Приложение" not in english
    assert sorted(CharterExport.objects.filter(version=version).values_list("language", flat=True)) == ["en", "ru"]


def test_forget_cached_exports_drops_stored_copies(published):
    """``forget_cached_exports`` drops a version's (or a workspace's) stored renderings; the next
    download renders again."""
    workspace, version, people = published
    steward = client_for(people["steward"])
    steward.post(f"/api/workspaces/{workspace.slug}/charter/versions/", {}, format="json")
    for number in (1, 2):
        for fmt in ("pdf", "html"):
            assert steward.get(export_url(workspace, fmt, number)).status_code == 200
    assert forget_cached_exports(version=version) == 2
    assert list(CharterExport.objects.values_list("version__number", flat=True).distinct()) == [2]
    assert forget_cached_exports(workspace=workspace) == 2 and not CharterExport.objects.exists()
    before = exports.renders["pdf"]
    assert steward.get(export_url(workspace, "pdf")).status_code == 200 and exports.renders["pdf"] == before + 1


def test_rewritten_version_is_never_served_from_an_older_rendering(published):
    """If a version's stored words are rewritten, its next export shows them as they are now, and
    the older rendering is replaced, not kept beside it."""
    workspace, version, people = published
    client = client_for(people["af"])
    assert PLANTED in client.get(export_url(workspace, "html")).content.decode()
    version.content["sections"][0]["markdown"] = "Words as they are now."
    version.markdown = version.markdown.replace(PLANTED, "Words as they are now.")
    version.save()
    html = client.get(export_url(workspace, "html")).content.decode()
    assert "Words as they are now." in html and PLANTED not in html
    stored = CharterExport.objects.get(version=version)
    assert PLANTED.encode() not in bytes(stored.content)
