"""The indexing task (``search.indexing``): run by the worker, stored with the other tasks, so a
restart loses nothing."""

import logging

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task()
def index_pending():
    from search.backends import SearchUnavailable
    from search.indexing import RETRY_AFTER, drain

    try:
        drain()
    except SearchUnavailable as error:
        logger.warning("search: the index is unavailable (%s); trying again later", error)
        if index_pending.get_backend().supports_defer:
            index_pending.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
