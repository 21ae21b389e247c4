"""API tokens: made, checked and revoked here (``workspace.models.ApiToken``).

A key is 40 random URL-safe characters; the database keeps its SHA-256 only, so a copy of the
database or a backup opens nothing. Keys expire after ``settings.API_TOKEN_DAYS``; their owner
revokes one, and a password change or reset revokes them all
(``accounts.actions.change_password``).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiToken

KEYWORD = "Token"
# last_used_at is written at most this often per token (not on every request of a busy script).
USE_RESOLUTION = timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(30)


def valid_token(key: str) -> ApiToken | None:
    """The unexpired token of an active user with this key, or None; notes when it was used."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>``; a wrong, expired or revoked key answers 401 with a message."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Authorization: Token <your token>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That token is not valid.")) from None
        token = valid_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("That token is not valid: it may have expired or been revoked. Sign in again for a new one.")
            )
        request.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f'"Token <key>"; a key lasts {settings.API_TOKEN_DAYS} days (POST /api/auth/token/).',
        }
