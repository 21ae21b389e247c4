"""The charter page for each role."""

import pytest
from django.urls import reverse

from charter.models import CharterVersion
from tests.charter.test_charter import CYRILLIC, charter_ws  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_steward_publishes_from_the_page(client, charter_ws):  # noqa: F811
    """A steward sees the preview and publishes; the version is listed with its downloads."""
    workspace, _boards, people = charter_ws
    client.force_login(people["steward"].user)
    page = client.get(reverse("charter", args=[workspace.slug]))
    assert CYRILLIC in page.text and "Publish the next version" in page.text
    response = client.post(
        reverse("charter", args=[workspace.slug]), {"do": "publish", "title": "First", "appendix": "on"}, follow=True
    )
    assert "Version 1 is published." in response.text
    assert "/charter/versions/1/export.pdf" in response.text
    assert CharterVersion.objects.get(workspace=workspace).title == "First"


def test_participant_sees_versions_not_preview(client, charter_ws):  # noqa: F811
    """A participant sees published versions and the consent choice, but no preview and no publish form."""
    workspace, _boards, people = charter_ws
    client.force_login(people["af"].user)
    page = client.get(reverse("charter", args=[workspace.slug])).text
    assert "No version has been published yet." in page
    assert "Preview" not in page and "Publish the next version" not in page
    client.post(reverse("charter", args=[workspace.slug]), {"do": "publish"})
    assert not CharterVersion.objects.exists()
    client.post(reverse("charter", args=[workspace.slug]), {"do": "consent", "consent": "on"})
    people["af"].refresh_from_db()
    assert people["af"].show_name_in_charter


def test_compare_two_versions_on_the_page(client, charter_ws):  # noqa: F811
    """Two versions are compared section by section on the page."""
    from tests.charter.test_charter import type_into

    workspace, boards, people = charter_ws
    client.force_login(people["steward"].user)
    client.post(reverse("charter", args=[workspace.slug]), {"do": "publish"})
    type_into(boards["vision"], people["af"], "A new vision line.")
    client.post(reverse("charter", args=[workspace.slug]), {"do": "publish"})
    page = client.get(reverse("charter", args=[workspace.slug]) + "?diff=1,2").text
    assert "A new vision line." in page and "diff--added" in page


def test_a_participant_reads_the_latest_published_version_on_the_page(client, charter_ws):  # noqa: F811
    """Every member reads the charter as published (the latest version, its number, date and whole
    SHA-256), on the page itself, not only in a download; later edits are not in it until published."""
    from tests.charter.test_charter import DARI, type_into

    workspace, boards, people = charter_ws
    client.force_login(people["steward"].user)
    client.post(reverse("charter", args=[workspace.slug]), {"do": "publish", "title": "Устав"})
    type_into(boards["vision"], people["af"], "Not yet published.")
    version = CharterVersion.objects.get(workspace=workspace)
    client.force_login(people["af"].user)
    page = client.get(reverse("charter", args=[workspace.slug])).text
    reading = page.split("data-charter-latest", 1)[1].split("</article>", 1)[0]
    assert CYRILLIC in reading and DARI.split()[0] in reading and "Устав" in reading
    assert "Not yet published." not in page
    assert version.sha256 in page and "Version 1" in page


def test_a_reader_proposes_a_change_to_a_published_section(client, api, charter_ws):  # noqa: F811
    """Each section of the published charter names its board, so that words a participant selects
    there become an amendment on that board, found in its draft."""
    from drafts.models import Amendment

    workspace, boards, people = charter_ws
    client.force_login(people["steward"].user)
    client.post(reverse("charter", args=[workspace.slug]), {"do": "publish", "title": "First"})
    client.force_login(people["af"].user)
    page = client.get(reverse("charter", args=[workspace.slug])).text
    assert f'data-suggest-board="{boards["mission"].pk}"' in page and "charter_suggest" in page
    words = "гражданского общества"  # as a reader selects them on the page
    created = api.as_user(people["af"].user).post(
        f"/api/boards/{boards['mission'].pk}/amendments/",
        {"original": words, "proposed": "гражданских организаций"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Amendment.objects.get().board == boards["mission"]


def test_the_page_before_the_first_version_loads_no_suggestion_script(client, charter_ws):  # noqa: F811
    """Before any version, the charter page has no suggestion box, so it does not load the script that needs one."""
    workspace, _boards, people = charter_ws
    client.force_login(people["af"].user)
    page = client.get(reverse("charter", args=[workspace.slug])).text
    assert "No version has been published yet." in page
    assert "data-charter-suggest" not in page and "js/charter_suggest" not in page
