"""Notices to the whole room: a message shown as a banner on every page, or "everyone to board X"
with a link. Both are kept (the console lists the history)."""

from django.utils.translation import gettext as _

from facilitation.actions.common import locked_workspace
from facilitation.errors import FacilitationError
from facilitation.models import Notice, NoticeKind
from facilitation.selectors import notice_data
from workspace.events import record_workspace_event
from workspace.models import Board, Membership, Workspace
from workspace.ratelimit import check_rate
from workspace.roles import require
from workspace.text import clean_line
from workspace.transactions import write_transaction


def _clean(text: str | None, *, required: bool) -> str:
    text = clean_line(text)
    if required and not text:
        raise FacilitationError(_("Write the message first."))
    if len(text) > Notice.TEXT_MAX:
        raise FacilitationError(_("A notice can be at most %(max)d characters long.") % {"max": Notice.TEXT_MAX})
    return text


def _post(*, workspace: Workspace, by: Membership, kind: str, text: str, board: Board | None = None) -> Notice:
    check_rate("notice", by.pk)
    with write_transaction():
        workspace = locked_workspace(workspace.pk)
        notice = Notice.objects.create(workspace=workspace, kind=kind, text=text, board=board, author=by)
        record_workspace_event(
            workspace=workspace, type="notice.posted", payload={"notice": notice_data(notice)}, actor=by.user
        )
    return notice


def post_message(*, workspace: Workspace, by: Membership, text: str) -> Notice:
    """A facilitator's message to everyone in the workspace (a banner on every page)."""
    require(by, "facilitate")
    return _post(workspace=workspace, by=by, kind=NoticeKind.MESSAGE, text=_clean(text, required=True))


def summon_to_board(*, board: Board, by: Membership, text: str = "") -> Notice:
    """Ask everyone to come to ``board``: a notice with a link on every participant's screen."""
    require(by, "facilitate")
    if board.workspace_id != by.workspace_id:
        raise FacilitationError.not_found(_("No such board."))
    return _post(workspace=by.workspace, by=by, kind=NoticeKind.SUMMON, text=_clean(text, required=False), board=board)
