"""The board snapshot: what a client loads, and how events bring it up to date."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards import actions as board_actions
from boards.events import event_frame
from boards.models import BoardEvent, Card, Comment
from boards.selectors import board_state
from tests.factories import make_card, make_comment, make_member, make_workspace
from tests.workspace.replay import apply_event

pytestmark = pytest.mark.django_db


def busy_history(board, participant, facilitator):
    """A bit of everything that can happen on a board."""
    first = make_card(board, participant, "First idea")
    second = make_card(board, facilitator, "Second idea")
    top = make_comment(first, participant, "A thought")
    reply = make_comment(first, facilitator, "A reply", parent=top)
    board_actions.update_card(card=first, by=participant, body="First idea, sharper")
    board_actions.update_card(card=second, by=facilitator, status="adopted", group_label="Research", position=0)
    board_actions.edit_comment(comment=reply, by=facilitator, body="A better reply")
    board_actions.hide_comment(comment=top, by=facilitator, reason="Personal remark")
    third = make_card(board, participant, "Third idea")
    make_comment(third, participant, "Soon gone")
    board_actions.remove_card(card=third, by=facilitator)
    late = make_comment(second, participant, "Late comment")
    board_actions.remove_comment(comment=late, by=participant)
    board_actions.update_board(board=board, by=facilitator, title="Our mission")


def test_snapshot_plus_events_equals_snapshot_now(board, participant, facilitator):
    """Replay: the snapshot at seq s with the events after s applied in order equals the snapshot now."""
    make_card(board, participant, "Before everything")
    before = board_state(board)
    busy_history(board, participant, facilitator)
    replayed = before
    for event in BoardEvent.objects.filter(board=board, seq__gt=before["seq"]).order_by("seq"):
        replayed = apply_event(replayed, event_frame(event))
    board.refresh_from_db()
    now = board_state(board)
    assert replayed["seq"] == now["seq"] == before["seq"] + 14
    assert {key: replayed[key] for key in ("board", "cards", "comments")} == {
        key: now[key] for key in ("board", "cards", "comments")
    }


def test_every_event_type_is_in_the_replay(board, participant, facilitator):
    """The replay above exercises every stored event type the board stream has."""
    busy_history(board, participant, facilitator)
    types = set(BoardEvent.objects.filter(board=board).values_list("type", flat=True))
    assert types == {
        "card.created",
        "card.updated",
        "card.removed",
        "comment.created",
        "comment.updated",
        "comment.removed",
        "comment.hidden",
        "board.updated",
    }


def test_removed_cards_and_their_comments_leave_the_snapshot(board, participant):
    """A removed card and its comments are not in the snapshot."""
    card = make_card(board, participant)
    make_comment(card, participant)
    board_actions.remove_card(card=card, by=participant)
    state = board_state(board)
    assert state["cards"] == [] and state["comments"] == []


def test_state_api(api, board, participant):
    """GET /api/boards/<id>/state/ returns cards, comments, presence and the seq it is at."""
    card = make_card(board, participant)
    make_comment(card, participant)
    response = api.as_user(participant.user).get(f"/api/boards/{board.pk}/state/")
    assert response.status_code == 200
    body = response.json()
    assert body["seq"] == 2
    assert [c["id"] for c in body["cards"]] == [card.pk]
    assert len(body["comments"]) == 1
    assert body["presence"] == []


def test_state_api_hidden_from_strangers(api, board, participant):
    """A non-member cannot read a board's state."""
    make_card(board, participant, "secret plans")
    stranger = make_member(make_workspace())
    response = api.as_user(stranger.user).get(f"/api/boards/{board.pk}/state/")
    assert response.status_code == 404
    assert "secret" not in response.text


def fill(board, participant, cards: int, comments: int):
    Card.objects.bulk_create(
        Card(board=board, author=participant, body=f"idea {n}", body_html=f"<p>idea {n}</p>", position=n)
        for n in range(cards)
    )
    card_ids = list(Card.objects.filter(board=board).values_list("id", flat=True))
    Comment.objects.bulk_create(
        Comment(card_id=card_ids[n % len(card_ids)], author=participant, body=f"c{n}", body_html=f"<p>c{n}</p>")
        for n in range(comments)
    )


def count_page_queries(client, board, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("board", args=[board.workspace.slug, board.pk]))
    assert response.status_code == 200
    return len(queries)


def test_board_page_queries_do_not_grow_with_content(client, board, participant):
    """The board page with 200 cards and 1,000 comments uses as many queries as with 2 and 5."""
    fill(board, participant, 2, 5)
    small = count_page_queries(client, board, participant.user)
    fill(board, participant, 198, 995)
    assert Card.objects.filter(board=board).count() == 200
    assert Comment.objects.count() == 1000
    large = count_page_queries(client, board, participant.user)
    assert large == small
    # the board, the room strip every workspace page carries (facilitation), the earlier rounds (voting),
    # the amendments (drafts)
    assert small <= 12 + 5 + 1 + 1
