"""Dot voting in two real browsers: the facilitator opens a round, a participant votes."""

import io
import os
import re
import time

import pytest
from django.core.management import call_command

from boards import actions as board_actions
from boards.models import Board
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import sign_in
from workspace.models import Membership


@pytest.mark.e2e
class TestVoting(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        board = Board.objects.select_related("workspace").get(workspace__slug="gs-think-tank", kind="priorities")
        author = Membership.objects.get(user__username="kg")
        for body in ("Civic education", "Water and climate", "Open data"):
            board_actions.create_card(board=board, by=author, body=body)
        self.board_url = f"{self.live_server_url}/w/gs-think-tank/boards/{board.pk}/"

    def test_dot_updates_remaining_and_the_others_tally(self):
        """A dot placed in one browser updates its remaining dots and, with live results, the tally in the
        facilitator's browser within a second; both show the same countdown."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            facilitator = sign_in(browser, self.live_server_url, "facilitator")
            voter = sign_in(browser, self.live_server_url, "af", viewport={"width": 390, "height": 844})
            for page in (facilitator, voter):
                page.goto(self.board_url)
                expect(page.locator("[data-connection]")).to_have_text("Live")

            facilitator.get_by_text("Set up a dot-voting round").click()
            facilitator.get_by_label("Dots per person").fill("4")
            facilitator.get_by_label("Most dots on one card").fill("2")
            facilitator.get_by_label("Timer in minutes (optional)").fill("10")
            # An open (named) round: an anonymous one publishes its count only after five people changed theirs.
            facilitator.get_by_label("Anonymous: nobody ever sees who placed which dots").uncheck()
            facilitator.get_by_role("button", name="Open the round").click()

            expect(voter.locator("[data-remaining]")).to_have_text("You have 4 of 4 dots left.", timeout=2000)
            dot_requests = []  # dots go over the board's socket: no HTTP request while it is open
            voter.on("request", lambda request: "/dots/" in request.url and dot_requests.append(request.method))
            card = voter.locator(".idea", has_text="Water and climate")
            add = card.get_by_role("button", name="Add a dot to “Water and climate”")
            add.focus()
            started = time.monotonic()
            voter.keyboard.press("Enter")
            expect(voter.locator("[data-remaining]")).to_have_text("You have 3 of 4 dots left.")
            facilitator_card = facilitator.locator(".idea", has_text="Water and climate")
            expect(facilitator_card.locator(".dots__tally")).to_have_text("1 dot · 1 supporter", timeout=1000)
            assert time.monotonic() - started < 1.0
            expect(facilitator.locator(".turnout__total")).to_have_text(re.compile(r"^1 of \d+ have voted"))

            add.click()
            expect(add).to_be_disabled()  # cap of 2
            card.get_by_role("button", name="Take a dot back from “Water and climate”").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 3 of 4 dots left.")
            assert dot_requests == []

            # The socket drops (a flaky link): until it is back, a dot goes over HTTP and still counts.
            voter.evaluate("window.codesign.board.socket.ws.close()")
            expect(voter.locator("[data-connection]")).not_to_have_text("Live")
            voter.locator(".idea", has_text="Open data").get_by_role("button", name="Add a dot to “Open data”").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 2 of 4 dots left.")
            assert dot_requests == ["POST"]
            expect(voter.locator("[data-connection]")).to_have_text("Live")

            # Both count down from the server's clock: read at nearly the same moment, they agree to
            # within the second that may tick between the two readings.
            counts = [page.locator("[data-countdown]").inner_text() for page in (facilitator, voter)]
            seconds = [int(c.split()[0].split(":")[0]) * 60 + int(c.split()[0].split(":")[1]) for c in counts]
            assert all(c.endswith("left") for c in counts) and abs(seconds[0] - seconds[1]) <= 1, counts
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(voter, "voting-phone")
                screenshot(facilitator, "voting-facilitator")

            facilitator.once("dialog", lambda dialog: dialog.accept())
            facilitator.get_by_role("button", name="Close now").click()
            expect(voter.locator(".results__row").first).to_contain_text("Water and climate", timeout=2000)
            expect(voter.locator(".results__rank").first).to_have_text("1")
            if os.environ.get("CODESIGN_SCREENSHOTS"):
                screenshot(facilitator, "voting-results")
            # A card removed after the round leaves the results on open pages too (dots and rank stay).
            expect(voter.locator(".results")).to_contain_text("Open data")
            rows = voter.locator(".results__row").count()
            facilitator.once("dialog", lambda dialog: dialog.accept())
            facilitator.locator(".idea", has_text="Open data").get_by_role("button", name="Delete").click()
            expect(voter.locator(".results")).not_to_contain_text("Open data", timeout=3000)
            expect(voter.locator(".results__row")).to_have_count(rows)  # its row stays, without its words
            expect(voter.locator(".results__row").first).to_contain_text("Water and climate")

    def test_a_round_opens_in_every_browser_without_a_request(self):
        """When a round opens, no open page asks for the round (a room of 110 did so in the same
        second): a participant can vote at once with all their dots, and a steward sees at once
        whether they vote in it, with facilitators voting and without."""
        from playwright.sync_api import expect

        with chromium_browser() as browser:
            facilitator = sign_in(browser, self.live_server_url, "facilitator")
            voter = sign_in(browser, self.live_server_url, "af")
            steward = sign_in(browser, self.live_server_url, "steward")
            asked = {}  # page -> the GETs of a round it sent (/api/rounds/<id>/)
            for name, page in (("facilitator", facilitator), ("voter", voter), ("steward", steward)):
                page.goto(self.board_url)
                expect(page.locator("[data-connection]")).to_have_text("Live")
                asked[name] = []
                page.on("request", lambda request, name=name: request.method == "GET"
                        and re.search(r"/api/rounds/\d+/$", request.url) and asked[name].append(request.url))

            # Only participants vote: the form, as a facilitator does it.
            facilitator.get_by_text("Set up a dot-voting round").click()
            facilitator.get_by_label("Dots per person").fill("4")
            facilitator.get_by_label("Most dots on one card").fill("2")
            facilitator.get_by_label("Facilitators and stewards vote too").uncheck()
            facilitator.get_by_role("button", name="Open the round").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 4 of 4 dots left.", timeout=2000)
            expect(steward.locator("[data-remaining]")).to_have_text("Only participants vote in this round.")
            expect(facilitator.locator("[data-remaining]")).to_have_text("Only participants vote in this round.")
            expect(steward.locator(".button--dot")).to_have_count(0)
            voter.get_by_role("button", name="Add a dot to “Water and climate”").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 3 of 4 dots left.")

            # The next round, facilitators and stewards voting too (opened through the API).
            facilitator.once("dialog", lambda dialog: dialog.accept())
            facilitator.get_by_role("button", name="Close now").click()
            expect(voter.locator(".results__row").first).to_be_visible(timeout=3000)
            board_id = self.board_url.rstrip("/").rsplit("/", 1)[1]
            facilitator.evaluate(
                """async ([board, setup]) => {
                  const api = window.codesign.board.api;
                  const r = await api("POST", `/api/boards/${board}/rounds/`, setup);
                  await api("POST", `/api/rounds/${r.id}/open/`);
                }""",
                [board_id, {"question": "Which next?", "dots_per_voter": 3, "max_per_card": 2}],
            )
            for page in (voter, steward, facilitator):
                expect(page.locator("[data-remaining]")).to_have_text("You have 3 of 3 dots left.", timeout=2000)
            steward.get_by_role("button", name="Add a dot to “Open data”").click()
            expect(steward.locator("[data-remaining]")).to_have_text("You have 2 of 3 dots left.")
            voter.get_by_role("button", name="Add a dot to “Open data”").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 2 of 3 dots left.")
            assert asked == {"facilitator": [], "voter": [], "steward": []}

            # The voter's socket is down while their other tab places a dot, whose round.my_dots
            # cannot reach this page: once its socket is back, the page asks for its dots, once.
            other_tab = voter.context.new_page()
            other_tab.goto(self.board_url)
            expect(other_tab.locator("[data-remaining]")).to_have_text("You have 2 of 3 dots left.")
            voter.evaluate("window.codesign.board.socket.stop()")
            other_tab.get_by_role("button", name="Add a dot to “Water and climate”").click()
            expect(other_tab.locator("[data-remaining]")).to_have_text("You have 1 of 3 dots left.")
            voter.evaluate("window.codesign.board.socket.connect()")
            expect(voter.locator("[data-remaining]")).to_have_text("You have 1 of 3 dots left.", timeout=5000)
            voter.wait_for_timeout(2500)
            assert len(asked["voter"]) == 1, asked["voter"]

    def test_a_keyboard_user_on_a_phone_reaches_the_first_dot_in_a_few_presses(self):
        """A skip link takes a keyboard user past the header, the compose box and the round's panel
        to the cards: the first dot button is the fourth key press (it was the 17th)."""
        from tests.factories import make_round
        from voting.models import Round

        board = Board.objects.get(workspace__slug="gs-think-tank", kind="priorities")
        facilitator = Membership.objects.get(user__username="facilitator")
        make_round(board, facilitator)
        assert Round.objects.filter(board=board, state="open").exists()
        with chromium_browser() as browser:
            voter = sign_in(browser, self.live_server_url, "af", viewport={"width": 360, "height": 740})
            voter.goto(self.board_url)
            voter.locator(".button--dot").first.wait_for()
            presses = []
            for key in ("Tab", "Tab", "Enter", "Tab"):
                voter.keyboard.press(key)
                presses.append(voter.evaluate("document.activeElement.textContent.trim().slice(0, 40)"))
            focused = voter.evaluate("document.activeElement.classList.contains('button--dot')")
            assert focused, presses


PHONE = {"width": 360, "height": 740}
MISSION = "We connect civil society across Central Asia.\nWe publish research every year."


def serious(page) -> list[dict]:
    """axe-core's serious and critical findings on the page."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.e2e
class TestVotingOnAPhone(LiveServerTestCase):
    """Rounds as a participant on a 360 px phone sees them, in Russian and in Dari (and English)."""

    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.workspace_url = f"{self.live_server_url}/w/gs-think-tank"

    def amendments_round(self, locale):
        """The facilitator (pages in ``locale``) opens a round over the mission draft's two amendments:
        the question is the one for amendments, in the board's language (English), not "Which cards
        …" in the facilitator's; the participant on a phone finds both amendments, their new words
        and their dot buttons in the round's panel (they used to sit in the folded draft, the panel
        saying "No cards yet"), votes with the keyboard, and reads the results open after the close."""
        from playwright.sync_api import expect

        from drafts import actions as drafts
        from drafts.documents import new_doc, replace_text

        board = Board.objects.get(workspace__slug="gs-think-tank", kind="mission")
        facilitator_member = Membership.objects.get(user__username="facilitator")
        doc, shared = new_doc()
        drafts.store_draft_update(board_id=board.pk, by=facilitator_member, update=replace_text(doc, shared, MISSION))
        start = MISSION.find("every year")
        for name, proposed in (("kz", "twice a year"), ("mn", "every month")):
            drafts.propose_amendment(board=board, by=Membership.objects.get(user__username=name),
                                     original="every year", proposed=proposed, start=start)  # fmt: skip
        url = f"{self.workspace_url}/boards/{board.pk}/"
        code = locale.lower()
        with chromium_browser() as browser:
            facilitator = sign_in(browser, self.live_server_url, "facilitator", locale=locale)
            voter = sign_in(browser, self.live_server_url, "af", viewport=PHONE, locale=locale)
            for page in (facilitator, voter):
                page.goto(url)
                expect(page.locator("[data-connection]")).to_have_class(re.compile("connection--live"))
            facilitator.locator("[data-round-setup] > summary").click()
            question = facilitator.locator("#round-question")
            expect(question).to_have_value("Which cards should lead the Mission?")
            facilitator.locator("#round-subject").select_option("amendments")
            expect(question).to_have_value("Which changes to the Mission draft should we accept?")
            facilitator.locator("[data-round-form] button[type=submit]").click()

            items = voter.locator("[data-round-panel] .ballot__item")
            expect(items).to_have_count(2, timeout=5000)
            expect(items.nth(0).locator("ins")).to_have_text("twice a")  # the word diff: every → twice a
            expect(items.nth(1).locator("ins")).to_have_text("month")
            add = items.nth(0).locator(".button--dot")
            expect(add).to_have_attribute("aria-label", re.compile("twice a year"))
            expect(add).to_be_enabled(timeout=5000)
            add.focus()
            voter.keyboard.press("Enter")
            expect(items.nth(0).locator(".pips")).to_have_text("●○○")
            expect(add).to_be_focused()
            expect(voter.locator("[data-draft]")).not_to_have_attribute("open", "")  # voted with the draft folded
            assert voter.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            problems = {"open": serious(voter)}
            screenshot(voter, f"round-amendments-open-{code}")

            facilitator.once("dialog", lambda dialog: dialog.accept())
            facilitator.locator(".round-actions button").nth(1).click()  # close now (after "+2 minutes")
            results = voter.locator(".round-closed")
            expect(results).to_have_attribute("open", "", timeout=5000)  # open on a phone too
            expect(results.locator(".results__row").first).to_be_visible()
            expect(results.locator(".results__row").first).to_contain_text("twice a year")
            box = results.bounding_box()
            assert box["width"] > 300 and box["height"] > 200, box  # not a small folded box
            problems["closed"] = serious(voter)
            screenshot(voter, f"round-amendments-closed-{code}")
            assert not any(problems.values()), problems

    def test_a_round_over_amendments_on_a_phone_in_russian(self):
        self.amendments_round("ru")

    def test_a_round_over_amendments_on_a_phone_in_dari(self):
        self.amendments_round("fa-AF")

    def test_a_round_over_amendments_on_a_phone_in_english(self):
        self.amendments_round("en-US")

    def keyboard_at_the_cap(self, locale):
        """A keyboard user gives a card its last allowed dot: the focus stays on "+" (it jumped to "−
        take back", so the next Enter took back the dot just placed), the next Enter changes
        nothing, and each button is named with the card's words. After the close, the cards show
        their rank and the results are open on the phone."""
        from playwright.sync_api import expect

        from tests.factories import make_card, make_round

        board = Board.objects.get(workspace__slug="gs-think-tank", kind="priorities")
        author = Membership.objects.get(user__username="kg")
        for body in ("Clean water for every village", "Open data"):
            make_card(board, author, body)
        round_ = make_round(board, Membership.objects.get(user__username="facilitator"), dots_per_voter=4,
                            max_per_card=2, anonymous=False)  # fmt: skip
        url = f"{self.workspace_url}/boards/{board.pk}/"
        code = locale.lower()
        with chromium_browser() as browser:
            facilitator = sign_in(browser, self.live_server_url, "facilitator", locale=locale)
            voter = sign_in(browser, self.live_server_url, "af", viewport=PHONE, locale=locale)
            facilitator.goto(url)
            voter.goto(url)
            card = voter.locator(".idea", has_text="Clean water for every village")
            add = card.locator(".button--dot")
            named = re.compile("[“«]Clean water for every village[”»]")
            expect(add).to_have_attribute("aria-label", named)
            expect(card.locator(".dots")).to_have_attribute("aria-label", re.compile("Clean water"))
            expect(add).to_be_enabled(timeout=5000)
            add.focus()
            voter.keyboard.press("Enter")
            expect(card.locator(".pips")).to_have_text("●○")
            voter.keyboard.press("Enter")
            expect(card.locator(".pips")).to_have_text("●●")
            expect(add).to_be_disabled()
            expect(add).to_be_focused()  # not "take back"
            voter.keyboard.press("Enter")
            voter.wait_for_timeout(500)
            expect(card.locator(".pips")).to_have_text("●●")  # the dot just placed stays
            expect(voter.locator("[aria-live]").first).to_be_attached()
            problems = {"open": serious(voter)}

            facilitator.evaluate(f"window.codesign.board.api('POST', '/api/rounds/{round_.pk}/close/')")
            expect(voter.locator(".round-closed")).to_have_attribute("open", "", timeout=5000)
            expect(card.locator("[data-card-rank]")).to_contain_text("1", timeout=3000)
            expect(voter.locator(".idea", has_text="Open data").locator("[data-card-rank]")).to_be_visible()
            problems["closed"] = serious(voter)
            screenshot(voter, f"round-cards-closed-{code}")
            assert not any(problems.values()), problems

    def test_the_keyboard_at_the_cap_in_russian(self):
        self.keyboard_at_the_cap("ru")

    def test_the_keyboard_at_the_cap_in_dari(self):
        self.keyboard_at_the_cap("fa-AF")
