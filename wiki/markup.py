"""What the wiki adds to the one sanitiser (``maillage.markup``): ``[[Titre]]`` and
``[[Titre|texte]]`` links between pages, anchors on the headings and the table of contents built
from them, images from the shared attachments, and the FAQ's ``## Question`` sections.

The body is rendered by ``maillage.markup.render_markdown`` first (whatever HTML an agent typed
comes out inert); the wiki links and images are replaced by placeholders made of letters and
digits before (Markdown and the sanitiser leave them as they are), and the placeholders by HTML
built and escaped here after. The headings' anchors are added to the sanitised HTML by a pattern
that only matches the tags the sanitiser itself writes.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from maillage.markup import render_markdown
from wiki.models import TITLE_MAX, normalise_title

# [[Titre]] or [[Titre|texte]]: no brackets, no line break, not empty.
WIKI_LINK = re.compile(r"\[\[([^\[\]\|\n]{1," + str(TITLE_MAX) + r"})(?:\|([^\[\]\n]{1,200}))?\]\]")
# An image whose address is a shared attachment: ![texte](/communautes/fichiers/12/).
_IMAGE = re.compile(r"!\[([^\]\n]{0,200})\]\((/[^)\s]{1,200})\)")
_FENCE = re.compile(r"^(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_HEADING = re.compile(r"<h([2-4])>(.*?)</h\1>", re.S)
# A table of contents for pages with at least this many headings.
TOC_MIN_HEADINGS = 3


def _outside_code(text, replace):
    """``text`` with ``replace`` applied to what is neither a fenced block nor inline code (a
    ``[[link]]`` in a code sample stays text)."""
    out, in_fence = [], False
    chunk = []

    def flush():
        if chunk:
            joined = "\n".join(chunk)
            parts = []
            last = 0
            for match in _INLINE_CODE.finditer(joined):
                parts.append(replace(joined[last : match.start()]))
                parts.append(match.group(0))
                last = match.end()
            parts.append(replace(joined[last:]))
            out.append("".join(parts))
            chunk.clear()

    for line in (text or "").split("\n"):
        if _FENCE.match(line.lstrip()):
            if not in_fence:
                flush()
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
        else:
            chunk.append(line)
    flush()
    return "\n".join(out)


def wiki_links(text):
    """``[(normalised title, title as written)]`` of the ``[[links]]`` in a body, each title
    once, in order (links in code samples do not count)."""
    found = {}

    def collect(part):
        for match in WIKI_LINK.finditer(part):
            title = " ".join(match.group(1).split())
            key = normalise_title(title)
            if key and key not in found:
                found[key] = title
        return part

    _outside_code(text, collect)
    return list(found.items())


@dataclass
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class Rendered:
    html: str
    headings: list

    @property
    def toc(self):
        """The headings for a table of contents, when the page has enough of them."""
        return self.headings if len(self.headings) >= TOC_MIN_HEADINGS else []


def anchor_of(text):
    """The anchor of a heading or a FAQ question: its slug (« Comment s'inscrire ? » →
    ``comment-sinscrire``), never empty."""
    return slugify(text)[:80] or "section"


def render(body, *, community, targets):
    """The HTML of a page's body. ``targets``: normalised title -> the page's slug, or None for a
    missing page (``selectors.link_targets`` reads them in one query)."""
    nonce = secrets.token_hex(4)
    pieces = []

    def placeholder(html):
        pieces.append(html)
        return f"wikiph{nonce}x{len(pieces) - 1}z"

    attachment_prefix = reverse("communities:attachment", args=[1])[: -len("1/")]
    image_path = re.compile(re.escape(attachment_prefix) + r"\d{1,19}/")

    def replace(part):
        def link(match):
            title = " ".join(match.group(1).split())
            label = " ".join((match.group(2) or title).split()) or title
            key = normalise_title(title)
            slug = targets.get(key)
            if slug:
                url = reverse("wiki:page", args=[community.slug, slug])
                return placeholder(format_html('<a href="{}" class="wiki-link">{}</a>', url, label))
            url = (
                reverse("wiki:page_new", args=[community.slug]) + "?" + urlencode({"titre": title})
            )
            return placeholder(
                format_html(
                    '<a href="{}" class="wiki-missing" title="{}">{}</a>',
                    url,
                    f"Page à créer : {title}",
                    label,
                )
            )

        def image(match):
            alt, src = match.group(1), match.group(2)
            if not image_path.fullmatch(src):
                return match.group(0)
            return placeholder(
                format_html('<img src="{}" alt="{}" class="wiki-image" loading="lazy">', src, alt)
            )

        return WIKI_LINK.sub(link, _IMAGE.sub(image, part))

    source = _outside_code(body, replace)
    html = str(render_markdown(source))
    if pieces:
        html = re.sub(
            rf"wikiph{nonce}x(\d+)z",
            lambda match: pieces[int(match.group(1))],
            html,
        )
    headings, seen = [], {}

    def add_anchor(match):
        level, inner = int(match.group(1)), match.group(2)
        text = strip_tags(inner).strip()
        anchor = anchor_of(text)
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 1
        headings.append(Heading(level, text, anchor))
        return f'<h{level} id="{escape(anchor)}">{inner}</h{level}>'

    html = _HEADING.sub(add_anchor, html)
    return Rendered(mark_safe(html), headings)  # noqa: S308 - sanitised, then our escaped HTML


# A page's rendered HTML stays in Django's cache for a day after its last view.
RENDERED_TIMEOUT = 24 * 3600


def render_page(page, *, community, targets):
    """``render`` of the page's current text, through Django's cache: the key names the page,
    its current revision, a digest of its text and of its link targets' state (title -> slug or
    missing), and the community's address — so a page created, renamed or hidden later changes
    the key and its missing link becomes a link on the next view. What is cached is ``render``'s
    output, the sanitiser's HTML; a 50 KB page's Markdown (about 50 ms) is converted once."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (community.slug, page.body or ""):
        digest.update(part.encode())
        digest.update(b"\x00")
    for key, slug in sorted(targets.items()):
        digest.update(f"{key}\x00{slug or ''}\x00".encode())
    key = f"wiki:rendered:{page.pk}:{page.last_number}:{digest.hexdigest()}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = render(page.body, community=community, targets=targets)
        cache.set(key, rendered, RENDERED_TIMEOUT)
    return rendered


# --- FAQ -------------------------------------------------------------------------------------

_QUESTION = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")


@dataclass
class Entry:
    question: str
    answer: str
    anchor: str
    # The section's text as written (« ## Question » and its answer), so a reordering keeps
    # every character of it.
    source: str


def faq_entries(body):
    """``(intro, [Entry])``: the text before the first question, and each ``## Question``
    section (in code samples a ``##`` line is not a question)."""
    lines = (body or "").replace("\r\n", "\n").split("\n")
    intro, sections, current, in_fence = [], [], None, False
    for line in lines:
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
        match = None if in_fence else _QUESTION.match(line)
        if match:
            current = [match.group(1).strip(), [line]]
            sections.append(current)
        elif current is None:
            intro.append(line)
        else:
            current[1].append(line)
    entries, seen = [], {}
    for question, source_lines in sections:
        anchor = anchor_of(question)
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 1
        source = "\n".join(source_lines).strip("\n")
        answer = "\n".join(source_lines[1:]).strip("\n")
        entries.append(Entry(question, answer, anchor, source))
    return "\n".join(intro).strip("\n"), entries


def faq_body(intro, entries):
    """The body of a FAQ from its intro and its entries in a new order."""
    parts = [intro] if intro.strip() else []
    parts.extend(entry.source for entry in entries)
    return "\n\n".join(parts) + "\n"
