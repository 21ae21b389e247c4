"""Anonymity that survives arithmetic: no per-country count of an anonymous round names anyone.

With one or two members from a country, "Turkmenistan: 2 dots from 1 voter" says who voted for
what. In an anonymous round, every per-country cell (turnout per country; dots and voters per card
and country) with fewer than ``MIN_VOTERS`` voters is merged into one ``"other"`` cell; when that
cell itself would hold fewer than ``MIN_VOTERS`` voters whose country a steward confirmed, the
smallest shown countries join it until it does (or everything is in it). Totals stay: they are what
the vote is for.

Members without a confirmed country (``"none"``) are always in ``"other"`` and never count towards
its ``MIN_VOTERS``: anyone can be there (an account that declared a country nobody confirmed, a
second account), so two such accounts and one lone voter from a small country must not make a cell
of three that the two can subtract themselves from (docs/design.md, "Anonymity").

Open rounds keep their full detail: their voters are named anyway.
"""

MIN_VOTERS = 3
OTHER = "other"
NONE = "none"


def merge_small_cells(cells: dict[str, dict]) -> dict[str, dict]:
    """``cells`` (country code -> counts with a ``voters`` key) with no cell under MIN_VOTERS voters
    and no ``"none"`` cell, but ``"other"``, which then holds at least MIN_VOTERS voters with a
    confirmed country, or every voter there is."""

    def shown_alone(code: str, counts: dict) -> bool:
        return code != NONE and counts.get("voters", 0) >= MIN_VOTERS

    shown = {code: dict(counts) for code, counts in cells.items() if shown_alone(code, counts)}
    small = [(code, counts) for code, counts in cells.items() if not shown_alone(code, counts)]
    if not small:
        return shown
    other: dict = {}
    confirmed = 0

    def absorb(code: str, counts: dict) -> None:
        nonlocal confirmed
        for key, value in counts.items():
            if isinstance(value, int):
                other[key] = other.get(key, 0) + value
        if code != NONE:
            confirmed += counts.get("voters", 0)

    for code, counts in small:
        absorb(code, counts)
    while other.get("voters", 0) > 0 and confirmed < MIN_VOTERS and shown:
        code = min(shown, key=lambda c: (shown[c].get("voters", 0), c))
        absorb(code, shown.pop(code))
    return {**dict(sorted(shown.items())), OTHER: other}


def protect_turnout(turnout: dict) -> dict:
    return {**turnout, "by_country": merge_small_cells(turnout["by_country"]), "merged_below": MIN_VOTERS}


def protect_results(results: dict) -> dict:
    """An anonymous round's results with every small country cell merged (idempotent)."""
    cards = [{**row, "by_country": merge_small_cells(row.get("by_country", {}))} for row in results["cards"]]
    for row in cards:
        row.pop("voters", None)
    return {**results, "cards": cards, "turnout": protect_turnout(results["turnout"])}
