"""The presence batcher: each server process sends each board whose presence changed one
``presence.delta`` every ``PRESENCE_BATCH_SECONDS`` (``workspace.actions.presence``).

It runs inside Daphne's event loop, started when the reactor runs, like the round timer
(``voting.timers``).
"""

import asyncio
import logging
import sys

from channels.db import database_sync_to_async

logger = logging.getLogger(__name__)


async def run_presence_batcher() -> None:
    from workspace.actions.presence import PRESENCE_BATCH_SECONDS, flush_presence

    while True:
        try:
            await database_sync_to_async(flush_presence)()
        except Exception:  # keep going: the next batch sends what this one could not
            logger.exception("Sending presence failed; trying again.")
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
