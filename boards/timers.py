"""The presence batcher: each server process sends each board whose presence changed one
``presence.delta`` every ``PRESENCE_BATCH_SECONDS`` (``boards.actions.presence``). Apps above
add their own batches to the same tick (``register_batch``): drafts announces amendments' "+1"s.

It runs inside Daphne's event loop, started with the server's other loops (``workspace.loops``).
"""

import asyncio
import logging
from collections.abc import Callable

from workspace.hops import database_hop

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
                await database_hop(send)()
            except Exception:  # keep going: the next batch sends what this one could not
                logger.exception("Sending a batch (%s) failed; trying again.", send.__name__)
        await asyncio.sleep(PRESENCE_BATCH_SECONDS)
