"""Headless Debian Chromium under Playwright (never a browser downloaded by Playwright)."""

from contextlib import contextmanager
from pathlib import Path

from channels.testing import ChannelsLiveServerTestCase
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@contextmanager
def chromium_browser():
    """Yield a launched browser; close it on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (for people to look at; not asserted)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class LiveServerTestCase(ChannelsLiveServerTestCase):
    """A live Daphne server (HTTP and WebSocket) in a process forked from the test process.

    An SQLite connection carried across a fork is shared by both processes and gives the server
    stale reads (a user seeded by the second test could not sign in): close ours before it starts.
    """

    serve_static = False  # WhiteNoise in the app serves the fingerprinted files collectstatic wrote

    @classmethod
    def setUpClass(cls):
        connections.close_all()
        super().setUpClass()
