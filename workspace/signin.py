"""Sign-in that resists guessing: every path that checks a password (the sign-in page, the admin's,
``/api/auth/token/``) goes through ``ThrottledModelBackend``, which counts tries in the cache before
any password is hashed (a refused try costs no hashing: guessing is no lever on the CPU either).

Three fixed-window counters (``settings.SIGNIN_LIMITS``: how many, per how many seconds):

- ``account_address``: tries at one account from one address. The strict one. It locks that
  account *from that address* only, so a stranger who knows a steward's user name cannot lock the
  steward out from everywhere by failing on purpose.
- ``account``: tries at one account from anywhere: a cap on guessing spread over many addresses.
- ``address``: failed tries from one address at any account (spraying one password over many
  names). Only failures count: a whole delegation signs in from behind one NAT.

A successful sign-in clears the account's own counters. While locked, the right password is refused
too, with a message saying how long the lock lasts.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
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


def _keys(username: str, address: str) -> dict[str, str]:
    account = (username or "").strip().casefold()
    return {
        "account_address": _digest(account, address),
        "account": _digest(account),
        "address": _digest("", address),
    }


def _window(scope: str, digest: str, now: float) -> tuple[str, int, int]:
    limit, window = settings.SIGNIN_LIMITS[scope]
    key = f"signin:{scope}:{digest}:{int(now // window)}"
    return key, limit, max(1, math.ceil(window - (now % window)))


def begin(username: str, address: str) -> int:
    """Count a try; the seconds until the caller may try again, 0 when they may try now.

    Past a limit the counter's key is locked for the limit's whole window from that moment (not
    only to the end of the current window), and locked tries are not counted.
    """
    now = time.time()
    keys = _keys(username, address)
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


def failed(username: str, address: str) -> None:
    now = time.time()
    key, _limit, remaining = _window("address", _keys(username, address)["address"], now)
    count_in_window(key, remaining)


def succeeded(username: str, address: str) -> None:
    now = time.time()
    keys = _keys(username, address)
    cache.delete_many([_window(scope, keys[scope], now)[0] for scope in ("account_address", "account")])


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
    seconds to wait on the request as ``signin_wait``, for the page or the API to say so.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        wait = begin(username, address)
        if wait:
            if request is not None:
                request.signin_wait = wait
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            failed(username, address)
        else:
            succeeded(username, address)
        return user
