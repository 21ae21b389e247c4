"""The drafts app's stored copies of people's words and names (``workspace.stored_copies``): an
amendment's events in the replay log carry its words, its reason and, once outdated, the words its
passage holds now; a revision lists who had edited the draft.

Every earlier event of an amendment is rewritten to what it says now, so its replaced words, an
earlier reason, and words typed into its passage and deleted again are in no stored copy (a removed
amendment keeps its number and nothing it said); a member who left is no longer among a revision's
editors.
"""

from drafts.models import DraftRevision
from drafts.selectors import amendment_data, removed_amendment_data
from workspace.events import rewrite_events
from workspace.stored_copies import Change, rewrite_rows, without_member


def follow_in_drafts(change: Change) -> None:
    if change.amendment is not None:
        amendment = change.amendment
        shown = removed_amendment_data(amendment) if amendment.card.removed_at else amendment_data(amendment)
        rewrite_events(board=change.board, key="amendment", object_id=amendment.pk, value=shown)
    if change.member is not None:
        member = change.member
        revisions = DraftRevision.objects.filter(board__workspace_id=member.workspace_id)
        rewrite_rows(revisions, "editors", lambda editors: without_member(editors, member))
