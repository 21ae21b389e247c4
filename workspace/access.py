"""One access helper per noun: return the thing for this user, or raise.

Something that does not exist and something the user may not see raise the same 404-kind error
with the same words ("No such card.", whether the card is missing or on another workspace's board),
so a stranger cannot tell a workspace, board, card or comment exists.
"""

from django.utils.translation import gettext_lazy as _

from workspace.errors import WorkspaceError
from workspace.models import Membership


def as_id(value) -> int:
    """A client's id as an int; anything else is 0, which matches nothing."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def access_workspace(user, slug: str) -> Membership:
    """The user's membership of the workspace ``slug``."""
    if user is None or not user.is_authenticated:
        raise WorkspaceError.not_found(_("No such workspace."))
    try:
        return Membership.objects.select_related("workspace", "user").get(user=user, workspace__slug=slug)
    except Membership.DoesNotExist:
        raise WorkspaceError.not_found(_("No such workspace.")) from None


