"""Accounts people can keep: their email, how they appear, signing out everywhere, their data."""

import io
import json
import zipfile

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import actions as account_actions
from boards.models import Board
from charter import actions as charter_actions
from tests.factories import PASSWORD, make_card, make_member, make_round, make_user
from voting import actions as voting_actions
from workspace.models import AuditEntry
from workspace.roles import Role

pytestmark = pytest.mark.django_db


def test_a_member_changes_how_they_appear_and_their_email(client, workspace, participant):
    client.force_login(participant.user)
    url = reverse("preferences")
    response = client.post(
        url, {"do": "membership", "membership": participant.pk, "display_name": "Фарида А.", "country": "TJ"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.display_name, participant.show_name_in_charter) == ("Фарида А.", False)
    # The country is a request until a steward confirms it (tests/workspace/test_countries.py).
    assert (participant.country.code, participant.requested_country.code) == ("AF", "TJ")
    client.post(url, {"do": "email", "email": "farida@example.org"})
    participant.user.refresh_from_db()
    assert participant.user.email == "farida@example.org"
    page = client.post(url, {"do": "email", "email": "not an address"}, follow=True).text
    assert "is not an email address" in page
    participant.user.refresh_from_db()
    assert participant.user.email == "farida@example.org"


def test_the_settings_page_opens_with_what_is_set(client, participant):

    account_actions.set_preferences(user=participant.user, language="ru", time_zone="Asia/Kabul")
    client.force_login(participant.user)
    page = client.get(reverse("preferences")).text
    assert '<option value="ru" selected>' in page and '<option value="Asia/Kabul" selected>' in page


def test_someone_elses_membership_cannot_be_changed_from_the_settings(client, workspace, participant):
    other = make_member(workspace, Role.PARTICIPANT, display_name="Бахром")
    client.force_login(participant.user)
    response = client.post(
        reverse("preferences"), {"do": "membership", "membership": other.pk, "display_name": "Взлом"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.display_name == "Бахром"


def test_sign_out_everywhere_ends_every_session(workspace, participant):
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        assert browser.login(username=participant.user.username, password=PASSWORD)
    someone_else = Client()
    someone_else.force_login(make_user())
    assert Session.objects.count() == 3
    response = phone.post(reverse("preferences"), {"do": "sign_out_everywhere"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert laptop.get(reverse("workspace", args=[workspace.slug])).status_code == 302  # to the login page
    assert someone_else.get(reverse("preferences")).status_code == 200  # other people stay signed in
    assert Session.objects.count() == 1


def test_my_data_holds_what_i_wrote_and_my_dots_and_nobody_elses(client, workspace, participant, facilitator):
    board = Board.objects.get(workspace=workspace, kind="mission")
    mine = make_card(board, participant, "Вода прежде всего")
    make_card(board, facilitator, "Someone else's idea")
    round_ = make_round(board, facilitator, anonymous=True)
    voting_actions.place_dot(round_=round_, voter=participant, card_id=mine.pk)
    client.force_login(participant.user)
    response = client.get(reverse("my-data"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    [membership] = data["memberships"]
    assert [card["text"] for card in membership["cards"]] == ["Вода прежде всего"]
    assert membership["dots"] == [{"round": round_.question, "board": "Mission", "card": mine.pk, "dots": 1}]
    assert "Someone else's idea" not in response.content.decode()


def test_the_workspace_archive_for_stewards_only(client, workspace, steward, participant):
    board = Board.objects.get(workspace=workspace, kind="mission")
    make_card(board, participant, "Вода прежде всего")
    charter_actions.publish_version(membership=steward)
    client.force_login(participant.user)
    assert client.get(reverse("workspace-archive", args=[workspace.slug])).status_code == 403
    client.force_login(make_user())
    assert client.get(reverse("workspace-archive", args=[workspace.slug])).status_code == 404
    client.force_login(steward.user)
    response = client.get(reverse("workspace-archive", args=[workspace.slug]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        f"{workspace.slug}/workspace.json",
        f"{workspace.slug}/charter/v1.md",
        f"{workspace.slug}/charter/v1.json",
    } <= names
    data = json.loads(archive.read(f"{workspace.slug}/workspace.json"))
    mission = next(b for b in data["boards"] if b["kind"] == "mission")
    assert mission["cards"][0]["text"] == "Вода прежде всего" and "rounds" in data
    assert AuditEntry.objects.filter(workspace=workspace, verb="workspace.archived", actor=steward).exists()
