"""Pages of the workspace app. Each one reads through selectors and writes through actions."""

import functools
import json
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST
from django_countries import countries

from workspace import actions
from workspace.access import access_board, access_workspace
from workspace.actions import invitations as invitation_actions
from workspace.data_export import member_data
from workspace.errors import WorkspaceError
from workspace.forms import InvitationForm, JoinForm, PreferencesForm, SignUpForm, form_id
from workspace.middleware import viewer_profile
from workspace.models import Card, Comment, Invitation, MailState, Membership, OutgoingMail
from workspace.roles import can
from workspace.selectors import agenda_for_viewer, board_panels, board_state, members_by_country, workspace_boards
from workspace.zones import zone_name


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


def workspace_context(request, membership, **extra) -> dict:
    """What every page inside a workspace shows: its name, boards (navigation) and the viewer's role."""
    return {
        "workspace": membership.workspace,
        "membership": membership,
        "boards": list(workspace_boards(membership.workspace)),
        "can_manage_boards": can(membership.role, "manage_boards"),
        "can_invite": can(membership.role, "invite"),
        "can_facilitate": can(membership.role, "facilitate"),
        "can_describe": can(membership.role, "describe_workspace"),
        "can_manage_members": can(membership.role, "manage_members"),
        **extra,
    }


@login_required
def home(request):
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("workspace").order_by("workspace__name")
    )
    if len(memberships) == 1:
        return redirect("workspace", slug=memberships[0].workspace.slug)
    return render(request, "workspace/index.html", {"memberships": memberships})


@member_page
def workspace_home(request, slug):
    membership = access_workspace(request.user, slug)
    workspace = membership.workspace
    zone = viewer_zone(request, workspace)
    context = workspace_context(
        request,
        membership,
        agenda=agenda_for_viewer(workspace, zone),
        viewer_zone=zone,
        viewer_zone_name=zone_name(zone.key),
        country_groups=members_by_country(workspace),
    )
    return render(request, "workspace/home.html", context)


def board_strings() -> dict:
    """Words the board's script shows, translated on the server like every other string."""
    return {
        "live": pgettext("connection status", "Live"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting…"),
        # On a phone only the state shows beside the title (the detail is read out, not shown):
        # the header keeps its height when the connection drops.
        "offline": pgettext("connection status", "Offline"),
        "offline_detail": _("your text is kept"),
        "here_now": _("Here now"),
        "here_count": _("%(count)s here"),
        "more_people": _("+%(count)s more"),
        "former_member": _("A former member"),
        "edited": _("edited"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "confirm_delete_card": _("Remove this card and its comments from the board?"),
        "confirm_delete_comment": _("Remove your comment? Replies to it stay."),
        "reply": _("Reply"),
        "send_reply": _("Send reply"),
        "comment": _("Comment"),
        "write_comment": _("Write a comment"),
        "write_reply": _("Write a reply"),
        "comments_one": _("1 comment"),
        "comments_many": _("%(count)s comments"),
        "no_comments": _("No comments yet"),
        "removed_comment": _("This comment was removed by its author."),
        "hidden_comment": _("Hidden by a facilitator: %(reason)s"),
        "hide": _("Hide"),
        "hide_reason": _("Why is it hidden? Everyone will see this."),
        "status": _("Status"),
        "group": _("Group"),
        "statuses": {"proposed": _("Proposed"), "adopted": _("Adopted"), "archived": _("Archived")},
        "states": {"open": _("Open"), "voting": _("Voting"), "locked": _("Locked")},
        "new_card": _("New card by %(name)s"),
        "new_comment": _("New comment by %(name)s"),
        "not_sent": _("Not sent: the connection is down. Your text is kept; try again when you are back online."),
        "queued": _("Not sent yet: the connection is down. It will be sent by itself once the connection is back."),
        "no_cards": _("No cards yet. Be the first to post an idea."),
        "closed_locked": _("This board is locked: nothing can be posted until a facilitator unlocks it."),
        "closed_voting": _("A voting round is running: cards cannot change until it closes. You can still comment."),
        "draft_label": _("Shared draft of this board (markdown)"),
        "draft_placeholder": _("Write the board's text together here…"),
        "draft_read_only_locked": _("The board is locked: the draft is read-only."),
        "draft_read_only_voting": _("A round is running: the draft is read-only until it closes."),
        "draft_refused": _("Not saved: %(reason)s"),
        "revision_automatic": _("automatic"),
        "revision_view": _("View"),
        "revision_compare": _("Compare with the one before"),
        "revision_restore": _("Restore"),
        "revision_restore_confirm": _("Bring this revision's text back? It becomes a new edit; nothing is lost."),
        "revision_editors": _("Edited by"),
        "no_revisions": _("No revisions yet."),
    }


@member_page
def board_page(request, slug, board_id):
    board, membership = access_board(request.user, board_id)
    if board.workspace.slug != slug:
        raise Http404(_("No such board."))
    viewer = {
        "member": membership.pk,
        "can_curate": can(membership.role, "curate_cards"),
        "can_moderate": can(membership.role, "moderate"),
        "can_run_rounds": can(membership.role, "run_rounds"),
        "can_decide_amendments": can(membership.role, "decide_amendments"),
    }
    context = workspace_context(
        request,
        membership,
        board=board,
        board_state=board_state(board),
        viewer=viewer,
        # on the page of someone who is a member now: naming the workspace tells them nothing new
        strings={
            **board_strings(),
            "removed": _("You are no longer a member of %(workspace)s.")
            % {"workspace": board.workspace.localized("name")},
        },
        board_panels=board_panels,
        card_max=Card.BODY_MAX,
        comment_max=Comment.BODY_MAX,
    )
    return render(request, "workspace/board.html", context)


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


@require_http_methods(["GET", "POST"])
def join(request, token):
    """Open an invitation: sign up, or join as the signed-in user."""
    invitations = Invitation.objects.select_related("workspace")
    # No token has a control character (PostgreSQL refuses a NUL in a query).
    invitation = invitations.filter(token=token).first() if token.isprintable() else None
    if invitation is None:
        return render(
            request,
            "workspace/join_unusable.html",
            {
                "reason": _(
                    "This invitation link is not valid. Check that you copied the whole link, "
                    "or ask the person who invited you for a new one."
                )
            },
            status=404,
        )
    if request.user.is_authenticated:
        existing = Membership.objects.filter(user=request.user, workspace=invitation.workspace).first()
        if existing is not None:
            messages.info(request, _("You are already a member of this workspace."))
            return redirect("workspace", slug=invitation.workspace.slug)
    reason = invitation.unusable_reason()
    if reason:
        return render(request, "workspace/join_unusable.html", {"reason": reason}, status=410)
    if request.method == "GET":
        invitation_actions.mark_invitation_opened(invitation=invitation)
    # A personal invitation speaks its person's language until they choose another.
    invited_language = invitation.language if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES else ""
    if invited_language:
        translation.activate(invited_language)
        request.LANGUAGE_CODE = invited_language

    form_class = JoinForm if request.user.is_authenticated else SignUpForm
    initial = {"country": invitation.country.code, "display_name": invitation.name}
    if request.user.is_authenticated and not invitation.name:
        other = Membership.objects.filter(user=request.user).order_by("-joined_at").first()
        initial["display_name"] = other.display_name if other else request.user.get_username()
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.user.is_authenticated:
                membership, _created = actions.accept_invitation(
                    token=token, user=request.user, display_name=data["display_name"], country=data["country"]
                )
            else:
                user, membership = actions.sign_up_with_invitation(
                    token=token,
                    username=data["username"],
                    password=data["password1"],
                    display_name=data["display_name"],
                    country=data["country"],
                )
                login(request, user, backend="workspace.signin.ThrottledModelBackend")
                if invitation.language:
                    actions.set_preferences(user=user, language=invitation.language)
        except WorkspaceError as error:
            if error.kind == WorkspaceError.GONE:
                return render(request, "workspace/join_unusable.html", {"reason": error.message}, status=410)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Welcome, %(name)s. You have joined.") % {"name": membership.display_name})
            return redirect("workspace", slug=membership.workspace.slug)
    context = {"invitation": invitation, "workspace": invitation.workspace, "form": form}
    response = render(request, "workspace/join.html", context, status=400 if form.errors else 200)
    return remember_language(response, invited_language) if invited_language else response


# A person's own settings ------------------------------------------------------------------------


def safe_next(request, fallback="home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.isprintable() and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):  # a control in a Location header is a 500, and no page of ours sends one
        return target
    return reverse(fallback)


def remember_language(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_POST
def set_language(request):
    """The language switcher on every page: remembered in the person's profile and a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return render(request, "error.html", {"status": 400, "message": _("Unknown language.")}, status=400)
    if request.user.is_authenticated:
        actions.set_preferences(user=request.user, language=language)
    return remember_language(redirect(safe_next(request)), language)


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request):
    profile = viewer_profile(request)
    initial = {"language": profile.language, "time_zone": profile.time_zone} if profile else {}
    do = request.POST.get("do", "preferences")
    form = PreferencesForm(request.POST if request.method == "POST" and do == "preferences" else None, initial=initial)
    if request.method == "POST" and do != "preferences":
        return _account_step(request, do)
    if request.method == "POST" and form.is_valid():
        try:
            profile = actions.set_preferences(user=request.user, **form.cleaned_data)
        except WorkspaceError as error:
            form.add_error(None, error.message)
        else:
            translation.activate(profile.language or translation.get_language())
            messages.success(request, _("Your settings are saved."))
            response = redirect(safe_next(request, "preferences"))
            if profile.language:
                return remember_language(response, profile.language)
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)  # follow the browser again
            return response
    context = {
        "form": form,
        "browser_zone": getattr(request, "browser_zone", None),
        "next": safe_next(request),
        "my_memberships": Membership.objects.filter(user=request.user).select_related("workspace"),
        "country_choices": list(countries),
    }
    return render(request, "workspace/preferences.html", context, status=400 if form.errors else 200)


def _account_step(request, do: str):
    """The account's other forms on the settings page: the email address, how one appears in a
    workspace, signing out everywhere."""
    try:
        if do == "email":
            actions.set_email(user=request.user, email=request.POST.get("email", ""))
            messages.success(request, _("Your email address is saved."))
        elif do == "membership":
            membership_id = form_id(request.POST.get("membership"), field="membership")
            membership = Membership.objects.filter(user=request.user, pk=membership_id).first()
            if membership is None:
                raise Http404(_("No such membership."))
            actions.update_my_membership(
                membership=membership,
                display_name=request.POST.get("display_name", ""),
                country=request.POST.get("country", ""),
                consent=request.POST.get("consent") == "on",
            )
            messages.success(
                request,
                _("How you appear in %(workspace)s is saved.") % {"workspace": membership.workspace.localized("name")},
            )
            if membership.country_requested_at:
                messages.info(request, _("Your new country counts once a steward has confirmed it."))
        elif do == "sign_out_everywhere":
            actions.sign_out_everywhere(user=request.user)
            logout(request)
            messages.success(request, _("You are signed out on every browser and device."))
            return redirect("login")
        else:
            raise WorkspaceError(_("Unknown request."))
    except WorkspaceError as error:
        messages.error(request, error.message)
    return redirect("preferences")


@login_required
def my_data(request):
    """Everything the person wrote and what we keep about them, as JSON."""
    response = HttpResponse(
        json.dumps(member_data(request.user), ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="codesign-{request.user.get_username()}.json"'
    return response
