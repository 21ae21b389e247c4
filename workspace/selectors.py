"""Reads that are more than a ``.get()``: what pages and the API show, in a fixed number of queries."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django_countries import countries

from workspace.models import Board, Membership, Workspace


def board_data(board: Board) -> dict:
    """A board as the API and the event stream show it."""
    return {
        "id": board.pk,
        "workspace": board.workspace.slug,
        "kind": board.kind,
        "title": board.title,
        "guiding_question": board.guiding_question,
        "state": board.state,
        "position": board.position,
    }


def workspace_boards(workspace: Workspace):
    return Board.objects.filter(workspace=workspace).select_related("workspace").order_by("position", "id")


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
    return sorted(groups.values(), key=lambda group: (group.code == "", group.name))


@dataclass
class AgendaLine:
    title: str
    starts_at: datetime
    ends_at: datetime
    zones_differ: bool  # the viewer's clock and the workspace's show different times
    is_live: bool
    is_over: bool


def agenda_for_viewer(workspace: Workspace, viewer_zone: zoneinfo.ZoneInfo) -> list[AgendaLine]:
    """The agenda, each session marked live or over, and whether the viewer's clock differs."""
    now = timezone.now()
    return [
        AgendaLine(
            title=session.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            zones_differ=session.starts_at.astimezone(viewer_zone).utcoffset()
            != session.starts_at.astimezone(workspace.zone).utcoffset(),
            is_live=session.starts_at <= now < session.ends_at,
            is_over=session.ends_at <= now,
        )
        for session in workspace.agenda.all()
    ]
