"""Amendments in real browsers: one person selects a sentence of the mission draft and suggests new
wording; another sees it live, supports it and comments; the facilitator puts two competing
amendments to a round, both vote, the winner is adopted and appears in every open editor without a
reload. Then the same in Dari on a 360 px phone."""

import io
import os
import re

import pytest
from django.core.management import call_command

from boards.models import Board
from drafts import actions as drafts
from drafts.documents import new_doc, replace_text
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import sign_in
from workspace.models import Membership

ENGLISH = "We connect civil society across Central Asia.\nWe publish research every year.\nWe train young analysts."
DARI = (
    "ما جامعهٔ مدنی را در آسیای مرکزی به هم پیوند می‌دهیم.\n"
    "ما هر سال پژوهش منتشر می‌کنیم.\n"
    "ما تحلیل‌گران جوان را آموزش می‌دهیم."
)
PHONE = {"width": 360, "height": 740}


def open_draft(page, url):
    from playwright.sync_api import expect

    page.goto(url)
    page.locator("[data-draft] > summary").click()  # the editor loads only when opened
    expect(page.locator("[data-draft-status]")).to_have_class("connection connection--live", timeout=8000)


def select_line(page, line: int, *, keyboard: bool) -> None:
    """Select a whole line of the draft: with the keyboard (Shift and the arrows), or as a finger on
    a phone does (whose wrapped lines the keyboard's End would stop short of): through the editor."""
    page.locator(".cm-content").click()
    if keyboard:
        page.keyboard.press("Control+Home")
        for _ in range(line - 1):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Home")
        page.keyboard.press("Shift+End")
    else:
        page.evaluate(
            """(n) => { const { view } = window.codesign.board.draft; const l = view.state.doc.line(n);
                        view.dispatch({ selection: { anchor: l.from, head: l.to } }); }""",
            line,
        )


def suggest(page, line: int, wording: str, reason: str, *, keyboard: bool) -> None:
    """Select a line and propose new wording: on a desktop reaching "Suggest a change" with Tab,
    on a phone tapping it."""
    from playwright.sync_api import expect

    select_line(page, line, keyboard=keyboard)
    button = page.locator("[data-suggest-open]")
    if keyboard:
        page.keyboard.press("Tab")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
    else:
        button.click()
    proposed = page.locator("[data-suggest-proposed]")
    expect(proposed).to_be_focused()
    proposed.fill(wording)
    page.locator("[data-suggest-reason]").fill(reason)
    page.locator("[data-suggest-form] button[type=submit]").click()
    expect(page.locator("[data-suggest-form]")).to_be_hidden()


def amendment(page, number: int):
    return page.locator(".amendment", has=page.locator(".amendment__title", has_text=f" {number}"))


@pytest.mark.e2e
class TestAmendments(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.board = Board.objects.get(workspace__slug="gs-think-tank", kind="mission")
        self.url = f"{self.live_server_url}/w/gs-think-tank/boards/{self.board.pk}/"

    def write_draft(self, text: str) -> None:
        facilitator = Membership.objects.get(user__username="facilitator")
        doc, shared = new_doc()
        drafts.store_draft_update(board_id=self.board.pk, by=facilitator, update=replace_text(doc, shared, text))

    def run_flow(self, *, text, line, winner, marker, loser, reason, comment, locale, phone):
        from playwright.sync_api import expect

        self.write_draft(text)
        with chromium_browser() as browser:
            viewport = PHONE if phone else None
            kz = sign_in(browser, self.live_server_url, "kz", viewport=viewport, locale=locale)
            af = sign_in(browser, self.live_server_url, "af", viewport=viewport, locale=locale)
            facilitator = sign_in(browser, self.live_server_url, "facilitator", locale=locale)
            for page in (kz, af, facilitator):
                open_draft(page, self.url)

            # One suggests new wording for a sentence; the other sees it live, supports it, comments.
            suggest(kz, line, winner, reason, keyboard=not phone)
            first = amendment(af, 1)
            expect(first.locator(".amendment__diff ins")).to_contain_text(marker, timeout=3000)
            expect(first.locator(".amendment__reason")).to_contain_text(reason)
            expect(af.locator(".cm-content .passage")).to_have_count(1)  # the passage, highlighted
            first.locator(".amendment__tools button[aria-pressed]").click()  # "+1"
            expect(amendment(kz, 1).locator(".amendment__tools .muted")).to_have_text(re.compile(r"\b1$"), timeout=3000)
            expect(first.locator("button[aria-pressed=true]")).to_have_count(1)
            first.locator(".idea__comments > summary").click()
            first.locator(".comment-form textarea").fill(comment)
            first.locator(".comment-form button[type=submit]").click()
            comments = amendment(kz, 1).locator(".idea__comments")
            comments.locator("summary").click()
            expect(comments.locator(".thread")).to_contain_text(comment, timeout=3000)

            # A competing wording of the same sentence.
            suggest(af, line, loser, reason, keyboard=not phone)
            expect(amendment(kz, 2)).to_be_visible(timeout=3000)

            # The facilitator puts both to a round; both vote; the winner is adopted.
            facilitator.locator("[data-round-setup] > summary").click()
            facilitator.locator("#round-subject").select_option("amendments")
            facilitator.locator("[data-round-form] button[type=submit]").click()
            for page, number in ((kz, 1), (af, 1), (af, 2)):  # (on the round's ballot, beside the draft)
                item = page.locator(f'.ballot__item[data-amendment-number="{number}"]')
                dot = item.locator(".button--dot")
                expect(dot).to_be_enabled(timeout=5000)
                dot.click()
                expect(item.locator(".pips")).to_contain_text("●", timeout=3000)
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(af, f"amendments-round-{locale}")
            facilitator.once("dialog", lambda dialog: dialog.accept())
            facilitator.locator(".round-actions button").nth(1).click()  # close now (after "+2 minutes")
            facilitator.locator("form.adopt input[type=number]").fill("2")
            facilitator.once("dialog", lambda dialog: dialog.accept())  # "Adopt these 2 …?"
            facilitator.locator("form.adopt button").click()

            for page in (kz, af, facilitator):
                expect(page.locator(".cm-content")).to_contain_text(winner, timeout=5000)
                expect(page.locator(".cm-content")).not_to_contain_text(loser)
            expect(amendment(af, 1)).to_have_class(re.compile(r"amendment--accepted"), timeout=3000)
            expect(amendment(kz, 2).locator(".amendment__outdated")).to_be_visible(timeout=3000)
            texts = {page.evaluate("window.codesign.board.draft.text.toString()") for page in (kz, af, facilitator)}
            assert len(texts) == 1 and texts.pop().count(winner) == 1
            if phone:
                assert af.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(af, f"amendments-{locale}")

    def test_suggest_support_vote_and_adopt_in_two_browsers(self):
        """The whole flow in English on desktops."""
        self.run_flow(
            text=ENGLISH,
            line=2,
            winner="We publish research twice a year.",
            marker="twice",
            loser="We publish research every month.",
            reason="Our funders expect two reports.",
            comment="Two reports are realistic.",
            locale="en-US",
            phone=False,
        )

    def test_the_same_flow_in_dari_on_a_phone(self):
        """The same flow in Dari, the participants on 360 px phones."""
        self.run_flow(
            text=DARI,
            line=2,
            winner="ما سالی دو بار پژوهش منتشر می‌کنیم.",
            marker="دو بار",
            loser="ما هر ماه پژوهش منتشر می‌کنیم.",
            reason="دو گزارش در سال واقع‌بینانه است.",
            comment="موافقم.",
            locale="fa-AF",
            phone=True,
        )

    def test_an_abusive_amendment_removed_and_an_own_one_withdrawn(self):
        """A facilitator removes an amendment that must not stay: it leaves every open page at once,
        with its highlighted passage. Its author withdraws their own the same way."""
        from playwright.sync_api import expect

        self.write_draft(ENGLISH)
        af, kz = (Membership.objects.get(user__username=name) for name in ("af", "kz"))
        for by, original, proposed in ((af, "every year", "every year; Aziza lives at 12 Secret Street"),
                                       (kz, "young analysts", "young researchers")):  # fmt: skip
            start = ENGLISH.find(original)
            drafts.propose_amendment(board=self.board, by=by, original=original, proposed=proposed, start=start)
        with chromium_browser() as browser:
            reader = sign_in(browser, self.live_server_url, "kz")
            facilitator = sign_in(browser, self.live_server_url, "facilitator")
            for page in (reader, facilitator):
                open_draft(page, self.url)
                expect(page.locator(".cm-content .passage")).to_have_count(2)
            expect(amendment(reader, 1).get_by_role("button", name="Remove")).to_have_count(0)  # not theirs
            facilitator.once("dialog", lambda dialog: dialog.accept())
            amendment(facilitator, 1).get_by_role("button", name="Remove").click()
            expect(amendment(reader, 1)).to_have_count(0, timeout=3000)
            expect(reader.locator(".cm-content .passage")).to_have_count(1)
            assert "Secret Street" not in reader.locator("[data-board]").inner_text()

            reader.once("dialog", lambda dialog: dialog.accept())
            amendment(reader, 2).get_by_role("button", name="Withdraw").click()
            expect(amendment(facilitator, 2)).to_have_count(0, timeout=3000)
            expect(facilitator.locator(".cm-content .passage")).to_have_count(0)
            expect(facilitator.locator("[data-amendments-empty]")).to_be_visible()
