"""``manage.py rerender_markdown``: stored HTML written by an older renderer follows the current one."""

import io
import json

import pytest
from django.core.management import call_command

from boards.models import BoardEvent, Card, Comment
from tests.factories import make_card, make_comment
from workspace.markdown import render_markdown

OLD = '<p dir="auto">ما با هم می‌نویسیم.<br>\nМы пишем вместе.</p>'
TEXT = "ما با هم می‌نویسیم.\nМы пишем вместе."


def holds_old(payload) -> bool:
    """Does a stored payload still carry the old HTML anywhere (as JSON writes it, newline escaped)?"""
    return json.dumps(OLD, ensure_ascii=False)[1:-1] in json.dumps(payload, ensure_ascii=False)


def age(model, pk):
    """The row and every event carrying it as an older renderer left them (one block, a <br>)."""
    model.objects.filter(pk=pk).update(body_html=OLD)
    key = model.__name__.lower()
    for event in BoardEvent.objects.all():
        if (event.payload.get(key) or {}).get("id") == pk:
            event.payload[key]["body_html"] = OLD
            event.save(update_fields=["payload"])


@pytest.mark.django_db
def test_old_html_of_cards_and_comments_is_rendered_again_everywhere(board, participant):
    """A card's and a comment's old stored HTML, in their rows and in the replay log, is rendered anew."""
    card = make_card(board, participant, body=TEXT)
    comment = make_comment(card, participant, body=TEXT)
    untouched = make_card(board, participant, body="One line only")
    age(Card, card.pk)
    age(Comment, comment.pk)

    out = io.StringIO()
    call_command("rerender_markdown", stdout=out)

    new = render_markdown(TEXT)
    assert new != OLD
    assert Card.objects.get(pk=card.pk).body_html == new
    assert Comment.objects.get(pk=comment.pk).body_html == new
    assert Card.objects.get(pk=untouched.pk).body_html == render_markdown("One line only")
    assert not [event.seq for event in BoardEvent.objects.all() if holds_old(event.payload)]
    assert "1 cards, 1 comments" in out.getvalue()
    call_command("rerender_markdown", stdout=out)
    assert "0 cards, 0 comments" in out.getvalue()


@pytest.mark.django_db
def test_an_amendments_card_is_rendered_again_in_the_amendments_events_too(board, facilitator, participant):
    """An amendment's card carries its words' HTML inside every amendment event: rendered anew there too."""
    from drafts import actions as drafts
    from drafts.documents import new_doc, replace_text

    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, "We meet yearly."))
    amendment = drafts.propose_amendment(board=board, by=participant, original="yearly", proposed=TEXT, start=8)
    Card.objects.filter(pk=amendment.card_id).update(body_html=OLD)
    assert BoardEvent.objects.filter(payload__amendment__id=amendment.pk).exists()
    for event in BoardEvent.objects.filter(payload__amendment__id=amendment.pk):
        event.payload["amendment"]["card"]["body_html"] = OLD
        event.save(update_fields=["payload"])

    assert [e.seq for e in BoardEvent.objects.all() if holds_old(e.payload)]  # the scan sees it

    call_command("rerender_markdown", stdout=io.StringIO())

    assert Card.objects.get(pk=amendment.card_id).body_html == render_markdown(TEXT)
    assert not [event.seq for event in BoardEvent.objects.all() if holds_old(event.payload)]
