"""The one way user text becomes HTML: ``render_markdown(text) -> str``.

cmark-gfm (GitHub's C implementation of CommonMark, linear in its input by design) turns the text
into HTML, with tables, strikethrough and bare links (``https://…``) recognised and raw HTML left
out (written HTML shows as nothing, never as markup). The nesting of what it produced is then
capped (a browser's and nh3's HTML parsers slow down quadratically with depth: 200,000 ``>`` make a
blockquote 200,000 deep), and nh3 (ammonia) keeps only an explicit allow-list of tags, attributes
and links. No images (a remote image would tell a third party who reads the board), no svg, math,
style, iframe, noscript, forms or event attributes; links only to absolute ``http``, ``https`` and
``mailto`` addresses, with ``rel="nofollow noopener noreferrer"`` (a relative address such as
``//host/x`` or ``\\\\host\\share`` would leave the page, or reach a file share, from an exported
copy opened from disk: such links become plain text). Every block gets ``dir="auto"`` so a
paragraph in Dari reads right to left inside a Russian page and the other way round.

A single line break stays a line break, and each line takes its own direction too: a direction
belongs to a whole block, so the lines of a paragraph (or of a list item) become blocks of their
own, ``<p class="line" dir="auto">``, every one but a paragraph's last marked ``line`` (they sit
together, without the space between paragraphs). A Russian line under a Dari one then reads left
to right with its full stop at the end, on the page and in every export made from this HTML.

Rendering takes time proportional to the text: about 0.1 s for the 200,000 characters a draft may
hold, whatever their shape (``bench/markdown_shapes.py``); the worst shape, 100,000 one-letter
lines (each its own block), takes about 0.6 s.

The result is stored beside the source at write time; templates and the client insert it as is.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
        "tr", "th", "td",
    }
)  # fmt: skip
# Removed with everything inside them (not just the tags).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "svg", "math", "iframe", "noscript", "template", "object"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}, "p": {"class"}}
LINE = "line"  # the class of a line that another line of the same paragraph follows
URL_SCHEMES = frozenset({"http", "https", "mailto"})
BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
# Deeper than this, elements lose their tags and keep their text (a real text nests a few levels).
MAX_DEPTH = 32

_OPTIONS = Options.CMARK_OPT_HARDBREAKS
_EXTENSIONS = ["table", "strikethrough", "autolink"]
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img", "input"})
_LINE_BLOCKS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre"})
_LISTS = frozenset({"ul", "ol", "table", "hr"})
_SAFE_LINK = re.compile(r"(?:https?://[^/\\\s]|mailto:[^\s])", re.IGNORECASE)


def safe_link(url: str) -> bool:
    """Is ``url`` an absolute http(s) or mailto address (the only links we keep anywhere)?"""
    return bool(_SAFE_LINK.match(url or ""))


def _cap_depth(html: str) -> str:
    """``html`` (well-formed, as cmark writes it) with every element nested deeper than MAX_DEPTH
    reduced to its content. One pass over the tags."""
    if html.count("<") < MAX_DEPTH:
        return html
    kept: list[bool] = []  # for each open element: was its tag kept?
    depth = 0
    parts: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            keep = depth < MAX_DEPTH
        elif closing:
            keep = kept.pop() if kept else False
            if keep:
                depth -= 1
        else:
            keep = depth < MAX_DEPTH
            kept.append(keep)
            if keep:
                depth += 1
        if not keep:
            parts.append(html[last : match.start()])
            last = match.end()
    parts.append(html[last:])
    return "".join(parts)


_LINE_OPEN = f'<p class="{LINE}">'


def _split_lines(html: str) -> str:
    """``html`` (well-formed, as cmark writes it) with each line of a paragraph or of a tight list
    item made a paragraph of its own (see the module docstring). Inline elements open across a line
    break (``**bold\nstill bold**``) are closed before it and opened again after. One pass over
    the tags."""
    if "<br" not in html:
        return html
    parts: list[str] = []
    # Open elements: [name, index of the open tag in parts, open tag text, list item state]
    # where the list item state says whether its lines were wrapped in paragraphs and one is open.
    stack: list[list] = []
    last = 0
    for match in _TAG.finditer(html):
        parts.append(html[last : match.start()])
        last = match.end()
        tag, closing, name = match.group(0), match.group(1), match.group(2).lower()
        if name == "br":
            block = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] in _LINE_BLOCKS), None)
            if block is None or stack[block][0] not in ("p", "li"):
                parts.append(tag)  # a line break inside a heading stays one
                continue
            inline = stack[block + 1 :]
            if html.startswith("\n", last):
                last += 1  # cmark's newline after the break goes between the two lines' blocks
            parts.extend(f"</{entry[0]}>" for entry in reversed(inline))
            if stack[block][0] == "p":
                start = stack[block][1]
                parts[start] = parts[start].replace("<p", f'<p class="{LINE}"', 1)
                parts.append("</p>\n")
                stack[block][1] = len(parts)
                parts.append("<p>")
            else:
                if not stack[block][3]:
                    parts[stack[block][1]] += _LINE_OPEN
                    stack[block][3] = True
                parts.append("</p>\n" + _LINE_OPEN)
            parts.extend(entry[2] for entry in inline)
            continue
        if name in _VOID or match.group(3):
            parts.append(tag)
            continue
        if stack and stack[-1][0] == "li" and stack[-1][3] and (closing or name in _LINE_BLOCKS or name in _LISTS):
            parts.append("</p>")  # the list item's last line ends where its text does
            stack[-1][3] = False
        if closing:
            if stack:
                stack.pop()
        else:
            stack.append([name, len(parts), tag, False])
        parts.append(tag)
    parts.append(html[last:])
    return "".join(parts)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href" and not safe_link(value):
        return None
    if name == "class" and value != LINE:
        return None
    return value


def clean_html(html: str) -> str:
    """Only the allowed tags, attributes and links of ``html`` (see the module docstring)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        set_tag_attribute_values={tag: {"dir": "auto"} for tag in BLOCKS},
    )


def render_markdown(text: str) -> str:
    """Safe HTML for the markdown ``text`` (see the module docstring for what survives)."""
    html = cmarkgfm.markdown_to_html_with_extensions(text or "", options=_OPTIONS, extensions=_EXTENSIONS)
    return clean_html(_split_lines(_cap_depth(html))).strip()
