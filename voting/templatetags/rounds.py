"""``{% tally_batch_voters as people %}``: how many different people change their dots before an
anonymous round's live count moves (voting.actions.TALLY_BATCH_MIN_VOTERS), for the page to say;
``{% may_vote_in_rounds membership %}``: in which rounds the viewer votes, for the page to know."""

from django import template

register = template.Library()


@register.simple_tag
def tally_batch_voters() -> int:
    from voting.actions import TALLY_BATCH_MIN_VOTERS

    return TALLY_BATCH_MIN_VOTERS


@register.simple_tag
def may_vote_in_rounds(membership) -> dict[str, bool]:
    """``{% may_vote_in_rounds membership as may_vote %}``: ``voting.selectors.may_vote_in_rounds``."""
    from voting.selectors import may_vote_in_rounds

    return may_vote_in_rounds(membership)


@register.simple_tag
def default_round_question(board, subject: str = "cards") -> str:
    """The question a new round over ``subject`` starts with, in the board's own language (the one
    its title is written in, ``settings.LANGUAGE_CODE``), not the facilitator's: everyone in the room
    reads the question as it was written, whatever language the facilitator's page is in."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(settings.LANGUAGE_CODE):
        if subject == "amendments":
            return _("Which changes to the %(title)s draft should we accept?") % {"title": board.title}
        return _("Which cards should lead the %(title)s?") % {"title": board.title}
