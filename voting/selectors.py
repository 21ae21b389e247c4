"""What a round shows, to whom, and when.

Privacy rules live here, once:
- a tally (dots per card) is shown while the round is open only if its results are live; a round
  with hidden results shows none until it closes, on every path (API, events, snapshot, CSV, page);
- who placed which dots is shown only for an open (not anonymous) round, only after it closed;
  for an anonymous round, never, to anyone;
- turnout (how many members voted, per country) is always shown;
- an anonymous round shows no per-country count under three voters with a confirmed country
  (``voting.privacy``), and while it is open its tally and turnout are those last published in a
  batch (``voting.actions.publish_tallies``), never the count of this instant: two consecutive
  frames differ by the changes of at least five different people (docs/design.md, "Anonymity").
"""

import time
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from boards.models import Card, CardKind, CardStatus
from drafts.models import AmendmentState
from voting.models import RESULTS_ORDER_NOTE, Dot, ResultsVisibility, Round, RoundState, RoundSubject
from voting.privacy import protect_results, protect_turnout
from workspace.models import Membership
from workspace.roles import Role


def eligible_voters(round_: Round):
    members = Membership.objects.filter(workspace_id=round_.board.workspace_id)
    if not round_.facilitators_vote:
        members = members.filter(role=Role.PARTICIPANT)
    return members


def may_vote(round_: Round, membership: Membership) -> bool:
    return round_.facilitators_vote or membership.role == Role.PARTICIPANT


def may_vote_in_rounds(membership: Membership) -> dict[str, bool]:
    """Whether ``membership`` may vote in a round where facilitators vote too and in one where only
    participants do (``may_vote`` for either setting of ``facilitators_vote``). The board page gets
    it at load, so that when a round opens it knows its voter's dots (none yet) without asking: a
    room of 110 would otherwise send 110 requests in the same second."""
    return {
        "with_facilitators": may_vote(Round(facilitators_vote=True), membership),
        "participants_only": may_vote(Round(facilitators_vote=False), membership),
    }


def candidate_cards(board_id: int, subject: str):
    """The cards a round over ``subject`` may hold: the board's ideas, or its open amendments."""
    cards = Card.objects.filter(board_id=board_id, removed_at=None)
    if subject == RoundSubject.AMENDMENTS:
        return cards.filter(kind=CardKind.AMENDMENT, amendment__state=AmendmentState.OPEN)
    return cards.filter(kind=CardKind.IDEA)


def round_card_ids(round_: Round) -> list[int]:
    """The cards in the round: those chosen, or (a draft without a choice) every proposed card now."""
    if round_.state == RoundState.DRAFT and not round_.chosen_cards:
        cards = candidate_cards(round_.board_id, round_.subject).filter(status=CardStatus.PROPOSED)
        return list(cards.order_by("position", "id").values_list("id", flat=True))
    return list(round_.cards.order_by("position", "id").values_list("id", flat=True))


def tally_visible(round_: Round) -> bool:
    if round_.state == RoundState.CLOSED:
        return True
    return round_.state == RoundState.OPEN and round_.results_visibility == ResultsVisibility.LIVE


def turnout(round_: Round) -> dict:
    """How many eligible members have placed at least one dot, in all and per country."""
    voters = dict(Dot.objects.filter(round=round_).values_list("country").annotate(n=Count("voter_key", distinct=True)))
    eligible = Counter(code or "" for code in eligible_voters(round_).values_list("country", flat=True))
    countries = sorted(set(eligible) | set(voters))
    data = {
        "voters": sum(voters.values()),
        "eligible": sum(eligible.values()),
        "by_country": {
            code or "none": {"voters": voters.get(code, 0), "eligible": eligible.get(code, 0)} for code in countries
        },
    }
    return protect_turnout(data) if round_.anonymous else data


def live_tally(round_: Round, card_ids: list[int]) -> list[dict]:
    """Dots and distinct supporters per card of the round, right now."""
    rows = (
        Dot.objects.filter(round=round_)
        .values("card")
        .annotate(dots=Count("id"), supporters=Count("voter_key", distinct=True))
    )
    counts = {row["card"]: row for row in rows}
    return [
        {"card": card_id, "dots": counts.get(card_id, {}).get("dots", 0),
         "supporters": counts.get(card_id, {}).get("supporters", 0)}
        for card_id in card_ids
    ]  # fmt: skip


def round_public(round_: Round) -> dict:
    """A round as everyone on the board may see it (API, snapshot and events alike)."""
    visible = tally_visible(round_)
    card_ids = round_card_ids(round_)
    data = {
        "id": round_.pk,
        "board": round_.board_id,
        "question": round_.question,
        "subject": round_.subject,
        "state": round_.state,
        "dots_per_voter": round_.dots_per_voter,
        "max_per_card": round_.max_per_card,
        "results_visibility": round_.results_visibility,
        "anonymous": round_.anonymous,
        "facilitators_vote": round_.facilitators_vote,
        "duration_seconds": round_.duration_seconds,
        "ends_at": round_.ends_at.isoformat() if round_.ends_at else None,
        "opened_at": round_.opened_at.isoformat() if round_.opened_at else None,
        "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
        "cards": card_ids,
        "turnout": None,
        "tally": None,
        "results": None,
    }
    if round_.state == RoundState.CLOSED and round_.results:
        data["turnout"] = round_.results["turnout"]
        # The note on the order in the reader's language (what is stored is in the closer's).
        data["results"] = {**round_.results, "order": str(RESULTS_ORDER_NOTE)}
        data["tally"] = [{"card": r["card"], "dots": r["dots"], "supporters": r["supporters"]}
                         for r in round_.results["cards"]]  # fmt: skip
    elif round_.state == RoundState.OPEN and round_.anonymous:
        published = round_.published or empty_count(round_, card_ids)
        data["turnout"] = published["turnout"]
        data["tally"] = published["tally"] if visible else None
    else:
        data["turnout"] = turnout(round_)
        data["tally"] = live_tally(round_, card_ids) if visible else None
    return data


def empty_count(round_: Round, card_ids: list[int]) -> dict:
    """What an anonymous round publishes before its first batch: nobody has voted."""
    eligible = Counter(code or "none" for code in eligible_voters(round_).values_list("country", flat=True))
    by_country = {code: {"voters": 0, "eligible": n} for code, n in sorted(eligible.items())}
    return {
        "turnout": protect_turnout({"voters": 0, "eligible": sum(eligible.values()), "by_country": by_country}),
        "tally": [{"card": card_id, "dots": 0, "supporters": 0} for card_id in card_ids],
    }


def current_count(round_: Round) -> dict:
    """An open round's tally and turnout right now (for an anonymous round: what a batch publishes)."""
    card_ids = round_card_ids(round_)
    return {"turnout": turnout(round_), "tally": live_tally(round_, card_ids)}


def my_dots(round_: Round, membership: Membership, per_card: dict[int, int] | None = None) -> dict:
    """The voter's own dots: per card, and how many are left. Shown only to the voter.

    ``per_card`` (card id -> dots) when the caller already has it (the dot it just placed).
    ``change`` says when they were read (microseconds; a dot reads them under the round's lock, so
    one voter's changes are stamped in order): answers and ``round.my_dots`` frames can cross on the
    way, and the page keeps the latest. Not the round's count of changes, which would tell a voter
    in an anonymous round how many dots others moved between two batches.
    """
    if per_card is None:
        dots = Dot.objects.filter(round=round_, voter=membership)
        per_card = dict(dots.values_list("card").annotate(n=Count("id")))
    used = sum(per_card.values())
    can_vote = may_vote(round_, membership)
    return {
        "round": round_.pk,
        "can_vote": can_vote,
        "dots": {str(card): n for card, n in per_card.items()},
        "used": used,
        "remaining": round_.dots_per_voter - used if can_vote else 0,
        "change": time.time_ns() // 1000,  # under 2**53: exact in JavaScript
    }


def compute_results(round_: Round) -> dict:
    """The results of a round from its dots: computed once, at close, and frozen."""
    card_ids = round_card_ids(round_)
    cards = {card.pk: card for card in Card.objects.filter(pk__in=card_ids)}
    dots = list(Dot.objects.filter(round=round_).select_related("voter"))
    per_card = {card_id: {"dots": 0, "voters": Counter(), "by_country": defaultdict(Counter)} for card_id in card_ids}
    for dot in dots:
        entry = per_card.setdefault(dot.card_id, {"dots": 0, "voters": Counter(), "by_country": defaultdict(Counter)})
        entry["dots"] += 1
        entry["voters"][dot.voter_key] += 1
        entry["by_country"][dot.country or "none"]["dots"] += 1
    # Keyed by voter_key: a member removed mid-round still counts, as a former member.
    voters_by_key = {dot.voter_key: dot for dot in dots}
    rows = []
    for card_id, entry in per_card.items():
        for key in entry["voters"]:
            entry["by_country"][voters_by_key[key].country or "none"]["voters"] += 1
        card = cards.get(card_id)
        row = {
            "card": card_id,
            "body": card.body if card else "",
            "position": card.position if card else 0,
            "dots": entry["dots"],
            "supporters": len(entry["voters"]),
            "by_country": {
                code: {"dots": counts["dots"], "voters": counts["voters"]}
                for code, counts in sorted(entry["by_country"].items())
            },
        }
        if not round_.anonymous:
            row["voters"] = sorted(
                (
                    {"id": v, "display_name": _voter_name(voters_by_key[v]),
                     "country": (voters_by_key[v].country or None) if voters_by_key[v].voter else None, "dots": n}
                    for v, n in entry["voters"].items()
                ),
                key=lambda person: (-person["dots"], person["display_name"].casefold()),
            )  # fmt: skip
        rows.append(row)
    rows.sort(key=lambda row: (-row["dots"], -row["supporters"], row["position"], row["card"]))
    rank = 0
    for index, row in enumerate(rows):
        if index == 0 or row["dots"] != rows[index - 1]["dots"]:
            rank = index + 1
        row["rank"] = rank
    results = {"cards": rows, "turnout": turnout(round_), "order": str(RESULTS_ORDER_NOTE)}
    return protect_results(results) if round_.anonymous else results


def _voter_name(dot: Dot) -> str:
    return dot.voter.display_name if dot.voter else str(_("a former member"))


def _shown_round(board) -> Round | None:
    return (
        Round.objects.filter(board=board, state=RoundState.OPEN).first()
        or Round.objects.filter(board=board).exclude(state=RoundState.CANCELLED).order_by("-created_at", "-id").first()
    )


def board_round(board) -> dict | None:
    """The board snapshot's round: the open one, else the newest draft or closed one."""
    round_ = _shown_round(board)
    return round_public(round_) if round_ else None


def earlier_rounds(board) -> list[dict]:
    """The board's other closed rounds, newest first: their question and when they closed. The page
    lists them under the round it shows and fetches their results only when someone opens the list
    (so that 110 people joining do not each download every old result)."""
    rounds = list(
        Round.objects.filter(board=board)
        .exclude(state=RoundState.CANCELLED)
        .order_by("-created_at", "-id")
        .values("id", "state", "question", "closed_at")
    )  # one query; the same choice as _shown_round's two
    shown = next((r for r in rounds if r["state"] == RoundState.OPEN), rounds[0] if rounds else None)
    closed = [r for r in rounds if r["state"] == RoundState.CLOSED and r is not shown]
    closed.sort(key=lambda r: (r["closed_at"], r["id"]), reverse=True)
    return [
        {"id": r["id"], "question": r["question"], "closed_at": r["closed_at"].isoformat() if r["closed_at"] else None}
        for r in closed
    ]


def member_dots(membership) -> list[dict]:
    """A member's own dots, for their data download (their own, so an anonymous round's too)."""
    counts = Counter(
        Dot.objects.filter(voter=membership).values_list("round__question", "round__board__title", "card_id")
    )
    return [
        {"round": question, "board": board, "card": card, "dots": n} for (question, board, card), n in counts.items()
    ]


def workspace_rounds(workspace) -> list[dict]:
    """Every round of the workspace as everyone on its board may see it (anonymous and hidden rules
    as on the page), for the stewards' archive."""
    rounds = Round.objects.filter(board__workspace=workspace).select_related("board").order_by("created_at", "id")
    return [{**round_public(r), "board_title": r.board.title} for r in rounds]
