"""The stewards' pages about people: the members (search, roles, removal) and the audit trail."""

import csv
from datetime import UTC

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_countries import countries

from workspace import actions
from workspace.access import access_workspace
from workspace.actions.members import country_change_blockers
from workspace.audit import audit, describe
from workspace.data_export import workspace_archive
from workspace.errors import WorkspaceError
from workspace.forms import form_id
from workspace.models import AuditEntry, Membership
from workspace.roles import Role, can
from workspace.selectors import PRESENCE_STALE_AFTER, CountryGroup, name_order
from workspace.text import clean_line, spreadsheet_safe
from workspace.views import member_page, workspace_context

AUDIT_PAGE = 200
# The verbs' families, as the audit page filters them.
AUDIT_KINDS = {
    "member": lambda: _("Members and roles"),
    "invitation": lambda: _("Invitations"),
    "board": lambda: _("Boards"),
    "round": lambda: _("Voting rounds"),
    "session": lambda: _("Sessions"),
    "charter": lambda: _("The charter"),
    "workspace": lambda: _("The workspace's texts"),
}


def _steward(request, slug) -> Membership:
    membership = access_workspace(request.user, slug)
    if not can(membership.role, "manage_members"):
        raise PermissionDenied(_("Only stewards can manage members."))
    return membership


def _member(membership: Membership, member_id: int) -> Membership:
    member = Membership.objects.filter(workspace=membership.workspace, pk=member_id).first()
    if member is None:
        raise Http404(_("No such member."))
    return member


@member_page
@require_http_methods(["GET", "POST"])
def members_page(request, slug):
    membership = _steward(request, slug)
    workspace = membership.workspace
    if request.method == "POST":
        member = _member(membership, form_id(request.POST.get("member"), field="member"))
        if request.POST.get("do") in COUNTRY_STEPS:
            return _country_step(request, membership, member, request.POST["do"])
        try:
            member = actions.change_role(membership=member, by=membership, role=request.POST.get("role", ""))
        except WorkspaceError as error:
            messages.error(request, error.message)
        else:
            role = member.get_role_display()
            messages.success(request, _("%(name)s is now: %(role)s.") % {"name": member.display_name, "role": role})
        return redirect(request.get_full_path())
    query = " ".join(request.GET.get("q", "").split())[:80]
    role = request.GET.get("role", "")
    members = Membership.objects.filter(workspace=workspace)
    total = members.count()
    if role in Role.values:
        members = members.filter(role=role)
    members = list(members.select_related("user").order_by("display_name", "id"))
    if query:  # in Python: SQLite folds the case of Latin letters only, and names are Cyrillic, Dari…
        needle = query.casefold()
        members = [m for m in members if needle in m.display_name.casefold() or needle in m.user.username.casefold()]
    here_now = set(
        Membership.objects.filter(
            workspace=workspace, presence_entries__last_seen__gte=timezone.now() - PRESENCE_STALE_AFTER
        ).values_list("pk", flat=True)
    )
    requests = [m for m in members if m.country_requested_at]
    for member in requests:
        member.asked_name = str(countries.name(member.requested_country.code)) if member.requested_country else ""
    groups: dict[str, CountryGroup] = {}
    for member in members:
        member.here_now = member.pk in here_now or member.pk == membership.pk  # the steward reading this page
        code = member.country.code or ""
        if code not in groups:
            groups[code] = CountryGroup(code=code, name=str(countries.name(code)) if code else "", members=[])
        groups[code].members.append(member)
    context = workspace_context(
        request,
        membership,
        groups=sorted(groups.values(), key=lambda group: (group.code == "", name_order(group.name))),
        shown=sum(len(group.members) for group in groups.values()),
        total=total,
        query=query,
        role=role,
        roles=Role.choices,
        requests=sorted(requests, key=lambda m: m.country_requested_at),
        voting_boards=country_change_blockers(workspace.pk),
        country_choices=list(countries),
    )
    return render(request, "workspace/members.html", context)


# A member's country, as a steward settles it on the members page (docs/design.md, "Anonymity").
COUNTRY_STEPS = {
    "confirm_country": lambda request, member, by: actions.confirm_country_request(membership=member, by=by),
    "decline_country": lambda request, member, by: actions.decline_country_request(membership=member, by=by),
    "set_country": lambda request, member, by: actions.set_member_country(
        membership=member, by=by, country=request.POST.get("country", "")
    ),
}


def _country_step(request, membership: Membership, member: Membership, do: str):
    try:
        member = COUNTRY_STEPS[do](request, member, membership)
    except WorkspaceError as error:
        messages.error(request, error.message)
    else:
        if do == "decline_country":
            message = _("The request of %(name)s was declined.")
        elif member.country.code:
            message = _("%(name)s is counted under %(country)s.")
        else:
            message = _("%(name)s is counted under no country.")
        country = str(countries.name(member.country.code)) if member.country.code else ""
        messages.success(request, message % {"name": member.display_name, "country": country})
    return redirect(request.get_full_path())


@member_page
@require_http_methods(["GET", "POST"])
def remove_member_page(request, slug, member_id):
    membership = _steward(request, slug)
    member = _member(membership, member_id)
    if request.method == "POST":
        try:
            actions.remove_member(membership=member, by=membership)
        except WorkspaceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is no longer a member.") % {"name": member.display_name})
        return redirect("members", slug=slug)
    return render(request, "workspace/remove_member.html", workspace_context(request, membership, member=member))


@member_page
def audit_page(request, slug):
    membership = _steward(request, slug)
    entries = AuditEntry.objects.filter(workspace=membership.workspace).select_related("actor")
    kind = request.GET.get("kind", "")
    if kind in AUDIT_KINDS:
        entries = entries.filter(verb__startswith=f"{kind}.")
    who = clean_line(request.GET.get("who", ""))[:80]  # PostgreSQL refuses a NUL in a query
    if who:
        entries = entries.filter(actor_name__icontains=who)
    if request.GET.get("format") == "csv":
        return _audit_csv(membership.workspace, entries)
    shown = list(entries[:AUDIT_PAGE])
    for entry in shown:
        entry.sentence = describe(entry)
    context = workspace_context(
        request,
        membership,
        entries=shown,
        more=entries.count() > AUDIT_PAGE,
        kinds=[(key, label()) for key, label in AUDIT_KINDS.items()],
        kind=kind,
        who=who,
    )
    return render(request, "workspace/audit.html", context)


def _audit_csv(workspace, entries) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{workspace.slug}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8 (Cyrillic, Dari)
    writer = csv.writer(response)
    writer.writerow(["time (UTC)", "who", "what", "target type", "target", "details"])
    for entry in entries.iterator():
        writer.writerow(
            [
                entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                spreadsheet_safe(entry.actor_name or "system"),
                entry.verb,
                entry.target_type,
                spreadsheet_safe(entry.target_label),
                spreadsheet_safe(",".join(f"{key}={value}" for key, value in sorted(entry.details.items()))),
            ]
        )
    return response


@member_page
def workspace_archive_download(request, slug):
    """The whole workspace as a ZIP (workspace.data_export), for stewards."""
    membership = _steward(request, slug)
    response = HttpResponse(workspace_archive(membership.workspace), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{membership.workspace.slug}.zip"'
    audit(membership.workspace, membership, "workspace.archived")
    return response
