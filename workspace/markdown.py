"""The one way user text becomes HTML: ``render_markdown(text) -> str``.

python-markdown turns the text into HTML, then nh3 (ammonia) keeps only an explicit allow-list of
tags, attributes and URL schemes. No images (a remote image would tell a third party who reads the
board), no svg, math, style, iframe, noscript, forms or event attributes; links only to http, https
and mailto, with ``rel="nofollow noopener noreferrer"``. Every block gets ``dir="auto"`` so a
paragraph in Dari reads right to left inside a Russian page and the other way round.

The result is stored beside the source at write time; templates and the client insert it as is.
"""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
        "tr", "th", "td",
    }
)  # fmt: skip
# Removed with everything inside them (not just the tags).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "svg", "math", "iframe", "noscript", "template", "object"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")

_EXTENSIONS = ["sane_lists", "nl2br", "fenced_code", "tables"]


def render_markdown(text: str) -> str:
    """Safe HTML for the markdown ``text`` (see the module docstring for what survives)."""
    html = markdown_lib.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        set_tag_attribute_values={tag: {"dir": "auto"} for tag in BLOCKS},
    )
