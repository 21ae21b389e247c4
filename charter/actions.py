"""Composing and publishing the charter, and recording each export.

Only stewards compose and publish. A published version is frozen: its content, its canonical
Markdown and that Markdown's SHA-256 never change; the next one gets the next number.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charter.compose import charter_settings, compose, sha256
from charter.exports import Charter
from charter.models import CharterSettings, CharterVersion
from drafts.models import DraftRevision
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.models import Board, BoardKind, Membership
from workspace.roles import require
from workspace.translations import TextField, merged_translations

TITLE_MAX = CharterVersion._meta.get_field("title").max_length
CHARTER_TEXTS = {"title": TextField(TITLE_MAX)}


def update_settings(
    *,
    membership: Membership,
    title: str | None = None,
    custom_boards: list[int] | None = None,
    revisions: dict | None = None,
    list_adopted: bool | None = None,
    appendix: bool | None = None,
    translations: dict | None = None,
) -> CharterSettings:
    """A steward chooses how the charter is composed, and its title in other languages
    (``{"ru": {"title": …}}``)."""
    require(membership, "compose_charter")
    workspace = membership.workspace
    settings = charter_settings(workspace)
    if title is not None:
        title = " ".join(title.split())
        if len(title) > TITLE_MAX:
            raise WorkspaceError(_("A title can be at most %(max)d characters long.") % {"max": TITLE_MAX})
        settings.title = title
    if custom_boards is not None:
        known = set(Board.objects.filter(workspace=workspace, kind=BoardKind.CUSTOM).values_list("id", flat=True))
        unknown = [board_id for board_id in custom_boards if board_id not in known]
        if unknown:
            raise WorkspaceError(_("Only custom boards of this workspace can be added: %(ids)s.") % {"ids": unknown})
        settings.custom_boards = list(dict.fromkeys(custom_boards))
    if revisions is not None:
        clean = {}
        for board_id, number in revisions.items():
            if number is None:
                continue
            if not DraftRevision.objects.filter(board__workspace=workspace, board_id=board_id, number=number).exists():
                raise WorkspaceError(
                    _("Board %(board)s has no revision %(number)s.") % {"board": board_id, "number": number}
                )
            clean[str(board_id)] = number
        settings.revisions = clean
    if translations is not None:
        settings.translations = merged_translations(settings.translations, translations, CHARTER_TEXTS)
    if list_adopted is not None:
        settings.list_adopted = list_adopted
    if appendix is not None:
        settings.appendix = appendix
    settings.save()
    return settings


def publish_version(*, membership: Membership, title: str = "", appendix: bool | None = None) -> CharterVersion:
    """A steward publishes the charter as it stands now as the next numbered version."""
    require(membership, "compose_charter")
    workspace = membership.workspace
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise WorkspaceError(_("A title can be at most %(max)d characters long.") % {"max": TITLE_MAX})
    content = compose(workspace, title=title or None, appendix=appendix)
    with transaction.atomic():
        last = CharterVersion.objects.select_for_update().filter(workspace=workspace).order_by("-number").first()
        number = (last.number if last else 0) + 1
        published_at = timezone.now().replace(microsecond=0)
        markdown = Charter(content, number=number, published_at=published_at, sha=None).markdown
        version = CharterVersion.objects.create(
            workspace=workspace,
            number=number,
            title=content["title"],
            published_at=published_at,
            published_by=membership,
            content=content,
            markdown=markdown,
            sha256=sha256(markdown),
        )
        audit(workspace, membership, "charter.published", version, {"version": number, "sha256": version.sha256})
    return version


def record_export(*, membership: Membership, version: CharterVersion | None, fmt: str) -> None:
    """Note in the workspace's audit log who exported what, and when."""
    audit(
        membership.workspace,
        membership,
        "charter.exported",
        version,
        {"version": version.number if version else None, "format": fmt},
    )


def version_charter(version: CharterVersion) -> Charter:
    return Charter(
        version.content,
        number=version.number,
        published_at=version.published_at,
        sha=version.sha256,
        markdown=version.markdown,
    )
