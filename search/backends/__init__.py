"""The registry of search backends: ``settings.SEARCH_BACKEND`` names one of them.

The search core (this package, ``search.api``, ``search.results``, ``search.text``) imports no
domain app: the app that owns what is searched registers its backend from its
``AppConfig.ready()`` — the directory registers the agents' database backend
(``directory.search_backend``). Only that one exists today; the settings refuse
``ELASTICSEARCH_URL`` until an Elasticsearch backend is written. A name the registry does not
know is a configuration error, never a silent fall-back to another backend.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# name -> a callable returning the backend (its class).
BACKENDS = {}
DEFAULT = "database"


def register(name, factory):
    """Make ``factory()`` the backend ``SEARCH_BACKEND = name`` selects."""
    BACKENDS[name] = factory
    _backend.cache_clear()


@cache
def _backend(name):
    factory = BACKENDS.get(name)
    if factory is None:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND names {name!r}, which is not a search backend; known: "
            f"{', '.join(sorted(BACKENDS))}."
        )
    return factory()


def get_backend(name=None):
    """The backend instance for ``name`` (default: ``settings.SEARCH_BACKEND``)."""
    return _backend(name or getattr(settings, "SEARCH_BACKEND", DEFAULT))


# --- the backends of the search over everything (``search.documents``) ----------------------


class SearchUnavailable(Exception):
    """The index does not answer (the engine is down or too slow): the page says so in French
    (503), saving content goes on, and what changed meanwhile is indexed when it is back."""


class DocumentBackend:
    """What a backend of the search over everything does. Both backends (the database's, the
    engine's) pass the same tests (``tests/search/``)."""

    def upsert(self, documents):
        """Add or replace ``documents`` (``search.documents.Document``)."""
        raise NotImplementedError

    def delete(self, keys):
        """Remove the documents ``[(type, object id)]``; unknown ones are ignored."""
        raise NotImplementedError

    def search(self, request):
        """``search.documents.Results`` for a ``search.documents.SearchRequest``: only
        documents one of whose access keys is in ``request.access`` (all if EVERYTHING)."""
        raise NotImplementedError

    def rebuild(self, batches, *, progress=None):
        """Replace the whole index by the documents of ``batches`` (lists of documents),
        readers seeing the old index until the new one is complete; ``progress(n)`` after each
        batch. Returns the number indexed."""
        raise NotImplementedError

    def clear(self):
        """Empty the index (tests)."""
        raise NotImplementedError

    def count(self):
        raise NotImplementedError


# name -> a callable returning the document backend.
DOCUMENT_BACKENDS = {}


def register_documents(name, factory):
    DOCUMENT_BACKENDS[name] = factory
    _document_backend.cache_clear()


@cache
def _document_backend(name):
    factory = DOCUMENT_BACKENDS.get(name)
    if factory is None:
        raise ImproperlyConfigured(
            f"SEARCH_ENGINE names {name!r}, which is not a search backend; known: "
            f"{', '.join(sorted(DOCUMENT_BACKENDS))}."
        )
    return factory()


def document_backend(name=None):
    """The backend of the search over everything: the database's unless the settings name an
    engine (``SEARCH_ENGINE``, from ``SEARCH_URL``/``OPENSEARCH_URL``/``ELASTICSEARCH_URL``)."""
    return _document_backend(name or getattr(settings, "SEARCH_ENGINE", DEFAULT))
