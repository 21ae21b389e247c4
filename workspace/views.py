"""Pages of the workspace app. Each one reads through selectors and writes through actions."""

import functools
from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from workspace import actions
from workspace.access import access_workspace
from workspace.actions import invitations as invitation_actions
from workspace.errors import WorkspaceError
from workspace.forms import InvitationForm, form_id
from workspace.models import Invitation, MailState, OutgoingMail
from workspace.roles import can, capability_flags


def member_page(view):
    """Turn the access helpers' errors into the 404 and 403 pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WorkspaceError as error:
            if error.kind == WorkspaceError.FORBIDDEN:
                raise PermissionDenied(error.message) from None
            if error.kind == WorkspaceError.NOT_FOUND:
                raise Http404(error.message) from None
            raise

    return login_required(wrapper)


def viewer_zone(request, workspace):
    return getattr(request, "viewer_zone", None) or workspace.zone


# What the apps above add to every page inside a workspace (the boards app: its boards, for the
# navigation), registered from their AppConfig.ready(): name -> build(workspace).
_context_sections: dict = {}


def register_context_section(name: str, build) -> None:
    _context_sections[name] = build


def workspace_context(request, membership, **extra) -> dict:
    """What every page inside a workspace shows: its name, boards (navigation) and the viewer's role."""
    return {
        "workspace": membership.workspace,
        "membership": membership,
        **{name: build(membership.workspace) for name, build in _context_sections.items()},
        **capability_flags(membership.role),
        **extra,
    }


def _personal_state(invitation: Invitation) -> tuple[str, str]:
    """(state, detail) of a personal invitation, for its row on the invitations page."""
    mails = sorted(invitation.mails.all(), key=lambda mail: mail.pk)
    latest = mails[-1] if mails else None
    if invitation.revoked:
        return "revoked", ""
    if invitation.uses:
        return "joined", ""
    if invitation.status == "expired":
        return "expired", ""
    if latest is not None and latest.state == MailState.FAILED:
        return "failed", latest.last_error
    if invitation.opened_at:
        return "opened", ""
    if latest is not None and latest.state == MailState.SENT:
        return "sent", ""
    return "queued", latest.last_error if latest else ""


@member_page
@require_http_methods(["GET", "POST"])
def invitations_page(request, slug):
    membership = access_workspace(request.user, slug)
    if not can(membership.role, "invite"):
        raise PermissionDenied(_("Only stewards can invite people."))
    workspace = membership.workspace
    base_url = f"{request.scheme}://{request.get_host()}"
    do = request.POST.get("do", "link")
    form = InvitationForm(request.POST if request.method == "POST" and do == "link" else None)
    created = preview = None
    people = request.POST.get("people", "")
    if request.method == "POST":
        try:
            if do == "link" and form.is_valid():
                data = form.cleaned_data
                created = actions.create_invitation(
                    workspace=workspace,
                    by=membership,
                    role=data["role"],
                    country=data["country"],
                    max_uses=data["max_uses"],
                    expires_at=timezone.now() + timedelta(days=data["days"]),
                    note=data["note"],
                )
                form = InvitationForm()
            elif do in ("preview", "send"):
                upload = request.FILES.get("file")
                if upload is not None:
                    if upload.size > 512 * 1024:
                        raise WorkspaceError(_("The file is too large (at most 512 KB)."))
                    people = upload.read().decode("utf-8-sig", errors="replace")
                if do == "send":
                    sent = invitation_actions.invite_people(
                        workspace=workspace, by=membership, text=people, base_url=base_url
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s invitation is on its way.", "%(count)s invitations are on their way.", len(sent)
                        )
                        % {"count": len(sent)},
                    )
                    return redirect("invitations", slug=slug)
                preview = invitation_actions.preview_invitations(workspace, people)
            elif do in ("resend", "remind"):
                if do == "resend":
                    invitation = Invitation.objects.filter(
                        workspace=workspace, pk=form_id(request.POST.get("invitation"), field="invitation")
                    ).first()
                    if invitation is None:
                        raise Http404(_("No such invitation."))
                    invitation_actions.resend_invitation(invitation=invitation, by=membership, base_url=base_url)
                    messages.success(request, _("The invitation is on its way again."))
                else:
                    count = invitation_actions.remind_unjoined(workspace=workspace, by=membership, base_url=base_url)
                    messages.success(
                        request,
                        ngettext("%(count)s reminder is on its way.", "%(count)s reminders are on their way.", count)
                        % {"count": count},
                    )
                return redirect("invitations", slug=slug)
        except WorkspaceError as error:
            messages.error(request, error.message)
    invitations = Invitation.objects.filter(workspace=workspace).prefetch_related("mails")
    personal = [(invitation, *_personal_state(invitation)) for invitation in invitations if invitation.email]
    links = [invitation for invitation in invitations if not invitation.email]
    outbox = dict(
        OutgoingMail.objects.filter(workspace=workspace, state__in=[MailState.QUEUED, MailState.FAILED])
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    counts = Counter(row.status for row in preview or [])
    context = workspace_context(
        request,
        membership,
        form=form,
        invitations=links,
        personal=personal,
        created=created,
        preview=preview,
        preview_counts=counts,
        people=people,
        base_url=base_url,
        outbox_waiting=outbox.get(MailState.QUEUED, 0),
        outbox_failed=outbox.get(MailState.FAILED, 0),
    )
    return render(request, "workspace/invitations.html", context, status=400 if form.errors else 200)


@member_page
@require_POST
def revoke_invitation_page(request, slug, invitation_id):
    membership = access_workspace(request.user, slug)
    if not can(membership.role, "invite"):
        raise PermissionDenied(_("Only stewards can invite people."))
    invitation = Invitation.objects.filter(workspace=membership.workspace, pk=invitation_id).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    actions.revoke_invitation(invitation=invitation, by=membership)
    messages.success(request, _("The invitation was withdrawn. Nobody can join with it any more."))
    return redirect("invitations", slug=slug)


# A person's own settings ------------------------------------------------------------------------


