"""A strict Content-Security-Policy on every page (finding 4 and 13), and the browser keeps it.

Every page a member, a facilitator, a steward or a stranger can open is loaded in Chromium with the
site's policy; anything the browser refuses fails the test (every other browser test fails on a
refusal too: tests/e2e/browser.py). Then an attacker's inline script, inline style and outside image
are put into a live page, and the browser must refuse all three.
"""

import io

import pytest
from django.core.management import call_command

from boards import actions as board_actions
from boards.models import Board
from tests.e2e.browser import LiveServerTestCase, chromium_browser
from tests.e2e.test_live_board import sign_in
from workspace import actions
from workspace.models import Membership, Workspace

# A member of the demo workspace (their own view) and the steward (every facilitation page).
LINK = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit?usp=sharing"


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy", "")
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        if name:
            directives[name] = values
    return directives


@pytest.mark.e2e
class TestContentSecurityPolicy(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.workspace = Workspace.objects.get(slug="gs-think-tank")
        steward = Membership.objects.get(user__username="steward")
        board = Board.objects.get(workspace=self.workspace, kind="mission")
        board_actions.create_card(board=board, by=steward, body=f"See [the notes]({LINK}) and {LINK}")
        self.invitation = actions.create_invitation(workspace=self.workspace, by=steward)

    def pages(self):
        slug = self.workspace.slug
        urls = ["/", f"/w/{slug}/", f"/w/{slug}/charter/", f"/w/{slug}/fishbowl/", f"/w/{slug}/console/"]
        urls += [f"/w/{slug}/invitations/", "/preferences/", "/api/docs/", "/w/no-such-workspace/"]
        urls += [f"/w/{slug}/boards/{board.pk}/" for board in Board.objects.filter(workspace=self.workspace)]
        return urls

    def test_every_page_carries_the_policy_and_breaks_none_of_it(self):
        base = self.live_server_url
        pages = self.pages()
        board = Board.objects.get(workspace=self.workspace, kind="mission")
        with chromium_browser() as browser:
            stranger = browser.new_page()
            for path in ("/accounts/login/", f"/join/{self.invitation.token}/", "/join/not-a-token/", "/admin/login/"):
                response = stranger.goto(base + path)
                self.assert_strict(response, path)
                stranger.wait_for_load_state("networkidle")

            page = sign_in(browser, base, "steward")
            for path in pages:
                response = page.goto(base + path)
                self.assert_strict(response, path)
                page.wait_for_load_state("networkidle")
            # The draft editor (CodeMirror and y-codemirror style themselves from script) with a
            # second editor's cursor on screen.
            other = sign_in(browser, base, "kz")
            for editor in (page, other):
                editor.goto(f"{base}/w/{self.workspace.slug}/boards/{board.pk}/")
                editor.locator("[data-draft] > summary").click()  # the editor loads only when opened
                editor.locator(".cm-content").click()
                editor.keyboard.type("Our shared words. ")
            page.locator(".cm-ySelectionInfo").first.wait_for(state="attached", timeout=10_000)

    def assert_strict(self, response, path):
        policy = policy_of(response)
        assert policy.get("script-src") == ["'self'"], (path, policy)
        assert policy.get("default-src") == ["'self'"], (path, policy)
        assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") == ["'none'"], (path, policy)
        assert policy.get("frame-ancestors") == ["'none'"], (path, policy)
        # Swagger UI (the API docs, for developers) styles itself inline: only there, only styles.
        relaxed = {"style-src"} if path == "/api/docs/" else set()
        unsafe = [name for name, values in policy.items() if any("unsafe" in v for v in values) and name not in relaxed]
        assert unsafe == [], (path, policy)
        assert not any("http" in value or value == "*" for values in policy.values() for value in values), path

    def test_the_browser_refuses_an_injected_script_style_and_beacon(self):
        """What a sanitizer miss would let in: an inline script, an inline style that covers the
        page and fetches an outside URL (the awareness attack), an outside image. None takes effect."""
        base = self.live_server_url
        board = Board.objects.get(workspace=self.workspace, kind="mission")
        with chromium_browser(allow_csp_violations=True) as browser:
            page = sign_in(browser, base, "kz")
            page.goto(f"{base}/w/{self.workspace.slug}/boards/{board.pk}/")
            page.wait_for_load_state("networkidle")
            outside = []
            page.route("http://203.0.113.7/**", lambda r: outside.append(r.request.url) or r.fulfill(body=b""))
            page.evaluate(
                """() => {
                  window.__refused = [];
                  document.addEventListener(
                    "securitypolicyviolation", (e) => window.__refused.push(e.violatedDirective));
                  const holder = document.createElement("div");
                  holder.innerHTML = '<span id="evil" style="position: fixed; inset: 0; background: red url(http://203.0.113.7/leak.png)">x</span>'
                    + '<img src="http://203.0.113.7/beacon.gif">';
                  document.body.append(holder);
                  const script = document.createElement("script");
                  script.textContent = "window.__pwned = true";
                  document.body.append(script);
                }"""
            )
            page.wait_for_timeout(500)
            assert page.evaluate("window.__pwned === undefined")
            assert page.evaluate("getComputedStyle(document.getElementById('evil')).position") != "fixed"
            refused = page.evaluate("window.__refused")
            assert any(d.startswith("script-src") for d in refused), refused
            assert any(d.startswith("style-src") for d in refused), refused
            assert any(d.startswith("img-src") for d in refused), refused
            assert outside == []
