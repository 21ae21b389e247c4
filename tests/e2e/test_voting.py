"""Dot voting in two real browsers: the facilitator opens a round, a participant votes."""

import io
import os
import re
import time

import pytest
from django.core.management import call_command

from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_live_board import sign_in
from workspace import actions
from workspace.models import Board, Membership


@pytest.mark.e2e
class TestVoting(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        board = Board.objects.select_related("workspace").get(workspace__slug="gs-think-tank", kind="priorities")
        author = Membership.objects.get(user__username="kg")
        for body in ("Civic education", "Water and climate", "Open data"):
            actions.create_card(board=board, by=author, body=body)
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
            add = card.get_by_role("button", name="Add a dot to this card")
            add.focus()
            started = time.monotonic()
            voter.keyboard.press("Enter")
            expect(voter.locator("[data-remaining]")).to_have_text("You have 3 of 4 dots left.")
            facilitator_card = facilitator.locator(".idea", has_text="Water and climate")
            expect(facilitator_card.locator(".dots__tally")).to_have_text("1 dot · 1 supporter", timeout=1000)
            assert time.monotonic() - started < 1.0
            expect(facilitator.locator(".turnout__total")).to_have_text(re.compile(r"^1 of \d+ have voted"))

            card.get_by_role("button", name="Add a dot to this card").click()
            expect(card.get_by_role("button", name="Add a dot to this card")).to_be_disabled()  # cap of 2
            card.get_by_role("button", name="Take a dot back from this card").click()
            expect(voter.locator("[data-remaining]")).to_have_text("You have 3 of 4 dots left.")
            assert dot_requests == []

            # The socket drops (a flaky link): until it is back, a dot goes over HTTP and still counts.
            voter.evaluate("window.codesignBoard.socket.ws.close()")
            expect(voter.locator("[data-connection]")).not_to_have_text("Live")
            voter.locator(".idea", has_text="Open data").get_by_role("button", name="Add a dot to this card").click()
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
