"""Who is on the other end of a WebSocket.

Browsers are known by their session cookie, and such a socket must come from one of our own pages
(Origin checked against ALLOWED_HOSTS): cross-site WebSocket hijacking rides on cookies. API
clients pass their token as ``?token=…``; such a socket is known by the token alone (cookies are
ignored), so it needs no Origin, which non-browser clients do not send.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token


def query_token(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


@database_sync_to_async
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenOrSessionAuth:
    """ASGI middleware: token auth when ``?token=`` is given, else Origin check + session auth."""

    def __init__(self, inner):
        self.inner = inner
        self.session_app = AllowedHostsOriginValidator(AuthMiddlewareStack(inner))

    async def __call__(self, scope, receive, send):
        key = query_token(scope)
        if key is None:
            return await self.session_app(scope, receive, send)
        scope = dict(scope, user=await user_for_token(key))
        return await self.inner(scope, receive, send)
