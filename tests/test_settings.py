"""Settings come from the environment: database, channel layer, secret key."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import json, codesign.settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': s.DATABASES['default']['NAME'], "
    "'host': s.DATABASES['default'].get('HOST'), 'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'hosts': s.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('hosts'), 'debug': s.DEBUG, "
    "'allowed': s.ALLOWED_HOSTS}))"
)


def settings_with(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_defaults_are_sqlite_and_in_memory_layer():
    """With only a secret key, the app uses the SQLite file in var/ and the in-memory channel layer."""
    result = settings_with(SECRET_KEY="k")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/codesign.sqlite3")
    assert values["layer"] == "codesign.layers.InMemoryChannelLayer"
    assert values["debug"] is False


def test_postgres_and_redis_from_urls():
    """DATABASE_URL=postgres://… and REDIS_URL=redis://… switch to PostgreSQL and channels-redis with a sized pool."""
    result = settings_with(
        SECRET_KEY="k", DATABASE_URL="postgres://codesign@127.0.0.1:5432/codesign", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("codesign", "127.0.0.1")
    assert values["layer"] == "channels_redis.core.RedisChannelLayer"
    assert values["hosts"][0]["address"] == "redis://127.0.0.1:6379/0"
    assert values["hosts"][0]["max_connections"] > 100


def test_secret_key_required_without_debug():
    """Without DEBUG, a missing SECRET_KEY stops the app with a clear message instead of using a default."""
    result = settings_with()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_has_a_development_key():
    """With DEBUG=1 the app starts without a SECRET_KEY."""
    result = settings_with(DEBUG="1", ALLOWED_HOSTS="example.org,localhost")
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["allowed"] == ["example.org", "localhost"]


@pytest.mark.django_db
def test_static_files_served_without_debug(client):
    """The stylesheet is served by the app itself, with DEBUG off."""
    response = client.get("/static/css/codesign.css")
    assert response.status_code == 200
    assert b"--space-1" in b"".join(response.streaming_content)
