"""The presence batcher: each server process sends each board whose presence changed one
``presence.delta`` every ``PRESENCE_BATCH_SECONDS`` (``boards.actions.presence``). Apps above
add their own batches to the same tick (``register_batch``): drafts announces amendments' "+1"s.

It runs inside Daphne's event loop, started when the reactor runs, like the round timer
(``voting.timers``).
"""

import asyncio
import logging
import sys
from collections.abc import Callable

from channels.db import database_sync_to_async

logger = logging.getLogger(__name__)

# Other batches sent on the same tick: functions run in the database thread, each on its own.
_batches: list[Callable[[], object]] = []


def register_batch(send: Callable[[], object]) -> None:
    """Run ``send()`` on every tick of the batcher (what many people watch, sent at most this often)."""
    if send not in _batches:
        _batches.append(send)


async def run_presence_batcher() -> None:
    from boards.actions.presence import PRESENCE_BATCH_SECONDS, flush_presence

    while True:
        for send in [flush_presence, *_batches]:
            try:
                await database_sync_to_async(send)()
            except Exception:  # keep going: the next batch sends what this one could not
                logger.exception("Sending a batch (%s) failed; trying again.", send.__name__)
        await asyncio.sleep(PRESENCE_BATCH_SECONDS)


_registered_on = None  # the reactor the start-up call is registered with


def start_presence_batcher_when_served() -> None:
    """Under Daphne, start the batcher once the server's event loop runs; elsewhere, do nothing."""
    global _registered_on
    if "daphne.server" not in sys.modules:
        return
    from twisted.internet import reactor

    if _registered_on is reactor:  # once per reactor (a forked test server installs a new one)
        return
    _registered_on = reactor
    reactor.callWhenRunning(lambda: asyncio.ensure_future(run_presence_batcher()))
