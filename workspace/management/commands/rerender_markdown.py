"""Render the stored HTML of cards and comments again, after ``render_markdown`` changed.

Cards and comments keep their HTML beside their text, rendered when they were written; a change in
how markdown is rendered (each line of a paragraph its own block, for its direction) reaches old
texts only through this command. Each changed row is written under its board's lock and followed
into every stored copy (``workspace.stored_copies``), as an edit would be; nothing is recorded as an
edit. Only texts with a line break can differ today, so only those are read. Safe to run again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from workspace.markdown import render_markdown
from workspace.models import Board, Card, Comment
from workspace.stored_copies import Change, follow


class Command(BaseCommand):
    help = "Render the stored HTML of cards and comments again (after render_markdown changed)."

    def handle(self, *args, **options):
        cards = comments = 0
        board_ids = set(Card.objects.filter(body__contains="\n").values_list("board_id", flat=True))
        board_ids |= set(Comment.objects.filter(body__contains="\n").values_list("card__board_id", flat=True))
        for board_id in sorted(board_ids):
            with transaction.atomic():
                board = Board.objects.select_for_update().get(pk=board_id)
                for card in Card.objects.filter(board=board, body__contains="\n"):
                    html = render_markdown(card.body)
                    if html != card.body_html:
                        card.body_html = html
                        card.save(update_fields=["body_html"])
                        follow(Change(board=board, card=card))
                        cards += 1
                for comment in Comment.objects.filter(card__board=board, body__contains="\n"):
                    html = render_markdown(comment.body)
                    if html != comment.body_html:
                        comment.body_html = html
                        comment.save(update_fields=["body_html"])
                        follow(Change(board=board, comment=comment))
                        comments += 1
        self.stdout.write(f"Rendered again: {cards} cards, {comments} comments.")
