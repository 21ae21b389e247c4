"""Boards: their title, guiding question, state (open, voting, locked) and order.

Every change records a board event (``workspace.events``) so that everyone watching sees it.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from boards.events import record_event
from boards.models import BOARD_TEXTS, Board, BoardKind, BoardState
from boards.rules import LOCK, check, held_board, held_boards
from boards.selectors import board_data
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.models import Membership, Workspace
from workspace.roles import require
from workspace.translations import clean_one, merged_translations

# Boards ---------------------------------------------------------------------------------------

BOARD_FIELDS = ("title", "guiding_question", "state", "position", "translations")
POSITION_MAX = 10_000
CHARTER_BOARDS = [BoardKind.CONCEPT, BoardKind.MISSION, BoardKind.VISION, BoardKind.PRIORITIES]


def create_charter_boards(workspace: Workspace, *, board_questions: dict[str, tuple]) -> None:
    """A new workspace's four charter boards (Concept, Mission, Vision, Priority areas, in that
    order), made inside ``workspace.actions.create_workspace``'s transaction (its setup hook).
    ``board_questions`` maps a board kind to (title, guiding question[, their translations]); kinds
    it leaves out get their default title and no question."""
    for position, kind in enumerate(CHARTER_BOARDS):
        title, question, *given = board_questions.get(kind, (BoardKind(kind).label, ""))
        Board.objects.create(
            workspace=workspace,
            kind=kind,
            title=title,
            guiding_question=question,
            position=position,
            translations=merged_translations({}, given[0] if given else {}, BOARD_TEXTS),
        )


def hold_workspace_boards(workspace_id: int) -> list[Board]:
    """Every board of the workspace, held (in one order, as for a change on each: draft edits go
    on) until the transaction ends: no board event commits and no round opens meanwhile."""
    return list(held_boards(workspace_id))


def voting_boards(workspace_id: int, *, hold: bool = False) -> list[str]:
    """The titles of the workspace's boards where a round is open (a member's country waits for
    them); with ``hold``, the boards are held so that none starts voting before this transaction ends."""
    boards = held_boards(workspace_id) if hold else Board.objects.filter(workspace_id=workspace_id)
    return [board.title for board in boards if board.state == BoardState.VOTING]


def _clean_board_text(title: str | None, guiding_question: str | None) -> dict:
    """The board's own texts, cleaned and limited as their translations are (``BOARD_TEXTS``)."""
    changes = {}
    if title is not None:
        title = clean_one(title, BOARD_TEXTS["title"], label=_("The title"))
        if not title:
            raise WorkspaceError(_("A board needs a title."))
        changes["title"] = title
    if guiding_question is not None:
        changes["guiding_question"] = clean_one(
            guiding_question, BOARD_TEXTS["guiding_question"], label=_("Guiding question")
        )
    return changes


def create_board(*, workspace: Workspace, by: Membership, title: str, guiding_question: str = "") -> Board:
    """A facilitator or steward adds a custom board after the existing ones."""
    require(by, "manage_boards")
    fields = _clean_board_text(title, guiding_question or "")
    with transaction.atomic():
        last = Board.objects.filter(workspace=workspace).aggregate(last=Max("position"))["last"]
        board = Board.objects.create(
            workspace=workspace, kind=BoardKind.CUSTOM, position=0 if last is None else last + 1, **fields
        )
        record_event(board=board, type="board.created", payload={"board": board_data(board)}, actor=by.user)
        audit(workspace, by, "board.created", board)
    return board


def update_board(
    *,
    board: Board,
    by: Membership,
    title: str | None = None,
    guiding_question: str | None = None,
    state: str | None = None,
    position: int | None = None,
    translations: dict | None = None,
) -> Board:
    """A facilitator or steward renames, re-asks, locks/unlocks or moves a board, or gives its title
    and guiding question in other languages (``{"ru": {"title": …}}``; an empty text removes one).

    Only what is given changes; a call that changes nothing records no event.
    """
    require(by, "manage_boards")
    changes = _clean_board_text(title, guiding_question)
    if state is not None:
        if state not in BoardState.values:
            raise WorkspaceError(_("Unknown board state: %(state)s.") % {"state": state})
        if state == BoardState.VOTING:
            raise WorkspaceError(_("A board enters voting when a facilitator opens a round on it."))
        changes["state"] = state
    if position is not None:
        if not 0 <= position <= POSITION_MAX:
            raise WorkspaceError(_("A board position is a whole number from 0 to 10000."))
        changes["position"] = position
    with transaction.atomic():
        board = held_board(board.pk, state_change=state is not None)
        if translations is not None:
            changes["translations"] = merged_translations(board.translations, translations, BOARD_TEXTS)
        changed = {name: value for name, value in changes.items() if getattr(board, name) != value}
        if not changed:
            return board
        if "state" in changed:
            check(board, LOCK)  # not while a round runs (the table in boards.rules)
        for name, value in changed.items():
            setattr(board, name, value)
        board.save(update_fields=list(changed))
        record_event(
            board=board,
            type="board.updated",
            payload={"board": board_data(board), "changed": sorted(changed)},
            actor=by.user,
        )
        audit(board.workspace, by, "board.updated", board, {"changed": sorted(changed), "state": board.state})
    return board


def set_board_voting(*, board: Board, voting: bool, actor=None) -> Board:
    """Put a board into the voting state or back to open, with its board.updated event.

    For the voting app, which calls it when a round opens and ends, inside its own transaction
    and holding ``board`` locked (``select_for_update``).
    """
    state = BoardState.VOTING if voting else BoardState.OPEN
    if board.state == state:
        return board
    board.state = state
    board.save(update_fields=["state"])
    record_event(
        board=board, type="board.updated", payload={"board": board_data(board), "changed": ["state"]}, actor=actor
    )
    return board
