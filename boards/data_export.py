"""The boards' part of the data people take away (``workspace.data_export``): a member's cards and
comments, and a workspace's boards with their cards and visible comments. Apps above add to each
board here (drafts: its draft)."""

from collections.abc import Callable

from django.db.models import Prefetch

from boards.models import Board, Card, Comment
from workspace.models import Membership, Workspace
from workspace.selectors import iso

_board_sections: dict[str, Callable[[Board], object]] = {}


def register_board_section(name: str, build: Callable[[Board], object]) -> None:
    """``build(board)`` adds ``name`` to each board of a workspace's download."""
    _board_sections[name] = build


def _card(card: Card) -> dict:
    return {
        "id": card.pk,
        "board": card.board.title,
        "text": card.body,
        "status": card.status,
        "created_at": iso(card.created_at),
        "edited_at": iso(card.edited_at),
        "removed_at": iso(card.removed_at),
    }


def _comment(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "card": comment.card_id,
        "reply_to": comment.parent_id,
        "text": comment.body,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "removed_at": iso(comment.removed_at),
        "hidden_at": iso(comment.hidden_at),
    }


def member_cards(membership: Membership) -> list[dict]:
    return [_card(c) for c in Card.objects.filter(author=membership).select_related("board")]


def member_comments(membership: Membership) -> list[dict]:
    return [_comment(c) for c in Comment.objects.filter(author=membership)]


def workspace_boards(workspace: Workspace) -> list[dict]:
    boards = []
    for board in Board.objects.filter(workspace=workspace).order_by("position", "id"):
        visible = Comment.objects.filter(removed_at=None, hidden_at=None).select_related("author")
        cards = (
            Card.objects.filter(board=board, removed_at=None)
            .select_related("author", "board")
            .prefetch_related(Prefetch("comments", queryset=visible, to_attr="visible_comments"))
        )
        boards.append(
            {
                "id": board.pk,
                "kind": board.kind,
                "title": board.title,
                "guiding_question": board.guiding_question,
                "translations": board.translations,
                "state": board.state,
                **{name: build(board) for name, build in _board_sections.items()},
                "cards": [
                    {
                        **_card(card),
                        "author": card.author.display_name if card.author else None,
                        "comments": [
                            {**_comment(c), "author": c.author.display_name if c.author else None}
                            for c in card.visible_comments
                        ],
                    }
                    for card in cards
                ],
            }
        )
    return boards
