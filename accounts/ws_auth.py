"""Who is on the other end of a WebSocket.

Browsers are known by their session cookie, and such a socket must come from one of our own pages
(Origin checked against ALLOWED_HOSTS): cross-site WebSocket hijacking rides on cookies. API
clients pass their token as ``?token=…``; such a socket is known by the token alone (cookies are
ignored), so it needs no Origin, which non-browser clients do not send. Either way the socket joins
the groups that close it when its session signs out, its token is revoked or the password changes.
"""

from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from accounts.tokens import valid_token
from workspace.events import session_group, token_group, user_group
from workspace.hops import database_hop


def query_token(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


@database_hop
def token_for_key(key: str):
    return valid_token(key)


def credential_groups(scope) -> list[str]:
    """The groups a member's socket joins so that it closes when what opened it ends: the person
    (a password change), and the browser session (signing out) or the API token (revoking it)."""
    user = scope.get("user")
    groups = [user_group(user.pk)]
    if scope.get("api_token_id"):
        groups.append(token_group(scope["api_token_id"]))
    else:
        session_key = getattr(scope.get("session"), "session_key", None)
        if session_key:
            groups.append(session_group(session_key))
    return groups


@database_hop
def credentials_hold(scope) -> bool:
    """Does what opened the socket still hold, read afresh? Asked once the socket is in its
    credential groups: a sign-out, a revoked token or a new password that came between the
    handshake's check and joining the groups is seen here, and one after it closes the socket."""
    from django.contrib.auth import HASH_SESSION_KEY
    from django.utils.crypto import constant_time_compare

    from accounts.models import ApiToken

    user = scope.get("user")
    if scope.get("api_token_id"):
        return ApiToken.objects.filter(pk=scope["api_token_id"], user_id=user.pk).exists()
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key or not session.exists(key):
        return False
    fresh = get_user_model()._default_manager.filter(pk=user.pk).first()
    stored = session.get(HASH_SESSION_KEY)
    return fresh is not None and (stored is None or constant_time_compare(stored, fresh.get_session_auth_hash()))


def same_origin(scope) -> bool:
    """Does the socket's Origin name this very site: scheme, host and port (not only the host)?

    The site is the Host the browser connected to, over ws (http) or wss (https; behind a TLS proxy
    with HTTPS=1, as the proxy says), or one of CSRF_TRUSTED_ORIGINS.
    """
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin-1").lower().rstrip("/")
    host = headers.get(b"host", b"").decode("latin-1").lower()
    if not origin or not host:
        return False
    secure = scope.get("scheme") == "wss" or (
        settings.SECURE_PROXY_SSL_HEADER is not None and headers.get(b"x-forwarded-proto", b"") == b"https"
    )
    parsed = urlsplit(origin)
    default = {"http": 80, "https": 443}
    try:
        port = parsed.port or default.get(parsed.scheme)
    except ValueError:
        return False
    host_name, _sep, host_port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not _sep:
        host_name, host_port = host, ""
    want_scheme = "https" if secure else "http"
    want_port = int(host_port) if host_port.isdigit() else default[want_scheme]
    if (parsed.scheme, parsed.hostname, port) == (want_scheme, host_name.strip("[]"), want_port):
        return True
    return origin in {trusted.lower().rstrip("/") for trusted in settings.CSRF_TRUSTED_ORIGINS}


class SameOriginOnly:
    """Refuse (403 at the handshake) a cookie-authenticated socket from another origin."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.inner(scope, receive, send)


class TokenOrSessionAuth:
    """ASGI middleware: token auth when ``?token=`` is given, else Origin check + session auth."""

    def __init__(self, inner):
        self.inner = inner
        self.session_app = SameOriginOnly(AllowedHostsOriginValidator(AuthMiddlewareStack(inner)))

    async def __call__(self, scope, receive, send):
        key = query_token(scope)
        if key is None:
            return await self.session_app(scope, receive, send)
        token = await token_for_key(key)
        if token is None:
            scope = dict(scope, user=AnonymousUser())
        else:
            scope = dict(scope, user=token.user, api_token_id=token.pk)
        return await self.inner(scope, receive, send)
