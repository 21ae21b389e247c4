"""The sockets' and timers' way to the database: ``database_hop(fn)(...)`` runs ``fn`` where
Channels' ``database_sync_to_async`` does (the one thread a process gives its sockets' database
work), and keeps that thread's connection between hops.

Channels closes the connection after every hop when connections are not persistent
(``CONN_MAX_AGE=0``, right for requests, each in a thread of its own under ASGI), so every frame
that reached the database opened a new connection: on SQLite a file open and three PRAGMAs, about
a fifth of the server's time in a burst of dots (py-spy, bench/vote_burst.py). The one database
thread of the sockets can keep one: it is closed when it failed (as Django does for a request) or
lay idle for ``IDLE_SECONDS``, and is otherwise reused by the next hop. On PostgreSQL it is one
connection of the pool, held by that thread.
"""

import time

from channels.db import DatabaseSyncToAsync
from django.db import connections

IDLE_SECONDS = 60


def _close_unusable_or_idle() -> None:
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()  # failed, or idle past its close_at


def _keep_usable() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            connection.close_at = time.monotonic() + IDLE_SECONDS  # not the 0 s of CONN_MAX_AGE
        connection.close_if_unusable_or_obsolete()  # failed: closed now


class DatabaseHop(DatabaseSyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        _close_unusable_or_idle()
        try:
            return super(DatabaseSyncToAsync, self).thread_handler(loop, *args, **kwargs)
        finally:
            _keep_usable()


database_hop = DatabaseHop
