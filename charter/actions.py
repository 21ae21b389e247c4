"""Composing and publishing the charter, exporting it, and recording each export.

Only stewards compose and publish. A published version is frozen: its content, its canonical
Markdown and that Markdown's SHA-256 never change; the next one gets the next number. So each of its
exports is rendered once (per format and reader's language) and then served as stored; rendering,
a version's or the preview's, is bounded per member and for the whole site (``render_slot``).
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boards.models import Board, BoardKind
from charter.compose import charter_settings, compose, sha256
from charter.exports import (
    FORMATS,
    RENDERED_FORMATS,
    Charter,
    ExportFile,
    cached_export,
    export_source,
    render_slot,
    store_export,
)
from charter.models import CharterSettings, CharterVersion
from drafts.models import DraftRevision
from workspace.audit import audit
from workspace.errors import WorkspaceError
from workspace.models import Membership
from workspace.roles import require
from workspace.text import clean_line
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
    adopted_boards: list[int] | None = None,
    appendix: bool | None = None,
    translations: dict | None = None,
) -> CharterSettings:
    """A steward chooses how the charter is composed, and its title in other languages
    (``{"ru": {"title": …}}``). ``list_adopted`` lists the adopted priority areas after their draft;
    ``adopted_boards``, the other boards of the charter whose adopted cards are listed after theirs."""
    require(membership, "compose_charter")
    workspace = membership.workspace
    settings = charter_settings(workspace)
    if title is not None:
        title = clean_line(title)
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
    if adopted_boards is not None:
        known = set(
            Board.objects.filter(workspace=workspace).exclude(kind=BoardKind.PRIORITIES).values_list("id", flat=True)
        )
        unknown = [board_id for board_id in adopted_boards if board_id not in known]
        if unknown:
            raise WorkspaceError(
                _("Only boards of this workspace can list their adopted cards: %(ids)s.") % {"ids": unknown}
            )
        settings.adopted_boards = list(dict.fromkeys(adopted_boards))
    if appendix is not None:
        settings.appendix = appendix
    settings.save()
    return settings


def publish_version(*, membership: Membership, title: str = "", appendix: bool | None = None) -> CharterVersion:
    """A steward publishes the charter as it stands now as the next numbered version."""
    require(membership, "compose_charter")
    workspace = membership.workspace
    title = clean_line(title)
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


def export_version(*, membership: Membership, version: CharterVersion, fmt: str) -> ExportFile:
    """A member downloads a published version as ``fmt``, in the language they read: the rendering
    stored for it, else rendered now (within the member's and the site's rendering slots, else a
    429-kind ``WorkspaceError``) and stored."""
    charter = version_charter(version)
    if fmt in RENDERED_FORMATS:
        language = translation.get_language()
        source = export_source(version, language)
        content = cached_export(version, fmt, language, source)
        if content is None:
            with render_slot(membership.pk, f"version {version.pk} {fmt} {language}"):
                # Another request may have stored it while this one waited for the database.
                content = cached_export(version, fmt, language, source)
                if content is None:
                    content = charter.render(fmt)
                    store_export(version, fmt, language, source, content)
    else:
        content = charter.render(fmt)
    record_export(membership=membership, version=version, fmt=fmt)
    return ExportFile(content, FORMATS[fmt], charter.filename(fmt))


def preview_charter(*, membership: Membership) -> Charter:
    """The charter as it stands now, for a facilitator or steward (a 403-kind error otherwise)."""
    require(membership, "manage_boards")
    return Charter(compose(membership.workspace), number=None, published_at=None, sha=None)


def export_preview(*, membership: Membership, fmt: str) -> ExportFile:
    """A facilitator or steward downloads the charter as it stands now (never stored: it changes
    with every edit), within the member's and the site's rendering slots."""
    charter = preview_charter(membership=membership)
    if fmt in RENDERED_FORMATS:
        what = f"preview {membership.workspace_id} {fmt} {translation.get_language()}"
        with render_slot(membership.pk, what):
            content = charter.render(fmt)
    else:
        content = charter.render(fmt)
    record_export(membership=membership, version=None, fmt=fmt)
    return ExportFile(content, FORMATS[fmt], charter.filename(fmt))
