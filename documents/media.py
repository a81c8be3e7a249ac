"""The library's media, wired to the app's signals: a new current version (an upload, « Nouvelle
version », « Restaurer cette version ») queues the task that makes its thumbnail and extracts its
text (``documents.tasks.process_version``); ``searchable_text`` is what the content contract (and
through it search and the moderation) reads of a file. ``connect()`` is called once from
``documents.registrations``."""

import logging

from documents import signals

logger = logging.getLogger(__name__)


def connect():
    signals.version_added.connect(_queue_media, dispatch_uid="documents.media.version_added")


def _queue_media(sender, document, version, **kwargs):
    # Sent once the version has committed (documents.signals): the task can read it.
    from documents.tasks import process_version

    process_version.enqueue(version_id=version.pk)


def searchable_text(document):
    """A file's name and the text extracted from its current version (empty until the task has
    run, and for pictures and other types without text)."""
    return "\n".join(part for part in (document.name, document.text) if part)
