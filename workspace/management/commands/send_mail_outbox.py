"""Send what is in the outbox (workspace.mail), once or until stopped.

Each Daphne process already does this; run it on its own with MAIL_SENDER=0 for the server
processes, e.g. on a machine whose web processes should not talk to the mail server.
"""

import time

from django.core.management.base import BaseCommand

from workspace.mail import IDLE_SECONDS, recover_interrupted, send_due


class Command(BaseCommand):
    help = "Send the mails waiting in the outbox (with --once: what is due now, then stop)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due now, then stop")

    def handle(self, *args, once=False, **options):
        while True:
            recovered = recover_interrupted()
            counts = send_due()
            if recovered or any(counts.values()):
                self.stdout.write(
                    f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}"
                    + (f", interrupted earlier {recovered}" if recovered else "")
                )
            if once:
                return
            time.sleep(IDLE_SECONDS)
