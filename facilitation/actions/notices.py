"""Notices to the whole room: a message shown as a banner on every page, or "everyone to board X"
with a link. Both are kept (the console lists the history); a facilitator withdraws one that should
no longer show (``notice.withdrawn``), and "everyone to board X" leaves the pages by itself after
15 minutes (``facilitation.templatetags.room.SUMMON_FRESH``, as room.js counts it)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from boards.models import Board
from facilitation.actions.common import locked_workspace
from facilitation.errors import FacilitationError
from facilitation.models import Notice, NoticeKind
from facilitation.selectors import notice_data
from workspace.audit import audit
from workspace.events import record_workspace_event
from workspace.models import Membership, Workspace
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
        audit(workspace, by, f"notice.{kind}", board, {"board": board.title} if board else {})
    return notice


def withdraw_notice(*, notice: Notice, by: Membership) -> Notice:
    """A facilitator takes a message or "everyone to board X" back: it leaves every open page."""
    require(by, "facilitate")
    if notice.workspace_id != by.workspace_id:
        raise FacilitationError.not_found(_("No such notice."))
    with write_transaction():
        workspace = locked_workspace(notice.workspace_id)
        notice = Notice.objects.select_related("board", "author", "workspace").get(pk=notice.pk)
        if notice.withdrawn_at is not None:
            raise FacilitationError(_("This notice was already withdrawn."), kind=FacilitationError.CONFLICT)
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at"])
        record_workspace_event(
            workspace=workspace, type="notice.withdrawn", payload={"notice_id": notice.pk}, actor=by.user
        )
        audit(workspace, by, "notice.withdrawn", notice.board, {"kind": notice.kind})
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
