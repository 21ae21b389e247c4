"""Two Daphne processes on one PostgreSQL database with Redis as the channel layer, shared by the
tests of a module (each test uses its own board of the demo workspace)."""

import pytest

from tests.servers import REDIS_URL, postgres_database, redis_prefix, served_many


@pytest.fixture(scope="module")
def pair():
    with (
        postgres_database() as database,
        redis_prefix() as prefix,
        served_many(database, 2, REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix) as servers,
    ):
        yield servers
