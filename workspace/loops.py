"""The server's background loops, started one way: the round timer (``voting.timers``), the
presence batcher (``boards.timers``) and the mail sender (``workspace.mail``).

Each app registers its loop from ``AppConfig.ready()``; ``start_loops_when_served`` (called by
``codesign.asgi``, and by the browser tests' forked servers) starts every enabled one inside
Daphne's event loop once it runs, so a round closes on time with no client connected. Anywhere
else (a management command, a test without a server) nothing starts.
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable

_loops: dict[str, tuple[Callable[[], Awaitable[None]], Callable[[], bool]]] = {}
_started_on = None  # the reactor the loops are registered with


def register_loop(name: str, run: Callable[[], Awaitable[None]], *, enabled: Callable[[], bool] = lambda: True):
    """``run()`` is the loop (it never returns); ``enabled()`` is asked when the server starts."""
    _loops[name] = (run, enabled)


def start_loops_when_served() -> None:
    """Under Daphne, start every enabled loop once the server's event loop runs; elsewhere, nothing."""
    global _started_on
    if "daphne.server" not in sys.modules:
        return
    from twisted.internet import reactor

    if _started_on is reactor:  # once per reactor (a forked test server installs a new one)
        return
    _started_on = reactor
    for run, enabled in _loops.values():
        if enabled():
            reactor.callWhenRunning(lambda run=run: asyncio.ensure_future(run()))
