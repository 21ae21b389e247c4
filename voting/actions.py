"""Running dot-voting rounds: set up, open, extend, close (by hand or by the timer), cancel; place
and take back dots; adopt the winners.

Every action that changes a round locks the board row first and then the round row, in that
order; a dot locks the round row only, so that the close and a last dot are serialized (whichever
commits first wins, and the other sees it) while dots do not wait for the board. Each change of the
round records a board event (``round.*``) carrying the round as everyone may see it
(``voting.selectors.round_public``), which never holds a hidden tally or an anonymous voter; dots
reach the board as batched counts (``publish_tallies``). A voter's own dots go to that voter alone,
at once: one answer per dot wherever it was placed (the HTTP response, or ``dot.done`` on the socket
that sent it), and ``round.my_dots`` to the voter's other sockets (``publish_to_member``).
"""

import operator
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boards import rules as board_rules
from boards.actions import set_board_voting, update_card
from boards.events import record_event
from boards.models import Board, Card, CardStatus
from drafts import actions as drafts
from drafts.models import Amendment
from voting.errors import VotingError
from voting.models import BUDGET_MAX, Adoption, Dot, ResultsVisibility, Round, RoundState, RoundSubject
from voting.selectors import (
    candidate_cards,
    compute_results,
    current_count,
    may_vote,
    my_dots,
    round_card_ids,
    round_public,
)
from voting.wakeup import tally_changed
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.events import publish_to_member
from workspace.models import Membership
from workspace.roles import require
from workspace.text import clean_line
from workspace.transactions import write_transaction

QUESTION_MAX = Round._meta.get_field("question").max_length
TIMER_MAX = timedelta(days=2)
# An anonymous round's count goes out only once at least this many different people changed
# their dots since the last one: what k colluders can and cannot learn from two consecutive counts
# is in docs/design.md ("Anonymity").
TALLY_BATCH_MIN_VOTERS = 5


def _locked(round_: Round, *, state_change: bool = False) -> tuple[Board, Round]:
    """The board held (for a change of its state: a round opening or ending), then the round locked."""
    board = board_rules.held_board(round_.board_id, state_change=state_change)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    round_.board = board
    return board, round_


def _announce(board: Board, round_: Round, kind: str, by: Membership | None = None, *, extended=None) -> None:
    """The board's event for a round's step, and (for every step but a tally) its audit entry:
    never a voter, so an anonymous round stays anonymous in the audit trail too."""
    record_event(board=board, type=kind, payload={"round": round_public(round_)}, actor=by.user if by else None)
    if kind != "round.updated" or extended:
        details = {"board": board.title, "anonymous": round_.anonymous, "results": round_.results_visibility}
        if extended:
            details["seconds"] = extended
        audit(board.workspace, by, "round.extended" if extended else kind, round_, details)


def _clean_cards(board: Board, card_ids, subject: str) -> list[int]:
    ids = list(dict.fromkeys(int(card_id) for card_id in card_ids))
    found = set(candidate_cards(board.pk, subject).filter(pk__in=ids).values_list("id", flat=True))
    missing = [card_id for card_id in ids if card_id not in found]
    if missing:
        if subject == RoundSubject.AMENDMENTS:
            message = _("These are not open amendments of this board: %(ids)s.")
        else:
            message = _("These cards are not on this board: %(ids)s.")
        raise VotingError(message % {"ids": ", ".join(map(str, missing))})
    return ids


def create_round(
    *,
    board: Board,
    by: Membership,
    question: str,
    dots_per_voter: int = 5,
    max_per_card: int = 3,
    results_visibility: str = ResultsVisibility.LIVE,
    anonymous: bool = True,
    facilitators_vote: bool = True,
    duration_seconds: int | None = None,
    ends_at: datetime | None = None,
    cards: list[int] | None = None,
    subject: str = RoundSubject.CARDS,
) -> Round:
    """A facilitator sets up a round (a draft, not yet open) over the board's cards or over its open
    amendments (``subject``)."""
    require(by, "run_rounds")
    if subject not in RoundSubject.values:
        raise VotingError(_("A round is over cards or over amendments."))
    question = clean_line(question)
    if not question:
        raise VotingError(_("Ask the question people vote on."))
    if len(question) > QUESTION_MAX:
        raise VotingError(_("A question can be at most %(max)d characters long.") % {"max": QUESTION_MAX})
    if not 1 <= dots_per_voter <= BUDGET_MAX:
        raise VotingError(_("Each voter gets between 1 and %(max)d dots.") % {"max": BUDGET_MAX})
    if not 1 <= max_per_card <= dots_per_voter:
        raise VotingError(_("The most dots on one card is between 1 and the dots each voter gets."))
    if results_visibility not in ResultsVisibility.values:
        raise VotingError(_("Results are either live or hidden until closed."))
    if duration_seconds is not None and ends_at is not None:
        raise VotingError(_("Give a duration or an end time, not both."))
    if duration_seconds is not None and not 10 <= duration_seconds <= TIMER_MAX.total_seconds():
        raise VotingError(_("A timer runs from 10 seconds to 2 days."))
    if ends_at is not None and not timezone.now() < ends_at <= timezone.now() + TIMER_MAX:
        raise VotingError(_("The end time must be in the future, within 2 days."))
    with transaction.atomic():
        board = board_rules.held_board(board.pk)
        chosen = _clean_cards(board, cards, subject) if cards is not None else None
        if chosen is not None and not chosen:
            raise VotingError(_("Choose at least one card, or leave the choice out to take every proposed card."))
        round_ = Round.objects.create(
            board=board,
            question=question,
            dots_per_voter=dots_per_voter,
            max_per_card=max_per_card,
            results_visibility=results_visibility,
            anonymous=anonymous,
            facilitators_vote=facilitators_vote,
            duration_seconds=duration_seconds,
            ends_at=ends_at,
            chosen_cards=chosen is not None,
            subject=subject,
            created_by=by,
        )
        if chosen:
            round_.cards.set(chosen)
        _announce(board, round_, "round.created", by)
    return round_


def open_round(*, round_: Round, by: Membership) -> Round:
    """Open a draft round: the board goes into voting and its cards freeze until the round ends."""
    require(by, "run_rounds")
    with transaction.atomic():
        board, round_ = _locked(round_, state_change=True)
        if round_.state != RoundState.DRAFT:
            raise VotingError(_("Only a draft round can be opened."), kind=VotingError.CONFLICT)
        refusal = board_rules.refusal(board.state, board_rules.OPEN_ROUND)
        if refusal is None and Round.objects.filter(board=board, state=RoundState.OPEN).exists():
            refusal = _("Another round is already open on this board.")
        if refusal:
            raise VotingError(refusal, kind=VotingError.CONFLICT)
        chosen = round_card_ids(round_)
        live = set(candidate_cards(board.pk, round_.subject).filter(pk__in=chosen).values_list("id", flat=True))
        card_ids = [card_id for card_id in chosen if card_id in live]
        if not card_ids:
            raise VotingError(_("There are no cards to vote on."), kind=VotingError.CONFLICT)
        round_.cards.set(card_ids)
        now = timezone.now()
        round_.state, round_.opened_at = RoundState.OPEN, now
        if round_.duration_seconds:
            round_.ends_at = now + timedelta(seconds=round_.duration_seconds)
        elif round_.ends_at is not None and round_.ends_at <= now:
            raise VotingError(_("The round's end time has passed; set a new one."), kind=VotingError.CONFLICT)
        round_.save(update_fields=["state", "opened_at", "ends_at"])
        set_board_voting(board=board, voting=True, actor=by.user)
        _announce(board, round_, "round.opened", by)
    return round_


def extend_round(*, round_: Round, by: Membership, seconds: int) -> Round:
    """Give an open round more time (or a timer, if it had none)."""
    require(by, "run_rounds")
    if not 10 <= seconds <= TIMER_MAX.total_seconds():
        raise VotingError(_("Extend by 10 seconds to 2 days."))
    with transaction.atomic():
        board, round_ = _locked(round_)
        if round_.state != RoundState.OPEN:
            raise VotingError(_("Only an open round can be extended."), kind=VotingError.CONFLICT)
        base = max(round_.ends_at or timezone.now(), timezone.now())
        round_.ends_at = base + timedelta(seconds=seconds)
        round_.save(update_fields=["ends_at"])
        _announce(board, round_, "round.updated", by, extended=seconds)
    return round_


def _finish(board: Board, round_: Round, *, state: str, by: Membership | None) -> Round:
    round_.state, round_.closed_at = state, timezone.now()
    round_.closed_by_timer = by is None
    if state == RoundState.CLOSED:
        round_.results = compute_results(round_)
    round_.save(update_fields=["state", "closed_at", "closed_by_timer", "results"])
    set_board_voting(board=board, voting=False, actor=by.user if by else None)
    _announce(board, round_, f"round.{state}", by)
    return round_


def close_round(*, round_: Round, by: Membership | None) -> Round:
    """Close an open round and freeze its results (``by`` None: the timer closed it).

    A dot that arrives after this commits is refused; one that committed before is counted.
    """
    if by is not None:
        require(by, "run_rounds")
    with transaction.atomic():
        board, round_ = _locked(round_, state_change=True)
        if round_.state != RoundState.OPEN:
            raise VotingError(_("This round is not open."), kind=VotingError.CONFLICT)
        return _finish(board, round_, state=RoundState.CLOSED, by=by)


def cancel_round(*, round_: Round, by: Membership) -> Round:
    """Cancel a draft or open round: its dots count for nothing and no results are kept."""
    require(by, "run_rounds")
    with transaction.atomic():
        board, round_ = _locked(round_, state_change=True)
        if round_.state not in (RoundState.DRAFT, RoundState.OPEN):
            raise VotingError(_("A closed round cannot be cancelled."), kind=VotingError.CONFLICT)
        if round_.state == RoundState.DRAFT:
            round_.state = RoundState.CANCELLED
            round_.save(update_fields=["state"])
            _announce(board, round_, "round.cancelled", by)
            return round_
        return _finish(board, round_, state=RoundState.CANCELLED, by=by)


def close_due_rounds() -> list[int]:
    """Close every open round whose timer ran out (the server's timer calls this every second).

    Safe to run in several processes at once: each round is closed once, by whoever locks it first.
    """
    closed = []
    due = Round.objects.filter(state=RoundState.OPEN, ends_at__lte=timezone.now()).values_list("id", flat=True)
    for round_id in list(due):
        try:
            close_round(round_=Round.objects.get(pk=round_id), by=None)
        except VotingError:
            continue  # another process closed it first
        closed.append(round_id)
    return closed


# Dots -----------------------------------------------------------------------------------------


# The cards of an open round never change (chosen when it opens): kept per process for the round's
# life, so a dot needs no query to check its card. Keyed by the opening too: a reopened round (or
# another test's round with the same id) is looked up afresh.
_round_cards: dict[tuple[int, object], frozenset[int]] = {}


def _cards_of_open_round(round_: Round) -> frozenset[int]:
    key = (round_.pk, round_.opened_at)
    cards = _round_cards.get(key)
    if cards is None:
        if len(_round_cards) > 256:
            _round_cards.clear()
        cards = _round_cards[key] = frozenset(round_.cards.values_list("id", flat=True))
    return cards


def _vote_checks(round_: Round, voter: Membership, card_id: int) -> None:
    if round_.state != RoundState.OPEN:
        message = {
            RoundState.DRAFT: _("This round has not opened yet."),
            RoundState.CLOSED: _("This round is closed: no more dots."),
            RoundState.CANCELLED: _("This round was cancelled."),
        }[round_.state]
        raise VotingError(message, kind=VotingError.CONFLICT, code=f"round_{round_.state}")
    if round_.ends_at is not None and round_.ends_at <= timezone.now():
        raise VotingError(_("Time is up: this round is closing."), kind=VotingError.CONFLICT, code="round_closed")
    if not may_vote(round_, voter):
        raise VotingError.forbidden(_("In this round only participants vote."))
    if card_id not in _cards_of_open_round(round_):
        raise VotingError(_("This card is not in the round."))


@dataclass(frozen=True)
class DotClick:
    """One click of a voter: put a dot on ``card_id`` (``op`` "place") or take one back ("remove").

    ``round_`` is read again, locked, by ``pk`` and ``board_id`` only: a caller may name a round it
    has not read (the board socket: ``Round(pk=..., board_id=...)``), and a round that is not on
    that board is "No such round.". ``sender`` is the channel name of the socket that sent the
    click, if one did: the voter's other sockets get ``round.my_dots``, that one does not (it has
    the answer). ``language``: the one the click's refusal is written in (the caller's by default).
    """

    round_: Round
    voter: Membership
    card_id: int
    op: str = "place"
    sender: str | None = None
    language: str | None = None


def click_dots(clicks: list[DotClick]) -> list[dict | WorkspaceError]:
    """Place and take back dots, in order, in one transaction; each click is answered on its own:
    with the voter's dots (``my_dots``) or with the ``VotingError`` that refused it (no dots left,
    the card's cap, a closed round...), which does not stop the others.

    One transaction for many clicks is what lets a room vote at once: the board socket hands over
    every click that arrived while the last ones were stored (``boards.consumers.board_frame``), and
    they cost one lock of each round, one read of their voters' dots, one insert, one update of the
    round's count of changes, one commit, instead of all of that per dot. The board hears the new
    counts in the next batch (``publish_tallies``); the database refuses a dot over the budget or
    the cap too, whatever the concurrency.
    """
    answers: list[dict | WorkspaceError | None] = [None] * len(clicks)
    for n, click in enumerate(clicks):
        with translation.override(click.language) if click.language else nullcontext():
            try:
                require(click.voter, "vote")
            except WorkspaceError as error:
                answers[n] = error
    todo = [n for n, answer in enumerate(answers) if answer is None]
    if not todo:
        return answers
    try:
        with write_transaction():
            rounds = _locked_rounds({(clicks[n].round_.pk, clicks[n].round_.board_id) for n in todo})
            dots = _voters_dots(rounds, {clicks[n].voter.pk for n in todo})
            before = {key: list(held) for key, held in dots.items()}
            changed: dict[int, list[tuple[int, int, int]]] = {}  # round -> (voter, card, +1/-1)
            for n in todo:
                click = clicks[n]
                with translation.override(click.language) if click.language else nullcontext():
                    try:
                        round_ = rounds.get(click.round_.pk)
                        if round_ is None or round_.board_id != click.round_.board_id:
                            raise VotingError.not_found(_("No such round."))  # none of this board's
                        _vote_checks(round_, click.voter, click.card_id)
                        held = dots.setdefault((round_.pk, click.voter.pk), [])
                        (_place if click.op == "place" else _take_back)(round_, held, click.card_id)
                    except VotingError as error:
                        answers[n] = error
                        continue
                delta = 1 if click.op == "place" else -1
                changed.setdefault(round_.pk, []).append((click.voter.pk, click.card_id, delta))
                answers[n] = _tell_voter(round_, click.voter, held, click.sender)
            _store_dots(rounds, {clicks[n].voter.pk: clicks[n].voter for n in todo}, before, dots)
            for round_id, changes in changed.items():
                _count_changed(rounds[round_id], changes)
    except IntegrityError:
        # Another request of the same voter took the last slot at the same moment, or the voter was
        # removed meanwhile (the database's constraints said no): the whole batch rolled back; each
        # click is tried again on its own.
        if len(todo) == 1:
            answers[todo[0]] = _refused_by_the_database(clicks[todo[0]])
        else:
            for n in todo:
                answers[n] = click_dots([clicks[n]])[0]
    return answers


def _refused_by_the_database(click: DotClick) -> VotingError:
    with translation.override(click.language) if click.language else nullcontext():
        if not Membership.objects.filter(pk=click.voter.pk).exists():
            return VotingError.not_found(_("No such board."))  # removed while the dot was on its way
        return VotingError(_("You have no dots left for this."), kind=VotingError.CONFLICT, code="no_dots_left")


def place_dot(*, round_: Round, voter: Membership, card_id: int, sender: str | None = None) -> dict:
    """A voter puts one dot on a card of an open round; returns the voter's dots (``click_dots``).

    Refused (409) when the voter has no dots left or the card already has the most dots one voter
    may give it.
    """
    return _answer(click_dots([DotClick(round_=round_, voter=voter, card_id=card_id, sender=sender)])[0])


def remove_dot(*, round_: Round, voter: Membership, card_id: int, sender: str | None = None) -> dict:
    """A voter takes back one of their dots from a card while the round is open (``click_dots``)."""
    click = DotClick(round_=round_, voter=voter, card_id=card_id, op="remove", sender=sender)
    return _answer(click_dots([click])[0])


def _answer(answer: dict | WorkspaceError) -> dict:
    if isinstance(answer, WorkspaceError):
        raise answer
    return answer


def _locked_rounds(named: set[tuple[int, int]]) -> dict[int, Round]:
    """The rounds named by (id, board), locked (in the order of their ids, as every process locks
    them): a dot and the round's close never cross (the board is not locked: dots do not wait for
    the board, only for each other's short transaction). A round named with a board it is not on
    is neither read nor locked: a click naming another workspace's round waits for nothing there."""
    which = reduce(operator.or_, (Q(pk=round_id, board_id=board_id) for round_id, board_id in named))
    rounds = Round.objects.select_for_update().filter(which).order_by("pk")
    return {round_.pk: round_ for round_ in rounds}


def _voters_dots(rounds: dict[int, Round], voter_ids: set[int]) -> dict[tuple[int, int], list[tuple[int, int, int]]]:
    """(round, voter) -> (slot, card, card_slot) of each of the voter's dots: one query for every
    check of every click."""
    dots: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    rows = Dot.objects.filter(round__in=list(rounds), voter__in=voter_ids)
    for round_id, voter_id, slot, card, card_slot in rows.values_list("round", "voter", "slot", "card", "card_slot"):
        dots.setdefault((round_id, voter_id), []).append((slot, card, card_slot))
    return dots


def _place(round_: Round, held: list[tuple[int, int, int]], card_id: int) -> None:
    used_slots = {slot for slot, _card, _card_slot in held}
    if len(used_slots) >= round_.dots_per_voter:
        raise VotingError(_("You have no dots left."), kind=VotingError.CONFLICT, code="no_dots_left")
    card_slots = {card_slot for _slot, card, card_slot in held if card == card_id}
    if len(card_slots) >= round_.max_per_card:
        raise VotingError(
            _("You have given this card the most dots allowed (%(max)d).") % {"max": round_.max_per_card},
            kind=VotingError.CONFLICT,
            code="card_cap_reached",
        )
    slot = min(set(range(1, round_.dots_per_voter + 1)) - used_slots)
    held.append((slot, card_id, min(set(range(1, round_.max_per_card + 1)) - card_slots)))


def _take_back(round_: Round, held: list[tuple[int, int, int]], card_id: int) -> None:
    on_card = sorted((card_slot, slot) for slot, card, card_slot in held if card == card_id)
    if not on_card:
        raise VotingError(_("You have no dot on this card."), kind=VotingError.CONFLICT, code="no_dot_here")
    _card_slot, slot = on_card[-1]
    held[:] = [dot for dot in held if dot[0] != slot]


def _store_dots(rounds, voters: dict[int, Membership], before: dict, after: dict) -> None:
    """Write what the clicks changed: delete the dots that went (one query), insert the new ones
    (one query). A dot placed and taken back in the same batch is never written."""
    gone, new = [], []
    for (round_id, voter_id), held in after.items():
        was = {slot: (card, card_slot) for slot, card, card_slot in before.get((round_id, voter_id), [])}
        now = {slot: (card, card_slot) for slot, card, card_slot in held}
        dropped = [slot for slot, dot in was.items() if now.get(slot) != dot]
        if dropped:
            gone.append(Q(round_id=round_id, voter_id=voter_id, slot__in=dropped))
        round_, voter = rounds[round_id], voters[voter_id]
        new += [
            Dot(
                round=round_,
                card_id=card,
                voter=voter,
                slot=slot,
                card_slot=card_slot,
                budget=round_.dots_per_voter,
                cap=round_.max_per_card,
                voter_key=voter.pk,
                country=voter.country.code or "",
            )
            for slot, (card, card_slot) in now.items()
            if was.get(slot) != (card, card_slot)
        ]
    if gone:
        Dot.objects.filter(reduce(operator.or_, gone)).delete()
    if new:
        Dot.objects.bulk_create(new)


def _tell_voter(round_: Round, voter: Membership, dots: list[tuple[int, int, int]], sender: str | None) -> dict:
    mine = my_dots(round_, voter, per_card=Counter(card for _slot, card, _card_slot in dots))
    frame = {"type": "round.my_dots", **mine}
    transaction.on_commit(lambda: publish_to_member(voter.pk, frame, sender=sender))
    return mine


def _count_changed(round_: Round, changes: list[tuple[int, int, int]]) -> None:
    """Note that voters placed (+1) or took back (-1) dots, ``changes`` being (voter, card, ±1);
    the count reaches the board in batches (``publish_tallies``, a few times a second), never one
    frame per dot: a round opening in front of 110 voters would send every one of them a frame for
    every dot (O(N²) frames), and in an anonymous round a frame per dot would tie each change to
    whoever just clicked.

    In an anonymous round, what each voter changed since the last count is kept (``uncounted``); a
    dot placed and taken back again nets nothing and leaves no trace there, so it never helps
    complete a batch. ``round_`` is the row locked by this transaction: its ``uncounted`` is the
    latest, and no other dot or batch can write it before this one commits (in any process)."""
    update = {"dot_changes": F("dot_changes") + len(changes)}
    if round_.anonymous:
        uncounted = {key: dict(cards) for key, cards in round_.uncounted.items()}
        for voter_id, card_id, delta in changes:
            mine = uncounted.setdefault(str(voter_id), {})
            mine[str(card_id)] = mine.get(str(card_id), 0) + delta
            if not mine[str(card_id)]:
                del mine[str(card_id)]
            if not mine:
                del uncounted[str(voter_id)]
        update["uncounted"] = uncounted
    Round.objects.filter(pk=round_.pk).update(**update)
    transaction.on_commit(tally_changed)  # a quiet room hears it at once, a busy one 4 times a second


def publish_tallies(*, min_voters: int = TALLY_BATCH_MIN_VOTERS) -> list[int]:
    """Publish the count of every open round whose dots changed since its last published count:
    after any change in a named round; in an anonymous one, only once the dots of at least
    ``min_voters`` different people differ from the last count (a dot placed and taken back again
    counts for nothing, so someone's own clicks, or a few colluders', never complete a batch).
    Each process's timer calls this every ``voting.timers.TALLY_SECONDS``; a round is published
    once per batch, by whoever locks it first.
    """
    published = []
    due = Round.objects.filter(state=RoundState.OPEN, dot_changes__gt=F("published_changes"))
    for round_id, board_id, anonymous, voters in list(due.values_list("id", "board_id", "anonymous", "uncounted")):
        if anonymous and len(voters) < min_voters:
            continue  # not due: no lock taken (read again under the lock when it is)
        with transaction.atomic():
            board, round_ = _locked(Round(pk=round_id, board_id=board_id))
            if round_.state != RoundState.OPEN or round_.dot_changes <= round_.published_changes:
                continue
            if round_.anonymous:
                if len(round_.uncounted) < min_voters:
                    continue
                round_.published = current_count(round_)
                round_.uncounted = {}
            round_.published_changes = round_.dot_changes
            round_.save(update_fields=["published", "published_changes", "uncounted"])
            _announce(board, round_, "round.updated")
        published.append(round_id)
    return published


# After the vote ---------------------------------------------------------------------------------


def cards_to_adopt(
    *, round_: Round, top: int | None = None, cards: list[int] | None = None, include_unvoted: bool = False
) -> tuple[list[int], list[int]]:
    """Which cards adopting the top ``top`` (or the chosen ``cards``) of a closed round takes, in rank
    order, and which of the top ``top`` it leaves out because nobody gave them a dot.

    The top ``top`` are the cards ranked ``top`` or better, so a tie at rank ``top`` is taken whole
    ("top 3" of ranks 1, 2, 3, 3 is four cards): cutting it would pick a winner the room did not.
    A card without a dot is taken only when chosen by hand or with ``include_unvoted``.
    """
    if round_.state != RoundState.CLOSED or not round_.results:
        raise VotingError(_("Only the results of a closed round can be adopted."), kind=VotingError.CONFLICT)
    rows = round_.results["cards"]
    ranked = [row["card"] for row in rows]
    if (top is None) == (cards is None):
        raise VotingError(_("Say how many of the top cards to adopt, or which cards."))
    if cards is not None:
        unknown = [card_id for card_id in cards if card_id not in ranked]
        if unknown or not cards:
            raise VotingError(_("Choose cards that were in the round."))
        return [card_id for card_id in ranked if card_id in set(cards)], []
    if not 1 <= top <= len(ranked):
        raise VotingError(_("Adopt between 1 and %(max)d cards.") % {"max": len(ranked)})
    best = [row for row in rows if row["rank"] <= top]
    unvoted = [] if include_unvoted else [row["card"] for row in best if not row["dots"]]
    chosen = [row["card"] for row in best if row["card"] not in unvoted]
    if not chosen:
        raise VotingError(_("No card in the top %(top)d got a dot: choose the cards to adopt.") % {"top": top})
    return chosen, unvoted


def adopt_results(
    *,
    round_: Round,
    by: Membership,
    top: int | None = None,
    cards: list[int] | None = None,
    include_unvoted: bool = False,
) -> list[Card]:
    """Adopt the top ``top`` cards of a closed round (or the chosen ``cards``), in rank order, as
    ``cards_to_adopt`` says (ties at rank ``top`` included, cards without a dot only when chosen).

    They become the board's adopted cards and move to the front of the board in that order; the
    other cards keep their order after them.
    """
    require(by, "curate_cards")
    round_ = Round.objects.select_related("board__workspace").get(pk=round_.pk)
    chosen, _unvoted = cards_to_adopt(round_=round_, top=top, cards=cards, include_unvoted=include_unvoted)
    if round_.subject == RoundSubject.AMENDMENTS:
        return _apply_amendments(round_, by, chosen)
    live = {card.pk: card for card in Card.objects.filter(pk__in=chosen, removed_at=None)}
    chosen = [card_id for card_id in chosen if card_id in live]
    others = candidate_cards(round_.board_id, RoundSubject.CARDS).exclude(pk__in=chosen)
    with transaction.atomic():
        for position, card_id in enumerate(chosen):
            update_card(card=live[card_id], by=by, status=CardStatus.ADOPTED, position=position)
        audit(round_.board.workspace, by, "round.adopted", round_, {"board": round_.board.title, "cards": chosen})
        record_adoptions(round_=round_, card_ids=chosen)
        for position, card in enumerate(others.order_by("position", "id"), start=len(chosen)):
            if card.position != position:
                update_card(card=card, by=by, position=position)
    return [live[card_id] for card_id in chosen]


def record_adoptions(*, round_: Round, card_ids: list[int]) -> None:
    """Remember that ``round_`` adopted these cards (the charter shows that round's tally beside
    them); adopting them from this round again makes it their newest adoption again."""
    Adoption.objects.filter(round=round_, card_id__in=card_ids).delete()
    Adoption.objects.bulk_create([Adoption(round=round_, card_id=card_id) for card_id in card_ids])


def _apply_amendments(round_: Round, by: Membership, chosen: list[int]) -> list[Card]:
    """Accept the chosen amendments in rank order, each applied to the draft as it is after the
    ones before it. One whose passage an earlier one changed is marked outdated and left open (a
    facilitator compares and decides); the others go on."""
    live = Amendment.objects.filter(card_id__in=chosen, card__removed_at=None).select_related("card")
    amendments = {a.card_id: a for a in live}  # (one removed since the round closed is skipped)
    accepted = []
    for card_id in chosen:
        amendment = amendments.get(card_id)
        if amendment is None:
            continue
        try:
            drafts.accept_amendment(
                amendment=amendment,
                by=by,
                reason=_("Chosen in the round “%(question)s”.") % {"question": round_.question},
            )
        except WorkspaceError as error:
            if error.kind not in (WorkspaceError.CONFLICT, WorkspaceError.NOT_FOUND):
                raise
            continue  # outdated by an earlier one, decided or removed meanwhile
        accepted.append(amendment.card)
    # Only what was applied: an outdated, decided or removed amendment was chosen but not adopted.
    applied = [card.pk for card in accepted]
    audit(round_.board.workspace, by, "round.adopted", round_, {"board": round_.board.title, "cards": applied})
    return accepted
