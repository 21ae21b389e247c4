"""A person's language and time zone: chosen once, followed everywhere; the browser's until then."""

import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Profile
from boards.models import Board
from codesign.asgi import application
from tests.factories import aware, make_member, make_token, make_workspace
from workspace import actions
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


def test_first_visit_follows_accept_language(client):
    page = client.get(reverse("login"), headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert page["Content-Language"] == "ru" and "Вход" in page.text
    page = client.get(reverse("login"), headers={"accept-language": "fa-AF,fa;q=0.9"})
    assert page["Content-Language"] == "fa-af" and 'dir="rtl"' in page.text


def test_dari_browsers_that_say_prs_get_dari(client):
    page = client.get(reverse("login"), headers={"accept-language": "prs-AF,prs;q=0.9,en;q=0.5"})
    assert page["Content-Language"] == "fa-af"


def test_switcher_is_remembered_for_the_person_on_every_device(client, participant):
    """Switching signed in stores the choice; a new session with an English browser still gets it."""
    client.force_login(participant.user)
    response = client.post(reverse("set-language"), {"language": "fa-af", "next": "/w/x/?a=1"})
    assert response.status_code == 302 and response["Location"] == "/w/x/?a=1"
    assert Profile.objects.get(user=participant.user).language == "fa-af"

    client.cookies.clear()
    client.force_login(participant.user)
    page = client.get(reverse("workspace", args=[participant.workspace.slug]), headers={"accept-language": "en"})
    assert page["Content-Language"] == "fa-af" and 'dir="rtl"' in page.text


def test_switcher_without_an_account_uses_a_cookie(client):
    response = client.post(reverse("set-language"), {"language": "ru", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")  # never off-site
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert client.get(reverse("login"))["Content-Language"] == "ru"


def test_unknown_language_is_refused_and_nothing_changes(client, participant):
    client.force_login(participant.user)
    account_actions.set_preferences(user=participant.user, language="ru")
    response = client.post(reverse("set-language"), {"language": "xx"})
    assert response.status_code == 400
    assert Profile.objects.get(user=participant.user).language == "ru"
    with pytest.raises(WorkspaceError):
        account_actions.set_preferences(user=participant.user, time_zone="Mars/Olympus")


def test_chosen_zone_wins_over_the_device_and_shows_on_the_agenda(client):
    """The agenda is in the zone the person chose, with the workspace's beside it."""
    workspace = make_workspace(
        time_zone="Asia/Bishkek", agenda=[("Day 1", aware(2026, 12, 1, 10), aware(2026, 12, 1, 12))]
    )
    me = make_member(workspace)
    client.force_login(me.user)
    client.cookies["tz"] = "Europe/Berlin"
    response = client.post(reverse("preferences"), {"language": "", "time_zone": "Asia/Kabul"})
    assert response.status_code == 302
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert "08:30–10:30" in page  # Kabul, UTC+4:30
    assert "10:00–12:00 in Bishkek" in page
    assert "Times are shown in your time zone, Kabul." in page
    page = client.get(reverse("workspace", args=[workspace.slug]), HTTP_ACCEPT_LANGUAGE="ru").text
    shown = re.sub(r"<[^>]+>", "", page.split("<body", 1)[1])  # what the reader sees
    assert "Бишкек: 10:00–12:00" in shown and "часовом поясе: Кабул." in shown and "Asia/" not in shown


def test_settings_page_offers_the_device_zone(client, participant):
    client.force_login(participant.user)
    client.cookies["tz"] = "Asia/Ulaanbaatar"
    page = client.get(reverse("preferences")).text
    assert "Your device reports Asia/Ulaanbaatar." in page


def test_times_elsewhere_show_the_workspace_zone_beside(client, steward):
    """A server-rendered time (an invitation's expiry) carries the workspace's zone where it differs."""
    expires = timezone.now() + timedelta(days=3)
    actions.create_invitation(workspace=steward.workspace, by=steward, expires_at=expires)
    client.force_login(steward.user)
    client.cookies["tz"] = "Asia/Kabul"
    page = client.get(reverse("invitations", args=[steward.workspace.slug])).text
    assert "in Bishkek" in page


@pytest.mark.django_db(transaction=True)
def test_socket_errors_come_in_the_members_language(participant):
    """A malformed frame is answered in the language the member chose."""
    account_actions.set_preferences(user=participant.user, language="ru")
    board = Board.objects.filter(workspace=participant.workspace).first()
    token = token_for(participant.user)

    async def talk():
        communicator = WebsocketCommunicator(application, f"/ws/boards/{board.pk}/?token={token}")
        connected, _ = await communicator.connect()
        assert connected
        while True:
            frame = await communicator.receive_json_from()
            if frame["type"] == "welcome":
                break
        await communicator.send_to(text_data="not json")
        reply = await communicator.receive_json_from()
        while reply["type"] != "error":  # presence frames may come first
            reply = await communicator.receive_json_from()
        await communicator.disconnect()
        return reply

    reply = async_to_sync(talk)()
    assert reply["type"] == "error" and reply["message"] == "Это сообщение — не корректный JSON."


def token_for(user):

    return make_token(user)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Tuesday, 1 December, 10:00"), ("ru", "Вторник, 1 декабря, 10:00"), ("fa-af", "سه شنبه، 1 دسمبر، 10:00")],
)
def test_the_agenda_writes_dates_as_each_language_does(client, language, expected):
    """Russian puts the month in the genitive ("1 декабря", never "1 Декабрь"), Dari separates with
    its own comma; the digits are Latin in every language, as everywhere on the site."""
    workspace = make_workspace(
        time_zone="Asia/Bishkek", agenda=[("Day 1", aware(2026, 12, 1, 10), aware(2026, 12, 1, 12))]
    )
    me = make_member(workspace)
    client.force_login(me.user)
    client.post(reverse("preferences"), {"language": language, "time_zone": "Asia/Bishkek"})
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert f"{expected}–12:00" in page


def test_country_names_as_this_audience_writes_them(client):
    """Russian readers see "Кыргызстан" (django-countries says "Киргизия"), everywhere a country is named."""
    workspace = make_workspace()
    me = make_member(workspace, country="KG")
    client.force_login(me.user)
    client.post(reverse("preferences"), {"language": "ru", "time_zone": "Asia/Bishkek"})
    page = client.get(reverse("workspace", args=[workspace.slug])).text
    assert "Кыргызстан" in page and "Киргизия" not in page


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("ru", ["Афганистан", "Казахстан", "Кыргызстан", "Монголия", "Таджикистан", "Туркменистан", "Узбекистан"]),
        ("fa-af", ["افغانستان", "قزاقستان", "قرقیزستان", "مغولستان", "تاجیکستان", "ترکمنستان", "ازبکستان"]),
    ],
)
def test_the_seven_countries_read_as_their_people_write_them(language, names):
    """The founders' seven countries, checked one by one in Russian and Dari (the override is only
    needed for Kyrgyzstan in Russian; the others are django-countries' own names)."""
    from django.utils import translation
    from django_countries import countries

    with translation.override(language):
        assert [str(countries.name(code)) for code in settings.COUNTRIES_FIRST] == names


def test_every_page_has_a_favicon_and_one_label_per_language_control(client, participant):
    """No 404 for a favicon on every page; the header's switcher and the preferences field are two
    controls with two different names."""
    client.force_login(participant.user)
    page = client.get(reverse("preferences")).text
    icon = page.split('<link rel="icon" href="', 1)[1].split('"', 1)[0]
    response = client.get(icon)
    assert response.status_code == 200 and b"<svg" in b"".join(response.streaming_content)
    response.close()
    assert page.count(">Language<") == 0
    assert "Switch the language of this page" in page and "Your language on every device" in page
