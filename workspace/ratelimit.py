"""Per-member rate limits (never per address: a whole delegation may sit behind one NAT).

A fixed window counter in Django's cache: in memory for one process, Redis when ``REDIS_URL`` is
set, so every process counts the same posts.
"""

import math
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


def check_rate(scope: str, member_id: int) -> None:
    """Count one ``scope`` action (e.g. "card") by a member; raise a 429-kind error past the limit."""
    limit, window = settings.RATE_LIMITS[scope]
    now = time.time()
    count = count_in_window(f"ratelimit:{scope}:{member_id}:{int(now // window)}", window)
    if count > limit:
        retry_after = max(1, math.ceil(window - (now % window)))
        raise WorkspaceError(
            _("You are posting very fast. Please wait %(seconds)d seconds.") % {"seconds": retry_after},
            kind=WorkspaceError.TOO_MANY,
            retry_after=retry_after,
        )
