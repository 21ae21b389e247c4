"""A person's own account pages: sign in, change the password, API tokens.

Views shape input and call ``workspace.actions``; the sign-in counters live in ``accounts.signin``.
"""

import hashlib
import json
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_countries import countries

from accounts import actions as account_actions
from accounts import signin
from accounts.forms import ApiTokenForm, PreferencesForm, SignInForm
from accounts.middleware import viewer_profile
from accounts.models import ApiToken, Profile
from workspace import actions
from workspace.actions import invitations as invitation_actions
from workspace.data_export import member_data
from workspace.errors import WorkspaceError
from workspace.forms import JoinForm, SignUpForm, form_id
from workspace.mail import queue_mail
from workspace.models import Invitation, Membership
from workspace.ratelimit import count_in_window

logger = logging.getLogger(__name__)

NEW_KEY = "new_api_token"


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        wait = getattr(self.request, "signin_wait", 0)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, new one twice, the password validators), saved by our action."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("preferences")

    def form_valid(self, form):
        account_actions.change_password(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # this browser stays signed in
        signin.remember_device(self.request, form.user)  # and keeps its device mark (the old one is void)
        messages.success(
            self.request,
            _(
                "Your password is changed. Other browsers and devices signed in with the old one are signed out, "
                "and your API tokens are revoked."
            ),
        )
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form (no word on whether the address is known), its mail put in the outbox
    in the account's own language instead of sent from inside the request."""

    # A person's inbox is not a target: at most this many reset mails per address an hour (the
    # page still says "check your mail", so nobody learns which addresses have accounts).
    MAILS_PER_HOUR = 3

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        key = hashlib.sha256(to_email.casefold().encode()).hexdigest()[:32]
        if count_in_window(f"password-reset:{key}:{int(time.time() // 3600)}", 3600) > self.MAILS_PER_HOUR:
            logger.warning("Password reset mails for one address are coming too fast; this one is not sent.")
            return
        user = context["user"]
        profile = Profile.objects.filter(user=user).first()
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        language = (profile.language if profile and profile.language else "") or self.language
        # The page the link opens speaks the mail's language, not the browser's.
        link = f"{context['protocol']}://{context['domain']}{path}?{urlencode({'lang': language})}"
        queue_mail(
            to=to_email,
            template="password_reset",
            context={"username": user.get_username(), "link": link},
            language=language,
            kind="password_reset",
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def form_valid(self, form):
        form.language = self.request.LANGUAGE_CODE
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's link check; the new password is saved by our action, which also signs the account
    out everywhere else and revokes its API tokens (whoever knew the old password is out)."""

    template_name = "registration/password_reset_confirm.html"
    LANGUAGE_KEY = "password_reset_language"

    def dispatch(self, request, *args, **kwargs):
        # In the mail's language: the link's ``?lang=`` (Django's redirect to the set-password URL
        # drops the query, hence the session). Never the account's own setting: a stranger with a
        # made-up link would learn that the account exists and which language it reads.
        languages = dict(settings.LANGUAGES)
        asked = request.GET.get("lang", "")
        if asked in languages:
            request.session[self.LANGUAGE_KEY] = asked
        language = request.session.get(self.LANGUAGE_KEY, "")
        if language in languages:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        account_actions.change_password(user=form.user, password=form.cleaned_data["new_password1"])
        # Completing the mailed link proves the mailbox: this browser is the owner's device from now
        # on, so strangers failing at the account cannot keep the owner out of it (a locked-out
        # owner resets; the new password voided every earlier mark).
        signin.remember_device(self.request, form.user)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        self.request.session.pop(self.LANGUAGE_KEY, None)
        messages.success(self.request, _("Your new password is set and your API tokens are revoked. Sign in with it."))
        return redirect("login")


@login_required
def api_tokens_page(request):
    """The person's API tokens: make one (its key shown once), see when each was used, revoke.

    Post, redirect, get: the new key rides in the session to the next page view only, so reloading
    the page neither makes a second token nor shows the key again.
    """
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, key = account_actions.create_api_token(user=request.user, name=form.cleaned_data["name"])
            except WorkspaceError as error:
                form.add_error("name", error.message)
            else:
                request.session[NEW_KEY] = key
                return redirect("api-tokens")
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "created_key": request.session.pop(NEW_KEY, None) if request.method == "GET" else None,
        "token_days": settings.API_TOKEN_DAYS,
    }
    response = render(request, "workspace/api_tokens.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@login_required
@require_POST
def revoke_api_token_page(request, token_id):
    try:
        account_actions.revoke_api_token(user=request.user, token_id=token_id)
    except WorkspaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token is revoked. Anything using it is signed out."))
    return redirect("api-tokens")


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
                login(request, user, backend="accounts.signin.ThrottledModelBackend")
                if invitation.language:
                    account_actions.set_preferences(user=user, language=invitation.language)
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
        account_actions.set_preferences(user=request.user, language=language)
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
            profile = account_actions.set_preferences(user=request.user, **form.cleaned_data)
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
            account_actions.set_email(user=request.user, email=request.POST.get("email", ""))
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
            account_actions.sign_out_everywhere(user=request.user)
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


