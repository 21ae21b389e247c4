"""Settings for the test suite: the real settings, with a key and a file-backed test database.

The test database is a file (not SQLite's in-memory one) so that a live Daphne server in another
process (the browser tests) sees the same data.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")

from codesign.settings import *  # noqa: E402,F403
from codesign.settings import BASE_DIR, DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
