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
