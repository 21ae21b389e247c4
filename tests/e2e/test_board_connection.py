"""What the board page says about its connection is the truth, and a person removed while the
page is open is told so; with the keyboard, posting a comment keeps the person where they were."""

import io
import json
import re

import pytest
from django.core.management import call_command

from boards.models import Board
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_everyone import serious
from tests.e2e.test_live_board import sign_in
from workspace.models import Membership

PHONE = {"width": 360, "height": 740}


@pytest.mark.e2e
class TestBoardConnection(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.board = Board.objects.get(workspace__slug="gs-think-tank", kind="mission")
        self.board_url = f"{self.live_server_url}/w/gs-think-tank/boards/{self.board.pk}/"

    def test_live_again_within_two_seconds_after_the_network_returns(self):
        """Offline for 3 s, then back: the board and the draft say Live within 2 s, and while offline
        the draft does not claim to be connected."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "kz")
            page.goto(self.board_url)
            page.locator("[data-draft] > summary").click()
            board_status, draft_status = page.locator("[data-connection]"), page.locator("[data-draft-status]")
            expect(board_status).to_have_text("Live", timeout=5000)
            expect(draft_status).to_have_text("Live", timeout=5000)

            page.context.set_offline(True)
            page.wait_for_timeout(3000)
            expect(board_status).to_have_text("Offline — your text is kept")
            expect(draft_status).not_to_have_text("Live")
            page.context.set_offline(False)
            expect(board_status).to_have_text("Live", timeout=2000)
            expect(draft_status).to_have_text("Live", timeout=2000)

    def test_a_comment_posted_with_the_keyboard_keeps_the_focus_in_its_card(self):
        """After posting a comment with the keyboard, the focus is still in that card's comment box."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "kz")
            page.goto(self.board_url)
            expect(page.locator("[data-connection]")).to_have_text("Live", timeout=5000)
            page.get_by_label("Post an idea").fill("A card to comment on")
            page.get_by_role("button", name="Post card").click()
            card = page.locator(".idea", has_text="A card to comment on")
            expect(card).to_be_visible()
            card.locator("summary").first.focus()
            page.keyboard.press("Enter")
            box = card.get_by_label("Write a comment")
            box.focus()
            page.keyboard.type("Said with the keyboard")
            page.keyboard.press("Tab")  # to the Comment button
            page.keyboard.press("Enter")
            expect(card.locator(".comment", has_text="Said with the keyboard")).to_be_visible(timeout=3000)
            page.wait_for_timeout(300)  # the redraw that follows the event
            expect(card.get_by_label("Write a comment")).to_be_focused()
            page.keyboard.type("and more")
            expect(card.get_by_label("Write a comment")).to_have_value("and more")

    def test_a_removed_member_is_told_once_and_taken_home(self):
        """A member removed while their board is open reads that they are no longer a member, in
        the page's language, lands on the home page, which says it once; a reload says nothing."""
        from playwright.sync_api import expect

        kz = Membership.objects.get(user__username="kz", workspace__slug="gs-think-tank")
        remove_url = f"{self.live_server_url}/w/gs-think-tank/members/{kz.pk}/remove/"
        name = kz.workspace.name
        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "kz", viewport=PHONE)
            page.goto(self.board_url)
            expect(page.locator("[data-connection]")).to_have_text("Live", timeout=5000)
            steward = sign_in(browser, self.live_server_url, "steward")
            steward.goto(remove_url)
            steward.locator("button.button--danger").click()
            told = page.get_by_role("alert").filter(has_text="You are no longer a member of")
            expect(told).to_have_text(f"You are no longer a member of {name}.", timeout=3000)
            expect(page.locator("[data-compose]")).to_be_hidden()
            page.wait_for_url(f"{self.live_server_url}/", timeout=10000)
            expect(page.locator(".messages")).to_contain_text("You are no longer a member of")
            page.reload()
            expect(page.locator(".messages")).to_have_count(0)
            page.goto(self.board_url)  # from now on a stranger: the same 404 as anyone, naming nothing
            expect(page.locator("main")).not_to_contain_text(name)

    def test_the_connection_label_fits_a_phone_and_the_board_has_no_serious_axe_findings(self):
        """At 360 px the connection label is whole in English, Russian and Dari, and axe-core finds no
        serious or critical violation on the board in any of them."""
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import expect

        axe = Axe()
        found = {}
        with chromium_browser() as browser:
            for code in ("en", "ru", "fa-af"):
                page = sign_in(browser, self.live_server_url, "kz", viewport=PHONE, locale=code)
                page.goto(self.board_url)
                label = page.locator("[data-connection]")
                expect(label).to_have_class("connection connection--live", timeout=5000)
                page.context.set_offline(True)
                expect(label).to_have_class("connection connection--offline", timeout=3000)
                text = label.locator(".connection__text")
                cut = text.evaluate(
                    "e => { const box = e.getBoundingClientRect();"
                    " return e.scrollWidth > e.clientWidth + 1 || box.right > innerWidth || box.left < 0; }"
                )
                screenshot(page, f"board-connection-offline-360-{code}")
                assert not cut, f"the connection label is cut at 360 px in {code}"
                page.context.set_offline(False)
                expect(label).to_have_class("connection connection--live", timeout=3000)
                found[code] = serious(axe.run(page))
                page.context.close()
        problems = {key: value for key, value in found.items() if value}
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)

    def test_a_member_removed_while_offline_is_told_when_back(self):
        """Removed while the phone's connection was down: when it comes back, the refused socket
        leads the page to say so (it said "Offline" for good, with the compose box)."""
        from playwright.sync_api import expect

        kz = Membership.objects.get(user__username="kz", workspace__slug="gs-think-tank")
        remove_url = f"{self.live_server_url}/w/gs-think-tank/members/{kz.pk}/remove/"
        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "kz", viewport=PHONE)
            page.goto(self.board_url)
            expect(page.locator("[data-connection]")).to_have_text("Live", timeout=5000)
            # The page's socket is down while the steward removes them (the server's "removed"
            # frame reaches no one), and comes back after.
            page.evaluate("""() => { const s = window.codesign.board.socket;
                s.realConnect = s.connect; s.connect = () => {}; s.ws.close(); }""")
            steward = sign_in(browser, self.live_server_url, "steward")
            steward.goto(remove_url)
            steward.locator("button.button--danger").click()
            steward.wait_for_url(re.compile(r"/members/$"))
            page.evaluate("() => { const s = window.codesign.board.socket; s.connect = s.realConnect; s.connect(); }")
            told = page.get_by_role("alert").filter(has_text="You are no longer a member of")
            expect(told).to_be_visible(timeout=20000)
            expect(page.locator("[data-compose]")).to_be_hidden()
