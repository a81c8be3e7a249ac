"""The demo's index: once every app has loaded its demo rows, the search over everything is built
from them (``manage.py load_demo_data`` runs this last), so ``make run`` finds them at once."""

from search.indexing import rebuild

_indexed = {"count": None}


def index_demo():
    """Build the whole index again; return how many documents it holds."""
    _indexed["count"] = rebuild()
    return _indexed["count"]


def summary():
    count = _indexed["count"]
    if count is None:
        return None
    return f"{count} contenus indexés pour la recherche (/recherche/)"
