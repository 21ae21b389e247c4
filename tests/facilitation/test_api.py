"""The facilitation API: who may do what (404 for strangers, 403 for participants), clear errors
for bad input, and the console's overview of every board."""

from html.parser import HTMLParser

import pytest

from boards import actions as board_actions
from boards import rules as board_rules
from boards.selectors import workspace_boards
from facilitation import actions
from tests.factories import make_card, make_comment, make_member, make_round, make_workspace
from voting import actions as voting_actions


@pytest.fixture
def boards(workspace):
    return list(workspace_boards(workspace))


def test_strangers_get_404_everywhere(workspace, boards, api):
    stranger = make_member(make_workspace()).user
    client = api.as_user(stranger)
    slug = workspace.slug
    for method, path in [
        ("get", f"/api/workspaces/{slug}/room/"),
        ("get", f"/api/workspaces/{slug}/console/"),
        ("get", f"/api/workspaces/{slug}/notices/"),
        ("get", f"/api/workspaces/{slug}/fishbowl/"),
        ("post", f"/api/workspaces/{slug}/fishbowl/raise-hand/"),
        ("post", f"/api/boards/{boards[0].pk}/summon/"),
        ("post", "/api/sessions/999999/start/"),
    ]:
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404, path


def test_participants_get_403_for_the_facilitators_tools(workspace, boards, participant, api):
    client = api.as_user(participant.user)
    slug = workspace.slug
    for path, body in [
        (f"/api/workspaces/{slug}/notices/", {"text": "Hi"}),
        (f"/api/boards/{boards[0].pk}/summon/", {}),
        (f"/api/workspaces/{slug}/fishbowl/seats/", {"seats": 3}),
        (f"/api/workspaces/{slug}/fishbowl/members/{participant.pk}/seat/", None),
    ]:
        response = client.post(path, body, format="json")
        assert response.status_code == 403, path
        assert response.json()["detail"]
    assert client.get(f"/api/workspaces/{slug}/console/").status_code == 403
    client.force_login(participant.user)
    assert client.get(f"/w/{slug}/facilitate/").status_code == 403


def test_raising_a_hand_over_the_api(workspace, participant, api):
    client = api.as_user(participant.user)
    response = client.post(f"/api/workspaces/{workspace.slug}/fishbowl/raise-hand/")
    assert response.status_code == 200
    assert response.json()["offered"][0]["member"] == participant.pk
    again = client.post(f"/api/workspaces/{workspace.slug}/fishbowl/raise-hand/")
    assert again.status_code == 409
    assert "seat is waiting for you" in again.json()["detail"]
    assert client.post(f"/api/workspaces/{workspace.slug}/fishbowl/jump-the-queue/").status_code == 404


@pytest.mark.parametrize(
    "path,body",
    [
        ("fishbowl/seats/", {"seats": "many"}),
        ("fishbowl/seats/", {"seats": 0}),
        ("fishbowl/seats/", {"seats": 3, "colour": "red"}),
        ("notices/", {"text": ""}),
        ("notices/", {"text": "x" * 501}),
        ("notices/", ["not", "an", "object"]),
    ],
)
def test_bad_input_gets_a_400_with_a_message(workspace, facilitator, api, path, body):
    response = api.as_user(facilitator.user).post(f"/api/workspaces/{workspace.slug}/{path}", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_session_steps_over_the_api(facilitator, api, db):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() + timedelta(minutes=5)
    workspace = make_workspace(agenda=[("Day 1", start, start + timedelta(hours=2))])
    member = make_member(workspace, "facilitator")
    session = workspace.agenda.get()
    client = api.as_user(member.user)
    assert client.post(f"/api/sessions/{session.pk}/start/").json()["state"] == "live"
    assert client.post(f"/api/sessions/{session.pk}/extend/", {"minutes": 0}, format="json").status_code == 400
    extended = client.post(f"/api/sessions/{session.pk}/extend/", {"minutes": 15}, format="json").json()
    assert extended["ends_at"] == (start + timedelta(hours=2, minutes=15)).isoformat()
    assert client.post(f"/api/sessions/{session.pk}/end/").json()["state"] == "ended"
    assert client.post(f"/api/sessions/{session.pk}/end/").status_code == 409
    outsider = api.as_user(facilitator.user)  # a facilitator of another workspace
    assert outsider.post(f"/api/sessions/{session.pk}/start/").status_code == 404


def test_the_console_shows_each_board_at_a_glance(workspace, boards, facilitator, participant, api):
    """State, new cards and comments, and the open (not anonymous) round with its turnout per country."""
    kg = make_member(workspace, country="KG")
    card = make_card(boards[0], participant)
    make_card(boards[0], kg)
    make_comment(card, kg)
    board_actions.update_board(board=boards[2], by=facilitator, state="locked")
    round_ = make_round(boards[0], facilitator, results_visibility="hidden", anonymous=False)
    voting_actions.place_dot(round_=round_, voter=kg, card_id=card.pk)
    console = api.as_user(facilitator.user).get(f"/api/workspaces/{workspace.slug}/console/").json()
    first, _second, third, *_ = console["boards"]
    assert (first["state"], first["new_cards"], first["new_comments"]) == ("voting", 2, 1)
    assert third["state"] == "locked"
    assert first["round"]["turnout"]["voters"] == 1
    assert first["round"]["turnout"]["by_country"]["KG"]["voters"] == 1
    assert first["round"]["tally"] is None  # hidden results stay hidden here too
    assert first["presence"] == {"total": 0, "by_country": {}}


def test_the_console_reads_what_each_board_allows_from_the_table(workspace, boards, facilitator, api):
    """Each board of the console carries ``allows`` from the one table (open round, lock), as the
    board itself does, so the console never works the rules out from the state."""
    board_actions.update_board(board=boards[2], by=facilitator, state="locked")
    make_card(boards[0], facilitator)
    make_round(boards[0], facilitator)
    console = api.as_user(facilitator.user).get(f"/api/workspaces/{workspace.slug}/console/").json()
    for board in console["boards"]:
        assert board["allows"] == board_rules.allowed_activities(board["state"]), board["state"]
    voting, open_, locked = console["boards"][0], console["boards"][1], console["boards"][2]
    assert (voting["allows"]["open_round"], voting["allows"]["lock"]) == (False, False)
    assert (open_["allows"]["open_round"], open_["allows"]["lock"]) == (True, True)
    assert (locked["allows"]["open_round"], locked["allows"]["lock"]) == (False, True)


def test_the_console_is_refused_to_participants_by_its_selector(workspace, participant):
    """The console's overview checks the role itself: the API view declares nothing more."""
    from facilitation.selectors import facilitator_console
    from workspace.errors import WorkspaceError

    with pytest.raises(WorkspaceError) as refused:
        facilitator_console(participant)
    assert refused.value.http_status == 403


def test_the_console_counts_people_on_each_board_per_country(workspace, boards, facilitator, participant, api):
    kg = make_member(workspace, country="KG")
    board_actions.join_board(board=boards[1], membership=participant, channel_name="a")
    board_actions.join_board(board=boards[1], membership=participant, channel_name="b")  # second tab
    board_actions.join_board(board=boards[1], membership=kg, channel_name="c")
    console = api.as_user(facilitator.user).get(f"/api/workspaces/{workspace.slug}/console/").json()
    assert console["boards"][1]["presence"] == {"total": 2, "by_country": {"AF": 1, "KG": 1}}


def test_notices_history_newest_first(workspace, facilitator, participant, api):
    actions.post_message(workspace=workspace, by=facilitator, text="First")
    actions.post_message(workspace=workspace, by=facilitator, text="Second")
    history = api.as_user(participant.user).get(f"/api/workspaces/{workspace.slug}/notices/").json()
    assert [n["text"] for n in history] == ["Second", "First"]


def test_the_console_page_renders_for_facilitators(workspace, facilitator, client):
    client.force_login(facilitator.user)
    page = client.get(f"/w/{workspace.slug}/facilitate/")
    assert page.status_code == 200
    assert b'id="console-state"' in page.content


def test_raising_and_lowering_a_hand_without_end_is_slowed_down(workspace, participant, api, settings):
    """Each step is shown to everyone: past the per-member limit, a 429 with Retry-After."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "fishbowl": (4, 60)}
    client = api.as_user(participant.user)
    steps = ["raise-hand", "lower-hand"] * 3
    statuses = [client.post(f"/api/workspaces/{workspace.slug}/fishbowl/{step}/").status_code for step in steps]
    assert statuses == [200, 200, 200, 200, 429, 429]
    refused = client.post(f"/api/workspaces/{workspace.slug}/fishbowl/raise-hand/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


class _RoundFormFields(HTMLParser):
    """The fields of the first ``data-round-form`` in a page (or in a ``<template>`` in it):
    name -> (kind, required)."""

    def __init__(self):
        super().__init__()
        self.depth, self.fields = 0, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-round-form" in attrs and not self.fields:
            self.depth = 1
        elif self.depth and tag in ("input", "select") and attrs.get("name"):
            self.fields[attrs["name"]] = (attrs.get("type", tag), "required" in attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth = 0


def _round_form(html: str) -> dict:
    parser = _RoundFormFields()
    parser.feed(html)
    return parser.fields


def test_the_consoles_round_form_has_the_boards_fields_and_rules(workspace, boards, facilitator, client):
    """The console's round form asks what the board's does, with the same names (per-card cap,
    what is voted on, facilitators voting) and leaves the timer optional as the board's does."""
    client.force_login(facilitator.user)
    console = _round_form(client.get(f"/w/{workspace.slug}/facilitate/").content.decode())
    board = _round_form(client.get(f"/w/{workspace.slug}/boards/{boards[0].pk}/").content.decode())
    assert {"max_per_card", "subject", "facilitators_vote", "minutes"} <= set(board)
    assert console == board
    assert console["minutes"] == ("number", False)
