"""Every stored copy of what people wrote and of who they are, and the one way to bring them all in
line when words are removed or edited, or a member leaves.

Words are stored more than once: the card or comment itself, the board's replay log (its events
carry whole objects), the answers kept for an ``Idempotency-Key`` retry, and, in the apps above,
frozen round results, amendments' outdated words, revisions' editors. An action that removes or
edits a text, or removes a member, calls ``follow`` once, inside its transaction and with the board
locked; ``follow`` hands the change to every stored copy registered here. The apps above register
theirs from their ``AppConfig.ready()`` (imports still look down), so a new stored copy is one
``register`` call and cannot be forgotten by the actions. ``tests/safety/test_every_copy.py`` plants
words, makes each kind of change, and reads every table and every read path for them.

Kept on purpose, and said in ``docs/design.md``: a published charter version (frozen, with a
SHA-256 readers check: the stewards publish a new one instead), and a person's own account and the
invitation a steward sent them (name and email as the steward typed them). The audit trail never
holds anyone's words; a removed member is "a former member" in it too.
"""

from collections.abc import Callable
from dataclasses import dataclass

from workspace.models import AuditEntry, IdempotentRequest, Membership, WorkspaceEvent


@dataclass(frozen=True)
class Change:
    """What the stored copies must follow. Each copy reads the objects as they are now, after the
    change: that is what it must show from then on.

    - ``card``: its text was edited, or it was removed (``removed_at`` set);
    - ``comment``: edited, removed or hidden;
    - ``amendment`` (``drafts.models.Amendment``, with its ``card``): its words or reason changed,
      or it was removed; with ``passage_only``, only what its passage says now (``current``), which
      changes while people type;
    - ``member``: a member is leaving the workspace (before the row goes): every copy then names
      them as no one, the way the board shows "a former member".
    """

    # A board, card and comment are the boards app's (``boards.models``), an amendment the drafts
    # app's: this module, below them, only carries them to the copies the apps registered.
    board: object | None = None
    card: object | None = None
    comment: object | None = None
    amendment: object | None = None
    member: Membership | None = None
    passage_only: bool = False


_copies: dict[str, Callable[[Change], None]] = {}


def register(name: str, follow_change: Callable[[Change], None]) -> None:
    """Add a stored copy: ``follow_change(change)`` brings it in line with a change."""
    _copies[name] = follow_change


def copies() -> list[str]:
    """The names of the stored copies that follow changes (for the tests and the design note)."""
    return sorted(_copies)


def follow(change: Change) -> None:
    """Bring every stored copy in line with ``change``: the one call every action makes when it
    removes or edits words, or removes a member (inside its transaction, the board locked)."""
    for follow_change in _copies.values():
        follow_change(change)


# What a copy shows of a former member ----------------------


def names(value, member: Membership) -> bool:
    """Is ``value`` the member as a copy shows one (``workspace.selectors.author_data``, a round's
    voter, a revision's editor)? Copies stored before they carried an ``id`` are matched by name."""
    if not (isinstance(value, dict) and "display_name" in value):
        return False
    for key in ("id", "member"):  # the fishbowl's speakers carry "member"
        if key in value:
            return value[key] == member.pk
    return value["display_name"] == member.display_name


def without_member(value, member: Membership):
    """``value`` (an event's payload, results, a stored answer) with every mention of the member
    taken out: a person becomes None (the board's "a former member"), and leaves the lists it was in."""
    if names(value, member):
        return None
    if isinstance(value, dict):
        return {key: without_member(item, member) for key, item in value.items()}
    if isinstance(value, list):
        return [without_member(item, member) for item in value if not names(item, member)]
    return value


# The workspace app's own copies ------------------------------------------------------------------


def rewrite_rows(rows, field: str, rewrite: Callable) -> None:
    """Store ``rewrite(row.field)`` in each of ``rows`` (a queryset) where it changes anything."""
    changed = []
    for row in rows:
        value = rewrite(getattr(row, field))
        if value != getattr(row, field):
            setattr(row, field, value)
            changed.append(row)
    if changed:
        rows.model.objects.bulk_update(changed, [field], batch_size=500)


def _follow_in_audit(change: Change) -> None:
    """The audit trail keeps what happened, and names a member who left as "a former member"
    (``workspace.audit.describe`` reads the marks)."""
    if change.member is None:
        return
    entries = AuditEntry.objects.filter(workspace_id=change.member.workspace_id)
    for entry in entries.filter(actor=change.member):
        entry.actor, entry.actor_name, entry.details = None, "", {**entry.details, "former_actor": True}
        entry.save(update_fields=["actor", "actor_name", "details"])
    for entry in entries.filter(target_type="workspace.membership", target_id=change.member.pk):
        entry.target_label, entry.details = "", {**entry.details, "former_target": True}
        entry.save(update_fields=["target_label", "details"])


def _follow_in_workspace_events(change: Change) -> None:
    """The workspace's replay log (sessions, the workspace's texts) names no former member."""
    if change.member is not None:
        forget = lambda payload: without_member(payload, change.member)  # noqa: E731
        rewrite_rows(WorkspaceEvent.objects.filter(workspace_id=change.member.workspace_id), "payload", forget)


def _follow_in_retry_answers(change: Change) -> None:
    """Answers kept for a retried POST (``workspace.idempotency``) name no former member (the
    boards app brings their cards and comments in line)."""
    if change.member is not None:
        rows = IdempotentRequest.objects.filter(user_id=change.member.user_id)
        rewrite_rows(rows, "body", lambda body: without_member(body, change.member))


register("audit trail", _follow_in_audit)
register("workspace events", _follow_in_workspace_events)
register("answers kept for retries, a former member's", _follow_in_retry_answers)
