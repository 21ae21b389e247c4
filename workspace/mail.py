"""The outbox: every mail is written to ``OutgoingMail`` by the action that needs it (inside its
transaction, so a mail exists exactly when the change does) and sent by a worker, never from
inside a request.

- Each mail is rendered in its recipient's language, as plain text and HTML (no outside images):
  ``templates/mail/<template>.txt`` and ``.html``, with ``subject`` from the text template's first
  line.
- The worker (``send_due``) claims one mail at a time (``queued`` -> ``sending``, a conditional
  update only one process can win), sends it, and marks it ``sent``; a failure puts it back in the
  queue after a back-off, and after ``ATTEMPTS`` tries it is ``failed``, with the error, for the
  stewards to see and resend.
- A mail that was being sent when its worker stopped is never sent again by itself: it may have
  left already. ``recover_interrupted`` marks it failed ("may have been sent"); a steward decides.
  So a restart mid-batch sends nothing twice.

Each Daphne process runs the worker (``run_mail_sender``, like the round timer); ``manage.py
send_mail_outbox`` runs it on its own.
"""

import asyncio
import logging
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import close_old_connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workspace.models import MailState, OutgoingMail
from workspace.translations import is_rtl

logger = logging.getLogger(__name__)

ATTEMPTS = 5
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
# A mail claimed this long ago whose worker never said how it went: that worker stopped.
CLAIM_TIMEOUT = timedelta(minutes=10)
IDLE_SECONDS = 5.0


def render_mail(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``templates/mail/<template>`` in ``language``."""
    with translation.override(language):
        text = render_to_string(f"mail/{template}.txt", context).strip()
        subject, _blank, body = text.partition("\n")
        html = render_to_string(
            f"mail/{template}.html", {**context, "language": language, "rtl": is_rtl(language), "subject": subject}
        )
    return subject.strip(), body.strip() + "\n", html


def queue_mail(*, to: str, template: str, context: dict, language: str, kind: str, workspace=None, invitation=None):
    """Put a mail in the outbox (call it inside the action's transaction); the worker is woken when
    the transaction commits."""
    language = language or settings.LANGUAGE_CODE
    subject, text, html = render_mail(template, context, language)
    mail = OutgoingMail.objects.create(
        workspace=workspace,
        kind=kind,
        invitation=invitation,
        to=to,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
    )
    transaction.on_commit(wake_sender)
    return mail


def _claim_next() -> OutgoingMail | None:
    now = timezone.now()
    for mail_id in OutgoingMail.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=now).values_list(
        "id", flat=True
    )[:5]:
        # Only one worker's update matches: the others see 0 rows and try the next mail.
        if OutgoingMail.objects.filter(pk=mail_id, state=MailState.QUEUED).update(
            state=MailState.SENDING, claimed_at=now
        ):
            return OutgoingMail.objects.get(pk=mail_id)
    return None


def _deliver(mail: OutgoingMail, connection) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        connection=connection,
        headers={"Content-Language": mail.language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(mail.body_html, "text/html")
    message.send(fail_silently=False)


def send_due(limit: int = 50) -> dict:
    """Send up to ``limit`` due mails, one claimed at a time; how many were sent and failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    connection = None
    try:
        for _n in range(limit):
            mail = _claim_next()
            if mail is None:
                break
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                _deliver(mail, connection)
            except Exception as error:  # any failure of the mail server: try again later
                _close(connection)
                connection = None
                _failed_attempt(mail, error)
                counts["failed" if mail.state == MailState.FAILED else "retry"] += 1
            else:
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    state=MailState.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1, last_error=""
                )
                counts["sent"] += 1
    finally:
        _close(connection)
    return counts


def _close(connection) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close too
        logger.debug("Closing the mail connection failed.", exc_info=True)


def _failed_attempt(mail: OutgoingMail, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    if mail.attempts >= ATTEMPTS:
        mail.state = MailState.FAILED
    else:
        mail.state = MailState.QUEUED
        mail.next_attempt_at = timezone.now() + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    mail.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
    logger.warning("Mail %s to %s not sent (attempt %s): %s", mail.pk, mail.to, mail.attempts, mail.last_error)


def recover_interrupted(now=None) -> int:
    """Mails whose worker stopped while sending them: failed, never sent again by themselves."""
    now = now or timezone.now()
    return OutgoingMail.objects.filter(state=MailState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        state=MailState.FAILED,
        last_error="The sender stopped while sending this mail: it may have arrived. Resend it if it did not.",
    )


def resend(mail: OutgoingMail) -> OutgoingMail:
    """A steward sends a failed (or sent) mail again: a new copy in the outbox."""
    copy = OutgoingMail.objects.create(
        workspace=mail.workspace,
        kind=mail.kind,
        invitation=mail.invitation,
        to=mail.to,
        language=mail.language,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
    )
    transaction.on_commit(wake_sender)
    return copy


# The worker in each server process ------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_wake: asyncio.Event | None = None


def wake_sender() -> None:
    """A mail was queued: send it now rather than at the next tick (a no-op where no worker runs)."""
    if _loop is not None and _wake is not None:
        _loop.call_soon_threadsafe(_wake.set)


def _work() -> dict:
    close_old_connections()
    try:
        recover_interrupted()
        return send_due()
    finally:
        close_old_connections()


async def run_mail_sender() -> None:
    global _loop, _wake
    _loop, _wake = asyncio.get_running_loop(), asyncio.Event()
    while True:
        _wake.clear()
        try:
            # In a thread of its own: a slow mail server must not hold the thread the database
            # calls of the sockets share.
            await sync_to_async(_work, thread_sensitive=False)()
        except Exception:  # keep going: the next tick tries again
            logger.exception("The mail sender failed; trying again.")
        try:
            await asyncio.wait_for(_wake.wait(), timeout=IDLE_SECONDS)
        except TimeoutError:
            pass
