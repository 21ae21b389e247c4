"""The charter in four formats: Markdown (canonical), HTML (standalone), PDF (WeasyPrint), DOCX.

Every format is built from the same parts, and every piece of user text goes through
``render_markdown`` (cmark-gfm + nh3), so nothing a participant typed can inject markup or a
link with another scheme into any format. A version's exports are the same bytes each time they are
made: dates come from the version, not the clock.

A published version is rendered once per format and reader's language and stored
(``CharterExport``, see "Rendered once" below); rendering is bounded by slots in the cache, so one
member cannot keep the server busy with parallel downloads.
"""

import hashlib
import io
import json
import re
import secrets
import unicodedata
import zipfile
from collections import Counter
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from charter.compose import canonical_markdown, one_line, parts, shown_title, workspace_name
from charter.models import CharterExport, CharterVersion
from workspace.errors import WorkspaceError
from workspace.markdown import LINE, render_markdown, safe_link
from workspace.text import xml_safe

FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Markdown is the version's stored text; the others are rendered (and, for a version, stored).
RENDERED_FORMATS = ("html", "pdf", "docx")
# Charters rendered by this process, per format (the tests and bench/export.py read it).
renders: Counter[str] = Counter()


class Charter:
    """One charter to export: a version's frozen content, or the live preview."""

    def __init__(
        self,
        content: dict,
        *,
        number: int | None,
        published_at: datetime | None,
        sha: str | None,
        markdown: str | None = None,
    ):
        self.content = content
        self.number = number
        self.published_at = published_at
        self.sha = sha
        # A version's Markdown is the stored one, whose hash was taken at publication.
        self.markdown = markdown or canonical_markdown(content, number=number, published_at=published_at)

    @property
    def title(self) -> str:
        return shown_title(self.content)

    @property
    def stamp(self) -> str:
        if self.number is None:
            return _("Preview — not published")
        return _("Version %(number)s · %(date)s") % {
            "number": self.number,
            "date": self.published_at.strftime("%Y-%m-%d %H:%M UTC"),
        }

    @property
    def moment(self) -> datetime:
        return self.published_at or datetime(2000, 1, 1, tzinfo=UTC)

    def html_parts(self, *, for_print: bool = False) -> list[dict]:
        result = []
        sections = self.content["sections"]
        for anchor, heading, body in parts(self.content):
            html = level_headings(render_markdown(body))
            if for_print:
                html = resolve_directions(html)
            index = int(anchor.removeprefix("section-")) - 1 if anchor.startswith("section-") else None
            board = sections[index].get("board") if index is not None else None
            heading = one_line(heading)
            result.append({"anchor": anchor, "heading": heading, "html": html, "board": board,
                           "dir": text_direction(heading) or page_direction()})  # fmt: skip
        return result

    def filename(self, fmt: str) -> str:
        suffix = f"v{self.number}" if self.number else "preview"
        return f"charter-{suffix}.{fmt}"

    def render(self, fmt: str) -> bytes:
        renders[fmt] += 1
        return {"md": self.to_markdown, "html": self.to_html, "pdf": self.to_pdf, "docx": self.to_docx}[fmt]()

    # Formats ------------------------------------------------------------------------------------

    def to_markdown(self) -> bytes:
        return self.markdown.encode("utf-8")

    def _page(self, *, for_print: bool) -> str:
        return render_to_string(
            "charter/document.html",
            {
                "title": one_line(self.title),
                "workspace": workspace_name(self.content),
                "stamp": self.stamp,
                "sha": self.sha,
                "parts": self.html_parts(for_print=for_print),
                "language": translation.get_language() or settings.LANGUAGE_CODE,
                "direction": page_direction(),
                "for_print": for_print,
                "created": self.moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )

    def to_html(self) -> bytes:
        return self._page(for_print=False).encode("utf-8")

    def to_pdf(self) -> bytes:
        from weasyprint import HTML

        identifier = (self.sha or "preview").encode()[:32]
        return HTML(string=self._page(for_print=True)).write_pdf(pdf_identifier=identifier)

    def to_docx(self) -> bytes:
        document = Document()
        style = document.styles["Normal"]
        style.font.name = "Noto Sans"
        style.font.size = Pt(11)
        core = document.core_properties
        # A version published before control characters were refused may still hold some: XML cannot.
        core.title = xml_safe(one_line(self.title))
        core.author = xml_safe(self.content["workspace"])
        core.created = core.modified = self.moment.replace(tzinfo=None)
        core.last_modified_by = ""
        core.revision = self.number or 1
        _own(document.add_heading(xml_safe(one_line(self.title)), level=0))
        _own(document.add_paragraph(xml_safe(workspace_name(self.content)), style="Subtitle"))
        _own(document.add_paragraph(self.stamp))
        if self.sha:
            document.add_paragraph(f"SHA-256: {self.sha}")
        _own(document.add_heading(_("Contents"), level=1))
        pieces = [{**piece, "heading": xml_safe(piece["heading"]), "html": xml_safe(piece["html"])}
                  for piece in self.html_parts()]  # fmt: skip
        for piece in pieces:
            _own(document.add_paragraph(piece["heading"], style="List Number"))
        for piece in pieces:
            document.add_page_break()
            _own(document.add_heading(piece["heading"], level=1))
            DocxWriter(document).feed(piece["html"])
        buffer = io.BytesIO()
        document.save(buffer)
        return _fixed_zip(buffer.getvalue(), self.moment)


def _fixed_zip(data: bytes, moment: datetime) -> bytes:
    """The same .docx with every entry dated ``moment``, so the bytes depend on content only."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# Direction ----------------------------------------------------------------------------------------


def page_direction() -> str:
    """The direction of the export's own words: its language's."""
    return "rtl" if translation.get_language_bidi() else "ltr"


def text_direction(text: str) -> str | None:
    """ "rtl" or "ltr" after the first strong character (the Unicode bidi rule), None if none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def level_headings(html: str) -> str:
    """A part's headings below the part's own (h2) without a level skipped: the levels a text uses
    become h3, h4, … in order, and none is more than one below the heading before it (a draft's
    "##" under its own "#" is h4 under h3; a lone "##" is h3, never h4 under the part's h2)."""
    levels = sorted({int(match.group(2)) for match in _HEADING_TAG.finditer(html)})
    rank = {level: 3 + position for position, level in enumerate(levels)}
    previous, current = 2, 2

    def relevel(match):
        nonlocal previous, current
        if not match.group(1):
            current = min(rank[int(match.group(2))], previous + 1, 6)
            previous = current
        return f"<{match.group(1)}h{current}"

    return _HEADING_TAG.sub(relevel, html)


class _DirectionResolver(HTMLParser):
    """Rewrites dir="auto" to the paragraph's real direction (WeasyPrint and Word need it said;
    render_markdown has made each line of a draft a block of its own)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.pending: list[tuple[int, int, str, str]] = []  # (index in out, depth, tag, attributes)
        self.depth = 0
        self.texts: dict[int, list[str]] = {}

    VOID = frozenset({"br", "hr", "img", "wbr"})

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            self.handle_startendtag(tag, attrs)
            return
        self.depth += 1
        attributes = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs if name != "dir")
        if ("dir", "auto") in attrs:
            self.out.append(None)
            self.pending.append((len(self.out) - 1, self.depth, tag, attributes))
            self.texts[len(self.out) - 1] = []
        else:
            self.out.append(f"<{tag}{attributes}>")

    def handle_endtag(self, tag):
        if self.pending and self.pending[-1][1] == self.depth:
            index, _depth, name, attributes = self.pending.pop()
            direction = text_direction("".join(self.texts.pop(index))) or page_direction()
            self.out[index] = f'<{name}{attributes} dir="{direction}">'
        self.depth -= 1
        self.out.append(f"</{tag}>")

    def handle_startendtag(self, tag, attrs):
        attributes = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{attributes}>")

    def handle_data(self, data):
        for index in self.texts:
            self.texts[index].append(data)
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def resolve_directions(html: str) -> str:
    resolver = _DirectionResolver()
    resolver.feed(html)
    resolver.close()
    return "".join(part for part in resolver.out if part is not None)


# DOCX -------------------------------------------------------------------------------------------


# What may follow w:bidi in a w:pPr (the schema's order, which Word checks).
_PPR_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")  # fmt: skip


def _run_text(run) -> str:
    return "".join(text.text or "" for text in run.iter(qn("w:t")))


def _directed(paragraph, text: str | None = None, *, fallback: str | None = None):
    """A paragraph whose first strong letter is right to left (Dari, Pashto) gets w:bidi; w:rtl goes
    on its runs that are right to left, or have no letters (spaces, a full stop) in such a
    paragraph, never on a Russian or English run. ``text`` is the paragraph's, if not its runs';
    ``fallback`` the direction of one with no letters."""
    runs = list(paragraph._p.iter(qn("w:r")))
    direction = text_direction("".join(_run_text(run) for run in runs) if text is None else text) or fallback
    if direction == "rtl":
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)
    for run in runs:
        words = _run_text(run)
        if words and (text_direction(words) or direction) == "rtl":
            run.get_or_add_rPr().get_or_add_rtl()
    return paragraph


def _own(paragraph):
    """One of the export's own paragraphs (title page, contents): in its language's direction
    unless its text says otherwise (a board named in Russian in a Dari charter)."""
    return _directed(paragraph, fallback=page_direction())


def _split_lines(paragraph) -> list:
    """``paragraph`` and, where a line after a line break runs in the other direction, the new
    paragraphs its lines were moved into (Word gives a whole paragraph one direction, so a Russian
    line under a Dari one needs its own); lines in one direction stay joined by their w:br."""
    element = paragraph._p
    groups: list[list] = [[]]
    for child in list(element):
        if child.tag == qn("w:pPr"):
            continue
        is_break = child.tag == qn("w:r") and any(
            br.get(qn("w:type")) in (None, "textWrapping") for br in child.iter(qn("w:br"))
        )
        if is_break and not _run_text(child):
            groups.append([child])
        else:
            groups[-1].append(child)
    if len(groups) == 1:
        return [paragraph]
    directions, last = [], None
    for group in groups:
        last = text_direction("".join(_run_text(run) for child in group for run in child.iter(qn("w:r")))) or last
        directions.append(last)
    properties = element.find(qn("w:pPr"))
    result, current, target = [paragraph], directions[0], element
    for group, direction in zip(groups[1:], directions[1:], strict=True):
        children = group
        if direction is not None and direction != current:
            current = direction
            new = OxmlElement("w:p")
            if properties is not None:
                new.append(deepcopy(properties))
            target.addnext(new)
            element.remove(group[0])  # the line break: the lines are paragraphs now
            children, target = group[1:], new
            result.append(Paragraph(new, paragraph._parent))
        if target is not element:
            for child in children:
                target.append(child)
    return result


def _hyperlink(paragraph, url: str, text: str) -> None:
    relationship = paragraph.part.relate_to(
        url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0F5F63")
    properties.append(color)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


class DocxWriter(HTMLParser):
    """Writes sanitized charter HTML (the few tags render_markdown allows) as Word paragraphs."""

    # A part's headings start at h3 (level_headings) under the part's Heading 1: one level up.
    BLOCK_STYLES = {"h1": "Heading 1", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 4",
                    "h6": "Heading 5", "blockquote": "Quote", "pre": "No Spacing"}  # fmt: skip

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph = None
        self.paragraph_text: list[str] = []
        self.bold = self.italic = self.code = self.pre = 0
        self.after_break = False  # a <br> was just written: the line's leading whitespace goes
        self.line_ended = False  # a line of a paragraph (<p class="line">) ended: the next continues it
        self.lines: list[bool] = []  # for each open <p>: is it such a line?
        self.link: str | None = None
        self.link_text: list[str] = []
        self.lists: list[str] = []
        self.block = None
        self.table = None
        self.row = None
        self.cell_text: list[str] | None = None

    def _new_paragraph(self, style=None):
        self._finish_paragraph()
        self.line_ended = False
        self.paragraph = self.document.add_paragraph(style=style)
        self.paragraph_text = []

    def _finish_paragraph(self):
        if self.paragraph is not None:
            for paragraph in _split_lines(self.paragraph):
                _directed(paragraph)
            self.paragraph = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            style = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            self._new_paragraph(style)
        elif tag in ("p",) and self.table is None:
            self.lines.append(attrs.get("class") == LINE)
            if self.line_ended and self.paragraph is not None:
                self.paragraph.add_run().add_break()  # the draft's single line break
                self.after_break, self.line_ended = True, False
            elif not (self.paragraph is not None and self.block == "li"):
                self._new_paragraph("Quote" if self.block == "blockquote" else None)
        elif tag in self.BLOCK_STYLES and tag != "blockquote":
            self._new_paragraph(self.BLOCK_STYLES[tag])
            if tag == "pre":
                self.code += 1
                self.pre += 1
        elif tag == "blockquote":
            self.block = "blockquote"
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.link, self.link_text = attrs.get("href"), []
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
            self.after_break = True
        elif tag == "table":
            self._finish_paragraph()
            self.table, self.rows = None, []
        elif tag == "tr":
            self.row = []
            self.rows.append(self.row)
        elif tag in ("td", "th"):
            self.cell_text = []
        if tag == "li":
            self.block = "li"

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre"):
            if tag == "pre":
                self.code -= 1
                self.pre -= 1
            line = tag == "p" and self.table is None and self.lines and self.lines.pop()
            if line:
                self.line_ended = True  # Word's paragraph goes on, with the next line after a w:br
            elif tag != "p" or self.block != "li":
                self._finish_paragraph()
            if tag == "li":
                self.block = None
        elif tag == "blockquote":
            self.block = None
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag == "code":
            self.code -= 1
        elif tag == "a":
            text = "".join(self.link_text)
            if self.paragraph is None:
                self._new_paragraph()
            if self.link and safe_link(self.link):
                _hyperlink(self.paragraph, self.link, text)
            else:
                self.paragraph.add_run(text)
            self.paragraph_text.append(text)
            self.link = None
        elif tag in ("td", "th") and self.cell_text is not None:
            self.row.append("".join(self.cell_text).strip())
            self.cell_text = None
        elif tag == "table":
            width = max((len(row) for row in self.rows), default=0)
            if width:
                table = self.document.add_table(rows=len(self.rows), cols=width)
                table.style = "Table Grid"
                for r, row in enumerate(self.rows):
                    for c, value in enumerate(row):
                        table.cell(r, c).text = value
            self.rows = []

    def handle_data(self, data):
        if self.cell_text is not None:
            self.cell_text.append(data)
            return
        if self.link is not None:
            self.link_text.append(data)
            return
        if self.line_ended and not data.strip():
            return  # the newline between two lines' blocks: the w:br stands for it
        if not self.pre:
            # HTML's whitespace: a line end in the source is a space (python-docx would write it as
            # a second line break after a <br>: one line break in the draft became two in Word).
            data = re.sub(r"\s*\n\s*", " ", data)
            if self.after_break:
                data = data.lstrip()
        self.after_break = self.after_break and not data
        if not data.strip() and self.paragraph is None:
            return
        if not data:
            return
        if self.paragraph is None:
            self._new_paragraph()
        run = self.paragraph.add_run(data)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "DejaVu Sans Mono"
            run.font.color.rgb = RGBColor(0x1D, 0x24, 0x30)
        self.paragraph_text.append(data)

    def close(self):
        super().close()
        self._finish_paragraph()

    def feed(self, data):
        super().feed(data)
        self.close()


# Rendered once ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """What a download answers: the bytes, their type and the file's name."""

    content: bytes
    content_type: str
    filename: str


# What an export is made from besides the version: our code and template, and what they read.
_RENDERER_FILES = (
    "charter/exports.py",
    "charter/compose.py",
    "workspace/markdown.py",
    "templates/charter/document.html",
)
_RENDERER_PACKAGES = ("Django", "weasyprint", "python-docx", "django-countries", "cmarkgfm", "nh3")


@lru_cache
def renderer_fingerprint(language: str) -> str:
    """A hash of everything but the version that an export in ``language`` depends on and that a
    deploy can change: the rendering code and template, the language's message catalog (headings,
    the stamp, plurals) and the libraries (django-countries names the appendix's countries)."""
    digest = hashlib.sha256(language.encode())
    base = Path(settings.BASE_DIR)
    catalogs = [
        catalog
        for root in settings.LOCALE_PATHS
        for catalog in sorted(Path(root, translation.to_locale(language), "LC_MESSAGES").glob("*.mo"))
    ]
    for path in [*(base / name for name in _RENDERER_FILES), *catalogs]:
        digest.update(str(path).encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    for package in _RENDERER_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()


def export_source(version: CharterVersion, language: str) -> str:
    """The fingerprint of what ``version``'s exports in ``language`` are made from: its frozen
    content and Markdown (a rewrite of a stored copy changes them), and the renderer."""
    digest = hashlib.sha256(renderer_fingerprint(language).encode())
    digest.update(json.dumps(version.content, sort_keys=True, ensure_ascii=False).encode())
    digest.update(version.markdown.encode())
    return digest.hexdigest()


def cached_export(version: CharterVersion, fmt: str, language: str, source: str) -> bytes | None:
    """The stored rendering of ``version`` in ``fmt`` and ``language`` if it was made from ``source``."""
    content = (
        CharterExport.objects.filter(version=version, format=fmt, language=language, source=source)
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else bytes(content)


def store_export(version: CharterVersion, fmt: str, language: str, source: str, content: bytes) -> None:
    """Keep a rendering, in place of any made from another source. Two processes storing the same
    one at once leave one row (the constraint on version, format and language)."""
    CharterExport.objects.update_or_create(
        version=version,
        format=fmt,
        language=language,
        defaults={
            "source": source,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "created_at": timezone.now(),
        },
    )


def forget_cached_exports(*, workspace=None, version: CharterVersion | None = None) -> int:
    """Drop the stored renderings of one version, or of every version of a workspace (they are
    stored copies of its words: whatever rewrites or removes those words calls this). The next
    download renders again from the version as it is then. Returns how many were dropped."""
    if (workspace is None) == (version is None):
        raise TypeError("forget_cached_exports takes a workspace or a version")
    exports = CharterExport.objects.filter(**({"version": version} if version else {"version__workspace": workspace}))
    return exports.delete()[0]


def _busy(message) -> WorkspaceError:
    wait = settings.CHARTER_RENDERS["retry_after"]
    return WorkspaceError(message % {"seconds": wait}, kind=WorkspaceError.TOO_MANY, retry_after=wait)


def _take(keys: list[str], token: str, held: list[str]) -> bool:
    """Hold the first free one of ``keys`` (``cache.add`` is atomic, in Redis as in memory)."""
    for key in keys:
        if cache.add(key, token, timeout=settings.CHARTER_RENDERS["hold_seconds"]):
            held.append(key)
            return True
    return False


@contextmanager
def render_slot(member_id: int, what: str):
    """Hold a rendering slot while the block renders ``what`` (e.g. "version 12 pdf ru"), or raise a
    429-kind ``WorkspaceError``: a member renders ``per_member`` exports at a time, the whole site
    ``at_once``, and one export is rendered by one request at a time. The slots are released when
    the block ends, whether it rendered or failed (and after ``hold_seconds`` if the process died)."""
    limits = settings.CHARTER_RENDERS
    token, held = secrets.token_hex(8), []
    try:
        if not _take([f"charter-render:member:{member_id}:{n}" for n in range(limits["per_member"])], token, held):
            raise _busy(_("An export you asked for is still being prepared. Please try again in %(seconds)d seconds."))
        if not _take([f"charter-render:export:{hashlib.sha256(what.encode()).hexdigest()}"], token, held):
            raise _busy(_("This export is being prepared right now. Please try again in %(seconds)d seconds."))
        if not _take([f"charter-render:site:{n}" for n in range(limits["at_once"])], token, held):
            raise _busy(_("Many exports are being prepared right now. Please try again in %(seconds)d seconds."))
        yield
    finally:
        for key in held:
            # Only our own slot: one held past hold_seconds may have gone to someone else since.
            if cache.get(key) == token:
                cache.delete(key)
