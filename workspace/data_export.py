"""Data to take away: a member downloads everything they wrote and their membership data (JSON);
a steward downloads the whole workspace (a zip: JSON and, from the charter app, its versions).

Higher apps add their part from their AppConfig.ready() (boards: a member's cards and comments, and
the boards; drafts: each board's draft and who edited it; voting: a member's dots and the rounds;
charter: the published versions), so imports still only look down.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable

from django.utils import timezone

from workspace.models import AuditEntry, Membership, Workspace
from workspace.selectors import iso

_member_sections: dict[str, Callable[[Membership], object]] = {}
_workspace_sections: dict[str, Callable[[Workspace], object]] = {}
_archive_files: list[Callable[[Workspace], Iterable[tuple[str, bytes]]]] = []


_account_sections: list[Callable[[object], dict]] = []


def register_account_section(build: Callable[[object], dict]) -> None:
    """``build(user)`` adds keys to the person's "account" (accounts: their language and zone)."""
    _account_sections.append(build)


def register_member_section(name: str, build: Callable[[Membership], object]) -> None:
    _member_sections[name] = build


def register_workspace_section(name: str, build: Callable[[Workspace], object]) -> None:
    _workspace_sections[name] = build


def register_archive_files(build: Callable[[Workspace], Iterable[tuple[str, bytes]]]) -> None:
    if build not in _archive_files:
        _archive_files.append(build)


def member_data(user) -> dict:
    """Everything a person wrote in every workspace they are in, and what we keep about them."""
    memberships = []
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        entry = {
            "workspace": {"slug": membership.workspace.slug, "name": membership.workspace.name},
            "display_name": membership.display_name,
            "country": membership.country.code or None,
            "role": membership.role,
            "named_in_the_charter": membership.show_name_in_charter,
            "joined_at": iso(membership.joined_at),
            "last_here_at": iso(membership.last_seen_at),
        }
        for name, build in _member_sections.items():
            entry[name] = build(membership)
        memberships.append(entry)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            **{key: value for build in _account_sections for key, value in build(user).items()},
        },
        "memberships": memberships,
    }


def workspace_data(workspace: Workspace) -> dict:
    data = {
        "exported_at": timezone.now().isoformat(),
        "workspace": {
            "slug": workspace.slug,
            "name": workspace.name,
            "description": workspace.description,
            "translations": workspace.translations,
            "time_zone": workspace.time_zone,
        },
        "members": [
            {
                "display_name": m.display_name,
                "country": m.country.code or None,
                "role": m.role,
                "joined_at": iso(m.joined_at),
            }
            for m in Membership.objects.filter(workspace=workspace)
        ],
        "audit": [
            {
                "at": iso(e.created_at),
                "who": e.actor_name,
                "what": e.verb,
                "target": e.target_label,
                "details": e.details,
            }
            for e in AuditEntry.objects.filter(workspace=workspace).order_by("created_at", "id")
        ],
    }
    for name, build in _workspace_sections.items():
        data[name] = build(workspace)
    return data


def workspace_archive(workspace: Workspace) -> bytes:
    """The whole workspace as a zip: ``workspace.json`` and the higher apps' files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{workspace.slug}/workspace.json", json.dumps(workspace_data(workspace), ensure_ascii=False, indent=2)
        )
        for build in _archive_files:
            for path, content in build(workspace):
                archive.writestr(f"{workspace.slug}/{path}", content)
    return buffer.getvalue()
