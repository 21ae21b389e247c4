"""A steward at a 1,366 px desktop: the charter page before its first version runs without a
script error, and the invitation preview breaks no word in two."""

import io

import pytest
from django.core.management import call_command

from charter.models import CharterVersion
from tests.e2e.browser import LiveServerTestCase, chromium_browser
from tests.e2e.test_live_board import sign_in

# Every word of the preview's cells that the browser laid out over more than one line.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("[data-invitation-preview] th, [data-invitation-preview] td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-–—]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.e2e
class TestStewardDesk(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        CharterVersion.objects.all().delete()

    def test_charter_before_any_version_and_the_invitation_preview_at_1366_px(self):
        """No page error on the charter page before its first version; no word of the preview split."""
        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "steward", viewport={"width": 1366, "height": 800})
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/w/gs-think-tank/charter/")
            page.wait_for_load_state("networkidle")
            assert "No version has been published yet." in page.content()
            assert errors == []

            page.goto(f"{base}/w/gs-think-tank/invitations/")
            page.locator("#people").fill(
                "Айгуль Осмонова, aigul.osmonova@example.org, KG, participant, ru\n"
                "Фарход Назаров, farhod-at-example.org, TJ, facilitator, ru\n"
                "فریده احمدی, farida.ahmadi@example.org, AF, participant, fa-af"
            )
            page.locator("button[value=preview]").click()
            page.wait_for_selector("[data-invitation-preview]")
            assert page.evaluate(BROKEN_WORDS) == []
            assert errors == []
