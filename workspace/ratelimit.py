"""Rate limits: one mechanism, a fixed window counter (per member, never per address: a whole
delegation may sit behind one NAT; signing in also counts per address and account, see
``accounts.signin``).

``spend(scope, who)`` counts one ``scope`` action of ``who`` against ``settings.RATE_LIMITS[scope]``
(so many per so many seconds) and says how long to wait when it is past the limit. The counters are
kept in Django's cache (in memory for one process, Redis when ``REDIS_URL`` is set), so every
process counts the same posts; or, for the frames of a socket (``shared=False``: every keystroke is
one, and a round trip to Redis per keystroke would cost more than the keystroke), in this process,
where the member's socket is. ``check_rate`` is ``spend`` for actions: past the limit, a 429.
"""

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from workspace.errors import WorkspaceError


def count_in_window(key: str, seconds: int) -> int:
    """Add one to the counter ``key`` (kept ``seconds``, shared by every process through the
    cache) and return it."""
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        return 1


# This process's counters: key -> (count, when the window ends). Old windows are dropped as new
# ones start, so it holds about one window per member and scope.
_here: dict[str, tuple[int, float]] = {}
_here_lock = threading.Lock()


def _count_here(key: str, ends: float, now: float) -> int:
    with _here_lock:
        if len(_here) > 10_000:
            for stale in [k for k, (_n, until) in _here.items() if until <= now]:
                del _here[stale]
        count = _here.get(key, (0, ends))[0] + 1
        _here[key] = (count, ends)
        return count


def forget_counts_here() -> None:
    """Start this process's counters afresh (tests that change the limits)."""
    with _here_lock:
        _here.clear()


def spend(scope: str, who: int, *, shared: bool = True) -> int:
    """Count one ``scope`` action of ``who``; 0 if within ``RATE_LIMITS[scope]``, else the seconds
    until its window ends (at least 1)."""
    limit, window = settings.RATE_LIMITS[scope]
    now = time.time()
    start = int(now // window)
    key = f"ratelimit:{scope}:{who}:{start}"
    count = count_in_window(key, window) if shared else _count_here(key, (start + 1) * window, now)
    return 0 if count <= limit else max(1, math.ceil(window - (now % window)))


def check_rate(scope: str, member_id: int) -> None:
    """Count one ``scope`` action (e.g. "card") by a member; raise a 429-kind error past the limit."""
    retry_after = spend(scope, member_id)
    if retry_after:
        raise WorkspaceError(
            _("You are posting very fast. Please wait %(seconds)d seconds.") % {"seconds": retry_after},
            kind=WorkspaceError.TOO_MANY,
            retry_after=retry_after,
        )
