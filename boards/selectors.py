"""What a board looks like to its readers: its cards, comments, presence and the snapshot a page or a
reconnecting socket starts from; other apps add their sections and panels through the registries here."""

from collections.abc import Callable

from django.utils import timezone

from boards.events import event_frame
from boards.models import Board, BoardEvent, BoardPresence, Card, Comment
from boards.rules import allowed_activities
from workspace.models import Membership, Workspace
from workspace.selectors import PRESENCE_STALE_AFTER, author_data, iso


def board_data(board: Board) -> dict:
    """A board as the API and the event stream show it."""
    return {
        "id": board.pk,
        "workspace": board.workspace.slug,
        "kind": board.kind,
        "title": board.title,
        "guiding_question": board.guiding_question,
        "translations": board.translations,
        "state": board.state,
        "allows": allowed_activities(board.state),
        "position": board.position,
    }


def workspace_boards(workspace: Workspace):
    return Board.objects.filter(workspace=workspace).select_related("workspace").order_by("position", "id")


def card_data(card: Card) -> dict:
    """A card as the API, the snapshot and the event stream show it (the same for every viewer)."""
    return {
        "id": card.pk,
        "board": card.board_id,
        "kind": card.kind,
        "author": author_data(card.author),
        "body": card.body,
        "body_html": card.body_html,
        "status": card.status,
        "group_label": card.group_label,
        "position": card.position,
        "created_at": iso(card.created_at),
        "edited_at": iso(card.edited_at),
    }


def removed_card_data(card: Card) -> dict:
    """What the log keeps of a removed card: that it was there, nothing it said or who said it."""
    return {**card_data(card), "author": None, "body": "", "body_html": "", "group_label": "", "removed": True}


def comment_state(comment: Comment) -> str:
    if comment.removed_at:
        return "removed"
    if comment.hidden_at:
        return "hidden"
    return "visible"


def comment_data(comment: Comment) -> dict:
    """A comment as everyone sees it: a removed or hidden one keeps its place but not its text, nor
    who wrote it (a comment hidden for naming someone must not point at its writer either)."""
    state = comment_state(comment)
    visible = state == "visible"
    return {
        "id": comment.pk,
        "card": comment.card_id,
        "parent": comment.parent_id,
        "author": author_data(comment.author) if visible else None,
        "state": state,
        "body": comment.body if visible else "",
        "body_html": comment.body_html if visible else "",
        "hidden_reason": comment.hidden_reason if state == "hidden" else "",
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
    }


def live_presence(board_id: int):
    """The board's presence rows that are not stale."""
    return BoardPresence.objects.filter(board_id=board_id, last_seen__gte=timezone.now() - PRESENCE_STALE_AFTER)


def board_presence(board_id: int) -> list[dict]:
    """Who is on the board now: one entry per member, however many tabs they have open.

    One query over distinct members (not over connections): a burst of connects stays cheap.
    """
    rows = Membership.objects.filter(pk__in=live_presence(board_id).values("membership_id")).values_list(
        "id", "display_name", "country"
    )
    people = [{"id": pk, "display_name": name, "country": country or None} for pk, name, country in rows]
    return sorted(people, key=lambda person: (person["display_name"].casefold(), person["id"]))


def register_snapshot_section(name: str, build: Callable[[Board], object]) -> None:
    _snapshot_sections[name] = build


def register_board_panel(template_name: str) -> None:
    if template_name not in board_panels:
        board_panels.append(template_name)


def board_state(board: Board) -> dict:
    """Everything a client needs to draw the board, and the ``seq`` it is at.

    ``seq`` is read first: the cards and comments are at least that recent. Events after ``seq``
    replace things by id, so a client that applies them to this snapshot ends where the board is.
    A fixed number of queries, whatever the number of cards and comments.
    """
    seq = board_seq(board.pk)
    cards = Card.objects.filter(board=board, removed_at=None).select_related("author").order_by("position", "id")
    comments = (
        Comment.objects.filter(card__board=board, card__removed_at=None)
        .select_related("author")
        .order_by("created_at", "id")
    )
    state = {
        "seq": seq,
        "board": board_data(board),
        "cards": [card_data(card) for card in cards],
        "comments": [comment_data(comment) for comment in comments],
        "presence": board_presence(board.pk),
    }
    for name, build in _snapshot_sections.items():
        state[name] = build(board)
    return state


def board_seq(board_id: int) -> int:
    """The sequence number of the board's last event."""
    return Board.objects.values_list("event_seq", flat=True).get(pk=board_id)


def events_after(board_id: int, after: int, *, limit: int) -> list[dict] | None:
    """The frames of the board's events after ``after``, in order; None when the client must reload
    the snapshot instead (more than ``limit`` behind, ahead of the board, or events no longer kept)."""
    current = board_seq(board_id)
    if after > current or current - after > limit:
        return None
    events = list(BoardEvent.objects.filter(board_id=board_id, seq__gt=after, seq__lte=current).order_by("seq"))
    if len(events) != current - after:
        return None
    return [event_frame(event) for event in events]


DIFF_SECONDS = 0.5


def line_diff(before: str, after: str) -> list[dict]:
    """A readable line-by-line comparison: each line same, added or removed.

    In bounded time whatever the texts (difflib's ndiff took 38 s on 1,600 similar lines):
    diff-match-patch over whole lines, with a deadline past which it settles for a coarser (still
    correct) comparison.
    """
    from diff_match_patch import diff_match_patch

    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_SECONDS
    chars_before, chars_after, lines = differ.diff_linesToChars(before, after)
    diffs = differ.diff_main(chars_before, chars_after, False)
    differ.diff_charsToLines(diffs, lines)
    ops = {0: "same", 1: "added", -1: "removed"}
    return [{"op": ops[op], "text": line} for op, chunk in diffs for line in chunk.splitlines()]


# Higher apps add their part of the snapshot (voting adds the open round) from AppConfig.ready().
_snapshot_sections: dict[str, Callable[[Board], object]] = {}


# ... and their own panel on the board page (a template that brings its own script).
board_panels: list[str] = []
