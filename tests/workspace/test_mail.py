"""Mail, for real: through an SMTP server on 127.0.0.1 (aiosmtpd, started here), read back.

Invitations in the person's language with a link that works, a password reset end to end, a
resend, a delivery that fails, is retried with back-off and then shown as failed, and a worker
that stops mid-batch sending nothing twice. A CSV of 110 rows previews exactly and sends 95."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import actions as account_actions
from tests.factories import make_member, make_user
from tests.servers import free_port, smtp_server
from workspace import mail
from workspace.actions import invitations as invitation_actions
from workspace.models import Invitation, MailState, Membership, OutgoingMail
from workspace.roles import Role

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp(settings):
    with smtp_server() as inbox:
        use_smtp(settings, inbox.port)
        yield inbox


@pytest.fixture
def no_smtp(settings):
    """A mail server that is not there: the port refuses connections."""
    use_smtp(settings, free_port())


def body(message, kind="plain") -> str:
    return message.get_body(preferencelist=(kind,)).get_content()


def invite(workspace, steward, rows: str):
    return invitation_actions.invite_people(workspace=workspace, by=steward, text=rows, base_url=BASE)


def test_an_invitation_in_russian_arrives_with_a_link_that_works(
    client, workspace, steward, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [invitation] = invite(workspace, steward, "Айгуль Осмонова, aigul@example.org, KG, participant, ru")
    assert mail.send_due() == {"sent": 1, "retry": 0, "failed": 0}
    [message] = smtp.messages
    assert message["To"] == "aigul@example.org" and message["Content-Language"] == "ru"
    assert str(message["Subject"]).strip().startswith("Приглашение")
    text, html = body(message), body(message, "html")
    assert "Айгуль Осмонова" in text and "<img" not in html and 'lang="ru"' in html
    link = next(word for word in text.split() if word.startswith(BASE))
    page = client.get(link.removeprefix(BASE))
    assert page.status_code == 200 and 'value="Айгуль Осмонова"' in page.text and 'lang="ru"' in page.text
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    response = client.post(
        link.removeprefix(BASE),
        {
            "username": "aigul",
            "password1": "Sunny-Bishkek-2026",
            "password2": "Sunny-Bishkek-2026",
            "display_name": "Айгуль Осмонова",
            "country": "KG",
        },  # fmt: skip
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="aigul")
    from accounts.models import Profile

    assert user.email == "aigul@example.org" and Profile.objects.get(user=user).language == "ru"
    assert Membership.objects.get(user=user, workspace=workspace).country.code == "KG"


def test_a_failed_delivery_is_retried_with_back_off_then_shown_as_failed(client, workspace, steward, no_smtp):
    [invitation] = invite(workspace, steward, "Бахром, bahrom@example.org, TJ, participant, ru")
    outgoing = OutgoingMail.objects.get(invitation=invitation)
    waits = []
    for attempt in range(1, mail.ATTEMPTS + 1):
        counts = mail.send_due()
        outgoing.refresh_from_db()
        assert outgoing.attempts == attempt and "ConnectionRefused" in outgoing.last_error
        if attempt < mail.ATTEMPTS:
            assert counts["retry"] == 1 and outgoing.state == MailState.QUEUED
            waits.append(outgoing.next_attempt_at - timezone.now())
            assert mail.send_due() == {"sent": 0, "retry": 0, "failed": 0}  # not before its time
            OutgoingMail.objects.filter(pk=outgoing.pk).update(next_attempt_at=timezone.now())
        else:
            assert counts["failed"] == 1 and outgoing.state == MailState.FAILED
    assert waits == sorted(waits) and waits[0] > timedelta(seconds=50)  # longer and longer
    client.force_login(steward.user)
    page = client.get(reverse("invitations", args=[workspace.slug])).text
    assert 'data-state="failed"' in page and "Could not be sent" in page
    assert "0 mails waiting to be sent · 1 could not be sent" in page


def test_send_again_after_a_failure(client, workspace, steward, settings):
    [invitation] = invite(workspace, steward, "Бахром, bahrom@example.org, TJ, participant, ru")
    OutgoingMail.objects.filter(invitation=invitation).update(state=MailState.FAILED, last_error="refused")
    with smtp_server() as inbox:
        use_smtp(settings, inbox.port)
        client.force_login(steward.user)
        response = client.post(
            reverse("invitations", args=[workspace.slug]), {"do": "resend", "invitation": invitation.pk}
        )
        assert response.status_code == 302
        assert mail.send_due()["sent"] == 1
        assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == "bahrom@example.org"
    page = client.get(reverse("invitations", args=[workspace.slug])).text
    assert 'data-state="sent"' in page


def test_a_worker_that_stops_mid_batch_sends_nothing_twice(workspace, steward, smtp):
    invite(workspace, steward, "\n".join(f"Person {n}, p{n}@example.org, KZ, participant, en" for n in range(4)))
    first = OutgoingMail.objects.order_by("id").first()
    # A worker claimed the first mail, and stopped before it could say whether it went out.
    OutgoingMail.objects.filter(pk=first.pk).update(
        state=MailState.SENDING, claimed_at=timezone.now() - mail.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert mail.recover_interrupted() == 1
    assert mail.send_due() == {"sent": 3, "retry": 0, "failed": 0}
    assert mail.send_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert sorted(m["To"] for m in smtp.messages) == ["p1@example.org", "p2@example.org", "p3@example.org"]
    first.refresh_from_db()
    assert first.state == MailState.FAILED and "may have arrived" in first.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_mail(workspace, steward, smtp):
    """Two workers run at once (threads): each mail is claimed by exactly one."""
    import threading

    from django.db import connections

    invite(workspace, steward, "\n".join(f"Person {n}, q{n}@example.org, MN, participant, en" for n in range(6)))
    results = []

    def work():
        results.append(mail.send_due())
        connections.close_all()

    workers = [threading.Thread(target=work) for _n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(r["sent"] for r in results) == 6
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"q{n}@example.org" for n in range(6))


def rows_110(workspace) -> tuple[str, dict]:
    """110 rows: 95 new, 5 with a mistake, 5 repeated, 5 already members."""
    lines = ["name;email;country;role;language"]  # a Russian spreadsheet's CSV: semicolons, a header
    countries = ["AF", "KZ", "KG", "MN", "TJ", "TM", "UZ"]
    for n in range(95):
        lines.append(f"Участник {n};u{n}@example.org;{countries[n % 7]};participant;{['ru', 'en', 'fa-af'][n % 3]}")
    lines += [
        "Без адреса;not-an-email;KG;participant;ru",
        "Неизвестная страна;x1@example.org;Atlantis;participant;ru",
        "Mixеd Scrіpts;x2@example.org;KG;participant;ru",  # Latin with Cyrillic look-alikes
        "Wrong role;x3@example.org;KG;king;ru",
        "Extra;x4@example.org;KG;participant;ru;surplus",
    ]
    lines += [f"Again {n};u{n}@example.org;KZ;participant;ru" for n in range(5)]
    for n in range(5):
        member = make_member(workspace, Role.PARTICIPANT)
        member.user.email = f"member{n}@example.org"
        member.user.save()
        lines.append(f"Member {n};Member{n}@Example.org;UZ;participant;en")
    return "\n".join(lines), {"new": 95, "invalid": 5, "duplicate": 5, "member": 5}


def test_110_rows_preview_exactly_and_95_mails_leave_once(client, workspace, steward, smtp):
    text, expected = rows_110(workspace)
    client.force_login(steward.user)
    url = reverse("invitations", args=[workspace.slug])
    page = client.post(url, {"do": "preview", "people": text})
    assert page.status_code == 200
    statuses = {}
    for row in invitation_actions.preview_invitations(workspace, text):
        statuses[row.status] = statuses.get(row.status, 0) + 1
    assert statuses == expected
    assert page.text.count('data-status="new"') == 95 and page.text.count('data-status="invalid"') == 5
    assert "Send 95 invitations" in page.text
    assert not Invitation.objects.filter(workspace=workspace).exclude(email="").exists()  # a preview sends nothing
    client.post(url, {"do": "send", "people": text})
    assert Invitation.objects.filter(workspace=workspace).exclude(email="").count() == 95
    assert mail.send_due(limit=200)["sent"] == 95
    assert mail.send_due(limit=200)["sent"] == 0
    assert len(smtp.messages) == 95 and len({m["To"] for m in smtp.messages}) == 95
    languages = {m["Content-Language"] for m in smtp.messages}
    assert languages == {"ru", "en", "fa-af"}
    # Sent again, the same rows are "already invited" now: nothing is created twice.
    client.post(url, {"do": "send", "people": text})
    assert Invitation.objects.filter(workspace=workspace).exclude(email="").count() == 95


def test_reminders_reach_only_those_who_have_not_joined_once_a_day(workspace, steward, smtp):
    invitations = invite(
        workspace, steward, "A, a@example.org, KG, participant, en\nB, b@example.org, KG, participant, ru"
    )
    mail.send_due()
    invitation_actions.mark_invitation_opened(invitation=invitations[0])
    Invitation.objects.filter(pk=invitations[0].pk).update(uses=1)  # A joined
    assert invitation_actions.remind_unjoined(workspace=workspace, by=steward, base_url=BASE) == 1
    assert invitation_actions.remind_unjoined(workspace=workspace, by=steward, base_url=BASE) == 0  # not again today
    mail.send_due()
    reminder = smtp.messages[-1]
    assert reminder["To"] == "b@example.org" and str(reminder["Subject"]).strip().startswith("Напоминание")


def test_a_password_reset_mail_in_the_accounts_language(client, smtp):
    user = make_user("farida")
    user.email = "farida@example.org"
    user.save()

    account_actions.set_preferences(user=user, language="fa-af")
    response = client.post(reverse("password_reset"), {"email": "FARIDA@example.org"})
    assert response.status_code == 302
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert unknown.status_code == 302  # the same answer: nobody learns which addresses have accounts
    assert mail.send_due()["sent"] == 1
    [message] = smtp.messages
    assert message["Content-Language"] == "fa-af" and 'dir="rtl"' in body(message, "html")
    link = next(word for word in body(message).split() if word.startswith("http"))
    form = client.get(link.removeprefix(BASE), follow=True)
    assert form.status_code == 200 and "new_password1" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Kabul-Spring-2026", "new_password2": "Kabul-Spring-2026"}
    )
    assert done.status_code == 302
    assert client.login(username="farida", password="Kabul-Spring-2026")
    again = client.get(link.removeprefix(BASE), follow=True)
    assert "new_password1" not in again.text and "/accounts/password/reset/" in again.text  # it works once


def test_the_invitations_page_opens_without_complaints(client, workspace, steward):
    """Opening the page shows no errors on the link form (it has not been sent)."""
    client.force_login(steward.user)
    page = client.get(reverse("invitations", args=[workspace.slug]))
    assert page.status_code == 200 and 'role="alert">' not in page.text.split('id="new-heading"')[1]


def test_110_people_all_valid_make_110_mails(workspace, steward, smtp):
    text = "\n".join(
        f"Участник {n}, p{n}@example.org, {['AF', 'KZ', 'KG', 'MN', 'TJ', 'TM', 'UZ'][n % 7]}, participant, ru"
        for n in range(110)
    )
    assert len(invite(workspace, steward, text)) == 110
    assert mail.send_due(limit=500)["sent"] == 110
    assert len(smtp.messages) == 110 and OutgoingMail.objects.filter(state=MailState.SENT).count() == 110


def test_password_reset_mails_to_one_address_are_limited(client, smtp):
    """Asking again and again does not flood someone's inbox: three mails an hour, and the page
    answers the same every time."""
    user = make_user("nodira")
    user.email = "nodira@example.org"
    user.save()
    for _n in range(5):
        assert client.post(reverse("password_reset"), {"email": "nodira@example.org"}).status_code == 302
    assert mail.send_due()["sent"] == 3


def test_the_invitation_mail_gives_the_event_dates_in_the_workspace_zone_and_the_mails_language(db):
    """A Russian invitation lists the sessions still to come, dated in Russian, in the workspace's zone."""
    from tests.factories import aware, make_workspace

    workspace = make_workspace(
        time_zone="Asia/Bishkek",
        agenda=[
            ("Day 1", aware(2027, 3, 18, 17, 0), aware(2027, 3, 18, 19, 0)),
            ("Day 2", aware(2027, 3, 19, 10, 0, zone="UTC"), aware(2027, 3, 19, 12, 0, zone="UTC")),
        ],
    )
    host = make_member(workspace, Role.STEWARD)
    [invitation] = invite(workspace, host, "Айгуль Осмонова, aigul@example.org, KG, participant, ru")
    mail_row = OutgoingMail.objects.get(to="aigul@example.org")
    assert "Бишкек" in mail_row.body_text and "Asia/Bishkek" not in mail_row.body_text  # the city, in Russian
    assert "18 марта, 17:00–19:00" in mail_row.body_text  # genitive month, as Russian dates are written
    assert "19 марта, 16:00–18:00" in mail_row.body_text  # 10:00 UTC is 16:00 in Bishkek
    assert "18 марта, 17:00–19:00" in mail_row.body_html
    _subject, reminder, _html = mail.render_mail("reminder", invitation_actions._mail_context(invitation, BASE), "ru")
    assert "Сессии (время — Бишкек):" in reminder and "19 марта, 16:00–18:00" in reminder
