"""People, in the browser: a forgotten password, end to end through a real SMTP server (the
server's own outbox worker sends the mail to aiosmtpd on 127.0.0.1), and the stewards' new pages
without serious accessibility faults in Russian and Dari."""

import io
import json
import re
import time

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts import actions as account_actions
from boards.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.browser import LiveServerTestCase, chromium_browser, screenshot
from tests.e2e.test_everyone import serious
from tests.servers import free_port, smtp_server
from workspace import actions
from workspace.actions import invitations as invitation_actions
from workspace.models import MailState, Membership, OutgoingMail, Workspace

SMTP_PORT = free_port()


@pytest.mark.e2e
@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=SMTP_PORT,
    EMAIL_USE_TLS=False,
    EMAIL_USE_SSL=False,
    MAIL_SENDER=True,
)
class TestPeople(LiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp = smtp_server(SMTP_PORT)
        cls.inbox = cls.smtp.__enter__()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.__exit__(None, None, None)

    def setUp(self):
        super().setUp()
        call_command("seed_demo", stdout=io.StringIO())
        self.inbox.messages.clear()

    def wait_for_mail(self, to: str, seconds: float = 20.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.inbox.messages:
                if message["To"] == to:
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no mail to {to} within {seconds} s")

    def test_a_forgotten_password_end_to_end(self):
        from playwright.sync_api import expect

        kz = Membership.objects.get(user__username="kz").user
        account_actions.set_email(user=kz, email="kz@example.org")
        account_actions.set_preferences(user=kz, language="ru")
        base = self.live_server_url
        with chromium_browser() as browser:
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            page.goto(f"{base}/accounts/login/")
            page.get_by_role("link", name="Forgot your password?").click()
            page.get_by_label("Email").fill("KZ@example.org")
            page.get_by_role("button", name="Send me a link").click()
            expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
            message = self.wait_for_mail("kz@example.org")  # sent by the server's own outbox worker
            assert message["Content-Language"] == "ru"
            text = message.get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"http://\S+", text).group(0)
            page.goto(link)
            page.locator("#id_new_password1").fill("Almaty-Spring-2026")
            page.locator("#id_new_password2").fill("Almaty-Spring-2026")
            page.locator("button[type=submit].button--primary").click()
            page.wait_for_url("**/accounts/login/")
            page.locator("#id_username").fill("kz")
            page.locator("#id_password").fill("Almaty-Spring-2026")
            page.locator("button[type=submit].button--primary").click()
            page.wait_for_url("**/w/gs-think-tank/")
            page.goto(link)  # the link worked once
            expect(page.locator("#id_new_password1")).to_have_count(0)
        assert OutgoingMail.objects.get(to="kz@example.org").state == MailState.SENT

    def test_the_stewards_pages_have_no_serious_accessibility_faults(self):
        from axe_playwright_python.sync_playwright import Axe

        workspace = Workspace.objects.get(slug="gs-think-tank")
        steward = Membership.objects.get(user__username="steward")
        invitation_actions.invite_people(
            workspace=workspace,
            by=steward,
            text=(
                "Айгуль Осмонова, aigul@example.org, KG, participant, ru\n"
                "فریده, farida@example.org, AF, participant, fa-af"
            ),
            base_url=self.live_server_url,
        )
        OutgoingMail.objects.filter(to="farida@example.org").update(
            state=MailState.FAILED, last_error="550 no such user"
        )
        kz = Membership.objects.get(user__username="kz")
        actions.change_role(membership=kz, by=steward, role="facilitator")
        base = self.live_server_url
        pages = [
            ("members", "/w/gs-think-tank/members/"),
            ("remove", f"/w/gs-think-tank/members/{kz.pk}/remove/"),
            ("audit", "/w/gs-think-tank/audit/"),
            ("invitations", "/w/gs-think-tank/invitations/"),
            ("texts", "/w/gs-think-tank/texts/?language=fa-af"),
            ("settings", "/preferences/"),
        ]
        axe = Axe()
        found = {}
        with chromium_browser() as browser:
            for code in ("en", "ru", "fa-af"):
                context = browser.new_context(locale=code, extra_http_headers={"Accept-Language": code})
                page = context.new_page()
                for name, path in (
                    ("password reset", "/accounts/password/reset/"),
                    ("reset sent", "/accounts/password/reset/sent/"),
                    ("reset link used", "/accounts/password/reset/MQ/set-password/"),
                ):
                    page.goto(base + path)
                    found[(code, name)] = serious(axe.run(page))
                page.goto(f"{base}/accounts/login/")
                page.locator("#id_username").fill("steward")
                page.locator("#id_password").fill(DEMO_PASSWORD)
                page.locator("button[type=submit].button--primary").click()
                page.wait_for_url("**/w/gs-think-tank/")
                for name, path in pages:
                    page.goto(base + path)
                    found[(code, name)] = serious(axe.run(page))
                    screenshot(page, f"people-{name}-{code}")
                page.goto(base + "/w/gs-think-tank/invitations/")
                page.locator("#people").fill("Бахром, bahrom@example.org, TJ, participant, ru\nнет адреса, x, KG, ,")
                page.locator("button[value=preview]").click()
                page.wait_for_selector("[data-invitation-preview]")
                found[(code, "preview")] = serious(axe.run(page))
                context.close()
        problems = {key: value for key, value in found.items() if value}
        assert not problems, json.dumps(
            {f"{k[0]} {k[1]}": v for k, v in problems.items()}, indent=1, ensure_ascii=False
        )
