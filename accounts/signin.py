"""Sign-in that resists guessing and cannot be turned against the owner: every path that checks a
password (the sign-in page, the admin's, ``/api/auth/token/``) goes through ``ThrottledModelBackend``,
which counts tries in the cache before any password is hashed (a refused try costs no hashing:
guessing is no lever on the CPU either).

A device mark tells the owner's own devices from strangers. Each successful password check sets the
``codesign_device`` cookie (signed with SECRET_KEY, HttpOnly, ``SIGNIN_DEVICE_DAYS`` long): a random
id for this browser and a tag per account signed in from it (an HMAC of the account and its current
password hash, so a mark names one account, cannot be forged, and a password change voids it).

- A try that carries a mark naming the account meets one counter, ``account_device``: tries at that
  account from that device. Strangers' failures never reach it, so however many addresses hammer
  the account, its owner signs in from a device they signed in from before.
- Every other try (a stranger, or the owner on a new device) meets the three counters below.

Fixed-window counters (``settings.SIGNIN_LIMITS``: how many, per how many seconds):

- ``account_address``: tries at one account from one address. The strict one. It locks that
  account *from that address* only.
- ``account``: tries at one account from anywhere, without a mark: a cap on guessing spread over
  many addresses. Past it the account is locked for every unmarked try, the owner's on a new device
  too: that is the price of stopping a distributed guesser.
- ``address``: failed tries from one address at any account (spraying one password over many
  names). Only failures count: a whole delegation signs in from behind one NAT.

A successful sign-in clears the counters it met (a marked one only its device's, so the owner
signing in does not renew strangers' budget). While locked, the right password is refused too, with
a message saying how long the lock lasts.
"""

import hashlib
import math
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from workspace.ratelimit import count_in_window


def client_address(request) -> str:
    """The address a request came from; behind our TLS proxy (HTTPS=1), the one nginx saw."""
    if request is None:
        return "unknown"
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER is not None and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()  # the hop our own proxy added
    return meta.get("REMOTE_ADDR", "") or "unknown"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


DEVICE_COOKIE = "codesign_device"
_DEVICE_SALT = "codesign.signin.device"
# Accounts one browser remembers (a shared laptop at a workshop); the longest unused goes first.
MARKED_ACCOUNTS = 10


def _account_tag(user) -> str:
    """Names the account as it is now: its password hash is part of it, so a new password voids it."""
    return salted_hmac(_DEVICE_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:24]


def _read_mark(request) -> dict | None:
    """The request's valid device mark (``{"device": id, "accounts": [tag, …]}``), or None."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not raw or len(raw) > 2048:
        return None
    try:
        mark = signing.loads(raw, salt=_DEVICE_SALT, max_age=timedelta(days=settings.SIGNIN_DEVICE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(mark, dict) or not isinstance(mark.get("device"), str):
        return None
    if not isinstance(mark.get("accounts"), list):
        return None
    return mark


def marked_device(request, username) -> str | None:
    """The id of the device the request comes from, when its mark names the account ``username``
    (looked up as Django's backend does, no password hashed); else None."""
    mark = _read_mark(request)
    if mark is None:
        return None
    model = get_user_model()
    try:
        user = model._default_manager.get_by_natural_key(username)
    except (model.DoesNotExist, TypeError, ValueError):
        return None
    return mark["device"] if _account_tag(user) in mark["accounts"] else None


def remember_device(request, user) -> None:
    """After a successful password check: the mark this browser gets (``DeviceMarkMiddleware`` sets it)."""
    mark = _read_mark(request) or {"device": secrets.token_urlsafe(16), "accounts": []}
    tag = _account_tag(user)
    accounts = [tag] + [other for other in mark["accounts"] if other != tag][: MARKED_ACCOUNTS - 1]
    value = signing.dumps({"device": mark["device"], "accounts": accounts}, salt=_DEVICE_SALT)
    getattr(request, "_request", request).signin_device_mark = value  # DRF wraps the HttpRequest


class DeviceMarkMiddleware:
    """Sets the device mark on the response of a request whose password check succeeded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        value = getattr(request, "signin_device_mark", None)
        if value:
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=settings.SIGNIN_DEVICE_DAYS * 24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _keys(username: str, address: str, device: str | None = None) -> dict[str, str]:
    account = (username or "").strip().casefold()
    if device:
        return {"account_device": _digest(account, "device", device)}
    return {
        "account_address": _digest(account, address),
        "account": _digest(account),
        "address": _digest("", address),
    }


def _window(scope: str, digest: str, now: float) -> tuple[str, int, int]:
    limit, window = settings.SIGNIN_LIMITS[scope]
    key = f"signin:{scope}:{digest}:{int(now // window)}"
    return key, limit, max(1, math.ceil(window - (now % window)))


def begin(username: str, address: str, device: str | None = None) -> int:
    """Count a try; the seconds until the caller may try again, 0 when they may try now.

    ``device``: the id of the caller's mark for this account (``marked_device``), if any.
    Past a limit the counter's key is locked for the limit's whole window from that moment (not
    only to the end of the current window), and locked tries are not counted.
    """
    now = time.time()
    keys = _keys(username, address, device)
    locks = cache.get_many([f"signin:lock:{scope}:{digest}" for scope, digest in keys.items()])
    wait = max((math.ceil(until - now) for until in locks.values()), default=0)
    if wait > 0:
        return wait
    for scope, digest in keys.items():
        key, limit, remaining = _window(scope, digest, now)
        # The address counts failures only (in failed()); the account counters count every try.
        used = cache.get(key, 0) if scope == "address" else count_in_window(key, remaining)
        if used > limit or (scope == "address" and used >= limit):
            window = settings.SIGNIN_LIMITS[scope][1]
            cache.set(f"signin:lock:{scope}:{digest}", now + window, timeout=window)
            wait = max(wait, window)
    return wait


def failed(username: str, address: str, device: str | None = None) -> None:
    if device:
        return  # a marked device's tries are all counted in begin(), on its own counter
    now = time.time()
    key, _limit, remaining = _window("address", _keys(username, address)["address"], now)
    count_in_window(key, remaining)


def succeeded(username: str, address: str, device: str | None = None) -> None:
    now = time.time()
    keys = _keys(username, address, device)
    scopes = ("account_device",) if device else ("account_address", "account")
    cache.delete_many([_window(scope, keys[scope], now)[0] for scope in scopes])


def locked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins. For your safety, try again in %(minutes)d minute.",
        "Too many failed sign-ins. For your safety, try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """Django's user-and-password backend behind the counters above.

    A locked try raises ``PermissionDenied`` (Django then tries no other backend) and leaves the
    seconds to wait on the request as ``signin_wait``, for the page or the API to say so. A
    successful one leaves the device mark to set on the response.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        device = marked_device(request, username)
        wait = begin(username, address, device)
        if wait:
            if request is not None:
                request.signin_wait = wait
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            failed(username, address, device)
        else:
            succeeded(username, address, device)
            if request is not None:
                remember_device(request, user)
        return user
