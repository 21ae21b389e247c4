"""The board's own stored copies of people's words: its replay log (events carry whole cards and
comments) and the answers kept for a retried POST. Registered with ``workspace.stored_copies``
from ``BoardsConfig.ready()``, like the apps above register theirs."""


from boards.models import BoardEvent, Card, Comment
from workspace.models import IdempotentRequest
from workspace.stored_copies import Change, rewrite_rows, without_member


def card_as_shown(card: Card) -> dict:
    from boards.selectors import card_data, removed_card_data

    return removed_card_data(card) if card.removed_at else card_data(card)


def comment_as_shown(comment: Comment) -> dict:
    from boards.selectors import comment_data

    if comment.card.removed_at is None:
        return comment_data(comment)
    return {**comment_data(comment), "state": "removed", "author": None, "body": "", "body_html": "",
            "hidden_reason": ""}  # fmt: skip


def follow_in_board_events(change: Change) -> None:
    """The replay log: a client resuming from 0 gets what it stores."""
    from boards.events import rewrite_events

    if change.card is not None:
        card = change.card
        rewrite_events(board=change.board, key="card", object_id=card.pk, value=card_as_shown(card))
        if card.removed_at:
            for comment in Comment.objects.filter(card=card).select_related("author", "card"):
                rewrite_events(board=change.board, key="comment", object_id=comment.pk, value=comment_as_shown(comment))
    if change.comment is not None:
        comment = change.comment
        rewrite_events(board=change.board, key="comment", object_id=comment.pk, value=comment_as_shown(comment))
    if change.member is not None:
        member = change.member
        forget = lambda payload: without_member(payload, member)  # noqa: E731
        rewrite_rows(BoardEvent.objects.filter(board__workspace_id=member.workspace_id), "payload", forget)


def follow_in_retry_answers(change: Change) -> None:
    """Answers kept for a retried POST (``workspace.idempotency``): a retry gets the card or comment
    as it is now, never the words it was posted with."""
    comments = [change.comment] if change.comment is not None else []
    if change.card is not None:
        rows = IdempotentRequest.objects.filter(path__regex=r"^/api/boards/\d+/cards/$", body__id=change.card.pk)
        rows.update(body=card_as_shown(change.card))
        if change.card.removed_at:  # its comments went with it
            comments = Comment.objects.filter(card=change.card).select_related("author", "card")
    for comment in comments:
        rows = IdempotentRequest.objects.filter(path__regex=r"^/api/cards/\d+/comments/$", body__id=comment.pk)
        rows.update(body=comment_as_shown(comment))


