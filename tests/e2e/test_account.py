"""A person looks after their own account in a real browser: a new password, an API token made,
copied once and revoked; and signing out in one tab ends the live board in the other."""

import io
import os

import pytest
from django.core.management import call_command

from boards.models import Board
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import PASSWORD, sign_in

NEW_PASSWORD = "a-new-and-longer-passphrase-2026"


@pytest.mark.e2e
class TestAccount(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.board_id = Board.objects.get(workspace__slug="gs-think-tank", kind="mission").pk

    def test_password_and_tokens(self):
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "kz", viewport={"width": 360, "height": 740})
            page.goto(f"{base}/preferences/")
            page.get_by_role("link", name="Change your password").click()
            page.get_by_label("Old password").fill(PASSWORD)
            page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
            page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
            page.get_by_role("button", name="Change password").click()
            expect(page.locator(".message--success")).to_contain_text("Your password is changed")

            page.get_by_role("link", name="API tokens").click()
            page.get_by_label("Name").fill("Итоги голосования")
            page.get_by_role("button", name="Create token").click()
            key = page.locator(".link-box input").input_value()
            assert len(key) >= 40
            expect(page.locator(".token-list__item")).to_have_count(1)
            expect(page.locator(".token-list__item")).to_contain_text("Итоги голосования")
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(page, "api-tokens-phone")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways
            page.reload()
            assert key not in page.content()  # shown once
            page.get_by_role("button", name="Revoke").click()
            expect(page.locator(".message--success")).to_contain_text("The token is revoked")
            expect(page.locator(".token-list__item")).to_have_count(0)

            # In Dari, with a name that is one 200-character word and one that is a pasted link.
            page.context.add_cookies([{"name": "django_language", "value": "fa-af", "url": base}])
            for name in ("ب" * 200, "https://docs.google.com/document/d/" + "x" * 60 + "/edit?usp=sharing"):
                page.goto(f"{base}/accounts/tokens/")
                page.locator("#id_name").fill(name)
                page.locator("form.form button[type=submit]").click()
            expect(page.locator(".token-list__item")).to_have_count(2)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways
            assert page.evaluate("document.documentElement.dir") == "rtl"
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(page, "api-tokens-phone-dari")

    def test_signing_out_in_one_tab_ends_the_board_in_the_other(self):
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af")
            board = page.context.new_page()
            board.goto(f"{base}/w/gs-think-tank/boards/{self.board_id}/")
            expect(board.locator("[data-connection]")).to_have_class("connection connection--live", timeout=5000)
            page.get_by_role("button", name="Sign out").click()
            board.wait_for_url("**/accounts/login/**", timeout=5000)  # it reloaded, signed out
