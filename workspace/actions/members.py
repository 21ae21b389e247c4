"""Workspaces, members and invitations: who is in a workspace and with which role.

Each action checks the actor's capability and the rules, writes inside one transaction and returns
what it made. Views, the API, management commands and tests all call these; nothing else writes
these models.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.events import record_workspace_event
from workspace.models import AgendaSession, Invitation, Membership, Workspace
from workspace.roles import Role, require
from workspace.stored_copies import Change, follow
from workspace.text import clean_name, mixes_scripts, skeleton
from workspace.translations import TextField, clean_one, merged_translations

User = get_user_model()

DISPLAY_NAME_MAX = Membership._meta.get_field("display_name").max_length
INVITATION_NOTE = TextField(Invitation._meta.get_field("note").max_length)
INVITATION_USES_MAX = 1000


# Workspaces and members ---------------------------------------------------------------------

# What a workspace and an agenda session say in other languages (workspace.translations).
WORKSPACE_TEXTS = {"name": TextField(200), "description": TextField(2000, one_line=False)}
SESSION_TEXTS = {"title": TextField(AgendaSession._meta.get_field("title").max_length)}

# Higher apps set up what a new workspace has (boards: its four charter boards), from their
# AppConfig.ready(): each hook is called with (workspace, **options) inside the creation's
# transaction, ``options`` being what ``create_workspace`` was given for them.
_workspace_setup_hooks: list = []


def register_workspace_setup_hook(hook) -> None:
    if hook not in _workspace_setup_hooks:
        _workspace_setup_hooks.append(hook)


def create_workspace(
    *,
    slug: str,
    name: str,
    description: str = "",
    time_zone: str = "UTC",
    agenda: list[tuple] = (),
    board_questions: dict[str, tuple] | None = None,
    translations: dict | None = None,
) -> Workspace:
    """An operator opens a workspace with its agenda of (title, start, end) sessions and what the
    apps above set up in it (``register_workspace_setup_hook``: the boards app makes the four
    charter boards, given ``board_questions``, see ``boards.actions.create_charter_boards``). A
    session may add its texts in other languages as a last element, and ``translations`` gives the
    workspace's (workspace.translations).
    """
    workspace = Workspace(
        slug=slug,
        name=name,
        description=description,
        time_zone=time_zone,
        translations=merged_translations({}, translations or {}, WORKSPACE_TEXTS),
    )
    try:
        workspace.full_clean()
    except ValidationError as error:
        raise WorkspaceError(" ".join(error.messages)) from None
    with transaction.atomic():
        workspace.save()
        for title, starts_at, ends_at, *given in agenda:
            if ends_at <= starts_at:
                raise WorkspaceError(_("A session must end after it starts."))
            AgendaSession.objects.create(
                workspace=workspace,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                translations=merged_translations({}, given[0] if given else {}, SESSION_TEXTS),
            )
        for hook in _workspace_setup_hooks:
            hook(workspace, board_questions=board_questions or {})
    return workspace


def update_workspace(
    *,
    workspace: Workspace,
    by: Membership,
    name: str | None = None,
    description: str | None = None,
    translations: dict | None = None,
) -> Workspace:
    """A steward renames or re-describes the workspace, or gives its name and description in other
    languages (``{"ru": {"description": …}}``; an empty text removes one). Records
    ``workspace.updated`` when something changed."""
    require(by, "describe_workspace")
    changes = {}
    if name is not None:
        changes["name"] = clean_one(name, WORKSPACE_TEXTS["name"], label=_("The name"))
        if not changes["name"]:
            raise WorkspaceError(_("A workspace needs a name."))
    if description is not None:
        changes["description"] = clean_one(description, WORKSPACE_TEXTS["description"], label=_("The description"))
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if translations is not None:
            changes["translations"] = merged_translations(workspace.translations, translations, WORKSPACE_TEXTS)
        changed = {field: value for field, value in changes.items() if getattr(workspace, field) != value}
        if not changed:
            return workspace
        for field, value in changed.items():
            setattr(workspace, field, value)
        workspace.save(update_fields=list(changed))
        record_workspace_event(
            workspace=workspace,
            type="workspace.updated",
            payload={
                "workspace": {
                    "name": workspace.name,
                    "description": workspace.description,
                    "translations": workspace.translations,
                },
                "changed": sorted(changed),
            },
            actor=by.user,
        )
        audit(workspace, by, "workspace.updated", workspace, {"changed": sorted(changed)})
    return workspace


def add_member(*, workspace: Workspace, user, role: str, display_name: str, country: str = "") -> Membership:
    """An operator adds an existing account to a workspace (members normally join by invitation)."""
    if role not in Role.values:
        raise WorkspaceError(_("Unknown role: %(role)s.") % {"role": role})
    with transaction.atomic():
        if Membership.objects.filter(user=user, workspace=workspace).exists():
            raise WorkspaceError(_("This person is already a member."), kind=WorkspaceError.CONFLICT)
        membership = Membership.objects.create(
            user=user,
            workspace=workspace,
            role=role,
            display_name=_clean_display_name(display_name, workspace_id=workspace.pk),
            country=_clean_country(country),
        )
        audit(workspace, None, "member.added", membership, {"role": role})
    return membership


# Invitations ----------------------------------------------------------------------------------


def create_invitation(
    *,
    workspace: Workspace,
    by: Membership,
    role: str = Role.PARTICIPANT,
    country: str = "",
    max_uses: int = 1,
    expires_at: datetime | None = None,
    note: str = "",
) -> Invitation:
    """A steward makes a link that lets up to ``max_uses`` people join with ``role``."""
    require(by, "invite")
    if role not in Role.values:
        raise WorkspaceError(_("Unknown role: %(role)s.") % {"role": role})
    if not 1 <= max_uses <= INVITATION_USES_MAX:
        raise WorkspaceError(_("An invitation can be used between 1 and 1000 times."))
    note = clean_one(note, INVITATION_NOTE, label=_("Note for stewards"))
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=settings.INVITATION_DEFAULT_DAYS)
    if expires_at <= now:
        raise WorkspaceError(_("The expiry time must be in the future."))
    if expires_at > now + timedelta(days=366):
        raise WorkspaceError(_("An invitation can last at most a year."))
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workspace=workspace,
            role=role,
            country=_clean_country(country),
            max_uses=max_uses,
            expires_at=expires_at,
            note=note,
            created_by=by.user,
        )
        audit(workspace, by, "invitation.created", invitation, {"role": role, "max_uses": max_uses})
    return invitation


def revoke_invitation(*, invitation: Invitation, by: Membership) -> Invitation:
    """A steward withdraws a link; people who already joined stay members."""
    require(by, "invite")
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(revoked=True)
        audit(invitation.workspace, by, "invitation.revoked", invitation, {"role": invitation.role})
    invitation.revoked = True
    return invitation


def _usable_invitation(token: str) -> Invitation:
    """The invitation behind ``token``, locked for this transaction, or a 404/410-kind error."""
    token = token if token.isprintable() else ""  # no token has a control; PostgreSQL refuses a NUL
    invitation = Invitation.objects.select_for_update().select_related("workspace").filter(token=token).first()
    if invitation is None:
        raise WorkspaceError(
            _("This invitation link is not valid. Check that you copied the whole link."),
            kind=WorkspaceError.NOT_FOUND,
        )
    reason = invitation.unusable_reason()
    if reason:
        raise WorkspaceError(reason, kind=WorkspaceError.GONE, code="invitation_unusable")
    return invitation


def _clean_country(country: str | None) -> str:
    """An upper-case ISO 3166-1 alpha-2 code, or "" for none."""
    country = (country or "").strip().upper()
    if country and country not in countries:
        raise WorkspaceError(_("%(code)s is not an ISO 3166 country code.") % {"code": country})
    return country


def _clean_display_name(display_name: str, *, workspace_id: int | None = None, member_id: int | None = None) -> str:
    """The name as it will be shown (normalised, no invisible or direction characters), refused if
    it mixes look-alike letters of several scripts or looks like another member's name."""
    display_name = clean_name(display_name if isinstance(display_name, str) else "")
    if not display_name:
        raise WorkspaceError(_("Please give the name others will see."))
    if len(display_name) > DISPLAY_NAME_MAX:
        raise WorkspaceError(_("A display name can be at most %(max)d characters long.") % {"max": DISPLAY_NAME_MAX})
    if mixes_scripts(display_name):
        raise WorkspaceError(_("Please write each word of your name in one alphabet."))
    if workspace_id is not None:
        mine = skeleton(display_name)
        others = Membership.objects.filter(workspace_id=workspace_id).exclude(pk=member_id)
        if any(skeleton(name) == mine for name in others.values_list("display_name", flat=True)):
            raise WorkspaceError(
                _("Another member's name looks the same as this one; please add something to tell you apart."),
                kind=WorkspaceError.CONFLICT,
                code="name_taken",
            )
    return display_name


def _country_request(asked: str, confirmed: str) -> dict:
    """The request fields of a member who asks to be counted under ``asked`` ("" for no country)
    while ``confirmed`` is the country a steward gave them: no request when the two agree."""
    if asked == confirmed:
        return {"requested_country": "", "country_requested_at": None}
    return {"requested_country": asked, "country_requested_at": timezone.now()}


def _join(invitation: Invitation, user, display_name: str, country: str) -> Membership:
    # Only a steward puts someone in a country (docs/design.md, "Anonymity"): an invitation for one
    # person carries the country a steward gave them; what the person chose, or what a link for
    # many suggests (anyone holding it, twice if they like), waits for a steward's confirmation.
    confirmed = invitation.country.code if invitation.max_uses == 1 else ""
    asked = _clean_country(country) or invitation.country.code
    membership = Membership.objects.create(
        user=user,
        workspace=invitation.workspace,
        role=invitation.role,
        display_name=_clean_display_name(display_name, workspace_id=invitation.workspace_id),
        country=confirmed,
        **_country_request(asked, confirmed),
    )
    invitation.uses += 1
    Invitation.objects.filter(pk=invitation.pk).update(uses=invitation.uses)
    if invitation.email and not user.email:  # a personal invitation: their address, for password resets
        user.email = invitation.email
        user.save(update_fields=["email"])
    audit(
        invitation.workspace,
        membership,
        "member.joined",
        membership,
        {"role": membership.role, "invitation": invitation.pk},
    )
    if membership.country_requested_at:
        audit(invitation.workspace, membership, "member.country_requested", membership, {"country": asked})
    return membership


def accept_invitation(
    *, token: str, user, display_name: str | None = None, country: str | None = None
) -> tuple[Membership, bool]:
    """A signed-in user joins through an invitation; returns (membership, created).

    Someone who is already a member keeps their membership as it is and uses up nothing.
    """
    with transaction.atomic():
        invitations = Invitation.objects.select_related("workspace")
        invitation = invitations.filter(token=token).first() if token.isprintable() else None  # as below
        existing = Membership.objects.filter(user=user, workspace=invitation.workspace).first() if invitation else None
        if existing is not None:
            return existing, False
        invitation = _usable_invitation(token)
        if not display_name:
            other = Membership.objects.filter(user=user).order_by("-joined_at").first()
            display_name = other.display_name if other else (user.get_full_name() or user.get_username())
        if country is None:
            other = Membership.objects.filter(user=user).exclude(country="").order_by("-joined_at").first()
            country = other.country.code if other else ""
        try:
            with transaction.atomic():
                membership = _join(invitation, user, _clean_display_name(display_name), country)
        except IntegrityError:
            # The same person accepted twice at once: the first one won.
            return Membership.objects.get(user=user, workspace=invitation.workspace), False
    return membership, True


def sign_up_with_invitation(
    *, token: str, username: str, password: str, display_name: str, country: str = ""
) -> tuple[object, Membership]:
    """A new person makes an account through an invitation and joins its workspace."""
    username = (username or "").strip()
    with transaction.atomic():
        invitation = _usable_invitation(token)
        display_name = _clean_display_name(display_name)
        if not username:
            raise WorkspaceError(_("Please choose a user name to sign in with."))
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise WorkspaceError(" ".join(error.messages)) from None
        if len(username) > User._meta.get_field("username").max_length:
            raise WorkspaceError(_("That user name is too long."))
        if User.objects.filter(username__iexact=username).exists():
            raise WorkspaceError(_("That user name is taken. Choose another, or sign in if it is yours."))
        candidate = User(username=username, first_name=display_name[:150])
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise WorkspaceError(" ".join(error.messages)) from None
        candidate.set_password(password)
        candidate.save()
        membership = _join(invitation, candidate, display_name, country)
    return candidate, membership


# Higher apps tidy up after a member who is removed (the boards are held, the fishbowl frees their
# seat), from their AppConfig.ready(): each hook is called with (membership, by) inside the
# removal's transaction, before the member leaves every stored copy.
_member_removal_hooks: list = []


def register_member_removal_hook(hook) -> None:
    if hook not in _member_removal_hooks:
        _member_removal_hooks.append(hook)


# What stops a member's country from changing now, from the apps above (boards: the titles of the
# workspace's boards where a round is open): ``guard(workspace_id, hold=...)`` -> names. With
# ``hold``, inside the change's transaction, the guard also holds what it read until the change
# commits, so that nothing it names can start meanwhile.
_country_guards: list = []


def register_country_guard(guard) -> None:
    if guard not in _country_guards:
        _country_guards.append(guard)


def country_change_blockers(workspace_id: int, *, hold: bool = False) -> list[str]:
    """The names of what is voting in the workspace now: a member's country waits for them."""
    return [name for guard in _country_guards for name in guard(workspace_id, hold=hold)]


def remove_member(*, membership: Membership, by: Membership) -> None:
    """A steward removes someone from the workspace; their open connections are closed at once.

    What they wrote stays, shown as by a former member everywhere it is stored
    (``workspace.stored_copies``). The last steward cannot be removed.
    """
    from workspace.events import disconnect_member

    require(by, "manage_members")
    if membership.workspace_id != by.workspace_id:
        raise WorkspaceError.not_found(_("No such member."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            membership.role == Role.STEWARD
            and Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.STEWARD).count() == 1
        ):
            raise WorkspaceError(_("The last steward cannot be removed."), kind=WorkspaceError.CONFLICT)
        audit(membership.workspace_id, by, "member.removed", membership, {"role": membership.role})
        # The hooks run first: the boards app holds the workspace's boards (in one order), so that
        # no event naming the member commits meanwhile on PostgreSQL and escapes the rewrite.
        for hook in _member_removal_hooks:
            hook(membership, by)
        # What they wrote stays; who wrote it leaves every stored copy (the log, results, revisions).
        follow(Change(member=membership))
        membership_id = membership.pk
        membership.delete()
        transaction.on_commit(lambda: disconnect_member(membership_id))


def change_role(*, membership: Membership, by: Membership, role: str) -> Membership:
    """A steward gives a member another role. A workspace always keeps a steward: the last one
    cannot be made anything else (by themselves or anyone)."""
    require(by, "manage_members")
    if role not in Role.values:
        raise WorkspaceError(_("Unknown role: %(role)s.") % {"role": role})
    if membership.workspace_id != by.workspace_id:
        raise WorkspaceError.not_found(_("No such member."))
    with transaction.atomic():
        # Every steward row locked: two stewards demoting each other at once cannot both succeed.
        stewards = list(
            Membership.objects.select_for_update()
            .filter(workspace_id=membership.workspace_id, role=Role.STEWARD)
            .values_list("pk", flat=True)
        )
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = membership.role
        if before == role:
            return membership
        if before == Role.STEWARD and stewards == [membership.pk]:
            raise WorkspaceError(
                _("This is the workspace's last steward: make someone else a steward first."),
                kind=WorkspaceError.CONFLICT,
            )
        membership.role = role
        membership.save(update_fields=["role"])
        audit(membership.workspace_id, by, "member.role_changed", membership, {"from": before, "to": role})
    return membership


def update_my_membership(
    *, membership: Membership, display_name: str | None = None, country: str | None = None, consent: bool | None = None
) -> Membership:
    """A member changes how they appear in one workspace: their name, their country, and whether
    the published charter may name them. Only the person themselves calls this.

    A country other than the one a steward confirmed is a request (``requested_country``): counts
    keep them under the confirmed one until a steward confirms it on the members page. Giving the
    confirmed country again withdraws the request.
    """
    changes = {}
    if display_name is not None:
        changes["display_name"] = _clean_display_name(
            display_name, workspace_id=membership.workspace_id, member_id=membership.pk
        )
    asked = _clean_country(country) if country is not None else None
    if consent is not None:
        changes["show_name_in_charter"] = bool(consent)
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        pending = current.requested_country.code if current.country_requested_at else current.country.code
        if asked is not None and asked != pending:
            changes.update(_country_request(asked, current.country.code))
            if changes["country_requested_at"]:
                audit(current.workspace_id, current, "member.country_requested", current, {"country": asked})
        Membership.objects.filter(pk=membership.pk).update(**changes)
    for field, value in changes.items():
        setattr(membership, field, value)
    return membership


def _change_country(membership: Membership, by: Membership, verb: str, country: str | None = None) -> Membership:
    """A steward settles a member's country: ``country`` counts from now on (None: their request is
    declined and their confirmed country stays). Refused while a round is open in the workspace."""
    require(by, "manage_members")
    if membership.workspace_id != by.workspace_id:
        raise WorkspaceError.not_found(_("No such member."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        asked = membership.requested_country.code if membership.country_requested_at else None
        if verb != "member.country_set" and asked is None:
            raise WorkspaceError(_("%(name)s has not asked for another country.") % {"name": membership.display_name},
                                 kind=WorkspaceError.CONFLICT)  # fmt: skip
        if verb == "member.country_confirmed":
            country = asked
        if verb == "member.country_set" and country == membership.country.code and asked is None:
            return membership
        if country is not None and country != membership.country.code:
            # Held against a round opening (the boards app holds the board rows), so that no round
            # opens between this check and the change: a count never moves while people vote.
            voting = country_change_blockers(membership.workspace_id, hold=True)
            if voting:
                raise WorkspaceError(
                    _(
                        "A round is open on %(boards)s. A member's country changes only between rounds, so "
                        "that no count moves while people vote: confirm it once the round has closed."
                    )
                    % {"boards": ", ".join(voting)},
                    kind=WorkspaceError.CONFLICT,
                    code="round_open",
                )
            membership.country = country
        details = {"country": (country if verb != "member.country_declined" else asked) or None}
        membership.requested_country, membership.country_requested_at = "", None
        membership.save(update_fields=["country", "requested_country", "country_requested_at"])
        audit(membership.workspace_id, by, verb, membership, details)
    return membership


def set_member_country(*, membership: Membership, by: Membership, country: str) -> Membership:
    """A steward gives a member their country on the members page ("" for none): counts use it at
    once, and a request of theirs is settled. Refused (409) while a round is open in the workspace."""
    return _change_country(membership, by, "member.country_set", _clean_country(country))


def confirm_country_request(*, membership: Membership, by: Membership) -> Membership:
    """A steward confirms the country a member asked for: counts use it from now on. Refused (409)
    while a round is open in the workspace: the request stays, to confirm once it has closed."""
    return _change_country(membership, by, "member.country_confirmed")


def decline_country_request(*, membership: Membership, by: Membership) -> Membership:
    """A steward declines a member's request: they stay counted under their confirmed country."""
    return _change_country(membership, by, "member.country_declined")


def set_charter_consent(*, membership: Membership, consent: bool) -> Membership:
    """A member says whether the published charter may name them among its contributors."""
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(show_name_in_charter=bool(consent))
    membership.show_name_in_charter = bool(consent)
    return membership
