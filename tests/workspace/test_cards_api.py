"""The card and comment REST endpoints: roles, retries, limits and bad input."""

import pytest

from boards.models import Board, Card, Comment
from tests.factories import make_card, make_comment, make_member, make_workspace
from workspace.models import Membership
from workspace.roles import Role

pytestmark = pytest.mark.django_db


def test_post_card(api, board, participant):
    """A member posts a card and gets it back with its rendered HTML."""
    response = api.as_user(participant.user).post(
        f"/api/boards/{board.pk}/cards/", {"body": "Open *data*"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["body_html"] == '<p dir="auto">Open <em>data</em></p>'
    assert response.json()["author"]["display_name"] == participant.display_name


def test_retry_with_idempotency_key_creates_once(api, board, participant):
    """A POST retried with the same Idempotency-Key returns the first answer and creates nothing more."""
    client = api.as_user(participant.user)
    first = client.post(f"/api/boards/{board.pk}/cards/", {"body": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"/api/boards/{board.pk}/cards/", {"body": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Card.objects.count() == 1
    other = client.post(f"/api/boards/{board.pk}/cards/", {"body": "Twice"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 201
    assert Card.objects.count() == 2


def test_idempotency_key_is_per_user(api, board, participant):
    """Two people using the same key string do not see each other's answers."""
    other = make_member(board.workspace)
    api.as_user(participant.user).post(
        f"/api/boards/{board.pk}/cards/", {"body": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    response = api.as_user(other.user).post(
        f"/api/boards/{board.pk}/cards/", {"body": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.json()["body"] == "B"
    assert Card.objects.count() == 2


def test_failed_post_does_not_burn_the_key(api, board, participant, facilitator):
    """A refused POST stores no answer, so the same key works once the board reopens."""
    from boards import actions as board_actions

    board_actions.update_board(board=board, by=facilitator, state="locked")
    client = api.as_user(participant.user)
    refused = client.post(f"/api/boards/{board.pk}/cards/", {"body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 409
    board_actions.update_board(board=board, by=facilitator, state="open")
    accepted = client.post(f"/api/boards/{board.pk}/cards/", {"body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert accepted.status_code == 201


def test_comment_retry_with_key(api, board, participant):
    """Comments honour Idempotency-Key too."""
    card = make_card(board, participant)
    client = api.as_user(participant.user)
    for _ in range(3):
        client.post(f"/api/cards/{card.pk}/comments/", {"body": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    assert Comment.objects.count() == 1


def test_posting_too_fast_gets_429_with_retry_after(api, board, participant, settings):
    """Past the per-member limit the API answers 429 with Retry-After; another member is unaffected."""
    # An hour's window: four posts never straddle two windows (a minute's did, now and then).
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "card": (3, 3600)}
    client = api.as_user(participant.user)
    statuses = [
        client.post(f"/api/boards/{board.pk}/cards/", {"body": f"{n}"}, format="json").status_code for n in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    limited = client.post(f"/api/boards/{board.pk}/cards/", {"body": "again"}, format="json")
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert "wait" in limited.json()["detail"]
    neighbour = make_member(board.workspace)
    assert (
        api.as_user(neighbour.user).post(f"/api/boards/{board.pk}/cards/", {"body": "mine"}, format="json").status_code
        == 201
    )
    assert Card.objects.count() == 4


def test_comment_flow_over_api(api, board, participant, facilitator):
    """Post, reply, edit, hide and delete comments over the API; listing shows each state."""
    card = make_card(board, participant)
    client = api.as_user(participant.user)
    top = client.post(f"/api/cards/{card.pk}/comments/", {"body": "Top"}, format="json").json()
    reply = client.post(f"/api/cards/{card.pk}/comments/", {"body": "Reply", "parent": top["id"]}, format="json").json()
    assert reply["parent"] == top["id"]
    assert client.patch(f"/api/comments/{reply['id']}/", {"body": "Reply!"}, format="json").json()["edited_at"]
    assert client.delete(f"/api/comments/{top['id']}/").status_code == 204
    hidden = api.as_user(facilitator.user).post(
        f"/api/comments/{reply['id']}/hide/", {"reason": "Duplicate"}, format="json"
    )
    assert hidden.json()["state"] == "hidden"
    listing = client.get(f"/api/cards/{card.pk}/comments/").json()
    assert [(c["state"], c["body"]) for c in listing] == [("removed", ""), ("hidden", "")]


def test_participant_cannot_hide_over_api(api, board, participant):
    """POST /hide/ by a participant is 403."""
    comment = make_comment(make_card(board, participant), participant)
    response = api.as_user(participant.user).post(f"/api/comments/{comment.pk}/hide/", {"reason": "no"}, format="json")
    assert response.status_code == 403


def test_card_patch_and_delete_over_api(api, board, participant, facilitator):
    """A facilitator adopts a card; the author deletes it; it is then gone (404)."""
    card = make_card(board, participant)
    adopted = api.as_user(facilitator.user).patch(f"/api/cards/{card.pk}/", {"status": "adopted"}, format="json")
    assert adopted.json()["status"] == "adopted"
    assert api.as_user(participant.user).delete(f"/api/cards/{card.pk}/").status_code == 204
    assert api.patch(f"/api/cards/{card.pk}/", {"body": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "fragment"),
    [
        ("post", "/api/boards/{board}/cards/", {}, 400, "body"),
        ("post", "/api/boards/{board}/cards/", {"body": ""}, 400, "body"),
        ("post", "/api/boards/{board}/cards/", {"body": "x" * 2001}, 400, "2000"),
        ("post", "/api/boards/{board}/cards/", {"body": "ok", "author": 1}, 400, "author"),
        ("post", "/api/boards/999999/cards/", {"body": "ok"}, 404, "board"),
        ("patch", "/api/cards/{card}/", {}, 400, "body"),
        ("patch", "/api/cards/{card}/", {"status": "done"}, 400, "status"),
        ("patch", "/api/cards/999999/", {"body": "x"}, 404, "card"),
        ("post", "/api/cards/{card}/comments/", {"body": "x" * 5001}, 400, "5000"),
        ("post", "/api/cards/{card}/comments/", {"body": "x", "parent": 999999}, 400, "same card"),
        ("post", "/api/cards/{card}/comments/", {"body": "x", "parent": "first"}, 400, "parent"),
        ("patch", "/api/comments/999999/", {"body": "x"}, 404, "comment"),
        ("post", "/api/comments/{comment}/hide/", {}, 400, "reason"),
    ],
)
def test_bad_input_is_a_clear_4xx(api, board, participant, facilitator, method, path, body, status, fragment):
    """Each bad request gets its status and a message naming the problem; nothing stored changes."""
    card = make_card(board, participant)
    comment = make_comment(card, participant)
    before = (list(Card.objects.values()), list(Comment.objects.values()))
    url = path.format(board=board.pk, card=card.pk, comment=comment.pk)
    response = getattr(api.as_user(facilitator.user), method)(url, body, format="json")
    assert response.status_code == status, response.content
    assert fragment in response.json()["detail"].lower()
    assert (list(Card.objects.values()), list(Comment.objects.values())) == before


def test_malformed_json_card(api, board, participant):
    """Broken JSON on card creation is a 400 and creates nothing."""
    response = api.as_user(participant.user).generic(
        "POST", f"/api/boards/{board.pk}/cards/", "{body: oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert not Card.objects.exists()


def test_cards_of_other_workspaces_unreachable(api, participant):
    """A card on a workspace you are not in answers 404 to every method."""
    other_ws = make_workspace()
    author = make_member(other_ws)
    card = make_card(Board.objects.filter(workspace=other_ws).first(), author)
    client = api.as_user(participant.user)
    assert client.patch(f"/api/cards/{card.pk}/", {"body": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/cards/{card.pk}/").status_code == 404
    assert client.get(f"/api/cards/{card.pk}/comments/").status_code == 404
    assert client.post(f"/api/cards/{card.pk}/comments/", {"body": "x"}, format="json").status_code == 404


def test_steward_removes_member_over_api(api, workspace, steward, participant, facilitator):
    """A steward removes a member (204); a facilitator may not (403)."""
    url = f"/api/workspaces/{workspace.slug}/members/{participant.pk}/"
    assert api.as_user(facilitator.user).delete(url).status_code == 403
    assert api.as_user(steward.user).delete(url).status_code == 204
    assert not Membership.objects.filter(pk=participant.pk).exists()
    assert api.as_user(participant.user).get(f"/api/workspaces/{workspace.slug}/").status_code == 404
    assert Membership.objects.filter(role=Role.STEWARD).exists()
