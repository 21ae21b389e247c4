"""Real content on a real phone (issue "Real content on real phones"): a 200-character word, a pasted
300-character link, a long Dari paragraph and emoji, on every page a member opens, at 360x740, in
English, Russian and Dari, with 110 people on the board. Nothing may scroll sideways."""

import io
import os
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command

from boards import actions as board_actions
from boards.models import Board, BoardPresence
from charter import actions as charter_actions
from drafts import actions as drafts_actions
from drafts.documents import new_doc
from facilitation import actions as facilitation_actions
from tests.e2e.browser import SCREENSHOTS, LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import sign_in
from tests.factories import make_member
from voting import actions as voting_actions
from workspace.models import Membership, Workspace

PHONE = {"width": 360, "height": 740}
LONG_WORD = "Взаимоподдержкаигражданскоеучастие" * 6  # 204 letters, no space to break at
LONG_URL = "https://docs.google.com/document/d/1" + "AbCdEfGhIjKl" * 22 + "/edit?usp=sharing"  # 317 characters
DARI = (
    "ما به عنوان یک اندیشکده منطقه‌ای، گفت‌وگوی آزاد میان جامعه مدنی افغانستان، قزاقستان، قرقیزستان، "
    "مغولستان، تاجیکستان، ترکمنستان و ازبکستان را تقویت می‌کنیم تا سیاست‌های عمومی بر پایه شواهد و "
    "مشارکت شهروندان شکل بگیرد. اولویت ما آب، اقلیم و آموزش مدنی برای ۲۵ سال آینده است."
)
EMOJI = "💧🌍 Вода и климат 👨‍👩‍👧‍👦🇰🇬🇹🇯 — water first 🙌🏽"
LANGUAGES = ["en", "ru", "fa-af"]
# Every layout shift of the page, with what moved (the Layout Instability API, as Lighthouse reads it).
LAYOUT_SHIFTS = """window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__shifts.push({ value: entry.value, moved: entry.sources.map((source) => source.node?.className || "?") });
  }
}).observe({ type: "layout-shift", buffered: true });"""
# The innermost elements that reach past the screen's edge: what to fix when the test fails.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return false; // clipped or scrolled inside
    }
    return true;
  });
  const innermost = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
  return innermost.slice(0, 4).map((el) => `${name(el)} ${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.mark.e2e
class TestRealContentOnAPhone(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        workspace = Workspace.objects.get(slug="gs-think-tank")
        self.board = Board.objects.get(workspace=workspace, kind="priorities")
        mission = Board.objects.get(workspace=workspace, kind="mission")
        author = Membership.objects.get(user__username="kg")
        facilitator = Membership.objects.get(user__username="facilitator")
        cards = [
            board_actions.create_card(board=self.board, by=author, body=body)
            for body in (LONG_WORD, f"Our notes: {LONG_URL}", DARI, EMOJI)
        ]
        board_actions.add_comment(card=cards[0], by=author, body=f"{LONG_URL} {LONG_WORD}")
        board_actions.add_comment(card=cards[2], by=facilitator, body=DARI)
        # An earlier closed round, then a closed round whose results list those cards.
        earlier = voting_actions.create_round(board=self.board, by=facilitator, question="Which comes first, water?")
        voting_actions.open_round(round_=earlier, by=facilitator)
        voting_actions.place_dot(round_=earlier, voter=author, card_id=cards[3].pk)
        voting_actions.close_round(round_=earlier, by=facilitator)
        round_ = voting_actions.create_round(board=self.board, by=facilitator, question=f"{LONG_WORD}?")
        voting_actions.open_round(round_=round_, by=facilitator)
        for card in cards:
            voting_actions.place_dot(round_=round_, voter=author, card_id=card.pk)
        voting_actions.close_round(round_=round_, by=facilitator)
        # A draft with the same content, and a revision named with it.
        doc, text = new_doc()
        text.insert(0, f"{DARI}\n\n{LONG_URL}\n\n{LONG_WORD}\n\n{EMOJI}")
        drafts_actions.store_draft_update(board_id=mission.pk, by=facilitator, update=doc.get_update())
        drafts_actions.save_revision(board=mission, by=facilitator, name=LONG_WORD[:120])
        # A published charter with all of it, read on the charter page.
        steward = Membership.objects.get(user__username="steward")
        charter_actions.publish_version(membership=steward, title=f"Хартия {LONG_WORD[:60]}", appendix=True)
        # The room is busy: a live session, a message and "everyone to this board".
        facilitation_actions.start_session(session=workspace.agenda.first(), by=facilitator)
        facilitation_actions.post_message(workspace=workspace, by=facilitator, text=f"{DARI[:120]} {LONG_URL}")
        facilitation_actions.summon_to_board(board=self.board, by=facilitator, text=LONG_WORD[:100])
        # 110 people on the board.
        for n in range(110):
            member = make_member(workspace, country=settings.COUNTRIES_FIRST[n % 7],
                                 display_name=f"Участник {n} {LONG_WORD[: n % 40]}")  # fmt: skip
            BoardPresence.objects.create(board=self.board, membership=member, channel_name=uuid.uuid4().hex)
        self.pages = {
            "home": "/",
            "workspace": "/w/gs-think-tank/",
            "board": f"/w/gs-think-tank/boards/{self.board.pk}/",
            "draft board": f"/w/gs-think-tank/boards/{mission.pk}/",
            "charter": "/w/gs-think-tank/charter/",
            "console": "/w/gs-think-tank/facilitate/",
            "fishbowl": "/w/gs-think-tank/fishbowl/",
            "invitations": "/w/gs-think-tank/invitations/",
            "texts": "/w/gs-think-tank/texts/?language=fa-af",
            "members": "/w/gs-think-tank/members/",
            "audit": "/w/gs-think-tank/audit/",
            "preferences": "/preferences/",
        }

    def test_nothing_scrolls_sideways(self):
        base = self.live_server_url
        too_wide = []
        with chromium_browser() as browser:
            page = sign_in(browser, base, "steward", viewport=PHONE)
            for language in LANGUAGES:
                page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                for name, path in self.pages.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > PHONE["width"]:
                        too_wide.append(f"{name} ({language}): {width} px, {page.evaluate(TOO_WIDE)}")
                    if os.environ.get("CODESIGN_SCREENSHOTS"):
                        screenshot(page, f"phone-{name.replace(' ', '-')}-{language}")
                        page.screenshot(path=str(SCREENSHOTS / f"phone-{name.replace(' ', '-')}-{language}-first.png"))
        assert too_wide == [], "\n".join(too_wide)

    def test_the_board_with_110_people_starts_with_what_to_do(self):
        """The row of who is here stays one short row with 110 people; the full list, with counts by
        country, opens on demand; the compose box is on the phone's first screen."""
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
            expect(page.locator("[data-connection]")).to_have_text("Live")
            expect(page.locator("[data-presence] .person")).to_have_count(5)
            expect(page.locator("[data-presence-count]")).to_have_text("111 here")  # 110 and the viewer
            expect(page.locator("[data-presence] .person").first).to_contain_text("Participant (Afghanistan)")
            compose = page.locator("form[data-compose] textarea")
            top = compose.bounding_box()["y"]
            assert top + 40 < PHONE["height"], f"the compose box starts {top:.0f} px down"
            first_card = page.locator("[data-card]").first
            card_top = first_card.bounding_box()["y"]
            assert card_top + 40 < PHONE["height"], f"the first card starts {card_top:.0f} px down"
            # One strip for the room: the most pressing notice (the message: "everyone to this board"
            # is done, they are here), the other (the summons) behind one button; the live
            # session's short line always shows under it.
            expect(page.locator("[data-room-banner]")).to_be_visible()
            expect(page.locator("[data-room-summon]")).to_be_hidden()
            expect(page.locator("[data-room-session]")).to_be_visible()
            page.get_by_role("button", name="1 more").click()
            expect(page.locator("[data-room-summon]")).to_be_visible()
            page.get_by_role("button", name="Show less").click()
            expect(page.locator("[data-room-summon]")).to_be_hidden()
            expect(page.locator("[data-room-session]")).to_be_visible()
            # one line: the badge, the session's title and the time left ("ends at" folds)
            assert page.locator("[data-room-session]").bounding_box()["height"] < 48
            expect(page.locator("[data-session-ends]")).to_be_hidden()
            page.get_by_text("+106 more").click()
            expect(page.locator("[data-presence-full] .person")).to_have_count(111)
            expect(page.locator("[data-presence-countries]")).to_contain_text("AF")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            # In Russian and Dari too, the compose box and the first card are on the first screen.
            for language in ("ru", "fa-af"):
                page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page.reload()
                expect(page.locator("[data-presence] .person")).to_have_count(5)
                top = page.locator("form[data-compose] textarea").bounding_box()["y"]
                assert top + 40 < PHONE["height"], f"{language}: the compose box starts {top:.0f} px down"
                card_top = page.locator("[data-card]").first.bounding_box()["y"]
                # (at least its first line, the author: Russian titles and Dari strips take more lines)
                assert card_top + 24 < PHONE["height"], f"{language}: the first card starts {card_top:.0f} px down"

    def test_the_board_does_not_jump_while_it_comes_alive(self):
        """A phone opening the busy board (a message, "everyone to this board", a live session, a
        closed round, 110 people): what the first paint shows is where it stays once the scripts
        have drawn the room strip, the round's results, who is here and the connection. The room
        strip used to show the session first and then swap in the message (the page moved 8-10 px),
        and the results appeared beside the folded draft, moving it to the other column."""
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.context.add_init_script(LAYOUT_SHIFTS)
            for language in LANGUAGES:
                page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
                expect(page.locator("[data-connection].connection--live")).to_be_visible()
                expect(page.locator(".round-closed")).to_be_visible()
                page.wait_for_timeout(500)  # the presence list, the strip's button
                shifts = page.evaluate("window.__shifts")
                assert sum(shift["value"] for shift in shifts) < 0.01, (language, shifts)
                expect(page.locator("[data-room-banner]")).to_be_visible()  # the message, first
                # Losing the connection does not push the board down either: the long state is cut
                # on the status line (whole in its title and for screen readers).
                header = page.locator(".board-header").bounding_box()["height"]
                page.context.set_offline(True)
                expect(page.locator("[data-connection].connection--offline")).to_be_visible()
                assert page.locator(".board-header").bounding_box()["height"] == header, language
                page.context.set_offline(False)

    def test_results_show_cards_as_the_board_does_in_the_readers_language(self):
        """The closed round's results show each card rendered (a pasted link is a link, no raw
        Markdown), never cut inside an emoji; the note on the order is in the reader's language."""
        from django.utils import translation
        from playwright.sync_api import expect

        from voting.models import RESULTS_ORDER_NOTE

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.context.add_cookies([{"name": "django_language", "value": "fa-af", "url": base}])
            page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
            results = page.locator(".results")
            expect(results.locator("a[href^='https://docs.google.com/document/d/']")).to_have_count(1)
            expect(results.locator(".results__text", has_text="water first")).to_contain_text("👨‍👩‍👧‍👦🇰🇬🇹🇯")
            assert "�" not in results.inner_text()
            with translation.override("fa-af"):
                dari_note = str(RESULTS_ORDER_NOTE)
            expect(page.locator(".results-wrap > .help")).to_have_text(dari_note)
            # One digit system: our own times and numbers in Latin digits, as the server writes them.
            times = page.locator("time").all_inner_texts()
            assert times and not any(set(t) & set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩") for t in times), times

    def test_the_language_switches_on_choosing_it(self):
        """Choosing a language switches the page at once (no second click); the button is only for
        pages without scripts. The live badge says "На связи" (connected), not "В сети" (online)."""
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
            expect(page.locator(".language-switch button")).to_be_hidden()
            expect(page.locator("#language-switch")).to_be_hidden()  # on a phone: in the menu
            page.get_by_text("Menu", exact=True).click()
            page.locator("#language-switch").select_option("ru")
            expect(page.locator("html")).to_have_attribute("lang", "ru")
            expect(page.locator("[data-connection]")).to_have_text("На связи")

    def test_every_closed_round_is_there_newest_first(self):
        """The newer round's results show; the earlier round is listed under it and its results come
        when the list is opened."""
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
            expect(page.locator("[data-round-view] .round-question")).to_contain_text(LONG_WORD[:30])
            # (on a phone too the results start open)
            expect(page.locator(".round-closed .results__row")).to_have_count(4)
            earlier = page.locator("[data-earlier-rounds]")
            expect(earlier.locator("summary")).to_have_text("Earlier rounds on this board (1)")
            earlier.locator("summary").click()
            expect(earlier.locator(".round-question")).to_have_text("Which comes first, water?")
            expect(earlier.locator(".results__row")).to_have_count(4)  # every card of the round
            expect(earlier.locator(".results__row").first).to_contain_text("water first")
            expect(earlier.locator(".adopt")).to_have_count(0)  # adopting is for the round shown
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    def test_a_dari_reader_reads_the_board_in_dari(self):
        """The board's title and guiding question in Dari (given by the stewards), and the empty
        compose box's hint right to left."""
        from playwright.sync_api import expect

        base = self.live_server_url
        with chromium_browser() as browser:
            page = sign_in(browser, base, "af", viewport=PHONE)
            page.context.add_cookies([{"name": "django_language", "value": "fa-af", "url": base}])
            page.goto(f"{base}/w/gs-think-tank/boards/{self.board.pk}/")
            expect(page.locator("[data-board-title]")).to_have_text(self.board.translations["fa-af"]["title"])
            expect(page.locator("[data-board-question]")).to_have_text(
                self.board.translations["fa-af"]["guiding_question"]
            )
            expect(page.locator(".boardnav")).to_contain_text(self.board.translations["fa-af"]["title"])
            compose = page.locator("form[data-compose] textarea")
            assert compose.evaluate("el => getComputedStyle(el).direction") == "rtl"
            compose.fill("Water first")  # what is typed decides its own direction
            assert compose.evaluate("el => getComputedStyle(el).direction") == "ltr"
