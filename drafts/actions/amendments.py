"""Amendments: anyone proposes a change to a passage of a board's draft; the room discusses and
supports it; a facilitator accepts it (the change is applied to the draft on the server, as a
CRDT edit every open editor receives) or rejects it with a reason, or puts several to a round.

An amendment lives on a card of kind "amendment" (its author, comments and dots are the card's),
and changes only through these actions. Each records a board event (``amendment.created``,
``.updated``, ``.supported``, ``.accepted``, ``.rejected``, ``.outdated``) with the amendment as
everyone sees it (``drafts.selectors.amendment_data``). Its author withdraws it, or a facilitator
removes an abusive one (``amendment.removed``): its card is removed and its words leave the log.

The passage follows the text (``drafts.passages``). When its words are no longer those the
amendment was written against it is *outdated*: accepting it then is refused unless a facilitator
applies it anyway, having seen both; its author may refresh it against the words as they are now.
"""

import threading

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import rules as board_rules
from boards.actions import take_down_card
from boards.events import publish_draft_update, record_event
from boards.models import Board, Card, CardKind, CardStatus
from drafts import passages
from drafts.actions.editing import save_revision
from drafts.documents import DRAFT_MAX_CHARS, new_doc, replace_span, stored_updates
from drafts.models import Amendment, AmendmentState, AmendmentSupport, DraftContributor, DraftUpdate
from drafts.selectors import amendment_data
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.markdown import render_markdown
from workspace.models import Membership
from workspace.ratelimit import check_rate
from workspace.roles import require
from workspace.stored_copies import Change, follow
from workspace.text import clean_text


def _draft(board_id: int):
    parts, _ids = stored_updates(board_id)
    return new_doc(*parts)


def _clean(value, limit: int, *, strip: bool = False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WorkspaceError(_("Send text."))
    value = clean_text(value)
    if strip:
        value = value.strip()
    if len(value) > limit:
        message = _("This text is %(length)d characters long; the limit is %(limit)d.")
        raise WorkspaceError(message % {"length": len(value), "limit": limit})
    return value


def _card_body(original: str, proposed: str) -> str:
    """What the amendment's card says (in a round's results, the charter's appendix): the new words,
    or the words struck out by a deletion."""
    return proposed if proposed else f"~~{original}~~"


def _publish(board: Board, amendment: Amendment, kind: str, by: Membership | None) -> None:
    record_event(
        board=board,
        type=f"amendment.{kind}",
        payload={"amendment": amendment_data(amendment)},
        actor=by.user if by else None,
    )


def _locked_amendment(amendment: Amendment) -> Amendment:
    """The amendment, its row locked; 404 once it was removed (maybe since the caller looked it up)."""
    # Only the amendment's row is locked (PostgreSQL refuses to lock the nullable side of a join).
    rows = Amendment.objects.select_for_update(of=("self",)).select_related("card__author", "decided_by")
    amendment = rows.filter(pk=amendment.pk).first()
    if amendment is None or amendment.card.removed_at is not None:
        raise WorkspaceError.not_found(_("No such amendment."))
    return amendment


def propose_amendment(
    *, board: Board, by: Membership, original: str, proposed: str, reason: str = "", start: int | None = None
) -> Amendment:
    """A member proposes to replace the passage ``original`` (found at ``start`` in the draft as they
    saw it, or nearest to it) by ``proposed``; an empty ``proposed`` deletes it, an empty
    ``original`` inserts at ``start``."""
    require(by, "contribute")
    if not isinstance(original, str):
        raise WorkspaceError(_("Send text."))
    proposed = _clean(proposed, Amendment.WORDS_MAX)
    reason = _clean(reason, Amendment.REASON_MAX, strip=True)
    if len(original) > Amendment.WORDS_MAX:
        raise WorkspaceError(_("Select at most %(max)d characters to amend.") % {"max": Amendment.WORDS_MAX})
    if not original and not proposed:
        raise WorkspaceError(_("Select the words to change, or write the words to insert."))
    if original == proposed:
        raise WorkspaceError(_("The proposed words are the same as the passage: nothing would change."))
    if not original and start is None:
        raise WorkspaceError(_("Say where to insert the words."))
    check_rate("amendment", by.pk)
    diff = passages.word_diff(original, proposed)  # bounded, and outside the board's lock
    with transaction.atomic():
        board = board_rules.locked_board(board.pk, board_rules.AMENDMENTS)
        doc, text = _draft(board.pk)
        value = str(text)
        if not value:
            raise WorkspaceError(
                _("The draft is empty: write its first words in the draft itself, then suggest changes to them."),
                kind=WorkspaceError.CONFLICT,
                code="draft_empty",
            )
        at = passages.locate(value, original, start)
        if at is None:
            raise WorkspaceError(
                _("These words are no longer in the draft (someone changed them meanwhile). Select them again."),
                kind=WorkspaceError.CONFLICT,
                code="passage_not_found",
            )
        if len(value) - len(original) + len(proposed) > DRAFT_MAX_CHARS:
            raise WorkspaceError(_("The draft would be longer than %(max)d characters.") % {"max": DRAFT_MAX_CHARS})
        start_anchor, end_anchor = passages.Positions(doc, text).anchor(at, at + len(original))
        body = _card_body(original, proposed)
        last = Card.objects.filter(board=board).aggregate(last=Max("position"))["last"]
        card = Card.objects.create(
            board=board,
            author=by,
            kind=CardKind.AMENDMENT,
            body=body,
            body_html=render_markdown(body),
            position=(last if last is not None else -1) + 1,
        )
        number = (Amendment.objects.filter(board=board).aggregate(last=Max("number"))["last"] or 0) + 1
        amendment = Amendment.objects.create(
            board=board,
            card=card,
            number=number,
            start=start_anchor,
            end=end_anchor,
            original=original,
            proposed=proposed,
            reason=reason,
            diff=diff,
        )
        _publish(board, amendment, "created", by)
    return amendment


def update_amendment(
    *,
    amendment: Amendment,
    by: Membership,
    proposed: str | None = None,
    reason: str | None = None,
    refresh: bool = False,
) -> Amendment:
    """Its author changes the proposed words or the reason, or refreshes an outdated amendment
    against the passage's words as they are now (which it then proposes to change).

    Its earlier words and reason leave every stored copy (``workspace.stored_copies``). The new word
    diff is computed before the board is locked, against the words read then; if they changed
    before the lock was had, the change is refused (409) rather than stored with a stale diff."""
    if proposed is not None:
        proposed = _clean(proposed, Amendment.WORDS_MAX)
    if reason is not None:
        reason = _clean(reason, Amendment.REASON_MAX, strip=True)
    check_rate("edit", by.pk)
    seen = Amendment.objects.filter(pk=amendment.pk).first() or amendment
    original = passages.Positions(*_draft(seen.board_id)).words(seen.start, seen.end) if refresh else seen.original
    wording = (original, seen.proposed if proposed is None else proposed)
    diff = passages.word_diff(*wording)
    with transaction.atomic():
        board = board_rules.locked_board(amendment.board_id, board_rules.AMENDMENTS)
        amendment = _locked_amendment(amendment)
        if amendment.card.author_id != by.pk:
            raise WorkspaceError.forbidden(_("Only its author can change an amendment."))
        if amendment.state != AmendmentState.OPEN:
            raise WorkspaceError(_("This amendment was already decided."), kind=WorkspaceError.CONFLICT)
        if proposed is not None:
            amendment.proposed = proposed
        if reason is not None:
            amendment.reason = reason
        if refresh:
            amendment.original = passages.Positions(*_draft(board.pk)).words(amendment.start, amendment.end)
            amendment.outdated, amendment.current = False, ""
        if (amendment.original, amendment.proposed) != wording:
            raise WorkspaceError(
                _("The passage changed while your change was being saved. Please try again."),
                kind=WorkspaceError.CONFLICT,
                code="passage_changed",
            )
        amendment.diff = diff
        if not amendment.original and not amendment.proposed:
            raise WorkspaceError(_("The passage is gone: there is nothing left to change."))
        if amendment.original == amendment.proposed:
            raise WorkspaceError(_("The proposed words are the same as the passage: nothing would change."))
        now = timezone.now()
        amendment.updated_at = now
        amendment.save()
        card = amendment.card
        card.body = _card_body(amendment.original, amendment.proposed)
        card.body_html = render_markdown(card.body)
        card.edited_at = now
        card.save(update_fields=["body", "body_html", "edited_at"])
        _publish(board, amendment, "updated", by)
        follow(Change(board=board, card=card, amendment=amendment))
    return amendment


# Amendments whose "+1"s changed in this process since they were last announced.
_supports_changed: set[int] = set()
_supports_lock = threading.Lock()


def support_amendment(*, amendment: Amendment, by: Membership, support: bool = True) -> Amendment:
    """A member gives an amendment their "+1" (once), or takes it back. The supporter gets the
    amendment back at once; the board hears of it in the next batch (``publish_supports``), one
    ``amendment.supported`` per amendment however many people gave it a "+1" meanwhile."""
    require(by, "contribute")
    check_rate("amendment_support", by.pk)
    with transaction.atomic():
        board_rules.locked_board(amendment.board_id, board_rules.AMENDMENTS)  # "+1"s wait while voting
        amendment = _locked_amendment(amendment)
        if amendment.state != AmendmentState.OPEN:
            raise WorkspaceError(_("This amendment was already decided."), kind=WorkspaceError.CONFLICT)
        supports = AmendmentSupport.objects.filter(amendment=amendment, member=by)
        if support == supports.exists():
            return amendment  # already so: nothing changes, nothing is announced
        if support:
            try:
                with transaction.atomic():
                    AmendmentSupport.objects.create(amendment=amendment, member=by)
            except IntegrityError:
                return amendment
        else:
            supports.delete()
        amendment_id = amendment.pk
        transaction.on_commit(lambda: _mark_supports_changed(amendment_id))
    return amendment


def _mark_supports_changed(amendment_id: int) -> None:
    with _supports_lock:
        _supports_changed.add(amendment_id)


def publish_supports() -> list[int]:
    """Announce the "+1"s given in this process since the last batch: one ``amendment.supported``
    per amendment, with its supporters as they are now. Returns the amendments announced."""
    with _supports_lock:
        pending = sorted(_supports_changed)
        _supports_changed.clear()
    announced = []
    for amendment_id in pending:
        with transaction.atomic():
            live = Amendment.objects.filter(pk=amendment_id, card__removed_at=None)
            board_id = live.values_list("board_id", flat=True).first()
            if board_id is None:
                continue  # removed meanwhile
            board = board_rules.held_board(board_id)
            try:
                amendment = _locked_amendment(Amendment(pk=amendment_id))
            except WorkspaceError:
                continue  # removed while we waited for the board
            _publish(board, amendment, "supported", None)
        announced.append(amendment_id)
    return announced


def _mark_outdated(board: Board, amendment: Amendment, current: str) -> bool:
    """Mark the amendment outdated (with the words there now); True if that is news."""
    if amendment.outdated and amendment.current == current:
        return False
    amendment.outdated, amendment.current = True, current
    amendment.save(update_fields=["outdated", "current"])
    _publish(board, amendment, "outdated", None)
    # The words it held before (maybe typed and deleted again) leave the earlier events.
    follow(Change(board=board, amendment=amendment, passage_only=True))
    return True


def _open_amendments(board_id: int):
    """The board's amendments still open (neither decided nor removed)."""
    return Amendment.objects.filter(board_id=board_id, state=AmendmentState.OPEN, card__removed_at=None)


def _recheck(board: Board, positions: passages.Positions, *, skip: int | None = None) -> None:
    """Mark every open amendment of the board whose passage changed (``positions``: the draft now)."""
    for other in _open_amendments(board.pk).select_for_update(of=("self",)):
        if other.pk == skip:
            continue
        current = positions.words(other.start, other.end)
        if current != other.original:
            _mark_outdated(board, other, current)
        elif other.outdated:  # typed back as it was
            other.outdated, other.current = False, ""
            other.save(update_fields=["outdated", "current"])
            _publish(board, other, "updated", None)
            follow(Change(board=board, amendment=other, passage_only=True))


def check_amendments(*, board_id: int, draft: bytes | None = None) -> None:
    """Mark the board's open amendments whose passage changed since they were written (run from
    time to time while people type, and after every accepted amendment). ``draft``: the document
    as an editing process holds it (all it stored, as one update), read instead of every update
    stored since the last snapshot."""
    if not _open_amendments(board_id).exists():
        return
    doc_and_text = new_doc(draft) if draft is not None else _draft(board_id)
    with transaction.atomic():
        board = board_rules.held_board(board_id)
        _recheck(board, passages.Positions(*doc_and_text))


def accept_amendment(*, amendment: Amendment, by: Membership, reason: str = "", anyway: bool = False) -> Amendment:
    """A facilitator accepts an amendment: a revision of the draft is saved, then the change is
    applied on the server as one edit (stored, relayed to every editor, attributed to the
    amendment). If the passage changed since the amendment was written, it is marked outdated and
    the change is refused (409, code ``amendment_outdated``) unless ``anyway``."""
    require(by, "decide_amendments")
    reason = _clean(reason, Amendment.REASON_MAX, strip=True)
    outdated = False
    with transaction.atomic():
        board = board_rules.locked_board(amendment.board_id, board_rules.DRAFT)
        amendment = _locked_amendment(amendment)
        if amendment.state != AmendmentState.OPEN:
            raise WorkspaceError(_("This amendment was already decided."), kind=WorkspaceError.CONFLICT)
        doc, text = _draft(board.pk)
        start, end = passages.Positions(doc, text).span(amendment.start, amendment.end)
        current = str(text)[start:end]
        if current != amendment.original and not anyway:
            outdated = True
            _mark_outdated(board, amendment, current)
        else:
            save_revision(board=board, by=None, name=_("Before amendment %(number)d") % {"number": amendment.number},
                          automatic=True)  # fmt: skip
            update = replace_span(doc, text, start, end, amendment.proposed)
            if update:
                DraftUpdate.objects.create(board=board, data=update, author=by, amendment=amendment)
                DraftContributor.objects.update_or_create(
                    board=board, membership=by, defaults={"last_edit_at": timezone.now()}
                )
                transaction.on_commit(lambda: publish_draft_update(board.pk, update))
            amendment.applied_anyway = current != amendment.original
            _decide(board, amendment, by, AmendmentState.ACCEPTED, reason)
            _recheck(board, passages.Positions(doc, text), skip=amendment.pk)
    if outdated:
        raise WorkspaceError(
            _("The passage changed since this amendment was written; compare it with the words there now."),
            kind=WorkspaceError.CONFLICT,
            code="amendment_outdated",
        )
    return amendment


def reject_amendment(*, amendment: Amendment, by: Membership, reason: str) -> Amendment:
    """A facilitator rejects an amendment, with a reason everyone sees."""
    require(by, "decide_amendments")
    reason = _clean(reason, Amendment.REASON_MAX, strip=True)
    if not reason:
        raise WorkspaceError(_("Say why the amendment is rejected: everyone will read it."))
    with transaction.atomic():
        board = board_rules.locked_board(amendment.board_id, board_rules.AMENDMENTS)
        amendment = _locked_amendment(amendment)
        if amendment.state != AmendmentState.OPEN:
            raise WorkspaceError(_("This amendment was already decided."), kind=WorkspaceError.CONFLICT)
        _decide(board, amendment, by, AmendmentState.REJECTED, reason)
    return amendment


def remove_amendment(*, amendment: Amendment, by: Membership) -> None:
    """Its author withdraws an amendment, or a facilitator removes one (an abusive one: rejecting it
    would leave its words on the board). Its card goes as a removed card does: its words, author and
    comments leave the board's replay log and any round's results (which keep its dots and rank).
    One that was accepted is part of the draft: the draft is changed instead."""
    with transaction.atomic():
        board = board_rules.locked_board(amendment.board_id, board_rules.AMENDMENTS)
        amendment = _locked_amendment(amendment)
        card = amendment.card
        if card.author_id != by.pk:
            require(by, "curate_cards")
        if amendment.state == AmendmentState.ACCEPTED:
            raise WorkspaceError(
                _("This amendment was accepted: its words are in the draft now. Change the draft instead."),
                kind=WorkspaceError.CONFLICT,
            )
        amendment.original = amendment.proposed = amendment.reason = amendment.current = ""
        amendment.decision_reason, amendment.diff = "", []
        amendment.save(update_fields=["original", "proposed", "reason", "current", "decision_reason", "diff"])
        AmendmentSupport.objects.filter(amendment=amendment).delete()
        take_down_card(board, card, by)  # its events follow with its card (drafts.stored_copies)
        record_event(
            board=board,
            type="amendment.removed",
            payload={"amendment_id": amendment.pk, "card_id": card.pk},
            actor=by.user,
        )
        verb = "amendment.withdrawn" if card.author_id == by.pk else "amendment.removed"
        audit(board.workspace, by, verb, amendment, {"board": board.title, "number": amendment.number})


def _decide(board: Board, amendment: Amendment, by: Membership, state: str, reason: str) -> None:
    now = timezone.now()
    amendment.state, amendment.decided_by, amendment.decided_at = state, by, now
    amendment.decision_reason = reason
    amendment.updated_at = now
    amendment.save()
    card = amendment.card
    card.status = CardStatus.ADOPTED if state == AmendmentState.ACCEPTED else CardStatus.ARCHIVED
    card.save(update_fields=["status"])
    verb = "accepted" if state == AmendmentState.ACCEPTED else "rejected"
    _publish(board, amendment, verb, by)
    audit(board.workspace, by, f"amendment.{verb}", amendment,
          {"board": board.title, "number": amendment.number, "anyway": amendment.applied_anyway})  # fmt: skip
