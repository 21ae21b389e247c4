"""Texts in every language: board titles and questions, the workspace's name and description, the
agenda and the charter's title, given by stewards and shown in each reader's language."""

import pytest
from django.conf import settings
from django.urls import reverse

from boards import actions as board_actions
from boards.models import Board
from charter import actions as charter_actions
from charter.exports import Charter
from charter.models import CharterVersion
from facilitation import actions as facilitation_actions
from tests.factories import aware, make_member
from workspace import actions
from workspace.errors import WorkspaceError
from workspace.models import AgendaSession, WorkspaceEvent
from workspace.roles import Role
from workspace.translations import localized

pytestmark = pytest.mark.django_db

DARI_TITLE = "مأموریت ما"
DARI_QUESTION = "اندیشکده چه خواهد کرد، برای چه کسانی و چگونه؟"
RU_TITLE = "Наша миссия"


def read_in(client, language, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.fixture
def mission(workspace):
    return Board.objects.get(workspace=workspace, kind="mission")


def test_a_board_speaks_the_readers_language_and_falls_back(workspace, steward, mission):
    """Each reader gets their language; a language without a text gets the default one; "fa-af"
    readers get a text given for "fa"."""
    board_actions.update_board(board=mission, by=steward, translations={"ru": {"title": RU_TITLE}})
    mission.refresh_from_db()
    assert localized(mission, "title", "ru") == RU_TITLE
    assert localized(mission, "title", "en") == "Mission"
    assert localized(mission, "title", "fa-af") == "Mission"
    assert localized(mission, "guiding_question", "ru") == mission.guiding_question
    mission.translations["fa"] = {"title": DARI_TITLE}
    assert localized(mission, "title", "fa-af") == DARI_TITLE


def test_pages_show_the_texts_in_the_readers_language(client, workspace, steward, participant, mission):
    """The board page, the home page (tiles, agenda, name, description) and the board navigation
    read in Russian and Dari, and in English where nothing was given."""
    session = AgendaSession.objects.create(
        workspace=workspace, title="Day 1", starts_at=aware(2026, 11, 18, 17), ends_at=aware(2026, 11, 18, 19)
    )
    board_actions.update_board(
        board=mission,
        by=steward,
        translations={"fa-af": {"title": DARI_TITLE, "guiding_question": DARI_QUESTION}, "ru": {"title": RU_TITLE}},
    )
    actions.update_workspace(
        workspace=workspace, by=steward, translations={"ru": {"name": "Рабочее пространство", "description": "О нас"}}
    )
    facilitation_actions.retitle_session(session=session, by=steward, translations={"ru": {"title": "День 1"}})
    client.force_login(participant.user)
    board_url = reverse("board", args=[workspace.slug, mission.pk])
    dari = read_in(client, "fa-af", board_url).text
    assert f"data-board-title>{DARI_TITLE}</h1>" in dari and DARI_QUESTION in dari
    russian = read_in(client, "ru", board_url).text
    assert f"data-board-title>{RU_TITLE}</h1>" in russian
    assert mission.guiding_question in russian  # no Russian question given: the English one
    home = read_in(client, "ru", reverse("workspace", args=[workspace.slug])).text
    assert "Рабочее пространство" in home and "О нас" in home and "День 1" in home and RU_TITLE in home
    english = read_in(client, "en", reverse("workspace", args=[workspace.slug])).text
    assert RU_TITLE not in english and "Day 1" in english and workspace.name in english


def test_board_events_carry_every_language(api, workspace, steward, mission, board_events):
    """Watchers in different languages share one event: it carries all the texts, and the API says
    what changed."""
    with board_events(mission) as frames:
        response = api.as_user(steward.user).patch(
            f"/api/boards/{mission.pk}/", {"translations": {"fa-af": {"title": DARI_TITLE}}}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["translations"] == {"fa-af": {"title": DARI_TITLE}}
    [frame] = [f for f in frames if f["type"] == "board.updated"]
    assert frame["board"]["translations"] == {"fa-af": {"title": DARI_TITLE}}
    assert frame["changed"] == ["translations"]


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"de": {"title": "Mission"}}, "is not a language of this site"),
        ({"en": {"title": "Mission"}}, "is not a language of this site"),  # English is the title itself
        ({"ru": {"state": "locked"}}, "cannot be translated here"),
        ({"ru": {"title": "м" * 121}}, "at most 120 characters"),
        ({"ru": {"title": 5}}, "must be text"),
        ({"ru": "Миссия"}, "{language: {field: text}}"),
        (["ru"], "{language: {field: text}}"),
    ],
)
def test_bad_translations_are_refused_and_nothing_changes(api, steward, mission, given, says):
    """A wrong language, field, length or shape gets a 400 that says what is wrong, and the board keeps
    what it had."""
    board_actions.update_board(board=mission, by=steward, translations={"ru": {"title": RU_TITLE}})
    response = api.as_user(steward.user).patch(f"/api/boards/{mission.pk}/", {"translations": given}, format="json")
    assert response.status_code == 400, response.json()
    assert says in str(response.json())
    mission.refresh_from_db()
    assert mission.translations == {"ru": {"title": RU_TITLE}}


def test_an_empty_text_removes_a_language(steward, mission):
    board_actions.update_board(
        board=mission, by=steward, translations={"ru": {"title": RU_TITLE, "guiding_question": "?"}}
    )
    board_actions.update_board(board=mission, by=steward, translations={"ru": {"title": "  "}})
    mission.refresh_from_db()
    assert mission.translations == {"ru": {"guiding_question": "?"}}
    board_actions.update_board(board=mission, by=steward, translations={"ru": {"guiding_question": ""}})
    mission.refresh_from_db()
    assert mission.translations == {}


def test_participants_cannot_translate(api, workspace, participant, mission):
    response = api.as_user(participant.user).patch(
        f"/api/boards/{mission.pk}/", {"translations": {"ru": {"title": "Взлом"}}}, format="json"
    )
    assert response.status_code == 403
    with pytest.raises(WorkspaceError):
        actions.update_workspace(workspace=workspace, by=participant, translations={"ru": {"name": "Взлом"}})
    with pytest.raises(WorkspaceError):
        actions.update_workspace(
            workspace=workspace, by=make_member(workspace, Role.FACILITATOR), description="Taken over"
        )
    mission.refresh_from_db()
    workspace.refresh_from_db()
    assert mission.translations == {} and workspace.translations == {} and workspace.description == "Test workspace"


def test_the_workspace_and_sessions_announce_their_new_texts(workspace, steward, room_events):
    session = AgendaSession.objects.create(
        workspace=workspace, title="Day 1", starts_at=aware(2026, 11, 18, 17), ends_at=aware(2026, 11, 18, 19)
    )
    with room_events(workspace) as frames:
        facilitation_actions.retitle_session(session=session, by=steward, translations={"fa-af": {"title": "روز اول"}})
        actions.update_workspace(workspace=workspace, by=steward, description="New words")
    types = [f["type"] for f in frames]
    assert types == ["session.updated", "workspace.updated"]
    assert frames[0]["session"]["translations"] == {"fa-af": {"title": "روز اول"}}
    assert WorkspaceEvent.objects.filter(workspace=workspace, type="workspace.updated").count() == 1
    with pytest.raises(WorkspaceError, match="needs a title"):
        facilitation_actions.retitle_session(session=session, by=steward, title=" ")
    with pytest.raises(WorkspaceError, match="needs a name"):
        actions.update_workspace(workspace=workspace, by=steward, name="")


def test_a_new_workspace_can_come_with_its_translations(db):
    workspace = actions.create_workspace(
        slug="tri",
        name="Three languages",
        agenda=[("Day 1", aware(2026, 11, 18, 17), aware(2026, 11, 18, 19), {"ru": {"title": "День 1"}})],
        board_questions={"mission": ("Mission", "Why?", {"fa-af": {"guiding_question": "چرا؟"}})},
        translations={"ru": {"name": "Три языка"}},
    )
    assert workspace.localized("name", "ru") == "Три языка"
    assert workspace.agenda.get().localized("title", "ru") == "День 1"
    assert workspace.boards.get(kind="mission").localized("guiding_question", "fa-af") == "چرا؟"
    with pytest.raises(WorkspaceError, match="not a language of this site"):
        actions.create_workspace(slug="bad", name="Bad", translations={"xx": {"name": "?"}})


def test_the_charter_title_in_every_language(client, workspace, steward, participant):
    """The composition carries a title per language; a version keeps them, its page and its exports
    show the reader's one, and a version published under another title does not borrow them."""
    client.force_login(steward.user)
    url = reverse("charter", args=[workspace.slug])
    client.post(url, {"do": "settings", "title": "Our charter", "title-ru": "Наша хартия", "title-fa-af": "منشور ما"})
    charter_actions.publish_version(membership=steward)
    version = CharterVersion.objects.get(workspace=workspace)
    assert version.content["titles"] == {"ru": "Наша хартия", "fa-af": "منشور ما"}
    client.force_login(participant.user)
    assert '<h1 dir="auto">منشور ما</h1>' in read_in(client, "fa-af", url).text
    assert '<h1 dir="auto">Our charter</h1>' in read_in(client, "en", url).text
    html = read_in(
        client, "ru", reverse("api-charter-export", kwargs={"slug": workspace.slug, "number": 1, "fmt": "html"})
    ).text
    assert "<h1>Наша хартия</h1>" in html
    charter_actions.publish_version(membership=steward, title="Another title")
    other = CharterVersion.objects.get(workspace=workspace, number=2)
    assert other.content["titles"] == {}
    assert Charter(other.content, number=2, published_at=other.published_at, sha=other.sha256).title == "Another title"
    # Removing a language's title leaves the others.
    client.force_login(steward.user)
    client.post(url, {"do": "settings", "title": "Our charter", "title-ru": "", "title-fa-af": "منشور ما"})
    assert charter_actions.charter_settings(workspace).translations == {"fa-af": {"title": "منشور ما"}}
