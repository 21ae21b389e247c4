"""Write transactions that queue fairly on SQLite.

On SQLite every write transaction takes the one database write lock (``BEGIN IMMEDIATE``). Django
runs each request's code in a thread of its own, so a burst of requests (a room of voters placing
their dots at once) becomes hundreds of threads waiting on that lock through SQLite's busy
handler, which sleeps and retries (up to 100 ms a try): throughput fell and some requests waited
past the timeout (measured with bench/vote_burst.py). Here the threads of one process queue on a
Python lock instead and enter one after the other as soon as the previous one commits. Other
databases lock rows and need none of this.
"""

import threading
from contextlib import contextmanager

from django.db import connection, transaction

_sqlite_writer = threading.RLock()


@contextmanager
def write_transaction():
    """``transaction.atomic()``; on SQLite, one writer of this process at a time.

    The next writer enters as soon as this one commits: the lock is released by the transaction's
    first on-commit hook, before the others (publishing to the channel layer, waking a timer) run,
    so they do not hold up the queue of writers.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    held = _sqlite_writer.acquire()

    def release():
        nonlocal held
        if held:
            held = False
            _sqlite_writer.release()

    try:
        with transaction.atomic():
            transaction.on_commit(release)
            yield
    finally:
        release()  # rolled back (no hooks ran), or a hook failed
