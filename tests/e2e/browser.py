"""Headless Debian Chromium under Playwright (never a browser downloaded by Playwright)."""

from contextlib import contextmanager
from functools import partial
from pathlib import Path

from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess
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


class ContentSecurityPolicyViolation(AssertionError):
    pass


def is_csp_report(text: str) -> bool:
    """Chromium's console line for something the page's Content-Security-Policy refused."""
    return "Content Security Policy" in text


def watch_csp(browser, violations: list[str]) -> None:
    """Record every CSP refusal on every page of ``browser``, however the test opens its pages."""

    def watch_page(page):
        def seen(message):
            if is_csp_report(message.text):
                violations.append(f"{page.url}: {message.text}")

        page.on("console", seen)

    def watch_context(context):
        context.on("page", watch_page)
        return context

    new_context, new_page = browser.new_context, browser.new_page

    def patched_new_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        watch_page(page)
        return page

    browser.new_context = lambda *args, **kwargs: watch_context(new_context(*args, **kwargs))
    browser.new_page = patched_new_page


@contextmanager
def chromium_browser(*, allow_csp_violations: bool = False):
    """Yield a launched browser; close it on exit.

    Every browser test runs with the site's Content-Security-Policy, and a page that makes the
    browser refuse anything (an inline script or style, a fetch from elsewhere) fails the test,
    unless the test provokes refusals on purpose (``allow_csp_violations``).
    """
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        watch_csp(browser, violations)
        try:
            yield browser
        finally:
            browser.close()
    if violations and not allow_csp_violations:
        raise ContentSecurityPolicyViolation("The page broke its Content-Security-Policy:\n" + "\n".join(violations))


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (for people to look at; not asserted)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _application_with_timers(get_application):
    """In the forked server process, after Daphne installed its new reactor: the application, with
    the server's timers (round closing and counts, presence batches, the mail sender) registered on
    that reactor.
    The application module may have been imported before the fork, by a test without a server, and
    is not imported again here."""
    application = get_application()
    from workspace.loops import start_loops_when_served

    start_loops_when_served()
    return application


class ServerProcess(DaphneProcess):
    def __init__(self, host, get_application, *args, **kwargs):
        super().__init__(host, partial(_application_with_timers, get_application), *args, **kwargs)


class LiveServerTestCase(ChannelsLiveServerTestCase):
    """A live Daphne server (HTTP and WebSocket) in a process forked from the test process.

    An SQLite connection carried across a fork is shared by both processes and gives the server
    stale reads (a user seeded by the second test could not sign in): close ours before it starts.
    """

    serve_static = False  # WhiteNoise in the app serves the fingerprinted files collectstatic wrote
    ProtocolServerProcess = ServerProcess

    @classmethod
    def setUpClass(cls):
        connections.close_all()
        super().setUpClass()
