"""Who may reach a board, a card or a comment: each answers the object and the viewer's membership, or the
same 404 a stranger gets for something that does not exist."""

from django.utils.translation import gettext_lazy as _

from boards.models import Board, Card, Comment
from workspace.access import as_id
from workspace.errors import WorkspaceError
from workspace.models import Membership


def access_board(user, board_id, *, missing=None) -> tuple[Board, Membership]:
    """The board ``board_id`` and the user's membership of its workspace.

    ``missing`` is the message when there is no such board for this user: a caller that looked up
    something on the board (a card, a round) passes its own "No such …", so that a foreign thing
    and a missing one read the same. Actions that change a board lock its row themselves, inside
    their own transaction.
    """
    not_found = WorkspaceError.not_found(missing or _("No such board."))
    if user is None or not user.is_authenticated:
        raise not_found
    board_id = as_id(board_id)
    board = Board.objects.select_related("workspace").filter(pk=board_id).first()
    if board is None:
        raise not_found
    return board, member_of_board(user, board, missing=missing)


def members_on_board(users, board_id: int) -> dict[int, Membership]:
    """user id -> membership of the workspace of board ``board_id``, for those of ``users`` who are
    members, in one query (no board read): for a board socket, which read the board when it
    connected and checks that each frame's sender is still a member."""
    ids = {user.pk for user in users if user is not None and user.is_authenticated}
    return {member.user_id: member for member in Membership.objects.filter(user__in=ids, workspace__boards=board_id)}


def member_of_board(user, board: Board, *, missing=None) -> Membership:
    """The user's membership of the workspace of ``board`` (a board read with its workspace), or
    the 404 of ``access_board``: for a caller that read the board with what it looked up."""
    membership = None
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(user=user, workspace_id=board.workspace_id).first()
    if membership is None:
        raise WorkspaceError.not_found(missing or _("No such board."))
    membership.workspace = board.workspace
    return membership


def access_card(user, card_id) -> tuple[Card, Membership]:
    """A card that is still on its board, and the user's membership of its workspace."""
    missing = _("No such card.")
    card = Card.objects.select_related("author").filter(pk=as_id(card_id), removed_at=None).first()
    if card is None:
        raise WorkspaceError.not_found(missing)
    board, membership = access_board(user, card.board_id, missing=missing)
    card.board = board
    return card, membership


def access_comment(user, comment_id) -> tuple[Comment, Membership]:
    """A comment on a card that is still on its board, and the user's membership."""
    missing = _("No such comment.")
    comment = Comment.objects.select_related("author", "card").filter(pk=as_id(comment_id)).first()
    if comment is None or comment.card.removed_at is not None:
        raise WorkspaceError.not_found(missing)
    board, membership = access_board(user, comment.card.board_id, missing=missing)
    comment.card.board = board
    return comment, membership


