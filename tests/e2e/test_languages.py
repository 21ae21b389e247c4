"""Signed out on a phone, every language is one tap away, each by its own name (issue 25)."""

import pytest

from tests.e2e.browser import LiveServerTestCase, chromium_browser

PHONE = {"width": 360, "height": 740}


@pytest.mark.e2e
class TestLanguagesSignedOut(LiveServerTestCase):
    def test_the_sign_in_page_offers_each_language_by_its_own_name_at_360_px(self):
        """An English browser on a 360 px phone sees "Русский" and "دری" in the bar, no "Menu";
        tapping "دری" turns the sign-in page right to left, where "English" and "Русский" wait."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            page = browser.new_page(viewport=PHONE, locale="en-US")
            page.goto(f"{self.live_server_url}/accounts/login/")
            expect(page.get_by_text("Menu", exact=True)).to_have_count(0)
            dari = page.get_by_role("button", name="دری")
            expect(dari).to_be_visible()
            expect(page.get_by_role("button", name="Русский")).to_be_visible()
            dari.click()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            for name in ("English", "Русский"):
                box = page.get_by_role("button", name=name).bounding_box()
                assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (name, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
