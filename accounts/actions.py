"""A person's own account, the same in every workspace: API tokens, password, signing out.

None of this is a board's state, so there is no board event; what changes is who may still act, so
the sockets opened with an ended credential are closed (``workspace.events.end_sockets``).
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Profile
from accounts.tokens import digest, new_key
from workspace.access import as_id
from workspace.errors import WorkspaceError
from workspace.events import end_sockets, session_group, token_group, user_group
from workspace.text import clean_name

# Tokens one person may hold; making one more revokes their oldest (a script that signs in daily).
MAX_TOKENS = 20


def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once: only its digest is kept)."""
    name = clean_name(name or "")
    if not name:
        raise WorkspaceError(_("Give the token a name, so that you know it later."))
    if len(name) > 80:
        raise WorkspaceError(_("A token's name can be at most 80 characters."))
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        surplus = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")[MAX_TOKENS - 1 :])
        _revoke(surplus)
        key = new_key()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            digest=digest(key),
            hint=key[:6],
            created_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
    return token, key


def _revoke(tokens) -> None:
    """The one way a token ends: deleted, and once that commits, the sockets it opened close."""
    token_ids = [token.pk for token in tokens]
    ApiToken.objects.filter(pk__in=token_ids).delete()

    def close_their_sockets():
        for token_id in token_ids:
            end_sockets(token_group(token_id))

    transaction.on_commit(close_their_sockets)


def _close_sockets_of(user) -> None:
    """Once the transaction commits, every socket the person has open closes (whatever opened it)."""
    user_id = user.pk
    transaction.on_commit(lambda: end_sockets(user_group(user_id)))


def revoke_api_token(*, user, token_id) -> None:
    """The owner revokes one of their tokens; what it opened closes at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=as_id(token_id)).first()
        if token is None:
            raise WorkspaceError.not_found(_("No such token."))
        _revoke([token])


def change_password(*, user, password: str) -> None:
    """Set a new password (validated by the form; a change on the password page and a reset by mail
    both land here) and end what the old one opened: every API token of the person is revoked,
    every socket of theirs closes, other browsers' sessions end with the old password (Django's
    session hash), and every device mark of the account stops counting (``accounts.signin``).
    This browser's pages reconnect when the view kept its session."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _revoke(ApiToken.objects.select_for_update().filter(user=user))
        _close_sockets_of(user)


def signed_out(*, session_key: str | None) -> None:
    """A browser session signed out: its open sockets close (the session itself is Django's)."""
    if session_key:
        end_sockets(session_group(session_key))


def set_email(*, user, email: str) -> None:
    """The address password resets go to (an invitation by email sets it when the person joins)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise WorkspaceError(_("“%(value)s” is not an email address.") % {"value": email}) from None
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(email=email)
    user.email = email


def sign_out_everywhere(*, user) -> int:
    """End every session of the person (every browser and device, this one too) and close their
    sockets; API tokens are not sessions (revoke those on the tokens page). How many ended."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    with transaction.atomic():
        Session.objects.filter(session_key__in=ended).delete()
        _close_sockets_of(user)
    return len(ended)


# A person's own settings ----------------------------------------------------------------------


def set_preferences(*, user, language: str | None = None, time_zone: str | None = None) -> Profile:
    """Remember a person's interface language and time zone (``""`` = follow the browser).

    ``None`` leaves a setting as it is. Only the person themselves calls this (the views pass
    ``request.user``), so no capability is involved.
    """
    if language is not None and language and language not in dict(settings.LANGUAGES):
        raise WorkspaceError(_("Unknown language: %(language)s.") % {"language": language})
    if time_zone is not None and time_zone and time_zone not in zoneinfo.available_timezones():
        raise WorkspaceError(_("%(value)s is not a known time zone.") % {"value": time_zone})
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        if language is not None:
            profile.language = language
        if time_zone is not None:
            profile.time_zone = time_zone
        profile.save()
    return profile
