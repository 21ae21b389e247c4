"""What each board state allows: the one table that cards, comments, drafts, votes and amendments
read, on the server (under the board's row lock, in the action that changes something) and in the
browser (``board_data`` sends ``allows`` with the board, so the page never re-derives it).

- open: everything: cards, comments, the draft, amendments, opening a round, locking the board;
- voting (a round is running): comments and dots only; cards, the draft and amendments wait, so
  what people vote on cannot change under them, and the board cannot be locked or unlocked (the
  round ends it: closed or cancelled);
- locked: nothing changes (the board is read-only until a facilitator unlocks it).
"""

from django.db import connection
from django.utils.translation import gettext as _

from boards.models import Board, BoardState
from workspace.errors import WorkspaceError

CARDS = "cards"  # post, edit, move, remove cards
COMMENTS = "comments"  # comment and reply, edit and remove comments
DRAFT = "draft"  # edit the shared draft, restore a revision
AMENDMENTS = "amendments"  # propose, refresh and support amendments to the draft
VOTES = "votes"  # place and take back dots (in the open round)
OPEN_ROUND = "open_round"  # a facilitator opens a round
LOCK = "lock"  # a facilitator locks or unlocks the board (sets its state by hand)

ALLOWS: dict[str, frozenset[str]] = {
    BoardState.OPEN: frozenset({CARDS, COMMENTS, DRAFT, AMENDMENTS, OPEN_ROUND, LOCK}),
    BoardState.VOTING: frozenset({COMMENTS, VOTES}),
    BoardState.LOCKED: frozenset({LOCK}),  # only unlocking it
}
ACTIVITIES = (CARDS, COMMENTS, DRAFT, AMENDMENTS, VOTES, OPEN_ROUND, LOCK)


def allows(state: str, activity: str) -> bool:
    return activity in ALLOWS.get(state, frozenset())


def allowed_activities(state: str) -> dict[str, bool]:
    """Every activity and whether the state allows it (what the page is sent with the board)."""
    return {activity: allows(state, activity) for activity in ACTIVITIES}


def refusal(state: str, activity: str) -> str | None:
    """Why the state does not allow the activity, in the reader's words; None if it does."""
    if allows(state, activity):
        return None
    if state == BoardState.LOCKED:
        return {
            DRAFT: _("This board is locked: the draft is read-only until a facilitator unlocks it."),
            AMENDMENTS: _("This board is locked: amendments wait until a facilitator unlocks it."),
            OPEN_ROUND: _("This board is locked: unlock it before opening a round."),
        }.get(activity, _("This board is locked: nothing on it can change until a facilitator unlocks it."))
    if state == BoardState.VOTING:
        return {
            DRAFT: _("A voting round is running: the draft is read-only until it closes."),
            AMENDMENTS: _("A voting round is running on this board: amendments wait until it closes."),
            OPEN_ROUND: _("Another round is already open on this board."),
            LOCK: _("A voting round is running on this board: close or cancel it first."),
        }.get(activity, _("A voting round is running on this board: cards cannot change until it closes."))
    return _("No round is open on this board.")  # votes on an open board


def check(board: Board, activity: str) -> None:
    """Raise (409, code ``board_<state>``) unless the board's state allows the activity. Call it on
    a board row locked for the transaction (``select_for_update``), so a state change waits for it."""
    message = refusal(board.state, activity)
    if message is not None:
        raise WorkspaceError(message, kind=WorkspaceError.CONFLICT, code=f"board_{board.state}")


def locked_board(board_id: int, activity: str) -> Board:
    """The board, its row held for a change on it (``held_board``), if its state allows the activity."""
    board = held_board(board_id)
    check(board, activity)
    return board


# How a transaction holds a board's row, on PostgreSQL (SQLite has one writer at a time, so a
# transaction there holds everything anyway). Three ways, so that keystrokes never queue behind
# cards, comments, events or a round's count, yet never land once the board's state changed:
# - a change on the board (a card, a comment, an event, a round): FOR NO KEY UPDATE, one at a
#   time, as the board's event numbers need;
# - a change of the board's state (voting, locked, archived: ``state_change=True``): FOR UPDATE,
#   which also waits for the draft's edits under way and holds off the next ones;
# - a draft's edits (``board_for_edits``): FOR KEY SHARE, which waits only for a change of state
#   (the same lock an insert of a row that points at the board takes).


def held_board(board_id: int, *, state_change: bool = False) -> Board:
    """The board (with its workspace, read, not locked: other boards' changes go on), its row held
    for this transaction for a change on it, or for a change of its state."""
    rows = Board.objects.select_related("workspace")
    rows = rows.select_for_update(of=("self",)) if state_change else rows.select_for_update(of=("self",), no_key=True)
    return rows.get(pk=board_id)


def held_boards(workspace_id: int):
    """Every board of a workspace, each held as ``held_board`` holds one, in one order (by id) in
    every transaction, so that two of them never wait for each other."""
    return Board.objects.filter(workspace_id=workspace_id).order_by("pk").select_for_update(no_key=True)


def board_for_edits(board_id: int) -> Board:
    """The board, held against a change of its state until this transaction ends (and read after
    any such change under way): a draft's edits check its state on it."""
    if connection.vendor != "postgresql":
        return Board.objects.get(pk=board_id)
    table = connection.ops.quote_name(Board._meta.db_table)
    board = next(iter(Board.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE", [board_id])), None)  # noqa: S608
    if board is None:
        raise Board.DoesNotExist
    return board
