"""Background tasks of the document library (Django's tasks API): the thumbnail and the text of a
file's new current version, made outside the request that stored it (``documents.media`` queues
the task when ``documents.signals.version_added`` is sent, once the upload has committed)."""

import contextlib
import logging

from django.core.files.base import ContentFile
from django.tasks import task

from documents import thumbnails
from documents.models import Document, DocumentVersion
from maillage import effects, extraction

logger = logging.getLogger(__name__)

TEXT_STATUSES = {
    extraction.OK: Document.TextStatus.READY,
    extraction.EMPTY: Document.TextStatus.READY,
    extraction.UNREADABLE: Document.TextStatus.FAILED,
    extraction.UNSUPPORTED: Document.TextStatus.UNSUPPORTED,
}


@task
def process_version(*, version_id):
    """Make the thumbnail and extract the text of version ``version_id`` and store them on its
    file, if that version is still the current one (a newer upload has queued its own task).
    Returns what happened: ``"done"``, ``"gone"`` or ``"stale"``."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return "gone"
    document = version.document
    if document.current_version_id != version.pk:
        return "stale"
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("documents: the stored file of version %s is missing", version.pk)
        Document.objects.filter(pk=document.pk, current_version=version).update(
            text_status=Document.TextStatus.FAILED
        )
        return "gone"
    with handle:
        picture = thumbnails.thumbnail(handle)
        result = extraction.extract_text(handle, name=version.original_name or document.name)

    field = document.thumbnail
    thumbnail_name = ""
    if picture is not None:
        thumbnail_name = field.storage.save(
            field.field.generate_filename(document, "vignette.webp"), ContentFile(picture)
        )
    previous = document.thumbnail.name
    updated = Document.objects.filter(pk=document.pk, current_version=version).update(
        thumbnail=thumbnail_name, text=result.text, text_status=TEXT_STATUSES[result.status]
    )
    if not updated:
        # Replaced or purged while we worked: what we stored belongs to nobody.
        if thumbnail_name:
            field.storage.delete(thumbnail_name)
        return "stale"
    if previous and previous != thumbnail_name:
        # The task ran twice for this version (a retry): the first thumbnail goes.
        with contextlib.suppress(OSError):
            field.storage.delete(previous)
    document.thumbnail.name = thumbnail_name
    document.text = result.text
    document.text_status = TEXT_STATUSES[result.status]
    effects.index(document)
    return "done"
