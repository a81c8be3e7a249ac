"""The registry of search backends: ``settings.SEARCH_BACKEND`` names one of them.

Only the database backend exists today; the settings refuse ``ELASTICSEARCH_URL`` until the
Elasticsearch backend is written. A name the registry does not know is a configuration error,
never a silent fall-back to another backend.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    # "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",  (to come)
}
DEFAULT = "database"


@cache
def _backend(name):
    path = BACKENDS.get(name)
    if path is None:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND names {name!r}, which is not a search backend; known: "
            f"{', '.join(sorted(BACKENDS))}."
        )
    return import_string(path)()


def get_backend(name=None):
    """The backend instance for ``name`` (default: ``settings.SEARCH_BACKEND``)."""
    return _backend(name or getattr(settings, "SEARCH_BACKEND", DEFAULT))
