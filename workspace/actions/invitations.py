"""Personal invitations by email: a steward pastes or uploads rows of name, email, country, role
and language, sees what will happen to each, and sends; each person gets a link for them alone, in
their language, and can be reminded, sent the link again, or have it withdrawn.

Mails leave through the outbox (``workspace.mail``).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from workspace.actions.members import _clean_country, _clean_display_name
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.mail import queue_mail
from workspace.models import Invitation, Membership, SessionState, Workspace
from workspace.roles import Role, require
from workspace.templatetags.codesign_time import day_and_time
from workspace.text import clean_text
from workspace.zones import zone_name

ROWS_MAX = 500
REMIND_AFTER = timedelta(hours=20)
COLUMNS = ("name", "email", "country", "role", "language")


@dataclass
class InvitationRow:
    """One row of a paste or upload, and what sending would do with it."""

    line: int
    name: str = ""
    email: str = ""
    country: str = ""
    role: str = Role.PARTICIPANT
    language: str = ""
    status: str = "new"  # new, member, invited, duplicate, invalid
    reason: str = ""
    raw: list = field(default_factory=list)

    @property
    def country_name(self) -> str:
        return str(countries.name(self.country)) if self.country else ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else ""

    @property
    def language_name(self) -> str:
        return dict(settings.LANGUAGES).get(self.language, "")


def _country(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if len(value) == 2:
        return _clean_country(value)
    wanted = value.casefold()
    for language in ("en", "ru", "fa-af"):
        with translation.override(language):
            for code, name in countries:
                if str(name).casefold() == wanted:
                    return code
    raise WorkspaceError(
        _("“%(value)s” is not a country we know; use its two-letter code (KG, TJ…).") % {"value": value}
    )


def _language(value: str) -> str:
    value = value.strip().lower().replace("_", "-")
    if not value:
        return ""
    known = {code: code for code, _name in settings.LANGUAGES}
    known.update({name.casefold(): code for code, name in settings.LANGUAGES})
    known.setdefault("fa", "fa-af")
    if value.casefold() in known:
        return known[value.casefold()]
    raise WorkspaceError(
        _("“%(value)s” is not a language of this site (%(known)s).")
        % {"value": value, "known": ", ".join(code for code, _n in settings.LANGUAGES)}
    )


def _role(value: str) -> str:
    value = value.strip().lower()
    if not value:
        return Role.PARTICIPANT
    for role, label in Role.choices:
        if value in (role, str(label).casefold()):
            return role
    raise WorkspaceError(_("Unknown role: %(role)s.") % {"role": value})


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise WorkspaceError(_("“%(value)s” is not an email address.") % {"value": value or "—"}) from None
    return value


def read_rows(text: str) -> list[list[str]]:
    """The rows of a CSV paste or file: commas, semicolons (a spreadsheet in Russian) or tabs (a
    paste from a spreadsheet); a header row naming the columns is skipped."""
    text = clean_text(text.lstrip("\ufeff")).strip()
    if not text:
        return []
    first = text.splitlines()[0]
    delimiter = max(("\t", ";", ","), key=first.count)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if rows and "email" in [cell.strip().lower() for cell in rows[0]]:
        rows = rows[1:]
    if len(rows) > ROWS_MAX:
        raise WorkspaceError(_("At most %(max)d people at once, please.") % {"max": ROWS_MAX})
    return rows


def preview_invitations(workspace: Workspace, text: str) -> list[InvitationRow]:
    """What sending ``text`` would do, row by row; nothing is written."""
    member_emails = {
        email.casefold()
        for email in Membership.objects.filter(workspace=workspace).values_list("user__email", flat=True)
        if email
    }
    now = timezone.now()
    pending = {
        email.casefold()
        for email in Invitation.objects.filter(workspace=workspace, revoked=False, uses=0, expires_at__gt=now)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    seen: set[str] = set()
    result = []
    for number, cells in enumerate(read_rows(text), start=1):
        cells = [cell.strip() for cell in cells] + [""] * (len(COLUMNS) - len(cells))
        row = InvitationRow(line=number, raw=cells[: len(COLUMNS)], name=cells[0], email=cells[1])
        # Each cell is read on its own, so a row with one mistake still shows its valid fields.
        mistakes = []
        if len(cells) > len(COLUMNS) and any(cells[len(COLUMNS) :]):
            mistakes.append(_("Too many columns: name, email, country, role, language."))
        for column, read in (
            ("name", _clean_display_name),
            ("email", _email),
            ("country", _country),
            ("role", _role),
            ("language", lambda value: _language(value) or settings.LANGUAGE_CODE),
        ):
            try:
                setattr(row, column, read(cells[COLUMNS.index(column)]))
            except WorkspaceError as error:
                mistakes.append(str(error.message))
        if mistakes:
            row.status, row.reason = "invalid", " ".join(mistakes)
        else:
            key = row.email.casefold()
            if key in seen:
                row.status, row.reason = "duplicate", _("The same address is on an earlier row.")
            elif key in member_emails:
                row.status, row.reason = "member", _("Already a member.")
            elif key in pending:
                row.status, row.reason = "invited", _("Already invited; send the link again from the list below.")
            seen.add(key)
        result.append(row)
    return result


def _agenda_lines(workspace: Workspace) -> list[dict]:
    """The sessions still to come, each "Wednesday, 18 November, 17:00–19:00" in the workspace's
    zone and the active language (the mail's reader has not chosen a zone yet)."""
    zone = workspace.zone
    lines = []
    for session in workspace.agenda.exclude(state=SessionState.ENDED).filter(ends_at__gt=timezone.now()):
        start, end = timezone.localtime(session.starts_at, zone), timezone.localtime(session.ends_at, zone)
        until = formats.date_format(end, "H:i") if end.date() == start.date() else day_and_time(end)
        lines.append({"title": session.localized("title"), "when": f"{day_and_time(start)}–{until}"})
    return lines


def _mail_context(invitation: Invitation, base_url: str) -> dict:
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        expires = formats.date_format(timezone.localtime(invitation.expires_at, invitation.workspace.zone), "j E Y")
        workspace_name = invitation.workspace.localized("name")
        description = invitation.workspace.localized("description")
        sessions = _agenda_lines(invitation.workspace)
        time_zone = zone_name(invitation.workspace.time_zone)
    inviter = Membership.objects.filter(user=invitation.created_by, workspace=invitation.workspace).first()
    return {
        "name": invitation.name,
        "workspace_name": workspace_name,
        "description": description,
        "inviter": inviter.display_name if inviter else invitation.workspace.name,
        "link": base_url.rstrip("/") + reverse("join", args=[invitation.token]),
        "expires": expires,
        "sessions": sessions,
        "time_zone": time_zone,
    }


def _mail_invitation(invitation: Invitation, base_url: str, template: str = "invitation") -> None:
    queue_mail(
        to=invitation.email,
        template=template,
        context=_mail_context(invitation, base_url),
        language=invitation.language,
        kind=template,
        workspace=invitation.workspace,
        invitation=invitation,
    )


def invite_people(*, workspace: Workspace, by: Membership, text: str, base_url: str, days: int | None = None):
    """Create and mail a personal invitation for each "new" row of ``text`` (the others are left
    out, as the preview said); returns the invitations."""
    require(by, "invite")
    days = days or settings.INVITATION_DEFAULT_DAYS
    if not 1 <= days <= 366:
        raise WorkspaceError(_("An invitation can last at most a year."))
    rows = [row for row in preview_invitations(workspace, text) if row.status == "new"]
    expires_at = timezone.now() + timedelta(days=days)
    created = []
    with transaction.atomic():
        for row in rows:
            invitation = Invitation.objects.create(
                workspace=workspace,
                role=row.role,
                country=row.country,
                max_uses=1,
                expires_at=expires_at,
                email=row.email,
                name=row.name,
                language=row.language,
                created_by=by.user,
            )
            _mail_invitation(invitation, base_url)
            created.append(invitation)
        if created:
            audit(workspace, by, "invitation.mailed", None, {"count": len(created)})
    return created


def resend_invitation(*, invitation: Invitation, by: Membership, base_url: str) -> Invitation:
    """Mail a personal invitation's link again (e.g. after a failed delivery)."""
    require(by, "invite")
    if not invitation.email:
        raise WorkspaceError(_("This link has no address to send it to; copy it instead."))
    if invitation.unusable_reason():
        raise WorkspaceError(invitation.unusable_reason(), kind=WorkspaceError.CONFLICT)
    with transaction.atomic():
        _mail_invitation(invitation, base_url)
        audit(invitation.workspace, by, "invitation.resent", invitation, {"role": invitation.role})
    return invitation


def remind_unjoined(*, workspace: Workspace, by: Membership, base_url: str) -> int:
    """A reminder to everyone invited by email who has not joined (at most one a day each)."""
    require(by, "invite")
    now = timezone.now()
    due = Invitation.objects.filter(workspace=workspace, revoked=False, uses=0, expires_at__gt=now).exclude(email="")
    due = [i for i in due if i.reminded_at is None or i.reminded_at < now - REMIND_AFTER]
    with transaction.atomic():
        for invitation in due:
            _mail_invitation(invitation, base_url, template="reminder")
            Invitation.objects.filter(pk=invitation.pk).update(reminded_at=now)
        if due:
            audit(workspace, by, "invitation.reminded", None, {"count": len(due)})
    return len(due)


def mark_invitation_opened(*, invitation: Invitation) -> None:
    """The person opened their link (the first time counts)."""
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at=None).update(opened_at=timezone.now())
