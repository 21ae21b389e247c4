"""``{% tally_batch_voters as people %}``: how many different people change their dots before an
anonymous round's live count moves (voting.actions.TALLY_BATCH_MIN_VOTERS), for the page to say."""

from django import template

register = template.Library()


@register.simple_tag
def tally_batch_voters() -> int:
    from voting.actions import TALLY_BATCH_MIN_VOTERS

    return TALLY_BATCH_MIN_VOTERS
