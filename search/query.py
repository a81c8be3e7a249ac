"""The French side of search, shared by the database backends and the page: parsing what the
agent typed, the words' normal and stemmed forms, and the highlighted excerpt.

- ``parse("« l'hôpital » urbanisme -eau")`` → words ("urbanisme",), phrases (("hopital",),),
  excluded ("eau",): case and accents dropped, French elisions (l', d', qu'…) removed, quotes
  (" or « ») make a phrase, a leading « - » excludes a word.
- ``stem("hôpitaux")`` → "hopital": the Snowball French stemmer (the one PostgreSQL's ``french``
  configuration and the engine's ``french`` stemmer run) on the normalised word.
- ``excerpt(text, query)``: the passage around the first match, escaped, with every word whose
  stem matches in ``<mark>``.
"""

import re
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape

from search.documents import Query
from search.text import normalize

MAX_WORDS = 10
MIN_WORD = 2
# What French elides before a vowel: l'école, d'un, qu'il, jusqu'à, lorsqu'on…
ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A phrase between straight or French quotes.
PHRASE = re.compile(r"[\"“”«»]\s*([^\"“”«»]*?)\s*[\"“”«»]")

_stemmer = snowballstemmer.stemmer("french")


def words_of(text):
    """The normalised words of ``text``, elisions removed (« L'Hôpital » → ["hopital"])."""
    return WORD.findall(normalize(ELISION.sub(" ", text or "")))


@lru_cache(maxsize=20000)
def stem(word):
    return _stemmer.stemWord(word)


def stems_of(text):
    return [stem(word) for word in words_of(text)]


def parse(text, *, prefix=False):
    original = str(text or "")
    phrases, single = [], []
    for found in PHRASE.findall(original):
        words = tuple(words_of(found))
        if len(words) > 1:
            phrases.append(words)
        elif words:
            # A single quoted word is a word.
            single.append(words[0])
    rest = PHRASE.sub(" ", original)
    rest = " ".join([rest, *single]) if single else rest
    words, excluded = [], []
    for token in rest.split():
        target = excluded if token.startswith("-") and len(token) > 1 else words
        for word in words_of(token.lstrip("-")):
            if len(word) >= MIN_WORD and word not in target:
                target.append(word)
    # A word both wanted and excluded is excluded.
    words = [word for word in words if word not in excluded]
    return Query(
        text=original.strip(),
        words=tuple(words[:MAX_WORDS]),
        phrases=tuple(phrases[:3]),
        excluded=tuple(excluded[:MAX_WORDS]),
        prefix=prefix and bool(words) and not original.endswith((" ", '"', "»", "”")),
    )


def wanted_stems(query):
    found = {stem(word) for word in query.words}
    for phrase in query.phrases:
        found.update(stem(word) for word in phrase)
    return found


EXCERPT = 220


def highlight(text, query):
    """The whole of ``text`` (a title), escaped, its matched words in ``<mark>``."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return excerpt(text, query, length=len(text), whole=True)


@lru_cache(maxsize=50000)
def _token(token):
    """(normal form, stem) of one word of a text as it is written, or None."""
    found = words_of(token)
    if not found:
        return None
    return found[0], stem(found[0])


def excerpt(text, query, *, length=EXCERPT, whole=False):
    """An escaped passage of ``text`` around its first match of ``query``, the matched words in
    ``<mark>``; the start of the text when nothing matches. The text is read word by word up to
    the end of the passage only (a body may be a whole PDF)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    wanted = wanted_stems(query)
    prefix = query.words[-1] if query.prefix and query.words else None
    spans = []
    limit = len(text)
    for found in WORD.finditer(text):
        if found.start() > limit:
            break
        token = _token(found.group())
        if token is None:
            continue
        word, word_stem = token
        if word_stem in wanted or (prefix and word.startswith(prefix)):
            if not spans and not whole:
                # Nothing past the passage that opens a third of its length before this match.
                limit = found.start() + length
            spans.append((found.start(), found.end()))
    if not spans:
        cut = text[:length]
        return escape(cut) + ("…" if len(text) > length else "")
    start = 0 if whole else max(spans[0][0] - length // 3, 0)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(start + length, len(text))
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > spans[0][1] else end
    parts, cursor = [], start
    for left, right in spans:
        if left < start or right > end:
            continue
        parts.append(escape(text[cursor:left]))
        parts.append(f"<mark>{escape(text[left:right])}</mark>")
        cursor = right
    parts.append(escape(text[cursor:end]))
    return ("…" if start else "") + "".join(parts) + ("…" if end < len(text) else "")
