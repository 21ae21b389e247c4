"""Reads of drafts and amendments for the API, the board snapshot and the event stream."""

from boards.selectors import card_data, removed_card_data
from drafts import passages
from workspace.selectors import author_data, iso


def revision_data(revision) -> dict:
    """A draft revision in lists and events (its markdown comes with the single revision)."""
    return {
        "number": revision.number,
        "name": revision.name,
        "automatic": revision.automatic,
        "created_at": iso(revision.created_at),
        "editors": revision.editors,
        "length": len(revision.markdown),
    }


def amendment_data(amendment, supporters: list[int] | None = None) -> dict:
    """An amendment as the API, the snapshot and the event stream show it (the same for everyone):
    its card (author, status), the words, a word-level diff, where it is anchored (Yjs relative
    positions, for the editor), who supports it and what was decided."""
    from drafts.models import AmendmentSupport

    if supporters is None:
        supporters = list(
            AmendmentSupport.objects.filter(amendment=amendment).order_by("id").values_list("member_id", flat=True)
        )
    original, proposed = amendment.original, amendment.proposed
    return {
        "id": amendment.pk,
        "number": amendment.number,
        "board": amendment.board_id,
        "card": card_data(amendment.card),
        "change": "insert" if not original else "delete" if not proposed else "replace",
        "original": original,
        "proposed": proposed,
        "reason": amendment.reason,
        "diff": amendment.diff,
        "state": amendment.state,
        "outdated": amendment.outdated,
        "current": amendment.current if amendment.outdated else None,
        "anchor": {"start": passages.anchor_json(amendment.start), "end": passages.anchor_json(amendment.end)},
        "supported_by": supporters,
        "decided_by": author_data(amendment.decided_by),
        "decided_at": iso(amendment.decided_at),
        "decision_reason": amendment.decision_reason,
        "applied_anyway": amendment.applied_anyway,
        "created_at": iso(amendment.created_at),
        "updated_at": iso(amendment.updated_at),
    }


def removed_amendment_data(amendment) -> dict:
    """What the log keeps of a removed amendment: that it was there (its number), nothing it said,
    where, who proposed or supported it."""
    return {
        **amendment_data(amendment, supporters=[]),
        "card": removed_card_data(amendment.card),
        "change": "replace",
        "original": "",
        "proposed": "",
        "reason": "",
        "diff": [],
        "state": "removed",
        "outdated": False,
        "current": None,
        "anchor": None,
        "decision_reason": "",
        "removed": True,
    }


def board_amendments(board) -> list[dict]:
    """The board snapshot's amendments, in order, in a fixed number of queries."""
    from drafts.models import Amendment, AmendmentSupport

    amendments = list(
        Amendment.objects.filter(board=board, card__removed_at=None)
        .select_related("card__author", "decided_by")
        .order_by("number")
    )
    supporters: dict[int, list[int]] = {a.pk: [] for a in amendments}
    rows = AmendmentSupport.objects.filter(amendment__in=amendments).order_by("id")
    for amendment_id, member_id in rows.values_list("amendment_id", "member_id"):
        supporters[amendment_id].append(member_id)
    return [amendment_data(a, supporters[a.pk]) for a in amendments]
