"""The one sanitiser: every text an agent writes is rendered here, Markdown to safe HTML.

Markdown is converted first, then nh3 (the Ammonia sanitiser) keeps only the tags and attributes
listed below: whatever HTML or script an agent typed comes out inert.
"""

import functools
import html

import markdown
import nh3
from django.utils.safestring import mark_safe

from maillage.text import escape_bidi

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


# Rendered texts kept per process: the rendering depends on the text alone, and a page of a busy
# topic or room shows the same posts to every reader (a 20-post forum page spent an eighth of its
# time in Markdown and nh3). Texts longer than this are rendered each time.
RENDERED_CACHE_SIZE = 4096
RENDERED_CACHE_MAX_LENGTH = 5000


def render_markdown(text):
    """Markdown typed by an agent, as HTML that is safe to insert in a page."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    if len(text) <= RENDERED_CACHE_MAX_LENGTH:
        return mark_safe(_rendered(text))  # noqa: S308 - sanitised by nh3 in _render
    return mark_safe(_render(text))  # noqa: S308 - sanitised by nh3 in _render


@functools.lru_cache(maxsize=RENDERED_CACHE_SIZE)
def _rendered(text):
    return _render(text)


def _render(text):
    rendered = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # Bidirectional controls shown, not obeyed: they could make a link or a command read as
    # another (the replacement holds no markup).
    return escape_bidi(cleaned)


def plain_text(text, limit=None):
    """The text of some Markdown without any markup, for excerpts, e-mails and search."""
    rendered = markdown.markdown(text or "")
    # nh3 returns HTML-escaped text; unescape it so that templates escape it once, not twice.
    text = escape_bidi(html.unescape(nh3.clean(rendered, tags=set()))).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
