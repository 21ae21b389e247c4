"""One access helper per noun: return the thing for this user, or raise.

Something that does not exist and something the user may not see raise the same 404-kind error,
so a stranger cannot tell a workspace or board exists.
"""

from django.utils.translation import gettext_lazy as _

from workspace.errors import WorkspaceError
from workspace.models import Board, Membership


def access_workspace(user, slug: str) -> Membership:
    """The user's membership of the workspace ``slug``."""
    if user is None or not user.is_authenticated:
        raise WorkspaceError.not_found(_("No such workspace."))
    try:
        return Membership.objects.select_related("workspace", "user").get(user=user, workspace__slug=slug)
    except Membership.DoesNotExist:
        raise WorkspaceError.not_found(_("No such workspace.")) from None


def access_board(user, board_id, *, for_update: bool = False) -> tuple[Board, Membership]:
    """The board ``board_id`` and the user's membership of its workspace.

    With ``for_update`` the board row is locked until the transaction ends (call inside one).
    """
    not_found = WorkspaceError.not_found(_("No such board."))
    if user is None or not user.is_authenticated:
        raise not_found
    try:
        board_id = int(board_id)
    except (TypeError, ValueError):
        raise not_found from None
    boards = Board.objects.select_related("workspace")
    if for_update:
        boards = boards.select_for_update(of=("self",))
    board = boards.filter(pk=board_id).first()
    if board is None:
        raise not_found
    membership = Membership.objects.filter(user=user, workspace_id=board.workspace_id).first()
    if membership is None:
        raise not_found
    membership.workspace = board.workspace
    return board, membership
