"""The charter: composition, versions, diffs, exports in four formats, permissions, privacy."""

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.utils.translation import ngettext
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from boards.models import Board
from charter.exports import text_direction
from drafts import actions as drafts
from drafts.documents import new_doc, replace_text, stored_updates
from tests.factories import make_card, make_member, make_round, make_workspace
from voting import actions as voting_actions
from workspace.models import AuditEntry
from workspace.roles import Role

pytestmark = pytest.mark.django_db

CYRILLIC = "Мы строим аналитический центр гражданского общества."
DARI = "ما یک اندیشکده جامعه مدنی می‌سازیم."
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def type_into(board, member, text: str) -> None:
    parts, _ids = stored_updates(board.pk)
    doc, shared = new_doc(*parts)
    drafts.store_draft_update(board_id=board.pk, by=member, update=replace_text(doc, shared, text))


@pytest.fixture
def charter_ws(db):
    workspace = make_workspace()
    boards = {b.kind: b for b in Board.objects.filter(workspace=workspace)}
    people = {
        "steward": make_member(workspace, Role.STEWARD, country="KG", display_name="Aidana"),
        "facilitator": make_member(workspace, Role.FACILITATOR, country="KZ", display_name="Dias"),
        "af": make_member(workspace, country="AF", display_name="Farid"),
        "mn": make_member(workspace, country="MN", display_name="Oyuna"),
    }
    type_into(boards["concept"], people["af"], "A **Global South-led** think and do tank.\n\n" + DARI)
    type_into(boards["mission"], people["mn"], CYRILLIC + "\n\n- research\n- [report](https://example.org/r)")
    type_into(boards["vision"], people["af"], "> A region where civil society has a say.")
    areas = [make_card(boards["priorities"], people["af"], text) for text in ("Civic education", "Water", "Open data")]
    round_ = make_round(boards["priorities"], people["facilitator"], dots_per_voter=3, max_per_card=3)
    for voter, card, count in ((people["af"], areas[1], 3), (people["mn"], areas[0], 2)):
        for _ in range(count):
            voting_actions.place_dot(round_=round_, voter=voter, card_id=card.pk)
    voting_actions.close_round(round_=round_, by=people["facilitator"])
    voting_actions.adopt_results(round_=round_, by=people["facilitator"], top=2)
    return workspace, boards, people


def url(workspace, rest=""):
    return f"/api/workspaces/{workspace.slug}/charter/{rest}"


def test_preview_composes_boards_in_order_with_adopted_areas(api, charter_ws):
    """The preview has the four sections in order and lists the adopted priority areas in rank order."""
    workspace, _boards, people = charter_ws
    body = api.as_user(people["facilitator"].user).get(url(workspace)).json()
    assert [s["kind"] for s in body["preview"]["sections"]] == ["concept", "mission", "vision", "priorities"]
    priorities = body["preview"]["sections"][3]
    assert [(a["text"], a["rank"], a["dots"]) for a in priorities["adopted"]] == [
        ("Water", 1, 3),
        ("Civic education", 2, 2),
    ]
    assert "1. Water — 3 dots from 1 supporter" in body["markdown"]  # no invisible marks in Markdown
    assert "Preview — not published" in body["markdown"]


def test_publish_twice_and_exports_stay_identical(api, charter_ws):
    """Versions 1 and 2; version 1's exports are the same bytes before and after version 2; the hash
    is the SHA-256 of its Markdown."""
    import hashlib

    workspace, boards, people = charter_ws
    client = api.as_user(people["steward"].user)
    first = client.post(url(workspace, "versions/"), {"title": "Charter, first reading"}, format="json").json()
    assert first["number"] == 1
    before = {
        fmt: client.get(url(workspace, f"versions/1/export.{fmt}")).content for fmt in ("md", "html", "pdf", "docx")
    }
    assert hashlib.sha256(before["md"]).hexdigest() == first["sha256"]
    type_into(boards["mission"], people["mn"], CYRILLIC + "\n\nChanged after version 1.")
    second = client.post(url(workspace, "versions/"), {}, format="json").json()
    assert second["number"] == 2 and second["sha256"] != first["sha256"]
    after = {fmt: client.get(url(workspace, f"versions/1/export.{fmt}")).content for fmt in before}
    assert after == before
    listing = client.get(url(workspace, "versions/")).json()
    assert [(v["number"], v["published_by"]) for v in listing] == [(1, "Aidana"), (2, "Aidana")]
    diff = client.get(url(workspace, "versions/1/diff/2/")).json()["sections"]
    mission = next(s for s in diff if s["title"] == "Mission")
    assert mission["changed"] and {"op": "added", "text": "Changed after version 1."} in mission["lines"]
    assert not next(s for s in diff if s["title"] == "Vision")["changed"]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() or "" for page in reader.pages))


def test_every_format_reads_back(api, charter_ws):
    """Markdown, HTML, PDF and DOCX all carry every section's text, Cyrillic and Dari included; HTML
    and PDF have a table of contents; DOCX uses Word's heading styles; PDF fonts are embedded."""
    workspace, _boards, people = charter_ws
    client = api.as_user(people["steward"].user)
    client.post(url(workspace, "versions/"), {}, format="json")
    get = lambda fmt: client.get(url(workspace, f"versions/1/export.{fmt}"))  # noqa: E731
    expected = ["Global South-led", CYRILLIC, "A region where civil society has a say.", "Civic education"]

    markdown = get("md").content.decode()
    html = get("html").content.decode()
    for text in [*expected, DARI]:
        assert text in markdown and text in html
    assert '<nav class="toc"' in html and 'href="#section-2"' in html

    pdf = get("pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    compact = text.replace(" ", "").replace("\n", "")
    for sentence in expected:
        assert sentence.replace(" ", "") in compact, sentence
    dari_letters = DARI.replace(" ", "").replace("\u200c", "").rstrip(".")
    assert dari_letters in compact.replace("\u200c", "") or dari_letters[::-1] in compact.replace("\u200c", "")
    assert "Contents" in text
    reader = PdfReader(io.BytesIO(pdf.content))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert any("Noto" in name for name in fonts), fonts
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "charter.pdf").write_bytes(pdf.content)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "3", str(ARTIFACTS / "charter.pdf"),
                        str(ARTIFACTS / "charter-page")], check=True)  # fmt: skip

    document = Document(io.BytesIO(get("docx").content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = "\n".join(text for _style, text in paragraphs)
    for sentence in [*expected, DARI]:
        assert sentence in texts, sentence
    assert ("Heading 1", "Mission") in paragraphs
    assert any(style == "List Bullet" and text == "research" for style, text in paragraphs)
    dari = next(p for p in document.paragraphs if p.text == DARI)
    assert dari._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi") is not None
    assert "https://example.org/r" in [rel.target_ref for rel in document.part.rels.values() if rel.is_external]


def test_hidden_results_never_in_preview_or_export_while_open(api, charter_ws):
    """While a hidden round is open on a board, the preview and its exports show none of its tally."""
    workspace, boards, people = charter_ws
    secret = make_card(boards["vision"], people["af"], "Secret vision card")
    round_ = make_round(
        boards["vision"], people["facilitator"], results_visibility="hidden", question="Secret question?"
    )
    voting_actions.place_dot(round_=round_, voter=people["af"], card_id=secret.pk)
    client = api.as_user(people["steward"].user)
    for fmt in ("md", "html"):
        content = client.get(url(workspace, f"preview.{fmt}")).content.decode()
        assert round_.question not in content
    preview = client.get(url(workspace)).json()
    assert all(r["id"] != round_.pk for r in preview["preview"]["rounds"])


def test_permissions(api, charter_ws):
    """Participants cannot publish (403) or see the preview (403); non-members get 404 everywhere."""
    workspace, _boards, people = charter_ws
    steward = api.as_user(people["steward"].user)
    steward.post(url(workspace, "versions/"), {}, format="json")
    participant = api.as_user(people["af"].user)
    assert participant.post(url(workspace, "versions/"), {}, format="json").status_code == 403
    assert participant.get(url(workspace)).status_code == 403
    assert participant.get(url(workspace, "preview.pdf")).status_code == 403
    assert participant.get(url(workspace, "versions/1/export.md")).status_code == 200
    facilitator = api.as_user(people["facilitator"].user)
    assert facilitator.post(url(workspace, "versions/"), {}, format="json").status_code == 403
    assert facilitator.get(url(workspace, "preview.md")).status_code == 200
    stranger = api.as_user(make_member(make_workspace(), Role.STEWARD).user)
    for path in ("", "versions/", "versions/1/", "versions/1/export.pdf", "preview.md"):
        assert stranger.get(url(workspace, path)).status_code == 404, path
    assert steward.get(url(workspace, "versions/9/export.md")).status_code == 404


def test_exports_are_audited(api, charter_ws):
    """Every export is recorded: who, which version, which format."""
    workspace, _boards, people = charter_ws
    client = api.as_user(people["steward"].user)
    client.post(url(workspace, "versions/"), {}, format="json")
    client.get(url(workspace, "versions/1/export.docx"))
    client.get(url(workspace, "preview.md"))
    entries = AuditEntry.objects.filter(workspace=workspace, verb="charter.exported").order_by("id")
    assert [(e.actor_id, e.details) for e in entries] == [
        (people["steward"].pk, {"version": 1, "format": "docx"}),
        (people["steward"].pk, {"version": None, "format": "md"}),
    ]


def test_names_only_with_consent(api, charter_ws):
    """The appendix counts contributors per country and names only those who opted in."""
    workspace, _boards, people = charter_ws
    api.as_user(people["mn"].user).patch(
        f"/api/workspaces/{workspace.slug}/members/me/", {"show_name_in_charter": True}, format="json"
    )
    markdown = api.as_user(people["steward"].user).get(url(workspace)).json()["markdown"]
    assert "Named with their consent: Oyuna (MN)." in markdown
    assert "Farid" not in markdown
    assert "2 members contributed. Afghanistan 1, Mongolia 1." in markdown


def test_user_text_cannot_inject_into_exports(api, charter_ws):
    """A draft with script, event attributes and javascript: links exports without any of them."""
    workspace, boards, people = charter_ws
    type_into(
        boards["vision"], people["af"], "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))"
    )
    client = api.as_user(people["steward"].user)
    html = client.get(url(workspace, "preview.html")).content.decode().lower()
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    document = Document(io.BytesIO(client.get(url(workspace, "preview.docx")).content))
    assert all("javascript" not in rel.target_ref for rel in document.part.rels.values() if rel.is_external)


def test_settings_choose_revision_and_custom_board(api, charter_ws):
    """A steward composes from a saved revision and adds a custom board; bad choices are a 400."""
    workspace, boards, people = charter_ws
    drafts.save_revision(board=boards["mission"], by=people["facilitator"], name="day 1")
    type_into(boards["mission"], people["mn"], "Rewritten later")
    client = api.as_user(people["steward"].user)
    custom = client.post(f"/api/workspaces/{workspace.slug}/boards/", {"title": "Values"}, format="json").json()
    body = client.patch(
        url(workspace), {"revisions": {str(boards["mission"].pk): 1}, "custom_boards": [custom["id"]]}, format="json"
    ).json()
    sections = body["preview"]["sections"]
    assert sections[1]["source"] == "revision 1" and CYRILLIC in sections[1]["markdown"]
    assert [s["title"] for s in sections][-1] == "Values"
    assert client.patch(url(workspace), {"revisions": {str(boards["mission"].pk): 9}}, format="json").status_code == 400
    assert client.patch(url(workspace), {"custom_boards": [boards["mission"].pk]}, format="json").status_code == 400
    assert (
        api.as_user(people["facilitator"].user).patch(url(workspace), {"title": "x"}, format="json").status_code == 403
    )


@pytest.mark.parametrize(("language", "rtl"), [("en", False), ("ru", False), ("fa-af", True)])
def test_an_adopted_dari_card_keeps_the_tally_on_the_charters_side(api, charter_ws, language, rtl):
    """An adopted card in Dari in a charter read in English or Russian: the card's words are
    isolated and the line (its number, the tally) keeps the charter's direction, in the HTML, the
    DOCX (no w:bidi, the tally after the card) and the PDF's text; in a Dari charter, right to left."""
    import tempfile

    from django.utils import translation

    workspace, boards, people = charter_ws
    CARD = "آموزش مدنی برای همه جوانان منطقه"  # noqa: N806
    card = make_card(boards["priorities"], people["af"], CARD)
    round_ = make_round(boards["priorities"], people["facilitator"], cards=[card.pk], anonymous=False)
    voting_actions.place_dot(round_=round_, voter=people["mn"], card_id=card.pk)
    voting_actions.close_round(round_=round_, by=people["facilitator"])
    voting_actions.adopt_results(round_=round_, by=people["facilitator"], top=1)
    client = api.as_user(people["steward"].user)
    with translation.override(language):
        tally = ngettext("%(count)s dot", "%(count)s dots", 1) % {"count": 1}
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    expected = "rtl" if rtl else "ltr"

    document = Document(io.BytesIO(client.get(url(workspace, "preview.docx"), **headers).content))
    line = [p for p in document.paragraphs if CARD in p.text][0]  # the adopted card (then its round, in the appendix)
    assert f"\u2068{CARD}\u2069 — {tally}" in line.text  # the card isolated, the tally after it
    assert (line._p.pPr is not None and line._p.pPr.find(qn("w:bidi")) is not None) == rtl

    html = client.get(url(workspace, "preview.html"), **headers).content.decode()
    item = html.split(CARD, 1)[0].rsplit("<li", 1)[1]  # ' dir="auto">' and what precedes the card
    assert item.startswith(' dir="auto">') and text_direction(item.split(">", 1)[1] + CARD) == expected

    if rtl:
        return  # pdftotext writes a right-to-left page's lines in its own order: the DOCX and HTML say it
    pdf = client.get(url(workspace, "preview.pdf"), **headers).content
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    pdf_line = [row for row in text.splitlines() if CARD.split()[0] in row][0]
    sentence = line.text.split("\u2069", 1)[1].removeprefix(" — ")  # "1 dot from 1 supporter", translated
    visible = "".join(char for char in pdf_line if char not in "\u202a\u202b\u202c\u2066\u2067\u2068\u2069")
    assert visible.startswith("1.") and visible.endswith(sentence)  # number left, tally right, card between


EMOJI = "💧🌍 Вода и климат 👨‍👩‍👧‍👦🇰🇬🇹🇯 — water first 🙌🏽"


def test_emoji_are_drawn_in_the_pdf_and_line_breaks_stay_single_in_word(api, charter_ws):
    """A draft with emoji and a line broken once: the PDF embeds an emoji font (not boxes), its text
    keeps the emoji; Word gets one line break where the draft has one, and no stray space."""
    import tempfile

    workspace, boards, people = charter_ws
    type_into(boards["vision"], people["mn"], f"{EMOJI}\nsecond line\nthird line\n\nNext paragraph")
    client = api.as_user(people["steward"].user)

    document = Document(io.BytesIO(client.get(url(workspace, "preview.docx")).content))
    (paragraph,) = [p for p in document.paragraphs if EMOJI in p.text]
    assert paragraph.text == f"{EMOJI}\nsecond line\nthird line"  # python-docx reads a w:br as "\n"
    assert len(paragraph._p.findall(".//" + qn("w:br"))) == 2

    pdf = client.get(url(workspace, "preview.pdf")).content
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        fonts = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "Color-Emoji" in fonts, fonts
    assert "💧🌍" in text and "🙌🏽" in text


def test_a_version_lists_its_accepted_amendments_naming_only_with_consent(api, charter_ws):
    """The appendix lists each section's accepted amendments (what changed, why); who proposed one
    is named only with their consent; rejected and open ones are not listed. The exports carry it."""
    from drafts import actions as amendments  # noqa: PLC0415

    workspace, boards, people = charter_ws
    mission = boards["mission"]
    people["mn"].show_name_in_charter = True
    people["mn"].save()
    start = CYRILLIC.find("аналитический")
    named = amendments.propose_amendment(board=mission, by=people["mn"], original="аналитический центр",
                                         proposed="открытый аналитический центр", reason="Открытость важна.",
                                         start=start)  # fmt: skip
    unnamed = amendments.propose_amendment(board=mission, by=people["af"], original="- research",
                                           proposed="- research and teaching", start=None)  # fmt: skip
    rejected = amendments.propose_amendment(board=mission, by=people["af"], original="report", proposed="paper",
                                            start=None)  # fmt: skip
    for amendment in (named, unnamed):
        amendments.accept_amendment(amendment=amendment, by=people["facilitator"])
    amendments.reject_amendment(amendment=rejected, by=people["facilitator"], reason="Keep the link text.")

    client = api.as_user(people["steward"].user)
    client.post(url(workspace, "versions/"), {}, format="json")
    markdown = client.get(url(workspace, "versions/1/export.md")).content.decode()
    appendix = markdown.split("### Accepted amendments", 1)[1]
    assert "открытый аналитический центр" in appendix and "Открытость важна." in appendix
    assert "Oyuna (MN)" in appendix  # consented
    assert "research and teaching" in appendix and "Farid" not in appendix  # did not consent
    assert "paper" not in appendix
    document = Document(io.BytesIO(client.get(url(workspace, "versions/1/export.docx")).content))
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "Accepted amendments" in texts and "открытый аналитический центр" in texts
