"""A person's own account pages: sign in, change the password, API tokens.

Views shape input and call ``workspace.actions``; the sign-in counters live in ``workspace.signin``.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workspace import actions, signin
from workspace.errors import WorkspaceError
from workspace.forms import ApiTokenForm, SignInForm
from workspace.mail import queue_mail
from workspace.models import ApiToken, Profile
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
        actions.change_password(user=form.user, password=form.cleaned_data["new_password1"])
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
        actions.change_password(user=form.user, password=form.cleaned_data["new_password1"])
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
                _token, key = actions.create_api_token(user=request.user, name=form.cleaned_data["name"])
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
        actions.revoke_api_token(user=request.user, token_id=token_id)
    except WorkspaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token is revoked. Anything using it is signed out."))
    return redirect("api-tokens")
