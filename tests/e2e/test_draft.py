"""Two people type into the same draft in two real browsers."""

import io
import os
import time

import pytest
from django.core.management import call_command

from boards.models import Board
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import sign_in


@pytest.mark.e2e
class TestDraft(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        board = Board.objects.get(workspace__slug="gs-think-tank", kind="mission")
        self.board_url = f"{self.live_server_url}/w/gs-think-tank/boards/{board.pk}/"

    def test_each_sees_the_others_text_and_cursor_name(self):
        """Text typed in one browser shows in the other within a second, with the writer's name at the cursor."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            kz = sign_in(browser, self.live_server_url, "kz")
            af = sign_in(browser, self.live_server_url, "af")
            for page in (kz, af):
                page.goto(self.board_url)
                page.locator("[data-draft] > summary").click()  # the editor loads only when opened
                expect(page.locator("[data-draft-status]")).to_have_text("Live", timeout=5000)

            kz.locator(".cm-content").click()
            kz.keyboard.type("Мы — сеть гражданского общества. ")
            started = time.monotonic()
            expect(af.locator(".cm-content")).to_contain_text("Мы — сеть гражданского общества.", timeout=1000)
            assert time.monotonic() - started < 1.0
            expect(af.locator(".cm-ySelectionInfo")).to_have_text("Participant (Kazakhstan) (KZ)", timeout=2000)

            af.locator(".cm-content").click()
            af.keyboard.press("End")
            af.keyboard.type("ما با هم می‌نویسیم.")
            expect(kz.locator(".cm-content")).to_contain_text("ما با هم می‌نویسیم.", timeout=1000)
            expect(kz.locator(".cm-ySelectionInfo")).to_have_text("Participant (Afghanistan) (AF)", timeout=2000)
            texts = [page.evaluate("window.codesign.board.draft.text.toString()") for page in (kz, af)]
            assert texts[0] == texts[1] == "Мы — сеть гражданского общества. ما با هم می‌نویسیم."
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(kz, "draft")
