"""The voting app's stored copies of people's words and names (``workspace.stored_copies``): a
closed round's frozen results hold each card's words (an amendment's proposed words) and, in a
named round, its voters; the round's events in the replay log carry the same results.

A removed card keeps its row in the results (its dots and rank: the vote happened) without its
words; an edited one shows its words as they are now; a member who left is no longer among the
voters (the counts stay).
"""

from boards.events import rewrite_events
from voting.models import Round, RoundState
from workspace.stored_copies import Change, rewrite_rows, without_member


def _row_as_card_is(card):
    def follow_card(row: dict) -> dict:
        if row.get("card") != card.pk:
            return row
        if card.removed_at:
            return {**row, "body": "", "removed": True}
        return {**row, "body": card.body}

    return follow_card


def _results_following(results: dict | None, follow_row) -> dict | None:
    if not results or "cards" not in results:
        return results
    return {**results, "cards": [follow_row(row) for row in results["cards"]]}


def follow_in_results(change: Change) -> None:
    if change.card is not None:
        card = change.card
        follow_row = _row_as_card_is(card)
        closed = Round.objects.filter(board_id=card.board_id, state=RoundState.CLOSED, results__isnull=False)
        for round_ in closed:
            if not any(row.get("card") == card.pk for row in round_.results.get("cards", [])):
                continue
            round_.results = _results_following(round_.results, follow_row)
            round_.save(update_fields=["results"])

            def in_event(data: dict) -> dict:
                return {**data, "results": _results_following(data.get("results"), follow_row)}

            rewrite_events(
                board=change.board, key="round", object_id=round_.pk, value=in_event,
                where={"id": round_.pk, "state": RoundState.CLOSED},
            )  # fmt: skip
    if change.member is not None:
        member = change.member
        rounds = Round.objects.filter(board__workspace_id=member.workspace_id, results__isnull=False, anonymous=False)
        rewrite_rows(rounds, "results", lambda results: without_member(results, member))
