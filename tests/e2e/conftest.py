"""Browser tests need Debian's Chromium. Without it they are skipped with a message, except where
CODESIGN_REQUIRE_E2E is set (CI), where a missing browser fails them."""

import os

import pytest

from tests.e2e.browser import CHROMIUM


@pytest.fixture(autouse=True)
def _chromium_present():
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed: browser (e2e) tests need it (apt-get install chromium)."
    if os.environ.get("CODESIGN_REQUIRE_E2E"):
        pytest.fail(message)
    pytest.skip(message + " Skipped.")
