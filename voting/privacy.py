"""Anonymity that survives arithmetic: no per-country count of an anonymous round names anyone.

With one or two members from a country, "Turkmenistan: 2 dots from 1 voter" says who voted for
what. In an anonymous round, every per-country cell (turnout per country; dots and voters per card
and country) with fewer than ``MIN_VOTERS`` voters is merged into one ``"other"`` cell; when that
cell itself would hold one or two voters, the smallest shown countries join it until it holds at
least ``MIN_VOTERS`` (or everything is in it). Totals stay: they are what the vote is for.

Open rounds keep their full detail: their voters are named anyway.
"""

MIN_VOTERS = 3
OTHER = "other"


def merge_small_cells(cells: dict[str, dict]) -> dict[str, dict]:
    """``cells`` (country code -> counts with a ``voters`` key) with no cell under MIN_VOTERS voters
    but ``"other"``, which then holds at least MIN_VOTERS voters or every voter there is."""
    shown = {code: dict(counts) for code, counts in cells.items() if counts.get("voters", 0) >= MIN_VOTERS}
    small = [counts for code, counts in cells.items() if counts.get("voters", 0) < MIN_VOTERS]
    if not small:
        return shown
    other: dict = {}

    def absorb(counts: dict) -> None:
        for key, value in counts.items():
            if isinstance(value, int):
                other[key] = other.get(key, 0) + value

    for counts in small:
        absorb(counts)
    while 0 < other.get("voters", 0) < MIN_VOTERS and shown:
        code = min(shown, key=lambda c: (shown[c].get("voters", 0), c))
        absorb(shown.pop(code))
    return {**dict(sorted(shown.items())), OTHER: other}


def protect_turnout(turnout: dict) -> dict:
    return {**turnout, "by_country": merge_small_cells(turnout["by_country"]), "merged_below": MIN_VOTERS}


def protect_results(results: dict) -> dict:
    """An anonymous round's results with every small country cell merged (idempotent)."""
    cards = [{**row, "by_country": merge_small_cells(row.get("by_country", {}))} for row in results["cards"]]
    for row in cards:
        row.pop("voters", None)
    return {**results, "cards": cards, "turnout": protect_turnout(results["turnout"])}
