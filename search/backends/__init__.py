"""The registry of search backends: ``settings.SEARCH_BACKEND`` names one of them.

Only the database backend exists today. Settings choose "elasticsearch" as soon as
``ELASTICSEARCH_URL`` is set; until that backend is written, the registry falls back to the database
backend and logs a warning once, so setting the variable early never breaks the directory.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    # "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",  (to come)
}
DEFAULT = "database"


@cache
def _backend(name):
    path = BACKENDS.get(name)
    if path is None:
        logger.warning(
            "search backend %r is not available (yet): the database backend answers instead", name
        )
        path = BACKENDS[DEFAULT]
    return import_string(path)()


def get_backend(name=None):
    """The backend instance for ``name`` (default: ``settings.SEARCH_BACKEND``)."""
    return _backend(name or getattr(settings, "SEARCH_BACKEND", DEFAULT))
