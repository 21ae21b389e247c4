"""The charter's exports in two scripts: each paragraph and each line in its own direction, and the
export's own words (title page, headings, contents, lists) in the reader's language and direction."""

import io
import re
import subprocess
import tempfile

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from boards.models import Board
from charter import actions as charter_actions
from charter.exports import text_direction
from tests.charter.test_charter import type_into
from tests.factories import make_member, make_workspace
from workspace.roles import Role

pytestmark = pytest.mark.django_db

DARI = "ما یک اندیشکده جامعه مدنی می‌سازیم."
RUSSIAN = "Мы объединяем людей, которые меняют политику."
RUSSIAN_TOO = "И доводим дело до конца."
SUBHEADING = "زیر عنوان"
MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def mixed(db):
    """A published charter whose Concept holds a Dari line, then two Russian lines (one newline
    apart), then a subheading; two contributors from two countries."""
    workspace = make_workspace()
    steward = make_member(workspace, Role.STEWARD, display_name="Aidana")
    farid = make_member(workspace, country="AF", display_name="Farid")
    oyuna = make_member(workspace, country="MN", display_name="Oyuna")
    boards = {board.kind: board for board in Board.objects.filter(workspace=workspace)}
    type_into(boards["concept"], farid, f"{DARI}\n{RUSSIAN}\n{RUSSIAN_TOO}\n\n## {SUBHEADING}\n\nمتن")
    type_into(boards["mission"], oyuna, RUSSIAN)
    charter_actions.publish_version(membership=steward)
    return workspace, steward


def export(client, workspace, fmt: str, language: str, what: str = "versions/1/export") -> bytes:
    response = client.get(f"/api/workspaces/{workspace.slug}/charter/{what}.{fmt}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content


def pdf_lines(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        text = subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True)
    return ["".join(char for char in line if char not in MARKS) for line in text.stdout.splitlines()]


def pdf_words(data: bytes, page: int) -> list[tuple[float, float, str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        command = ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", handle.name, "-"]
        html = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)
    return [(float(x_min), float(x_max), word) for x_min, x_max, word in found]


@pytest.mark.parametrize(("language", "direction"), [("fa-af", "rtl"), ("ru", "ltr")])
def test_html_export_says_its_language_and_gives_each_block_its_direction(api, mixed, language, direction):
    """The HTML export's <html> carries the reader's language and direction; every block of the
    drafts has dir="auto", and lines broken once stay lines that each find their own direction."""
    workspace, steward = mixed
    html = export(api.as_user(steward.user), workspace, "html", language).decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    lines = [f'<p class="line" dir="auto">{DARI}</p>', f'<p class="line" dir="auto">{RUSSIAN}</p>',
             f'<p dir="auto">{RUSSIAN_TOO}</p>']  # fmt: skip
    assert "\n".join(lines) in html
    assert "p.line { margin-bottom: 0; } p.line + p { margin-top: 0; }" in html  # set as one paragraph
    assert '[dir="auto"] { unicode-bidi: plaintext; text-align: start; }' in html
    assert f'<h3 dir="auto">{SUBHEADING}</h3>' in html  # under the section's h2, no level skipped


@pytest.mark.parametrize("language", ["fa-af", "ru"])
def test_pdf_runs_each_line_in_its_own_direction(api, mixed, language):
    """In the PDF the Russian lines under a Dari line read left to right with the full stop at the
    end, from the left margin, and the Dari line sits at the right margin."""
    workspace, steward = mixed
    lines = pdf_lines(export(api.as_user(steward.user), workspace, "pdf", language))
    concept = [line for line in lines if "объединяем" in line][0]
    assert concept.strip() == RUSSIAN and len(concept) - len(concept.lstrip()) < 3
    assert [line.strip() for line in lines if "доводим" in line] == [RUSSIAN_TOO]
    (dari,) = [line for line in lines if "اندیشکده" in line]
    assert len(dari) - len(dari.lstrip()) > 30  # right-aligned


def test_a_dari_pdf_has_its_title_page_and_contents_right_to_left(api, mixed):
    """A Dari PDF's own words run right to left: the contents' heading and the sections' names
    (the boards' default names, in Dari) sit at the right margin."""
    workspace, steward = mixed
    lines = pdf_lines(export(api.as_user(steward.user), workspace, "pdf", "fa-af"))
    (contents,) = [line for line in lines if "فهرست مطالب" in line]
    assert len(contents) - len(contents.lstrip()) > 60
    words = pdf_words(export(api.as_user(steward.user), workspace, "pdf", "fa-af"), page=2)
    assert any(word == "3" and x_max < 100 for x_min, x_max, word in words)  # page numbers on the left
    dari_words = [(x_min, word) for x_min, x_max, word in words if any("\u0600" <= c <= "\u06ff" for c in word)]
    assert dari_words and all(x_min > 250 for x_min, word in dari_words)  # entries on the right
    headings = [line for line in lines if line.strip() == "مفهوم"]
    assert headings and all(len(line) - len(line.lstrip()) > 60 for line in headings)


@pytest.mark.parametrize("language", ["fa-af", "ru"])
def test_docx_marks_only_right_to_left_paragraphs_and_runs(api, mixed, language):
    """In Word, w:bidi is on the Dari paragraphs only; the Russian lines are a paragraph of their
    own (one w:br between them, as in the draft) with no w:rtl on any run; headings go Heading 1,
    then Heading 2; the title page's subtitle is the workspace's name."""
    workspace, steward = mixed
    document = Document(io.BytesIO(export(api.as_user(steward.user), workspace, "docx", language)))
    paragraphs = document.paragraphs
    dari = next(p for p in paragraphs if DARI in p.text)
    russian = next(p for p in paragraphs if RUSSIAN in p.text and RUSSIAN_TOO in p.text)
    assert dari.text == DARI and russian.text == f"{RUSSIAN}\n{RUSSIAN_TOO}"
    assert len(russian._p.findall(".//" + qn("w:br"))) == 1

    def bidi(paragraph) -> bool:
        return paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:bidi")) is not None

    assert bidi(dari) and not bidi(russian)
    for paragraph in paragraphs:
        if any("\u0400" <= char <= "\u04ff" for char in paragraph.text):
            assert not bidi(paragraph), paragraph.text
        for run in paragraph._p.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            rtl = run.find(qn("w:rPr")) is not None and run.find(qn("w:rPr")).find(qn("w:rtl")) is not None
            if text_direction(text) == "ltr":  # a Russian or English run (a Dari title may hold a Latin name)
                assert not rtl, text
    styles = [p.style.name for p in paragraphs if p.style.name.startswith("Heading")]
    levels = [int(name.split()[-1]) for name in styles]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), styles
    assert next(p for p in paragraphs if p.text == SUBHEADING).style.name == "Heading 2"
    assert bidi(next(p for p in paragraphs if p.style.name == "Title")) == (language == "fa-af")


def test_markdown_headings_in_the_readers_language_without_invisible_marks(api, mixed):
    """The Markdown names the default boards in the reader's language, joins a Dari list with the
    Arabic comma, and holds no invisible direction marks; a version published in Dari is in Dari."""
    workspace, steward = mixed
    client = api.as_user(steward.user)
    russian = export(client, workspace, "md", "ru", what="preview").decode()
    assert "## Концепция" in russian and "## Миссия" in russian and "## Concept" not in russian
    dari = export(client, workspace, "md", "fa-af", what="preview").decode()
    assert "## مفهوم" in dari and "## Concept" not in dari
    assert "افغانستان 1، مغولستان 1" in dari
    with translation.override("fa-af"):
        charter_actions.publish_version(membership=steward)
    published = export(client, workspace, "md", "fa-af", what="versions/2/export").decode()
    assert "## مفهوم" in published
    for text in (russian, dari, published):
        assert not set(text) & set(MARKS)
