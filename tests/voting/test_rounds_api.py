"""The rounds API: who may do what, and clear errors for bad requests."""

import pytest

from tests.factories import make_card, make_member, make_round, make_workspace
from voting.models import Round
from workspace.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(board, participant):
    return [make_card(board, participant, f"Idea {n}") for n in range(2)]


def test_facilitator_runs_a_round_over_the_api(api, board, facilitator, participant, cards):
    """Create, open, extend and close a round through the API; everyone can read it."""
    client = api.as_user(facilitator.user)
    created = client.post(
        f"/api/boards/{board.pk}/rounds/",
        {"question": "Which first?", "dots_per_voter": 3, "duration_seconds": 600, "results_visibility": "hidden"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["max_per_card"], body["cards"]) == ("draft", 3, [c.pk for c in cards])
    round_id = body["id"]
    opened = client.post(f"/api/rounds/{round_id}/open/")
    assert (opened.status_code, opened.json()["state"]) == (200, "open")
    assert opened.json()["ends_at"]
    extended = client.post(f"/api/rounds/{round_id}/extend/", {"seconds": 120}, format="json")
    assert extended.json()["ends_at"] > opened.json()["ends_at"]
    detail = api.as_user(participant.user).get(f"/api/rounds/{round_id}/").json()
    assert isinstance(detail["mine"].pop("change"), int)
    assert detail["mine"] == {"round": round_id, "can_vote": True, "dots": {}, "used": 0, "remaining": 3}
    assert detail["server_time"]
    closed = api.as_user(facilitator.user).post(f"/api/rounds/{round_id}/close/")
    assert closed.json()["state"] == "closed"


@pytest.mark.parametrize("step", ["open", "close", "cancel"])
def test_participant_cannot_step_a_round(api, board, facilitator, participant, cards, step):
    """A participant gets 403 on open, close and cancel; the round does not change."""
    round_ = make_round(board, facilitator, open_now=step != "open")
    response = api.as_user(participant.user).post(f"/api/rounds/{round_.pk}/{step}/")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Round.objects.get(pk=round_.pk).state == round_.state


def test_participant_cannot_create_round(api, board, participant, cards):
    """Setting up a round is for facilitators."""
    response = api.as_user(participant.user).post(
        f"/api/boards/{board.pk}/rounds/", {"question": "Mine?"}, format="json"
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_stranger_sees_no_round(api, board, facilitator, cards):
    """Every round endpoint is a 404 for a non-member."""
    round_ = make_round(board, facilitator)
    stranger = api.as_user(make_member(make_workspace(), Role.STEWARD).user)
    for method, path in [
        ("get", f"/api/rounds/{round_.pk}/"),
        ("get", f"/api/boards/{board.pk}/rounds/"),
        ("get", f"/api/rounds/{round_.pk}/results/"),
        ("get", f"/api/rounds/{round_.pk}/results.csv"),
        ("post", f"/api/rounds/{round_.pk}/close/"),
        ("post", f"/api/rounds/{round_.pk}/dots/"),
        ("delete", f"/api/rounds/{round_.pk}/dots/{cards[0].pk}/"),
    ]:
        assert getattr(stranger, method)(path).status_code == 404, path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "question"),
        ({"question": "Q", "dots_per_voter": 0}, "dots_per_voter"),
        ({"question": "Q", "dots_per_voter": 1000}, "dots_per_voter"),
        ({"question": "Q", "dots_per_voter": 2, "max_per_card": 3}, "max_per_card"),
        ({"question": "Q", "results_visibility": "never"}, "results_visibility"),
        ({"question": "Q", "duration_seconds": 1}, "duration_seconds"),
        ({"question": "Q", "cards": [999999]}, "not on this board"),
        ({"question": "Q", "anonymous": "maybe"}, "anonymous"),
        ({"question": "Q", "secret": True}, "secret"),
    ],
)
def test_bad_round_requests(api, board, facilitator, cards, body, fragment):
    """Bad round settings get a 400 naming the problem, and no round is made."""
    response = api.as_user(facilitator.user).post(f"/api/boards/{board.pk}/rounds/", body, format="json")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not Round.objects.exists()


def test_voting_in_draft_or_closed_round_over_api(api, board, facilitator, participant, cards):
    """Dots in a draft or closed round get a 409 with a message."""
    draft = make_round(board, facilitator, open_now=False)
    client = api.as_user(participant.user)
    response = client.post(f"/api/rounds/{draft.pk}/dots/", {"card": cards[0].pk}, format="json")
    assert response.status_code == 409
    assert "not opened" in response.json()["detail"]
    from voting import actions

    opened = actions.open_round(round_=draft, by=facilitator)
    actions.close_round(round_=opened, by=facilitator)
    response = client.post(f"/api/rounds/{draft.pk}/dots/", {"card": cards[0].pk}, format="json")
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert client.post(f"/api/rounds/{draft.pk}/close/").status_code == 403


def test_results_of_open_hidden_round_refused_open_live_provisional(api, board, facilitator, cards):
    """Open + hidden: results 403. Open + live: provisional standings. CSV waits for the close (409)."""
    client = api.as_user(facilitator.user)
    hidden = make_round(board, facilitator, results_visibility="hidden")
    assert client.get(f"/api/rounds/{hidden.pk}/results/").status_code == 403
    from voting import actions

    actions.cancel_round(round_=hidden, by=facilitator)
    live = make_round(board, facilitator, results_visibility="live")
    provisional = client.get(f"/api/rounds/{live.pk}/results/").json()
    assert provisional["order"].startswith("Provisional")
    assert client.get(f"/api/rounds/{live.pk}/results.csv").status_code == 409
