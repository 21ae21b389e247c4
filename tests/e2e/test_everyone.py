"""For everyone in the room: Dari right to left, accessibility (axe-core), keyboard only, a slow
3G link, and a comment written while the connection is down."""

import io
import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from boards import actions as board_actions
from boards.models import Board, Comment
from facilitation import actions as facilitation_actions
from tests.e2e.browser import SCREENSHOTS, LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.slow_link import load_board_slowly
from tests.e2e.test_live_board import PASSWORD, sign_in
from voting import actions as voting_actions
from workspace.models import Membership

RUSSIAN = "Нам нужен общий словарь понятий."
DARI = "ما به یک واژه‌نامهٔ مشترک نیاز داریم."

# Counts pointer and mouse presses the page receives (Playwright's keyboard makes none).
COUNT_MICE = """
window.__mice = 0;
for (const type of ["pointerdown", "mousedown"]) document.addEventListener(type, () => { window.__mice += 1; }, true);
"""


def choose_language(page, code):
    """Choose a language in the header's switcher: the page switches at once."""
    from playwright.sync_api import expect

    page.locator("#language-switch").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)
    page.wait_for_load_state()


@pytest.mark.e2e
class TestEveryone(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.priorities = Board.objects.get(workspace__slug="gs-think-tank", kind="priorities")
        self.mission = Board.objects.get(workspace__slug="gs-think-tank", kind="mission")
        kz = Membership.objects.get(user__username="kz")
        af = Membership.objects.get(user__username="af")
        for body in ("Civic education", "Water and climate", "Open data"):
            board_actions.create_card(board=self.priorities, by=kz, body=body)
        card = board_actions.create_card(board=self.mission, by=af, body=DARI)
        board_actions.add_comment(card=card, by=kz, body=RUSSIAN)
        self.url = lambda board: f"{self.live_server_url}/w/gs-think-tank/boards/{board.pk}/"

    def open_round(self):
        facilitator = Membership.objects.get(user__username="facilitator")
        round_ = voting_actions.create_round(
            board=self.priorities, by=facilitator, question="Which areas first?", duration_seconds=3600
        )
        return voting_actions.open_round(round_=round_, by=facilitator)

    def test_dari_mirrors_the_page_and_a_russian_comment_reads_left_to_right(self):
        """In Dari the page is dir=rtl and its layout mirrored; user text keeps its own direction.
        Screenshots of the board in each language are saved under var/screenshots/."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "af")
            for code in ("en", "ru", "fa-af"):
                choose_language(page, code)
                page.goto(self.url(self.mission))
                expect(page.locator("html")).to_have_attribute("lang", code)
                expect(page.locator(".idea")).to_have_count(1)
                page.locator(".idea summary").click()
                expect(page.locator(".comment__body")).to_contain_text(RUSSIAN)
                screenshot(page, f"board-{code}")

            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            header = page.locator(".board-header").bounding_box()
            title = page.locator("[data-board-title]").bounding_box()
            status = page.locator("[data-board-state]").bounding_box()
            # Mirrored: the title starts at the right edge, the status sits on the left.
            assert title["x"] + title["width"] > header["x"] + header["width"] - 5
            assert status["x"] < title["x"]
            directions = page.evaluate(
                """() => ({
                  comment: getComputedStyle(document.querySelector(".comment__body p")).direction,
                  commentDir: document.querySelector(".comment__body p").matches(":dir(ltr)"),
                  card: document.querySelector(".idea__body p").matches(":dir(rtl)"),
                })"""
            )
            assert directions["commentDir"], directions  # Russian inside a Dari page: left to right
            assert directions["card"], directions  # Dari card text: right to left

            choose_language(page, "ru")
            expect(page.locator("html")).to_have_attribute("dir", "ltr")
            assert page.evaluate("() => document.querySelector('.idea__body p').matches(':dir(rtl)')")
        for code in ("en", "ru", "fa-af"):
            assert (SCREENSHOTS / f"board-{code}.png").stat().st_size > 10_000

    def test_no_serious_accessibility_violations_in_english_russian_and_dari(self):
        """axe-core finds no serious or critical violation on login, workspace home (a session not
        held among them), the board with an open round, the charter page, the console and the
        fishbowl (with the room live: a session, a message, a summons, a seat offered), in English,
        Russian and Dari."""
        from axe_playwright_python.sync_playwright import Axe

        self.open_round()
        facilitator = Membership.objects.get(user__username="facilitator")
        facilitation_actions.start_session(session=facilitator.workspace.agenda.first(), by=facilitator)
        facilitation_actions.post_message(workspace=facilitator.workspace, by=facilitator, text="Ten minutes left.")
        facilitation_actions.summon_to_board(board=self.priorities, by=facilitator)
        facilitation_actions.raise_hand(member=Membership.objects.get(user__username="steward"))
        facilitation_actions.raise_hand(member=Membership.objects.get(user__username="kz"))
        long_ago = timezone.now() - timedelta(days=2)  # planned, never started: "Not held" on the home page
        facilitator.workspace.agenda.create(title="Сессия, которой не было", starts_at=long_ago,
                                            ends_at=long_ago + timedelta(hours=1))  # fmt: skip
        axe = Axe()
        found = {}
        with chromium_browser() as browser:
            for code in ("en", "ru", "fa-af"):
                context = browser.new_context(locale=code, extra_http_headers={"Accept-Language": code})
                page = context.new_page()
                page.goto(f"{self.live_server_url}/accounts/login/")
                found[(code, "login")] = serious(axe.run(page))
                page.locator("#id_username").fill("steward")
                page.locator("#id_password").fill(PASSWORD)
                page.locator("button[type=submit].button--primary").click()
                page.wait_for_url("**/w/gs-think-tank/")
                pages = [
                    ("home", f"{self.live_server_url}/w/gs-think-tank/"),
                    ("board", self.url(self.priorities)),
                    ("charter", f"{self.live_server_url}/w/gs-think-tank/charter/"),
                    ("console", f"{self.live_server_url}/w/gs-think-tank/facilitate/"),
                    ("fishbowl", f"{self.live_server_url}/w/gs-think-tank/fishbowl/"),
                ]
                for name, url in pages:
                    page.goto(url)
                    if name == "board":
                        page.wait_for_selector(".button--dot")
                    if name == "console":
                        page.wait_for_selector(".console-board")
                    found[(code, name)] = serious(axe.run(page))
                    if name in ("home", "console", "fishbowl"):
                        screenshot(page, f"{name}-{code}")
                context.close()
        problems = {key: value for key, value in found.items() if value}
        assert not problems, json.dumps({f"{k[0]} {k[1]}": v for k, v in problems.items()}, indent=1)

    def test_keyboard_only(self):
        """Sign in, comment, place and remove three dots; a facilitator opens and closes a round —
        all with the keyboard, without one mouse event."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            people = {}
            for username in ("facilitator", "af"):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(COUNT_MICE)
                page = context.new_page()
                page.on("dialog", lambda dialog: dialog.accept())
                page.goto(f"{self.live_server_url}/accounts/login/")
                expect(page.locator("#id_username")).to_be_focused()  # autofocus
                page.keyboard.type(username)
                page.keyboard.press("Tab")
                page.keyboard.type(PASSWORD)
                page.keyboard.press("Enter")
                page.wait_for_url("**/w/gs-think-tank/")
                page.goto(self.url(self.priorities))
                expect(page.locator("[data-connection]")).to_have_text("Live")
                people[username] = page
            facilitator, af = people["facilitator"], people["af"]

            # The facilitator sets up and opens a round.
            facilitator.locator("[data-round-setup] summary").focus()
            facilitator.keyboard.press("Enter")
            expect(facilitator.locator("#round-question")).to_be_visible()
            facilitator.locator("#round-question").focus()
            tab_to(facilitator, "Open the round")
            facilitator.keyboard.press("Enter")
            expect(af.locator(".button--dot").first).to_be_enabled(timeout=3000)

            # The participant places three dots on one card and takes them back.
            card = af.locator(".idea", has_text="Water and climate")
            add = card.get_by_role("button", name="Add a dot to “Water and climate”")
            add.focus()
            for left in (4, 3, 2):
                af.keyboard.press("Enter")
                expect(af.locator("[data-remaining]")).to_have_text(f"You have {left} of 5 dots left.")
            expect(add).to_be_disabled()  # 3 per card
            # The keyboard stays on "+" (it never jumps to "take back" by itself): Enter takes nothing back.
            expect(add).to_be_focused()
            af.keyboard.press("Enter")
            expect(af.locator("[data-remaining]")).to_have_text("You have 2 of 5 dots left.")
            card.get_by_role("button", name="Take a dot back from “Water and climate”").focus()
            for left in (3, 4, 5):
                af.keyboard.press("Enter")
                expect(af.locator("[data-remaining]")).to_have_text(f"You have {left} of 5 dots left.")

            # ... and comments on it.
            card.locator("summary").focus()
            af.keyboard.press("Enter")
            af.keyboard.press("Tab")
            expect(card.get_by_label("Write a comment")).to_be_focused()
            af.keyboard.type("Typed without a mouse")
            af.keyboard.press("Tab")
            af.keyboard.press("Enter")
            # It reaches the facilitator's page folded in the card's thread, and shows when they open it.
            facilitator_card = facilitator.locator(".idea", has_text="Water and climate")
            typed = facilitator_card.locator(".comment", has_text="Typed without a mouse")
            expect(typed).to_have_count(1)
            expect(typed).to_be_hidden()
            facilitator_card.locator("summary").focus()
            facilitator.keyboard.press("Enter")
            expect(typed).to_be_visible()

            # The facilitator closes the round (confirming the dialog).
            facilitator.get_by_role("button", name="Close now").focus()
            facilitator.keyboard.press("Enter")
            expect(af.locator("[data-round-view]")).to_contain_text("Closed", timeout=3000)

            assert facilitator.evaluate("window.__mice") == 0 and af.evaluate("window.__mice") == 0

    def test_board_is_usable_on_slow_3g(self):
        """On a slow 3G link and a 360 px screen the board shows its cards and enabled dot buttons
        within 20 s, having transferred under 150 KB (the editor bundle is not loaded)."""
        self.open_round()
        with chromium_browser() as browser:
            page = sign_in(browser, self.live_server_url, "af")
            state = page.context.storage_state()
            seconds, transferred, by_url = load_board_slowly(browser, state, self.url(self.priorities))
        print(f"\nslow 3G board load: usable after {seconds:.1f} s, {transferred / 1024:.1f} KiB transferred")
        assert seconds < 20
        assert transferred < 150 * 1024, by_url
        assert not any("editor.bundle" in url for url in by_url)

    def test_offline_comment_survives_and_is_sent_once(self):
        """A comment sent while the connection is down waits, and is posted once when the connection
        returns: both browsers show it once, the database holds it once."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            af = sign_in(browser, self.live_server_url, "af")
            kz = sign_in(browser, self.live_server_url, "kz")
            for page in (af, kz):
                page.goto(self.url(self.mission))
                expect(page.locator("[data-connection]")).to_have_text("Live")
                page.locator(".idea summary").click()

            af.context.set_offline(True)
            card = af.locator(".idea")
            card.get_by_label("Write a comment").fill("Sent from a bus in the Pamirs")
            card.get_by_role("button", name="Comment").click()
            expect(card.locator(".comment-form .help")).to_contain_text("Not sent yet")
            card.get_by_role("button", name="Comment").click()  # an impatient second press sends nothing
            time.sleep(1)
            expect(kz.locator(".comment", has_text="Pamirs")).to_have_count(0)

            af.context.set_offline(False)
            expect(kz.locator(".comment", has_text="Pamirs")).to_have_count(1, timeout=15000)
            expect(af.locator(".comment", has_text="Pamirs")).to_have_count(1)
            expect(card.get_by_label("Write a comment")).to_have_value("")
            time.sleep(1)
            expect(kz.locator(".comment", has_text="Pamirs")).to_have_count(1)
        assert Comment.objects.filter(body="Sent from a bus in the Pamirs").count() == 1


def tab_to(page, name, limit=40):
    """Press Tab until the focused element's accessible text is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def serious(results) -> list[dict]:
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
