"""User text becomes safe HTML: a broad corpus of XSS payloads, checked on the parsed HTML."""

from html.parser import HTMLParser

import pytest

from workspace.markdown import clean_html, render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert('XSS')\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](  javascript:alert(1))",
    "![img](javascript:alert(1))",
    "![tracker](https://evil.example/pixel.png)",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<p onmouseover=alert(1)>hover</p>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<template><script>alert(1)</script></template>",
    "<video><source onerror=alert(1)></video>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    '<a href="https://ok.example" style="color:red" target=_blank>x</a>',
    "<!--<script>alert(1)</script>-->",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '[x](https://ok.example "title" onclick=alert(1))',
    '<a href="//evil.example" formaction=javascript:alert(1)>x</a>',
]

FORBIDDEN_TAGS = {
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "noscript",
    "img",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "base",
    "meta",
    "link",
    "template",
    "video",
    "source",
    "body",
    "details",
}


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    collector = Collector()
    collector.feed(html)
    return collector.tags


def assert_safe(html: str) -> None:
    for tag, attrs in parse(html):
        assert tag not in FORBIDDEN_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            assert name not in {"style", "srcdoc", "formaction", "background"}, (name, html)
            if name in {"href", "src", "action"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                assert scheme in {"http", "https", "mailto"} or ":" not in (value or ""), (value, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    """No script, no event attribute, no javascript:/data: URL survives rendering."""
    assert_safe(render_markdown(payload))
    assert_safe(render_markdown(f"Some text\n\n{payload}\n\n* item {payload}"))


def test_links_get_rel_and_keep_safe_urls():
    """A normal link keeps its address and gets rel="nofollow noopener noreferrer"."""
    html = render_markdown("See [the report](https://example.org/report) or [mail](mailto:a@example.org).")
    links = [attrs for tag, attrs in parse(html) if tag == "a"]
    assert [link["href"] for link in links] == ["https://example.org/report", "mailto:a@example.org"]
    assert {link["rel"] for link in links} == {"nofollow noopener noreferrer"}


def test_every_paragraph_takes_its_own_direction():
    """Each paragraph and list item gets dir="auto" so Dari reads right to left beside Russian."""
    html = render_markdown("ما یک اندیشکده هستیم\n\nМы — аналитический центр\n\n- یک\n- два")
    blocks = [(tag, attrs.get("dir")) for tag, attrs in parse(html) if tag in {"p", "li"}]
    assert blocks == [("p", "auto"), ("p", "auto"), ("li", "auto"), ("li", "auto")]


def test_markdown_formatting_survives():
    """Emphasis, lists, quotes and code render as expected."""
    html = render_markdown("**bold** _it_\n\n> quote\n\n1. one\n2. two\n\n`code`")
    tags = [tag for tag, _attrs in parse(html)]
    for tag in ["strong", "em", "blockquote", "ol", "li", "code"]:
        assert tag in tags


def test_text_with_angle_brackets_is_escaped_not_dropped():
    """A sentence like "a < b" is kept as text."""
    assert "a &lt; b" in render_markdown("a < b")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_through_the_api_is_neutralised(api, board, participant, payload):
    """XSS posted as a card and as a comment comes back safe from the API and the board snapshot."""
    client = api.as_user(participant.user)
    card = client.post(f"/api/boards/{board.pk}/cards/", {"body": payload}, format="json")
    assert card.status_code == 201
    assert_safe(card.json()["body_html"])
    comment = client.post(f"/api/cards/{card.json()['id']}/comments/", {"body": payload}, format="json")
    assert_safe(comment.json()["body_html"])
    state = client.get(f"/api/boards/{board.pk}/state/").json()
    for html in [c["body_html"] for c in state["cards"]] + [c["body_html"] for c in state["comments"]]:
        assert_safe(html)


# Text of any shape renders, and soon (finding 5 of the safety review) ----------------------------

PATHOLOGICAL = {
    "brackets": "[" * 200_000,
    "link openers": "[a](" * 50_000,
    "emphasis": "*a" * 100_000,
    "nested quotes": ">" * 200_000,
    "nested list": "".join("  " * depth + "- x\n" for depth in range(300)),
    "raw html": "<div><blockquote>" * 20_000,
}


def _within(seconds: int, function, *args):
    """Call ``function``, failing the test instead of hanging when it runs past ``seconds`` (a
    guard against quadratic blow-ups that took hours before, not a speed target: see bench/)."""
    import signal

    def too_slow(_signum, _frame):
        raise AssertionError(f"still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(seconds)
    try:
        return function(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("shape", PATHOLOGICAL)
def test_any_shape_renders_without_error_or_blow_up(shape):
    """200,000 characters of brackets, emphasis, quotes or nesting render, never raise, never hang."""
    html = _within(20, render_markdown, PATHOLOGICAL[shape])
    assert_safe(html)


def test_deep_nesting_is_capped_not_refused():
    """A list nested 300 deep keeps its text; the markup stops nesting at a sane depth."""
    html = render_markdown("".join("  " * depth + f"- item{depth}\n" for depth in range(300)))
    assert "item299" in html
    assert html.count("<ul") <= 40


@pytest.mark.parametrize(
    "link",
    ["//attacker.example/notes", "\\\\attacker\\share\\x.docx", "file:///etc/passwd", "/relative/path", "#anchor"],
)
def test_only_absolute_web_and_mail_links_survive(link):
    """A relative, protocol-relative, UNC or file link becomes plain text: exported copies opened
    from disk must not reach another host or a file share."""
    html = render_markdown(f"[annex]({link})")
    assert "annex" in html
    assert "href" not in html


def test_plain_urls_become_links():
    """A pasted address is a link, with the same rel as written links."""
    html = render_markdown("See https://docs.example.org/d/1AbC/edit?usp=sharing today")
    links = [attrs for tag, attrs in parse(html) if tag == "a"]
    assert links == [
        {"href": "https://docs.example.org/d/1AbC/edit?usp=sharing", "rel": "nofollow noopener noreferrer"}
    ]


def test_each_line_of_a_paragraph_takes_its_own_direction():
    """A Dari line and a Russian line under it (one newline apart) are two blocks, each dir="auto"."""
    html = render_markdown("ما با هم می‌نویسیم.\nМы пишем вместе.")
    assert html == '<p class="line" dir="auto">ما با هم می‌نویسیم.</p>\n<p dir="auto">Мы пишем вместе.</p>'


def test_a_single_line_break_stays_a_line_not_a_paragraph():
    """Lines one newline apart sit together (class "line"); a blank line still starts a paragraph."""
    html = render_markdown("one\ntwo\n\nthree")
    paragraphs = [attrs.get("class") for tag, attrs in parse(html) if tag == "p"]
    assert paragraphs == ["line", None, None]
    assert "<br" not in html


def test_emphasis_across_a_line_break_continues_on_the_next_line():
    """Bold text that runs over a line break is bold on both lines, each in its own block."""
    html = render_markdown("**жирный\nشجاع** end")
    assert html == (
        '<p class="line" dir="auto"><strong>жирный</strong></p>\n<p dir="auto"><strong>شجاع</strong> end</p>'
    )


def test_each_line_of_a_list_item_takes_its_own_direction():
    """A list item's lines become blocks of their own inside it; a nested list stays in the item."""
    html = render_markdown("- سلام\n  Привет.\n  - nested\n- two")
    tags = [(tag, attrs.get("dir"), attrs.get("class")) for tag, attrs in parse(html)]
    assert tags == [
        ("ul", None, None),
        ("li", "auto", None),
        ("p", "auto", "line"),
        ("p", "auto", "line"),
        ("ul", None, None),
        ("li", "auto", None),
        ("li", "auto", None),
    ]
    assert "Привет." in html and html.index("Привет.") < html.index("<ul>", 1)


def test_no_class_but_ours_survives():
    """The sanitizer keeps only the class render_markdown writes itself, and only on a paragraph."""
    html = clean_html('<p class="evil">x</p><p class="line">y</p><span class="line">z</span>')
    assert html == '<p dir="auto">x</p><p class="line" dir="auto">y</p>z'
