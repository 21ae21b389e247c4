"""Composing the charter: the boards in order, each section from its draft (or a chosen revision),
the adopted cards (the priority areas, and other boards' where a steward chose) in rank order, each
with the tally of the round that adopted it, every closed round of those boards, and the appendix.

Only closed rounds are used, so a hidden tally can never reach a preview or an export. Names of
people appear only for members who consented (``Membership.show_name_in_charter``).
"""

import hashlib
from collections import Counter
from datetime import UTC, datetime

from django.conf import settings as conf
from django.utils import translation
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from boards.models import Board, BoardKind, Card, CardKind, CardStatus, Comment
from charter.models import CharterSettings
from drafts.documents import draft_markdown
from drafts.models import Amendment, AmendmentState, DraftContributor, DraftRevision
from voting.models import Adoption, Round, RoundState
from voting.privacy import merge_small_cells
from workspace.models import Workspace
from workspace.text import clean_text
from workspace.translations import in_language

CHARTER_KINDS = [BoardKind.CONCEPT, BoardKind.MISSION, BoardKind.VISION, BoardKind.PRIORITIES]


def charter_settings(workspace: Workspace) -> CharterSettings:
    return CharterSettings.objects.filter(workspace=workspace).first() or CharterSettings(workspace=workspace)


def charter_boards(workspace: Workspace, settings: CharterSettings) -> list[Board]:
    """The four charter boards in their order, then the custom boards a steward included."""
    boards = list(Board.objects.filter(workspace=workspace).select_related("workspace").order_by("position", "id"))
    by_kind = {board.kind: board for board in boards}
    chosen = [by_kind[kind] for kind in CHARTER_KINDS if kind in by_kind]
    included = set(settings.custom_boards or [])
    return chosen + [board for board in boards if board.kind == BoardKind.CUSTOM and board.pk in included]


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Headings inside a section sit below the section's own heading (outside code fences)."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines)


def one_line(text: str) -> str:
    return " ".join(text.split())


def _closed_rounds(boards: list[Board]) -> list[Round]:
    """Every closed round of these boards, board by board, each board's in the order they closed."""
    order = {board.pk: index for index, board in enumerate(boards)}
    rounds = Round.objects.filter(board__in=boards, state=RoundState.CLOSED, results__isnull=False)
    return sorted(rounds, key=lambda r: (order[r.board_id], r.closed_at, r.pk))


def _round_summary(round_: Round) -> dict:
    """A closed round as everyone may see its results: frozen at close, a card removed since without
    its words; never its voters' names (the charter names only those who consented), and so no
    country cell under three voters either, in a named round too ("Mongolia: 3 dots from 1
    supporter" would name the delegate in a published document)."""
    cells = {row["card"]: merge_small_cells(row["by_country"]) for row in round_.results["cards"]}
    return {
        "id": round_.pk,
        "board": round_.board_id,
        "question": round_.question,
        "closed_at": round_.closed_at.isoformat(),
        "turnout": round_.results["turnout"],
        "results": [
            {**{key: row[key] for key in ("card", "rank", "dots", "supporters")}, "by_country": cells[row["card"]]}
            for row in round_.results["cards"]
        ],
        # The results' cards with their words, for the appendix (versions published before it have none).
        "cards": [
            {
                "card": row["card"],
                "rank": row["rank"],
                "text": "" if row.get("removed") else one_line(row.get("body", "")),
                "removed": bool(row.get("removed")),
                "dots": row["dots"],
                "supporters": row["supporters"],
                "by_country": cells[row["card"]],
            }
            for row in round_.results["cards"]
        ],
    }


def _adopted(board: Board, rounds: dict[int, Round]) -> list[dict]:
    """The board's adopted cards in their order, each with its rank and tally in the round that
    adopted it (the newest such round; none for a card adopted by hand)."""
    cards = Card.objects.filter(board=board, kind=CardKind.IDEA, status=CardStatus.ADOPTED, removed_at=None)
    cards = list(cards.order_by("position", "id"))
    adopted_in = dict(
        Adoption.objects.filter(card__in=cards, round__state=RoundState.CLOSED)
        .order_by("adopted_at", "id")
        .values_list("card_id", "round_id")
    )  # the newest adoption of each card wins
    result = []
    for card in cards:
        round_ = rounds.get(adopted_in.get(card.pk))
        row = next((r for r in round_.results["cards"] if r["card"] == card.pk), {}) if round_ else {}
        result.append(
            {
                "card": card.pk,
                "text": one_line(card.body),
                "round": round_.pk if round_ else None,
                "rank": row.get("rank"),
                "dots": row.get("dots"),
                "supporters": row.get("supporters"),
            }
        )
    return result


def lists_adopted(settings: CharterSettings, board: Board) -> bool:
    """Whether the board's adopted cards are listed after its draft: the priority areas' unless a
    steward turned it off, another board's when a steward chose it."""
    if board.kind == BoardKind.PRIORITIES:
        return settings.list_adopted
    return board.pk in set(settings.adopted_boards or [])


def _accepted_amendments(boards: list[Board]) -> list[dict]:
    """Each section's accepted amendments, in the order they were accepted; who proposed one is
    named only with their consent (as contributors are)."""
    amendments = (
        Amendment.objects.filter(board__in=boards, state=AmendmentState.ACCEPTED, card__removed_at=None)
        .select_related("card__author", "board")
        .order_by("decided_at", "id")
    )
    sections: dict[int, dict] = {}
    for amendment in amendments:
        author = amendment.card.author
        named = author is not None and author.show_name_in_charter
        section = sections.setdefault(
            amendment.board_id,
            {
                "board": amendment.board_id,
                "title": amendment.board.title,
                "titles": _titles(amendment.board),
                "items": [],
            },
        )
        section["items"].append(
            {
                "number": amendment.number,
                "original": amendment.original,
                "proposed": amendment.proposed,
                "reason": amendment.reason,
                "decided_at": amendment.decided_at.isoformat() if amendment.decided_at else None,
                "proposer": author.display_name if named else None,
                "country": (author.country.code or None) if named else None,
            }
        )
    order = [board.pk for board in boards]
    return sorted(sections.values(), key=lambda section: order.index(section["board"]))


def _contributors(workspace: Workspace) -> dict:
    """Members who posted a card or a comment or edited a draft: counted per country; named only
    with their consent."""
    ids = set(Card.objects.filter(board__workspace=workspace).exclude(author=None).values_list("author", flat=True))
    ids |= set(
        Comment.objects.filter(card__board__workspace=workspace).exclude(author=None).values_list("author", flat=True)
    )
    ids |= set(DraftContributor.objects.filter(board__workspace=workspace).values_list("membership", flat=True))
    members = list(workspace.memberships.filter(pk__in=ids).order_by("display_name"))
    by_country = Counter(member.country.code or "none" for member in members)
    return {
        "total": len(members),
        "by_country": dict(sorted(by_country.items())),
        "named": [
            {"display_name": member.display_name, "country": member.country.code or None}
            for member in members
            if member.show_name_in_charter
        ],
    }


def _titles(obj) -> dict:
    """The title in every other language it was given in: ``{"ru": "…"}``."""
    return {code: texts["title"] for code, texts in (obj.translations or {}).items() if texts.get("title")}


def shown_title(content: dict, language: str | None = None) -> str:
    """A version's (or a section's) title in the reader's language, else the one it was published
    with; a charter board still under its default name ("Concept") is named in the reader's language."""
    given = in_language(content.get("titles") or {}, language)
    if given or content.get("kind") not in CHARTER_KINDS:
        return given or content["title"]
    with translation.override(language or translation.get_language()):
        label = str(BoardKind(content["kind"]).label)
    defaults = set()
    for code, _name in conf.LANGUAGES:
        with translation.override(code):
            defaults.add(str(BoardKind(content["kind"]).label))
    return label if content["title"] in defaults else content["title"]


def workspace_name(content: dict) -> str:
    """The workspace's name in the reader's language, else as the version was published with it."""
    return in_language(content.get("workspace_names") or {}) or content["workspace"]


def list_separator() -> str:
    """What separates the items of a list in a sentence: the Arabic comma in Dari and Pashto."""
    return "، " if translation.get_language_bidi() and not translation.get_language().startswith("he") else ", "


def compose(workspace: Workspace, *, title: str | None = None, appendix: bool | None = None) -> dict:
    """The charter as it stands now (the preview), as content a version freezes."""
    settings = charter_settings(workspace)
    sections = []
    boards = charter_boards(workspace, settings)
    closed = _closed_rounds(boards)
    by_id = {round_.pk: round_ for round_ in closed}
    for board in boards:
        number = (settings.revisions or {}).get(str(board.pk))
        revision = DraftRevision.objects.filter(board=board, number=number).first() if number else None
        section = {
            "board": board.pk,
            "kind": board.kind,
            "title": board.title,
            "titles": _titles(board),
            "source": f"revision {revision.number}" if revision else "draft",
            "markdown": clean_text(revision.markdown if revision else draft_markdown(board.pk)).strip(),
        }
        if lists_adopted(settings, board):
            section["adopted"] = _adopted(board, by_id)
        sections.append(section)
    rounds = [_round_summary(round_) for round_ in closed]
    with_appendix = settings.appendix if appendix is None else appendix
    own_title = settings.title or _("Charter of %(name)s") % {"name": workspace.localized("name")}
    if settings.title:
        titles = _titles(settings)
    else:  # no title chosen: "Charter of …" in every language, with the workspace's name in it
        titles = {}
        for code, _name in conf.LANGUAGES:
            with translation.override(code):
                titles[code] = _("Charter of %(name)s") % {"name": workspace.localized("name", code)}
    return {
        "title": title or own_title,
        # The composition's title in other languages, unless this version was given another title.
        "titles": titles if (title or own_title) == own_title else {},
        "workspace": workspace.name,
        "workspace_names": {code: texts["name"] for code, texts in (workspace.translations or {}).items()
                            if texts.get("name")},  # fmt: skip
        "sections": sections,
        "rounds": rounds,
        "appendix": (
            {"contributors": _contributors(workspace), "amendments": _accepted_amendments(boards)}
            if with_appendix
            else None
        ),
    }


# The canonical Markdown --------------------------------------------------------------------------


# Unicode bidi controls: a mark that sets a line's direction, and an isolate for text of its own.
LRM, RLM, FSI, PDI = "\u200e", "\u200f", "\u2068", "\u2069"
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def adopted_line(text: str, tally: str) -> str:
    """An adopted card's line: the card's words isolated (a Dari card in a Russian charter neither
    pulls our words into its direction nor takes "1." and the tally to its side), and a mark that
    gives the line the charter's own direction, whatever the card's language (``dir="auto"`` and
    Word's paragraph direction both read the first strong character)."""
    mark = RLM if get_language_bidi() else LRM
    return f"{mark}{FSI}{text}{PDI}{tally}"


def tally(dots: int, supporters: int) -> str:
    """The tally ("5 dots from 4 supporters") in the reader's language."""
    return _("%(dots)s from %(supporters)s") % {
        "dots": ngettext("%(count)s dot", "%(count)s dots", dots) % {"count": dots},
        "supporters": ngettext("%(count)s supporter", "%(count)s supporters", supporters) % {"count": supporters},
    }


def parts(content: dict) -> list[tuple[str, str, str]]:
    """(anchor, heading, markdown body) of every part after the title: sections, then the appendix."""
    result = []
    for index, section in enumerate(content["sections"], start=1):
        body = demote_headings(section["markdown"]) if section["markdown"] else _("_No text yet._")
        adopted = section.get("adopted")
        if adopted:
            heading = _("Adopted priority areas") if section.get("kind") == BoardKind.PRIORITIES else _("Adopted cards")
            lines = [f"### {heading}", ""]
            for position, item in enumerate(adopted, start=1):
                result_text = ""
                if item["dots"] is not None:
                    result_text = " — " + tally(item["dots"], item["supporters"])
                lines.append(f"{position}. {adopted_line(item['text'], result_text)}")
            body = f"{body}\n\n" + "\n".join(lines)
        result.append((f"section-{index}", shown_title(section), body))
    if content.get("appendix"):
        result.append(("appendix", _("Appendix"), appendix_markdown(content)))
    return result


def amendment_line(item: dict) -> str:
    """One accepted amendment in the appendix: what it changed, why, and (with consent) who
    proposed it; every piece of people's text isolated, as adopted cards' are."""
    original, proposed = (f"{FSI}{one_line(item[key])}{PDI}" for key in ("original", "proposed"))
    if not item["original"]:
        change = _("Amendment %(number)s inserted “%(proposed)s”.") % {"number": item["number"], "proposed": proposed}
    elif not item["proposed"]:
        change = _("Amendment %(number)s deleted “%(original)s”.") % {"number": item["number"], "original": original}
    else:
        change = _("Amendment %(number)s changed “%(original)s” to “%(proposed)s”.") % {
            "number": item["number"],
            "original": original,
            "proposed": proposed,
        }
    line = (RLM if get_language_bidi() else LRM) + change
    if item["reason"]:
        line += " " + _("Reason: %(reason)s") % {"reason": f"{FSI}{one_line(item['reason'])}{PDI}"}
    if item["proposer"]:
        who = item["proposer"] + (f" ({item['country']})" if item["country"] else "")
        line += " " + _("Proposed by %(name)s.") % {"name": f"{FSI}{who}{PDI}"}
    return line


def country_label(code: str) -> str:
    """A country's name in the reader's language (the appendix stores codes)."""
    if code == "other":
        return _("Other countries")  # an anonymous round's countries with fewer than three voters
    return countries.name(code) if code and code != "none" else _("Country not given")


def round_result_lines(round_: dict) -> list[str]:
    """A round's results in the appendix, one line per card: its rank, its words (a card removed
    since has none), its tally and the tally per country (as everyone saw it: an anonymous round's
    small countries merged)."""
    lines = []
    for row in round_["cards"]:
        words = f"{FSI}{row['text']}{PDI}" if not row["removed"] else _("_a card removed since_")
        per_country = ("؛ " if get_language_bidi() else "; ").join(
            f"{country_label(code)}: {tally(counts['dots'], counts['voters'])}"
            for code, counts in row["by_country"].items()
            if counts["dots"]
        )
        line = _("Rank %(rank)s:") % {"rank": row["rank"]} + f" {words} — {tally(row['dots'], row['supporters'])}"
        lines.append(f"- {RLM if get_language_bidi() else LRM}{line}" + (f" ({per_country})" if per_country else ""))
    return lines


def appendix_markdown(content: dict) -> str:
    lines = []
    if content["rounds"]:
        heading = _("Dot-voting rounds")
        lines += [f"### {heading}", ""]
        boards = {section["board"]: section for section in content["sections"]}
        for round_ in content["rounds"]:
            turnout = round_["turnout"]
            countries = list_separator().join(
                f"{country_label(code)} {counts['voters']}/{counts['eligible']}"
                for code, counts in turnout["by_country"].items()
            )
            lines += [f"#### {one_line(round_['question'])}", ""]
            if "cards" in round_:  # (versions published before the appendix listed results show as they did)
                board = boards.get(round_["board"])
                closed = datetime.fromisoformat(round_["closed_at"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
                where = _("%(board)s, closed %(date)s.") % {
                    "board": f"{FSI}{one_line(shown_title(board))}{PDI}" if board else "",
                    "date": f"{FSI}{closed}{PDI}",  # digits and dashes keep their order in Dari
                }
                lines += [where, ""]
            lines += [
                _("Turnout: %(voters)s of %(eligible)s members voted.") % turnout
                + (" " + _("By country: %(countries)s.") % {"countries": countries} if countries else ""),
                "",
            ]
            if round_.get("cards"):
                lines += [*round_result_lines(round_), ""]
    accepted = content["appendix"].get("amendments") or []  # versions published before amendments have none
    if accepted:
        heading = _("Accepted amendments")
        lines += [f"### {heading}", ""]
        for section in accepted:
            lines += [f"#### {one_line(shown_title(section))}", ""]
            for item in section["items"]:
                lines.append(f"- {amendment_line(item)}")
            lines.append("")
    contributors = content["appendix"]["contributors"]
    countries = list_separator().join(
        f"{country_label(code)} {count}" for code, count in contributors["by_country"].items()
    )
    heading = _("Contributors")
    lines += [
        f"### {heading}",
        "",
        ngettext("%(total)s member contributed.", "%(total)s members contributed.", contributors["total"])
        % contributors
        + (f" {countries}." if countries else ""),
    ]
    if contributors["named"]:
        names = list_separator().join(
            f"{person['display_name']}" + (f" ({person['country']})" if person["country"] else "")
            for person in contributors["named"]
        )
        lines += ["", _("Named with their consent: %(names)s.") % {"names": names}]
    return "\n".join(lines)


def canonical_markdown(content: dict, *, number: int | None, published_at: datetime | None) -> str:
    """The charter as Markdown; a version's SHA-256 is taken over exactly this text."""
    if number is None:
        stamp = _("Preview — not published")
    else:
        stamp = _("Version %(number)s, published %(date)s") % {
            "number": number,
            "date": published_at.strftime("%Y-%m-%d %H:%M UTC"),
        }
    chunks = [f"# {one_line(shown_title(content))}", f"{workspace_name(content)}  \n{stamp}"]
    for _anchor, heading, body in parts(content):
        chunks.append(f"## {one_line(heading)}\n\n{body}")
    # Marks and isolates steer HTML, PDF and Word; a Markdown file would only hide them in the text.
    return ("\n\n".join(chunks) + "\n").translate(BIDI_CONTROLS)


def sha256(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def version_diff(before: dict, after: dict) -> list[dict]:
    """Two versions' contents compared section by section (by board), each with its line diff."""
    from boards.selectors import line_diff

    old_sections = {section["board"]: section for section in before["sections"]}
    new_sections = {section["board"]: section for section in after["sections"]}
    result = []
    for board in dict.fromkeys([*old_sections, *new_sections]):
        old, new = old_sections.get(board, {}), new_sections.get(board, {})
        old_text, new_text = old.get("markdown", ""), new.get("markdown", "")
        result.append(
            {
                "board": board,
                "title": (new or old)["title"],
                "changed": old_text != new_text,
                "lines": line_diff(old_text, new_text),
            }
        )
    return result
