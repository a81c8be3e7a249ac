"""Text normalisation shared by every search backend: lower case, no accents, single spaces."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text):
    """« Élève  Ingénieur » → « eleve ingenieur »: what the database backend stores and matches."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.lower().replace("œ", "oe").replace("æ", "ae")).strip()


def terms(query):
    """The normalised words of a query, at most ten, each at least two characters long."""
    return [word for word in normalize(query).split(" ") if len(word) >= 2][:10]
