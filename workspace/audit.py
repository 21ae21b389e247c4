"""One audit trail for a workspace: ``audit(workspace, actor, verb, target, data)`` (modelled on
pretix's ``log_action``), called inside the action's transaction, so an entry exists exactly when
the change does.

Verbs are "<thing>.<what happened>": ``member.joined``, ``member.role_changed``, ``member.removed``,
``invitation.created``, ``invitation.revoked``, ``board.updated``, ``round.opened``,
``round.closed``, ``amendment.accepted``, ``charter.published``, ``charter.exported``, …
Nothing about a single dot is ever recorded, so an anonymous round's entries carry no voter.
"""

from django.utils.translation import gettext as _
from django_countries import countries

from workspace.models import AuditEntry, Membership, Workspace
from workspace.roles import Role


def audit(workspace: Workspace, actor: Membership | None, verb: str, target=None, data: dict | None = None):
    """Record that ``actor`` (None: the system, e.g. a timer) did ``verb`` to ``target`` (a model
    instance or None) in ``workspace``, with ``data`` (JSON-serialisable details)."""
    return AuditEntry.objects.create(
        workspace_id=workspace.pk if isinstance(workspace, Workspace) else workspace,
        actor=actor,
        actor_name=_label(actor) if actor else "",
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=_label(target)[:200] if target is not None else "",
        details=data or {},
    )


def _label(obj) -> str:
    if isinstance(obj, Membership):
        return obj.display_name
    if obj._meta.label_lower == "workspace.invitation":
        return ""  # its str() carries part of its token and the role in the inviter's language
    return str(obj)


def _role(value) -> str:
    return str(Role(value).label) if value in Role.values else str(value or "")


# What the audit page says for each verb, in the reader's language: (template, the values it needs).
_SENTENCES = {
    "member.added": lambda: _("%(target)s was added as %(role)s"),
    "member.joined": lambda: _("joined as %(role)s"),
    "member.role_changed": lambda: _("changed the role of %(target)s from %(from)s to %(to)s"),
    "member.removed": lambda: _("removed %(target)s (%(role)s)"),
    "member.removed_former": lambda: _("removed a former member (%(role)s)"),  # their name is gone
    "member.country_requested": lambda: _("asked to be counted under %(country)s"),
    "member.country_confirmed": lambda: _("confirmed that %(target)s is counted under %(country)s"),
    "member.country_declined": lambda: _("declined the request of %(target)s to be counted under %(country)s"),
    "member.country_set": lambda: _("set the country of %(target)s to %(country)s"),
    "invitation.created": lambda: _("created an invitation link for %(max_uses)s people as %(role)s"),
    "invitation.revoked": lambda: _("withdrew an invitation link for %(role)s"),
    "invitation.mailed": lambda: _("invited %(count)s people by email"),
    "invitation.resent": lambda: _("sent an invitation again"),
    "invitation.reminded": lambda: _("reminded %(count)s people who had not joined"),
    "board.created": lambda: _("added the board %(target)s"),
    "board.updated": lambda: _("changed the board %(target)s"),
    "board.state": lambda: _("set the board %(target)s to “%(state)s”"),
    "round.created": lambda: _("set up a round on %(board)s: %(target)s"),
    "round.opened": lambda: _("opened a round on %(board)s: %(target)s"),
    "round.extended": lambda: _("gave a round on %(board)s more time: %(target)s"),
    "round.closed": lambda: _("closed a round on %(board)s: %(target)s"),
    "round.closed_by_timer": lambda: _("the timer closed a round on %(board)s: %(target)s"),
    "round.cancelled": lambda: _("cancelled a round on %(board)s: %(target)s"),
    "round.adopted": lambda: _("adopted the results of a round on %(board)s: %(target)s"),
    "amendment.accepted": lambda: _("accepted amendment %(number)s on %(board)s"),
    "amendment.rejected": lambda: _("rejected amendment %(number)s on %(board)s"),
    "amendment.withdrawn": lambda: _("withdrew their amendment %(number)s on %(board)s"),
    "amendment.removed": lambda: _("removed amendment %(number)s on %(board)s"),
    "notice.message": lambda: _("sent a message to everyone"),
    "notice.summon": lambda: _("asked everyone to come to %(board)s"),
    "notice.withdrawn": lambda: _("withdrew a notice to everyone"),
    "session.started": lambda: _("started the session %(target)s"),
    "session.extended": lambda: _("gave the session %(target)s more time"),
    "session.ended": lambda: _("ended the session %(target)s"),
    "session.renamed": lambda: _("renamed the session %(target)s"),
    "workspace.updated": lambda: _("changed the workspace's texts"),
    "workspace.archived": lambda: _("downloaded the whole workspace"),
    "charter.published": lambda: _("published version %(version)s of the charter"),
    "charter.exported": lambda: _("downloaded version %(version)s of the charter (%(format)s)"),
    "charter.exported_preview": lambda: _("downloaded the charter's preview (%(format)s)"),
}


# How the apps above name a value of theirs in an entry's details, from their AppConfig.ready()
# (boards: a board's state): details key -> value -> its name in the reader's language.
_detail_names: dict[str, object] = {}


def register_detail_names(key: str, name_of) -> None:
    """``name_of(value)`` is the value of ``details[key]`` as the reader reads it ("" if unknown)."""
    _detail_names[key] = name_of


def describe(entry: AuditEntry) -> str:
    """The entry as a sentence in the reader's language ("closed a round on Mission: …")."""
    verb, details = entry.verb, dict(entry.details or {})
    if verb == "board.updated" and "state" in details.get("changed", []):
        verb = "board.state"
        name_of = _detail_names.get("state")
        details["state"] = str(name_of(details["state"])) if name_of else ""
    if verb == "round.closed" and entry.actor_id is None and not entry.actor_name:
        verb = "round.closed_by_timer"
    if verb == "member.removed" and details.get("former_target"):
        verb = "member.removed_former"
    if verb == "charter.exported" and details.get("version") is None:
        verb = "charter.exported_preview"
    template = _SENTENCES.get(verb)
    if template is None:
        return entry.verb
    values = {key: value for key, value in details.items() if not isinstance(value, (list, dict))}
    for key in ("role", "from", "to"):
        if key in values:
            values[key] = _role(values[key])
    if "country" in details:
        values["country"] = str(countries.name(details["country"])) if details["country"] else _("no country")
    target = str(_("a former member")) if details.get("former_target") else entry.target_label
    values.update(target=target, format=str(details.get("format", "")).upper())
    try:
        return template() % values
    except (KeyError, TypeError, ValueError):
        return entry.verb
