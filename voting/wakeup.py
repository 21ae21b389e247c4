"""How a dot wakes the round timer of its process: the actions below the timer call
``tally_changed``; the timer (``voting/timers.py``, above the actions) listens. A module of its own so
that the actions need not import the timer that imports them."""

import asyncio

# Set (from any thread, through the loop) when a dot changed a count in this process: the timer
# then publishes at once instead of at its next tick, at most once every TALLY_SECONDS.
_loop: asyncio.AbstractEventLoop | None = None
_wake: asyncio.Event | None = None


def tally_changed() -> None:
    """A dot was placed or taken back here: wake the timer (a no-op where no timer runs)."""
    if _loop is not None and _wake is not None:
        _loop.call_soon_threadsafe(_wake.set)


def listen() -> asyncio.Event:
    """The running loop's timer listens from now on: the event ``tally_changed`` sets."""
    global _loop, _wake
    _loop, _wake = asyncio.get_running_loop(), asyncio.Event()
    return _wake
