"""A person signs in with a real browser against a live Daphne server."""

import io
import os

import pytest
from django.core.management import call_command

from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot

BOARD_TITLES = ["Concept", "Mission", "Vision", "Priority areas"]


@pytest.mark.e2e
class TestStewardSignsIn(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())

    def test_demo_steward_signs_in_and_sees_the_four_boards(self):
        """The demo steward signs in on the login page and sees the four boards of the workspace."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Kabul")
            page.goto(f"{self.live_server_url}/accounts/login/")
            page.get_by_label("User name").fill("steward")
            page.get_by_label("Password").fill("codesign-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/w/gs-think-tank/")
            expect(page.locator(".board-tile__title")).to_have_text(BOARD_TITLES)
            # The browser's zone (Kabul) reached the server: the agenda is in Kabul time, Bishkek's beside it.
            expect(page.locator(".agenda__time time").first).to_contain_text("15:30–17:30")
            expect(page.locator(".agenda__other").first).to_contain_text("17:00–19:00 in Bishkek")
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(page, "workspace-home")
                phone = browser.new_page(viewport={"width": 390, "height": 844}, timezone_id="Asia/Ulaanbaatar")
                phone.context.add_cookies(page.context.cookies())
                phone.goto(f"{self.live_server_url}/w/gs-think-tank/")
                phone.wait_for_load_state("networkidle")
                screenshot(phone, "workspace-home-phone")
            page.get_by_role("link", name="Mission").first.click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Mission")
