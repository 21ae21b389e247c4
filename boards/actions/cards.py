"""Cards and their comments: what people post on a board, and how it is edited and moderated.

Every action holds the board row locked while it writes, so the board's events are numbered in
the order the changes happened, and records one event that carries the whole card or comment as
everyone sees it (``workspace.selectors.card_data`` / ``comment_data``).

Rules: cards change only while the board is open; comments also while it is voting; nothing
changes on a locked board. Authors edit and remove their own; facilitators and stewards curate any
card and hide comments (with a reason everyone sees).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.events import record_event
from boards.models import Board, Card, CardKind, CardStatus, Comment
from boards.rules import CARDS, COMMENTS, locked_board
from boards.selectors import card_data, comment_data
from workspace.errors import WorkspaceError
from workspace.markdown import render_markdown
from workspace.models import Membership
from workspace.ratelimit import check_rate
from workspace.roles import require
from workspace.stored_copies import Change, follow
from workspace.text import clean_line, clean_text

GROUP_LABEL_MAX = Card._meta.get_field("group_label").max_length
HIDDEN_REASON_MAX = Comment._meta.get_field("hidden_reason").max_length
POSITION_MAX = 1_000_000


def _clean_body(body, limit: int) -> str:
    if not isinstance(body, str) or not body.strip():
        raise WorkspaceError(_("Please write something first."))
    body = clean_text(body).strip()
    if not body:
        raise WorkspaceError(_("Please write something first."))
    if len(body) > limit:
        raise WorkspaceError(
            _("This text is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(body), "limit": limit}
        )
    return body


def _not_an_amendment(card: Card) -> None:
    """An amendment's card changes only through the amendment (``drafts.actions``)."""
    if card.kind == CardKind.AMENDMENT:
        raise WorkspaceError(
            _("This card is an amendment: its author changes it, and a facilitator accepts or rejects it."),
            kind=WorkspaceError.CONFLICT,
            code="amendment_card",
        )


def _live_card(card_id: int) -> Card:
    card = Card.objects.select_related("author").filter(pk=card_id).first()
    if card is None or card.removed_at is not None:
        raise WorkspaceError.not_found(_("This card was removed."))
    return card


# Cards ----------------------------------------------------------------------------------------


def create_card(*, board: Board, by: Membership, body: str) -> Card:
    """A member posts an idea on an open board; it goes after the others."""
    require(by, "contribute")
    body = _clean_body(body, Card.BODY_MAX)
    check_rate("card", by.pk)
    with transaction.atomic():
        board = locked_board(board.pk, CARDS)
        last = Card.objects.filter(board=board).aggregate(last=Max("position"))["last"]
        card = Card.objects.create(
            board=board,
            author=by,
            body=body,
            body_html=render_markdown(body),
            position=0 if last is None else last + 1,
        )
        record_event(board=board, type="card.created", payload={"card": card_data(card)}, actor=by.user)
    return card


def update_card(
    *,
    card: Card,
    by: Membership,
    body: str | None = None,
    status: str | None = None,
    group_label: str | None = None,
    position: int | None = None,
) -> Card:
    """Edit a card: its author may change the text; facilitators and stewards anything.

    Only what is given changes; a call that changes nothing records nothing.
    """
    changes: dict = {}
    if body is not None:
        body = _clean_body(body, Card.BODY_MAX)
        changes.update(body=body, body_html=render_markdown(body))
    if status is not None:
        if status not in CardStatus.values:
            raise WorkspaceError(_("Unknown card status: %(status)s.") % {"status": status})
        changes["status"] = status
    if group_label is not None:
        group_label = clean_line(group_label)
        if len(group_label) > GROUP_LABEL_MAX:
            raise WorkspaceError(_("A group label can be at most %(max)d characters long.") % {"max": GROUP_LABEL_MAX})
        changes["group_label"] = group_label
    if position is not None:
        if not 0 <= position <= POSITION_MAX:
            raise WorkspaceError(_("A card position is a whole number from 0 to 1000000."))
        changes["position"] = position
    if set(changes) - {"body", "body_html"}:
        require(by, "curate_cards")
    if "body" in changes:
        check_rate("edit", by.pk)
    with transaction.atomic():
        board = locked_board(card.board_id, CARDS)
        card = _live_card(card.pk)
        _not_an_amendment(card)
        if card.author_id != by.pk:
            require(by, "curate_cards")
        changed = {name: value for name, value in changes.items() if getattr(card, name) != value}
        if not changed:
            return card
        for name, value in changed.items():
            setattr(card, name, value)
        if "body" in changed:
            card.edited_at = timezone.now()
            changed["edited_at"] = card.edited_at
        card.save(update_fields=list(changed))
        if "body" in changed:
            # Its earlier text leaves every stored copy (the latest stays in card.updated below).
            follow(Change(board=board, card=card))
        fields = sorted(set(changed) - {"body_html", "edited_at"})
        record_event(
            board=board, type="card.updated", payload={"card": card_data(card), "changed": fields}, actor=by.user
        )
    return card


def remove_card(*, card: Card, by: Membership) -> None:
    """Remove a card (its author, or a facilitator or steward). It leaves the board with its
    comments; the history keeps a "removed" event."""
    with transaction.atomic():
        board = locked_board(card.board_id, CARDS)
        card = _live_card(card.pk)
        _not_an_amendment(card)
        if card.author_id != by.pk:
            require(by, "curate_cards")
        take_down_card(board, card, by)
        record_event(board=board, type="card.removed", payload={"card_id": card.pk}, actor=by.user)


def take_down_card(board: Board, card: Card, by: Membership) -> None:
    """Mark the card removed by ``by``: its words leave the card itself and every stored copy
    (``workspace.stored_copies``: the replay log with its comments, the results of a round it was
    in, which keep its dots and rank). The caller holds the board locked and records the event
    (``remove_card`` here, ``drafts.actions.remove_amendment`` for an amendment's card)."""
    card.removed_at = timezone.now()
    card.removed_by = by
    card.body = card.body_html = card.group_label = ""
    card.save(update_fields=["removed_at", "removed_by", "body", "body_html", "group_label"])
    Comment.objects.filter(card=card).update(body="", body_html="", hidden_reason="")
    follow(Change(board=board, card=card))


# Comments -------------------------------------------------------------------------------------


def add_comment(*, card: Card, by: Membership, body: str, parent: Comment | None = None) -> Comment:
    """A member comments on a card, or replies to a comment (a reply to a reply joins its thread)."""
    require(by, "contribute")
    body = _clean_body(body, Comment.BODY_MAX)
    if parent is not None and parent.card_id != card.pk:
        raise WorkspaceError(_("You can only reply to a comment on the same card."))
    check_rate("comment", by.pk)
    with transaction.atomic():
        board = locked_board(card.board_id, COMMENTS)
        card = _live_card(card.pk)
        if parent is not None and parent.parent_id is not None:
            parent = parent.parent
        comment = Comment.objects.create(
            card=card, parent=parent, author=by, body=body, body_html=render_markdown(body)
        )
        record_event(board=board, type="comment.created", payload={"comment": comment_data(comment)}, actor=by.user)
    return comment


def _own_visible_comment(comment: Comment, by: Membership) -> Comment:
    comment = Comment.objects.select_related("author", "card").get(pk=comment.pk)
    if comment.card.removed_at is not None:
        raise WorkspaceError.not_found(_("This card was removed."))
    if comment.author_id != by.pk:
        raise WorkspaceError.forbidden(_("Only the author can change this comment."))
    if comment.removed_at or comment.hidden_at:
        raise WorkspaceError(_("This comment was removed or hidden."), kind=WorkspaceError.CONFLICT)
    return comment


def edit_comment(*, comment: Comment, by: Membership, body: str) -> Comment:
    """The author rewrites their comment; everyone sees it marked as edited."""
    body = _clean_body(body, Comment.BODY_MAX)
    check_rate("edit", by.pk)
    with transaction.atomic():
        board = locked_board(comment.card.board_id, COMMENTS)
        comment = _own_visible_comment(comment, by)
        if comment.body == body:
            return comment
        comment.body, comment.body_html, comment.edited_at = body, render_markdown(body), timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        follow(Change(board=board, comment=comment))
        record_event(board=board, type="comment.updated", payload={"comment": comment_data(comment)}, actor=by.user)
    return comment


def remove_comment(*, comment: Comment, by: Membership) -> Comment:
    """The author removes their comment: it shows as removed, and replies to it stay."""
    with transaction.atomic():
        board = locked_board(comment.card.board_id, COMMENTS)
        comment = _own_visible_comment(comment, by)
        comment.removed_at = timezone.now()
        comment.body = comment.body_html = ""
        comment.save(update_fields=["removed_at", "body", "body_html"])
        follow(Change(board=board, comment=comment))
        record_event(board=board, type="comment.removed", payload={"comment": comment_data(comment)}, actor=by.user)
    return comment


def hide_comment(*, comment: Comment, by: Membership, reason: str) -> Comment:
    """A facilitator hides a comment; everyone sees that it was hidden, and why. Its words and
    writer leave every stored copy, as a removed comment's do."""
    require(by, "moderate")
    reason = clean_line(reason)
    if not reason:
        raise WorkspaceError(_("Say why the comment is hidden; everyone will see the reason."))
    if len(reason) > HIDDEN_REASON_MAX:
        raise WorkspaceError(_("A reason can be at most %(max)d characters long.") % {"max": HIDDEN_REASON_MAX})
    with transaction.atomic():
        board = locked_board(comment.card.board_id, COMMENTS)
        comment = Comment.objects.select_related("author", "card").get(pk=comment.pk)
        if comment.card.removed_at is not None:
            raise WorkspaceError.not_found(_("This card was removed."))
        if comment.hidden_at or comment.removed_at:
            raise WorkspaceError(_("This comment is already hidden or removed."), kind=WorkspaceError.CONFLICT)
        comment.hidden_at, comment.hidden_reason, comment.hidden_by = timezone.now(), reason, by
        comment.body = comment.body_html = ""  # nobody is shown it again: it is not kept either
        comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "body", "body_html"])
        follow(Change(board=board, comment=comment))
        record_event(board=board, type="comment.hidden", payload={"comment": comment_data(comment)}, actor=by.user)
    return comment
