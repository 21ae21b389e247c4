"""Settings for the test suite: the real settings, with a key and a file-backed test database.

The test database is a file (not SQLite's in-memory one) so that a live Daphne server in another
process (the browser tests) sees the same data.
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
# Every frame is checked against its schema, here and in every server the tests start (they inherit
# the environment); the types checked are written down per run (tests/conftest.py reads them).
os.environ.setdefault("CODESIGN_CHECK_FRAMES", "1")
os.environ.setdefault(
    "CODESIGN_FRAMES_SEEN_DIR", str(Path(__file__).resolve().parent.parent / "var" / f"frames-seen-{os.getpid()}")
)

from codesign.settings import *  # noqa: E402,F403
from codesign.settings import BASE_DIR, DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
