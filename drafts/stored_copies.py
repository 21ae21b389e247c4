"""The drafts app's stored copies of people's words and names (``workspace.stored_copies``): an
amendment's events in the replay log carry its words, its reason and, once outdated, the words its
passage holds now; a revision lists who had edited the draft.

Every earlier event of an amendment is rewritten to what it says now (only the newest one says
what its passage holds), so its replaced words, an earlier reason, and words typed into its passage
and deleted again are in no stored copy (a removed
amendment keeps its number and nothing it said); a member who left is no longer among a revision's
editors.
"""

from boards.events import rewrite_events
from boards.models import BoardEvent, CardKind
from boards.selectors import card_data
from drafts.models import Amendment, DraftRevision
from drafts.selectors import amendment_data, removed_amendment_data
from workspace.stored_copies import Change, rewrite_rows, without_member


def _earlier_events_follow(board, amendment, *, passage_only: bool) -> None:
    """Every event of the amendment but its newest (the one just recorded) carries it as it is now,
    without the words its passage holds (``current``): only the newest says those. So words typed
    into the passage and deleted again are in no event, and while people type, a change of the
    passage rewrites the one event that still held words, not every event of the amendment."""
    events = BoardEvent.objects.filter(board=board, payload__amendment__id=amendment.pk)
    newest = events.order_by("-seq").values_list("seq", flat=True).first()
    earlier = {**amendment_data(amendment), "outdated": False, "current": None}
    where = {"id": amendment.pk, "outdated": True} if passage_only else None
    rewrite_events(board=board, key="amendment", object_id=amendment.pk, value=earlier, where=where,
                   before_seq=newest)  # fmt: skip


def follow_in_drafts(change: Change) -> None:
    amendment = change.amendment
    if amendment is None and change.card is not None and change.card.kind == CardKind.AMENDMENT:
        # An amendment's card changed alone (taken down, its HTML rendered again): its events carry it.
        amendment = Amendment.objects.select_related("card__author", "decided_by").filter(card=change.card).first()
    if amendment is not None:
        if amendment.card.removed_at:
            removed = removed_amendment_data(amendment)
            rewrite_events(board=change.board, key="amendment", object_id=amendment.pk, value=removed)
        elif change.amendment is None:  # only its card: every event, the newest too, carries it anew
            card = card_data(amendment.card)
            rewrite_events(board=change.board, key="amendment", object_id=amendment.pk,
                           value=lambda data: {**data, "card": card})  # fmt: skip
        else:
            _earlier_events_follow(change.board, amendment, passage_only=change.passage_only)
    if change.member is not None:
        member = change.member
        revisions = DraftRevision.objects.filter(board__workspace_id=member.workspace_id)
        rewrite_rows(revisions, "editors", lambda editors: without_member(editors, member))
