"""The registries of search backends, one per search: ``settings.SEARCH_BACKEND`` names the
directory's agents' backend, ``settings.SEARCH_ENGINE`` the search over everything's.

The search core (this package, ``search.api``, ``search.results``, ``search.text`` and the search
over everything) imports no domain app: the directory registers the agents' database backend
(``directory.search_backend``) from its ``AppConfig.ready()``; the search app registers the
database and engine backends of the search over everything (``search.apps``). A name a
registry does not know is a configuration error, never a silent fall-back to another backend.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT = "database"


class _Registry:
    """Backends by name, the one a setting names made once and kept."""

    def __init__(self, setting):
        self.setting = setting
        # name -> a callable returning the backend (its class).
        self.factories = {}
        self.instances = {}

    def register(self, name, factory):
        self.factories[name] = factory
        self.cache_clear()

    def cache_clear(self):
        self.instances.clear()

    def get(self, name=None):
        name = name or getattr(settings, self.setting, DEFAULT)
        if name not in self.instances:
            factory = self.factories.get(name)
            if factory is None:
                raise ImproperlyConfigured(
                    f"{self.setting} names {name!r}, which is not a search backend; known: "
                    f"{', '.join(sorted(self.factories))}."
                )
            self.instances[name] = factory()
        return self.instances[name]


_backend = _Registry("SEARCH_BACKEND")
BACKENDS = _backend.factories


def register(name, factory):
    """Make ``factory()`` the backend ``SEARCH_BACKEND = name`` selects."""
    _backend.register(name, factory)


def get_backend(name=None):
    """The backend instance for ``name`` (default: ``settings.SEARCH_BACKEND``)."""
    return _backend.get(name)


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

    def outdated(self):
        """True when the index must be rebuilt before it serves well: it does not exist yet,
        or an older version of the code made it (``manage.py search_reindex --if-outdated``).
        The database's index is kept by its migrations: never."""
        return False

    def clear(self):
        """Empty the index (tests)."""
        raise NotImplementedError

    def count(self):
        raise NotImplementedError


_document_backend = _Registry("SEARCH_ENGINE")
DOCUMENT_BACKENDS = _document_backend.factories


def register_documents(name, factory):
    """Make ``factory()`` the backend ``SEARCH_ENGINE = name`` selects."""
    _document_backend.register(name, factory)


def document_backend(name=None):
    """The backend of the search over everything: the database's unless the settings name an
    engine (``SEARCH_ENGINE``, from ``SEARCH_URL``/``OPENSEARCH_URL``/``ELASTICSEARCH_URL``)."""
    return _document_backend.get(name)
