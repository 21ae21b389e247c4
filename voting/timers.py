"""The round timer: each server process closes rounds whose time ran out, every second, and
publishes the batched counts of open rounds four times a second.

It runs inside Daphne's event loop (started with the server's other loops, ``workspace.loops``),
so a round closes on time with no client connected, and a round that ran out while the server was
down closes as soon as it is back. Several processes may run it at once: ``close_due_rounds`` locks
each round, so each is closed once.
"""

import asyncio
import logging

from voting import wakeup
from voting.actions import close_due_rounds, publish_tallies
from workspace.hops import database_hop

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
# At most one batched count per round this often (per process; an anonymous round's count changed
# by fewer than TALLY_BATCH_MIN_VOTERS different people waits for more of them, or the close).
TALLY_SECONDS = 0.25


async def run_round_timer() -> None:
    loop, wake = asyncio.get_running_loop(), wakeup.listen()
    last_close = 0.0
    while True:
        wake.clear()
        try:
            await database_hop(publish_tallies)()
            now = loop.time()
            if now - last_close >= TICK_SECONDS:
                last_close = now
                closed = await database_hop(close_due_rounds)()
                if closed:
                    logger.info("Closed rounds whose time ran out: %s", closed)
        except Exception:  # keep ticking: one bad round must not stop the others closing
            logger.exception("The round timer failed; trying again.")
        await asyncio.sleep(TALLY_SECONDS)  # at most one batch per round this often
        if not wake.is_set():  # quiet: wait for the next dot, or the next tick of the clock
            try:
                await asyncio.wait_for(wake.wait(), timeout=TICK_SECONDS - TALLY_SECONDS)
            except TimeoutError:
                pass
