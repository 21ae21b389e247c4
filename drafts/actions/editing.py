"""Board drafts: storing edits, compacting the log, revisions and restoring them.

An update is stored before anyone else hears of it; the log is merged into a snapshot from time to
time without losing a thing (only the rows merged are deleted). Revisions are named copies of the
markdown; restoring one is a new edit on top of the history. Drafts appear on the board stream
only as coarse events (``draft.revision_saved``, ``draft.restored``), never per keystroke.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import rules as board_rules
from boards.events import publish_draft_update, record_event
from boards.models import Board
from drafts.documents import new_doc, replace_text, stored_updates
from drafts.models import DraftContributor, DraftRevision, DraftSnapshot, DraftUpdate
from drafts.selectors import revision_data
from workspace.errors import WorkspaceError
from workspace.models import Membership
from workspace.roles import can, require
from workspace.text import clean_line, clean_text

COMPACT_AFTER_UPDATES = 500
AUTO_REVISION_EVERY = timedelta(minutes=10)
REVISION_NAME_MAX = DraftRevision._meta.get_field("name").max_length


def draft_refusal(board: Board, membership: Membership) -> str | None:
    """Why this member may not edit the board's draft now; None if they may."""
    if not can(membership.role, "contribute"):
        return _("Your role cannot edit drafts.")
    return board_rules.refusal(board.state, board_rules.DRAFT)


def store_draft_update(*, board_id: int, by: Membership, update: bytes) -> int:
    """Append an accepted update to the draft's log (the caller has checked its size); return its id.

    Refused (403/409 kinds) when the member may not edit the board now.
    """
    (result,) = store_draft_updates(board_id=board_id, updates=[(by, update)])
    if isinstance(result, str):
        raise WorkspaceError(result, kind=WorkspaceError.CONFLICT, code="draft_read_only")
    return result


def store_draft_updates(*, board_id: int, updates: list[tuple[Membership, bytes]]) -> list[int | str]:
    """Store several accepted updates in one transaction, in order (a group commit: editors typing
    at once share one transaction instead of queueing one each). For each update: the stored row's
    id, or the reason it was refused (the member may not edit the board now).
    """
    with transaction.atomic():
        # The board is held against a change of state: a round opening (or the board locking) waits
        # for this batch, and a batch that comes after it sees the new state, so no edit lands once
        # voting began; cards, comments and dots do not wait for it, nor it for them.
        board = board_rules.board_for_edits(board_id)
        results: list[int | str] = []
        rows = []
        for membership, update in updates:
            refusal = draft_refusal(board, membership)
            results.append(refusal)
            if refusal is None:
                rows.append(DraftUpdate(board=board, data=update, author=membership))
        created = iter(DraftUpdate.objects.bulk_create(rows))
        results = [next(created).pk if result is None else result for result in results]
        editors = {
            membership.pk: membership
            for (membership, _u), r in zip(updates, results, strict=True)
            if isinstance(r, int)
        }
        now = timezone.now()
        # One upsert for the batch's editors, in one order (by id) in every transaction: two
        # processes storing at once must not each hold a contributor row the other waits for
        # (PostgreSQL saw exactly that deadlock with one update per editor).
        DraftContributor.objects.bulk_create(
            [DraftContributor(board=board, membership=m, last_edit_at=now) for _pk, m in sorted(editors.items())],
            update_conflicts=True,
            unique_fields=["board", "membership"],
            update_fields=["last_edit_at"],
        )
    return results


def compact_draft(*, board_id: int) -> int:
    """Merge the stored updates into the snapshot; return how many rows were merged.

    Works from the database alone, so several processes may run it: the snapshot row is locked,
    and only rows that were read (and so merged) are deleted; one stored meanwhile stays for the
    next time.
    """
    try:
        DraftSnapshot.objects.get_or_create(board_id=board_id, defaults={"state": b""})
    except IntegrityError:
        pass  # another process made it at the same moment
    with transaction.atomic():
        snapshot = DraftSnapshot.objects.select_for_update().get(board_id=board_id)
        rows = list(DraftUpdate.objects.filter(board_id=board_id).order_by("id").values_list("id", "data"))
        if not rows:
            return 0
        doc, _text = new_doc(bytes(snapshot.state), *(bytes(data) for _id, data in rows))
        ids = [row_id for row_id, _data in rows]
        snapshot.state, snapshot.version, snapshot.updated_at = doc.get_update(), snapshot.version + 1, timezone.now()
        snapshot.save(update_fields=["state", "version", "updated_at"])
        DraftUpdate.objects.filter(board_id=board_id, id__in=ids).delete()
    return len(ids)


def _editors_since(board: Board, since) -> list[dict]:
    contributors = DraftContributor.objects.filter(board=board).select_related("membership")
    if since is not None:
        contributors = contributors.filter(last_edit_at__gt=since)
    return sorted(
        (
            {"id": c.membership_id, "display_name": c.membership.display_name,
             "country": c.membership.country.code or None}
            for c in contributors
        ),
        key=lambda person: person["display_name"].casefold(),
    )


def save_revision(*, board: Board, by: Membership | None, name: str = "", automatic: bool = False) -> DraftRevision:
    """Save the draft as it is now as the board's next numbered revision.

    ``by`` None with ``automatic``: the server's own periodic revision.
    """
    if by is not None:
        require(by, "manage_boards")
    name = clean_line(name)
    if len(name) > REVISION_NAME_MAX:
        raise WorkspaceError(_("A revision name can be at most %(max)d characters.") % {"max": REVISION_NAME_MAX})
    with transaction.atomic():
        board = board_rules.held_board(board.pk)
        parts, _ids = stored_updates(board.pk)
        _doc, text = new_doc(*parts)
        last = DraftRevision.objects.filter(board=board).order_by("-number").first()
        revision = DraftRevision.objects.create(
            board=board,
            number=(last.number if last else 0) + 1,
            name=name,
            markdown=clean_text(str(text)),
            editors=_editors_since(board, last.created_at if last else None),
            automatic=automatic,
            created_by=by,
        )
        record_event(
            board=board,
            type="draft.revision_saved",
            payload={"revision": revision_data(revision)},
            actor=by.user if by else None,
        )
    return revision


def save_revision_if_due(*, board_id: int) -> DraftRevision | None:
    """Save an automatic revision when the draft changed since the last revision and that one (or,
    before any, the oldest edit still in the log) is at least 10 minutes old."""
    board = Board.objects.select_related("workspace").get(pk=board_id)
    last_at = DraftRevision.objects.filter(board=board).aggregate(at=Max("created_at"))["at"]
    edited = DraftContributor.objects.filter(board=board)
    if last_at is not None:
        edited = edited.filter(last_edit_at__gt=last_at)
    if not edited.exists():
        return None
    reference = last_at or DraftUpdate.objects.filter(board=board).aggregate(at=Min("created_at"))["at"]
    if reference is not None and timezone.now() - reference < AUTO_REVISION_EVERY:
        return None
    return save_revision(board=board, by=None, name=_("Automatic"), automatic=True)


def restore_revision(*, board: Board, by: Membership, number: int) -> DraftRevision:
    """Make the draft's text what revision ``number`` had, as a new edit on top of the history.

    Everyone editing sees the change at once; the revisions stay as they were.
    """
    require(by, "manage_boards")
    revision = DraftRevision.objects.filter(board=board, number=number).first()
    if revision is None:
        raise WorkspaceError.not_found(_("No such revision."))
    with transaction.atomic():
        board = board_rules.held_board(board.pk)
        refusal = draft_refusal(board, by)
        if refusal:
            raise WorkspaceError(refusal, kind=WorkspaceError.CONFLICT, code="draft_read_only")
        parts, _ids = stored_updates(board.pk)
        doc, text = new_doc(*parts)
        update = replace_text(doc, text, revision.markdown)
        if update:
            row = DraftUpdate.objects.create(board=board, data=update, author=by)
            DraftContributor.objects.update_or_create(
                board=board, membership=by, defaults={"last_edit_at": row.created_at}
            )
            transaction.on_commit(lambda: publish_draft_update(board.pk, update))
        record_event(
            board=board,
            type="draft.restored",
            payload={"revision": revision_data(revision)},
            actor=by.user,
        )
    return revision
