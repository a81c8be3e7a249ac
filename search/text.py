"""Text normalisation shared by every search backend: lower case, no accents, single spaces.

It also defines the layout of the searchable text the database backend stores
(``Agent.search_text``): segments in decreasing weight — name, skills, position, service, other —
each introduced by a marker that no normalised word can contain. The backend finds where the first
occurrence of a term falls in SQL (``StrIndex``), so a match in the name weighs more than a match in
the service, without a column per field.
"""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")

# The marker character: removed from every part and from every query term, so a term never
# matches a marker and a marker never appears inside a part.
MARK = "|"
# Segments after the first (the name), in decreasing weight, and the marker that opens each.
SEGMENT_MARKERS = {
    "skills": " |2| ",
    "position": " |3| ",
    "service": " |4| ",
    "other": " |5| ",
}


# Short texts normalised last, kept: a search page sorts the same few hundred labels (facet
# values, skills) by their normalised form on every request.
SHORT_TEXT, SHORT_TEXTS_KEPT = 120, 8192


def normalize(text):
    """« Élève  Ingénieur » → « eleve ingenieur »: what the database backend stores and matches."""
    if isinstance(text, str) and len(text) <= SHORT_TEXT:
        return _normalize_short(text)
    return _normalize(text)


@lru_cache(maxsize=SHORT_TEXTS_KEPT)
def _normalize_short(text):
    return _normalize(text)


def _normalize(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.lower().replace("œ", "oe").replace("æ", "ae")).strip()


def terms(query):
    """The normalised words of a query, at most ten, each at least two characters long."""
    words = normalize((query or "").replace(MARK, " ")).split(" ")
    return [word for word in words if len(word) >= 2][:10]


def _part(text):
    return normalize((text or "").replace(MARK, " "))


def segmented_text(*, name="", skills="", position="", service="", other=""):
    """The searchable text of one record: each segment normalised, in weight order, always all
    present (an empty segment keeps its marker) so the markers can be found in SQL."""
    return _part(name) + "".join(
        marker + _part(value)
        for marker, value in zip(
            SEGMENT_MARKERS.values(), (skills, position, service, other), strict=True
        )
    )


def split_segments(text):
    """The segments of a text made by ``segmented_text``, by name; None if it is not one."""
    segments = {}
    rest = text or ""
    name = "name"
    for next_name, marker in SEGMENT_MARKERS.items():
        head, found, rest = rest.partition(marker)
        if not found:
            return None
        segments[name] = head
        name = next_name
    segments[name] = rest
    return segments
