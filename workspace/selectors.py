"""Reads that are more than a ``.get()``: what pages and the API show, in a fixed number of queries."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyuca
from django_countries import countries

from workspace.models import Membership, SessionState, Workspace

# A connection that has said nothing for this long no longer counts as present (clients ping
# every 25 seconds; a server process that died leaves rows that age out this way).
PRESENCE_STALE_AFTER = timedelta(seconds=75)

_COLLATOR = pyuca.Collator()


def name_order(name: str):
    """Sort key for names in the reader's script (Unicode collation: "Ё" beside "Е", "پ" after
    "ب"), where code-point order puts Persian letters out of place."""
    return _COLLATOR.sort_key(name)


def workspace_members(workspace: Workspace):
    return Membership.objects.filter(workspace=workspace).order_by("display_name", "id")


@dataclass
class CountryGroup:
    code: str
    name: str
    members: list


def members_by_country(workspace: Workspace) -> list[CountryGroup]:
    """Members grouped by country, countries by name, members without one last."""
    groups: dict[str, CountryGroup] = {}
    for member in workspace_members(workspace):
        code = member.country.code or ""
        if code not in groups:
            groups[code] = CountryGroup(code=code, name=str(countries.name(code)) if code else "", members=[])
        groups[code].members.append(member)
    return sorted(groups.values(), key=lambda group: (group.code == "", name_order(group.name)))


@dataclass
class AgendaLine:
    title: str
    starts_at: datetime
    ends_at: datetime
    zones_differ: bool  # the viewer's clock and the workspace's show different times
    is_live: bool
    is_over: bool
    not_held: bool = False  # never started, its planned end long past


def agenda_for_viewer(workspace: Workspace, viewer_zone: zoneinfo.ZoneInfo) -> list[AgendaLine]:
    """The agenda, each session marked live or over, and whether the viewer's clock differs.

    Live and over are what the facilitators made them (they start and end sessions), not the clock;
    only a session never started, its planned end long past, is over by the clock (not held).
    """
    return [
        AgendaLine(
            title=session.localized("title"),
            starts_at=session.started_at or session.starts_at,
            ends_at=session.ended_at or session.ends_at,
            zones_differ=session.starts_at.astimezone(viewer_zone).utcoffset()
            != session.starts_at.astimezone(workspace.zone).utcoffset(),
            is_live=session.state == SessionState.LIVE,
            is_over=session.state == SessionState.ENDED or session.not_held,
            not_held=session.not_held,
        )
        for session in workspace.agenda.all()
    ]


# The board snapshot and the event payloads ------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def author_data(membership: Membership | None) -> dict | None:
    """How a member appears on the board; None for a former member."""
    if membership is None:
        return None
    return {"id": membership.pk, "display_name": membership.display_name, "country": membership.country.code or None}


