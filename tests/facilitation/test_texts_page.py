"""The texts page: a steward gives every text of the workspace in each language, one at a time."""

import pytest
from django.conf import settings
from django.urls import reverse

from boards.models import Board
from tests.factories import aware, make_member, make_user
from workspace.models import AgendaSession
from workspace.roles import Role

pytestmark = pytest.mark.django_db

DARI_TITLE = "مأموریت ما"
DARI_QUESTION = "اندیشکده چه خواهد کرد، برای چه کسانی و چگونه؟"


@pytest.fixture
def session(workspace):
    return AgendaSession.objects.create(
        workspace=workspace, title="Day 1", starts_at=aware(2026, 11, 18, 17), ends_at=aware(2026, 11, 18, 19)
    )


def form_of(workspace, language, **changes):
    """Everything the page posts for ``language``, as it stands, with ``changes`` laid over it."""
    data = {"language": language, "workspace-name": "", "workspace-description": ""}
    if language == settings.LANGUAGE_CODE:
        data.update({"workspace-name": workspace.name, "workspace-description": workspace.description})
    for board in Board.objects.filter(workspace=workspace):
        base = language == settings.LANGUAGE_CODE
        data[f"board-{board.pk}-title"] = board.title if base else ""
        data[f"board-{board.pk}-guiding_question"] = board.guiding_question if base else ""
    for s in AgendaSession.objects.filter(workspace=workspace):
        data[f"session-{s.pk}-title"] = s.title if language == settings.LANGUAGE_CODE else ""
    data.update(changes)
    return data


def test_the_page_shows_each_text_beside_the_original_in_the_languages_direction(client, workspace, steward, session):
    client.force_login(steward.user)
    page = client.get(reverse("texts", args=[workspace.slug]) + "?language=fa-af").text
    mission = Board.objects.get(workspace=workspace, kind="mission")
    field = f'name="board-{mission.pk}-title"'
    assert field in page
    tag = page[page.rindex("<input", 0, page.index(field)) : page.index(">", page.index(field))]
    assert (
        'lang="fa-af"' in tag
        and 'dir="rtl"' in tag
        and f'aria-describedby="id_board-{mission.pk}-title_original"' in tag
    )
    assert '<bdi lang="en">Mission</bdi>' in page and '<bdi lang="en">Day 1</bdi>' in page
    assert 'aria-current="page">دری</a>' in page


def test_a_steward_gives_the_texts_in_dari_and_readers_see_them(client, workspace, steward, participant, session):
    client.force_login(steward.user)
    mission = Board.objects.get(workspace=workspace, kind="mission")
    url = reverse("texts", args=[workspace.slug])
    response = client.post(
        url,
        form_of(
            workspace,
            "fa-af",
            **{
                f"board-{mission.pk}-title": DARI_TITLE,
                f"board-{mission.pk}-guiding_question": DARI_QUESTION,
                "workspace-description": "دربارهٔ ما",
                f"session-{session.pk}-title": "روز اول",
            },
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("?language=fa-af")
    mission.refresh_from_db()
    assert mission.translations == {"fa-af": {"title": DARI_TITLE, "guiding_question": DARI_QUESTION}}
    assert Board.objects.get(workspace=workspace, kind="vision").translations == {}
    client.force_login(participant.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa-af"
    home = client.get(reverse("workspace", args=[workspace.slug])).text
    assert DARI_TITLE in home and DARI_QUESTION in home and "دربارهٔ ما" in home and "روز اول" in home


def test_the_default_language_renames_and_cannot_empty_a_title(client, workspace, steward):
    client.force_login(steward.user)
    mission = Board.objects.get(workspace=workspace, kind="mission")
    url = reverse("texts", args=[workspace.slug])
    assert client.post(url, form_of(workspace, "en", **{f"board-{mission.pk}-title": "Our mission"})).status_code == 302
    mission.refresh_from_db()
    assert mission.title == "Our mission"
    response = client.post(url, form_of(workspace, "en", **{f"board-{mission.pk}-title": " ", "workspace-name": "X"}))
    assert response.status_code == 400 and "This field is required." in response.text
    mission.refresh_from_db()
    workspace.refresh_from_db()
    assert mission.title == "Our mission" and workspace.name != "X"


def test_too_long_or_unknown_language_changes_nothing(client, workspace, steward):
    client.force_login(steward.user)
    mission = Board.objects.get(workspace=workspace, kind="mission")
    url = reverse("texts", args=[workspace.slug])
    response = client.post(
        url, form_of(workspace, "ru", **{f"board-{mission.pk}-title": "м" * 121, "workspace-name": "Имя"})
    )
    assert response.status_code == 400 and "at most 120 characters" in response.text
    response = client.post(url, form_of(workspace, "de", **{"workspace-name": "Name"}))
    assert response.status_code == 400 and "is not a language of this site" in response.text
    mission.refresh_from_db()
    workspace.refresh_from_db()
    assert mission.translations == {} and workspace.translations == {}


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTICIPANT])
def test_only_stewards_reach_the_page(client, workspace, role):
    client.force_login(make_member(workspace, role).user)
    url = reverse("texts", args=[workspace.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, form_of(workspace, "ru", **{"workspace-name": "Взлом"})).status_code == 403
    workspace.refresh_from_db()
    assert workspace.translations == {}


def test_a_stranger_learns_nothing(client, workspace):
    client.force_login(make_user())
    url = reverse("texts", args=[workspace.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, form_of(workspace, "ru", **{"workspace-name": "Взлом"})).status_code == 404
