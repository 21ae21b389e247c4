"""Render the stored HTML of cards and comments again, after ``render_markdown`` changed.

Cards and comments keep their HTML beside their text, rendered when they were written; a change in
how markdown is rendered (each line of a paragraph its own block, for its direction) reaches old
texts only through this command. Each changed row is written under its board's lock and followed
into every stored copy (``workspace.stored_copies``), as an edit would be; nothing is recorded as an
edit. Only texts with a line break can differ today, so only those are read. Safe to run again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from boards.models import Card, Comment
from boards.rules import held_board
from workspace.markdown import render_markdown
from workspace.stored_copies import Change, follow


class Command(BaseCommand):
    help = "Render the stored HTML of cards and comments again (after render_markdown changed)."

    def handle(self, *args, **options):
        kinds = (  # what is rendered again, how it is found on a board, and the change it is
            ("cards", Card, "board", lambda board, card: Change(board=board, card=card)),
            ("comments", Comment, "card__board", lambda board, comment: Change(board=board, comment=comment)),
        )
        counts = {name: 0 for name, *_rest in kinds}
        board_ids = set()
        for _name, model, board_path, _change in kinds:
            board_ids |= set(model.objects.filter(body__contains="\n").values_list(f"{board_path}_id", flat=True))
        for board_id in sorted(board_ids):
            with transaction.atomic():
                board = held_board(board_id)
                for name, model, board_path, change in kinds:
                    for row in model.objects.filter(**{board_path: board}, body__contains="\n"):
                        html = render_markdown(row.body)
                        if html != row.body_html:
                            row.body_html = html
                            row.save(update_fields=["body_html"])
                            follow(change(board, row))
                            counts[name] += 1
        self.stdout.write(f"Rendered again: {counts['cards']} cards, {counts['comments']} comments.")
