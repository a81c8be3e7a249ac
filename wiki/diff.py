"""A readable diff of two texts (two revisions of a wiki page): the lines compared first, then the
words inside the lines that changed, so a corrected word shows as that word struck out and its
replacement, not as two whole paragraphs.

``diff_rows(old, new)`` returns the rows to show: unchanged lines around the changes (``context``
of them), the others folded into a « lignes identiques » row, and each changed block with its
deleted words in ``<del>`` and inserted words in ``<ins>``; every piece of text is HTML-escaped
here, so a row's ``html`` is safe to insert as it is.

Cost: the line comparison is difflib's (linear-ish on real texts); the word comparison runs only
inside changed blocks, and a block too large for it (``WORD_DIFF_LIMIT`` words on a side) shows as
its old lines deleted and its new lines inserted; so do two lines sharing too few of their words
(``_alike``, a cheap count that spares difflib's costly ratio on two unrelated paragraphs), and
the blocks past a whole diff's ``WORD_DIFF_BUDGET``. Revisions 1 and 1,000 of a 50 KB page, most
paragraphs rewritten, diff in about 20 ms instead of 200 (``tests/wiki/test_diff.py``). Two 50 KB revisions differing in a few places
diff in a few milliseconds (``tests/wiki/test_diff.py`` pins a bound).
"""

import difflib
import re
from dataclasses import dataclass
from html import escape

from django.core.cache import cache
from django.utils.safestring import mark_safe

# Words (with the spaces that follow them) are the unit inside a changed block.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
WORD_DIFF_LIMIT = 1500
# The words compared inside changed blocks over a whole diff: past it (a text rewritten from top
# to bottom), the remaining blocks show as whole lines deleted and inserted.
WORD_DIFF_BUDGET = 6000
# Two texts compared word by word only when this share of their words (of 4 letters or more,
# counted once each) is common: below it, a patchwork of del/ins reads worse than two lines.
ALIKE_MIN = 0.5
# ... a test worth its cost on paragraphs only: two short lines (a sentence rewritten) are always
# compared word by word, which is cheap and what a reader expects.
ALIKE_FROM = 400
_WORD = re.compile(r"\w{4,}", re.UNICODE)
CONTEXT = 2


@dataclass
class Row:
    """One row of a diff: ``kind`` is ``equal``, ``delete``, ``insert``, ``change`` or ``skip``
    (``count`` unchanged lines folded); ``html`` is escaped text with ``<del>``/``<ins>``."""

    kind: str
    html: str = ""
    old_line: int | None = None
    new_line: int | None = None
    count: int = 0


def _blank(line):
    return not line.strip()


def _lines(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _mark(tag, text):
    if not text:
        return ""
    return f"<{tag}>{escape(text)}</{tag}>"


def _alike(old, new):
    """Whether two texts share enough of their words to be compared word by word (a set
    intersection: microseconds, where difflib's ratio of two unrelated paragraphs costs ms)."""
    a, b = set(_WORD.findall(old.casefold())), set(_WORD.findall(new.casefold()))
    if not a or not b:
        return True
    return 2 * len(a & b) / (len(a) + len(b)) >= ALIKE_MIN


def _word_diff(old, new, budget):
    """One text showing both sides: the common words once, each deleted run of words in
    ``<del>`` followed by the run that replaces it in ``<ins>``; None when the texts are too
    large to compare word by word."""
    if budget[0] <= 0 or (len(old) + len(new) >= ALIKE_FROM and not _alike(old, new)):
        return None
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    if len(a) > WORD_DIFF_LIMIT or len(b) > WORD_DIFF_LIMIT:
        return None
    budget[0] -= len(a) + len(b)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < 0.3:
        # Hardly a word in common: two different lines read better than a patchwork.
        return None
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
        else:
            parts.append(_mark("del", "".join(a[i1:i2])))
            parts.append(_mark("ins", "".join(b[j1:j2])))
    return "".join(parts)


def diff_rows(old, new, context=CONTEXT):
    """The rows of the diff from ``old`` to ``new`` (see the module)."""
    a, b = _lines(old), _lines(new)
    # Blank lines are junk to the line comparison (a match never starts on one, but extends over
    # them): a 50 KB page has one between every two paragraphs, and each would otherwise be a
    # candidate of every match (most of the comparison's time on two distant revisions).
    matcher = difflib.SequenceMatcher(_blank, a, b, autojunk=False)
    rows = []
    budget = [WORD_DIFF_BUDGET]
    opcodes = matcher.get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            keep_head = 0 if first else context
            keep_tail = 0 if last else context
            length = i2 - i1
            if length <= keep_head + keep_tail + 1:
                spans = [(i1, i2)]
                folded = 0
            else:
                spans = [(i1, i1 + keep_head), (i2 - keep_tail, i2)]
                folded = length - keep_head - keep_tail
            for n, (s1, s2) in enumerate(spans):
                for i in range(s1, s2):
                    j = j1 + (i - i1)
                    rows.append(Row("equal", escape(a[i]), i + 1, j + 1))
                if n == 0 and folded:
                    rows.append(Row("skip", count=folded))
            continue
        if op == "delete":
            for i in range(i1, i2):
                rows.append(Row("delete", _mark("del", a[i]) or "", i + 1, None))
            continue
        if op == "insert":
            for j in range(j1, j2):
                rows.append(Row("insert", _mark("ins", b[j]) or "", None, j + 1))
            continue
        # replace: the words inside the block, line for line where the counts agree.
        old_block, new_block = a[i1:i2], b[j1:j2]
        if len(old_block) == len(new_block):
            pairs = list(zip(old_block, new_block, strict=True))
            for k, (before, after) in enumerate(pairs):
                if before == after:  # a blank line between two changed paragraphs
                    rows.append(Row("equal", escape(before), i1 + k + 1, j1 + k + 1))
                    continue
                marked = _word_diff(before, after, budget)
                if marked is None:
                    rows.append(Row("delete", _mark("del", before), i1 + k + 1, None))
                    rows.append(Row("insert", _mark("ins", after), None, j1 + k + 1))
                else:
                    rows.append(Row("change", marked, i1 + k + 1, j1 + k + 1))
            continue
        marked = _word_diff("\n".join(old_block), "\n".join(new_block), budget)
        if marked is None:
            rows.extend(
                Row("delete", _mark("del", line), i1 + k + 1, None)
                for k, line in enumerate(old_block)
            )
            rows.extend(
                Row("insert", _mark("ins", line), None, j1 + k + 1)
                for k, line in enumerate(new_block)
            )
        else:
            rows.append(Row("change", marked.replace("\n", "<br>"), i1 + 1, j1 + 1))
    for row in rows:
        row.html = mark_safe(row.html)  # noqa: S308 - every piece escaped above
    return rows


# A diff's rows stay in Django's cache for a day after its last view.
ROWS_TIMEOUT = 24 * 3600


def _revisions_key(old, new):
    return (
        f"wiki:diff:{old.page_id}:{old.number}:{new.number}:{old.pk}:{new.pk}:"
        f"{old.created_at.timestamp()}:{new.created_at.timestamp()}"
    )


def revision_diff_rows(old, new):
    """``diff_rows`` of two revisions of a page, through Django's cache: two revisions never
    change, so the key is the page, their numbers, and their ids and times (which a test
    database that reuses ids after a rollback never repeats together)."""
    key = _revisions_key(old, new)
    rows = cache.get(key)
    if rows is None:
        rows = diff_rows(old.body, new.body)
        cache.set(key, rows, ROWS_TIMEOUT)
    return rows


def diff_stats(rows):
    """(lines added, lines removed) of a diff's rows, for its heading."""
    added = sum(1 for row in rows if row.kind in ("insert", "change"))
    removed = sum(1 for row in rows if row.kind in ("delete", "change"))
    return added, removed


def revision_diff_table(old, new):
    """``(table HTML, lines added, lines removed)`` of two revisions' diff, the table rendered
    by ``wiki/partials/diff_table.html`` once and kept in Django's cache beside the rows: the
    diff of two distant 50 KB revisions is hundreds of rows, whose template cost more than the
    diff itself (p95 198 ms at the bench's 1,000 revisions)."""
    from django.template.loader import render_to_string

    key = _revisions_key(old, new) + ":table"
    cached = cache.get(key)
    if cached is None:
        rows = revision_diff_rows(old, new)
        html = render_to_string("wiki/partials/diff_table.html", {"rows": rows})
        cached = (html, *diff_stats(rows))
        cache.set(key, cached, ROWS_TIMEOUT)
    html, added, removed = cached
    return mark_safe(html), added, removed  # noqa: S308 - the template's own escaped output
