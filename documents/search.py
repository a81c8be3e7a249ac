"""What the library makes searchable over everything (``search.registry``): its files, by name
and by the text extracted from their current version (``documents.tasks`` extracts it in the
background, then indexes the file again). Neither a hidden file, nor one in the bin (alone or
with its folder), nor a file of a library switched off. The library has no read rule of its own
below the community's (``documents.permissions``): the keys are the community content's
(``communities.search.content_access``)."""

from django.db.models import Q

from communities.search import content_fields
from directory.search import AUTHOR_RELATED
from documents.models import Document, DocumentVersion
from search import registry
from search.documents import Document as SearchDocument
from search.documents import text_of
from search.indexing import queue


def files():
    return Document.objects.filter(
        is_hidden=False, deleted_at__isnull=True, community__tool_documents=True
    ).select_related("community", "current_version", f"created_by__{AUTHOR_RELATED}")


def file_document(document):
    version = document.current_version
    body = text_of(version.comment if version else "", document.text)
    return SearchDocument(
        type="document",
        id=document.pk,
        title=document.name,
        body=body,
        url=document.get_absolute_url(),
        date=document.updated_at,
        **content_fields(document.community, document.created_by),
    )


def queue_folder(folder):
    """Index again every file below ``folder`` (its deletion, restoration or move changes them
    with bulk updates, which send no signal): called by the services once they commit."""
    ids = Document.objects.filter(
        Q(folder__path__startswith=folder.path) | Q(bin_root=folder), community=folder.community_id
    ).values_list("pk", flat=True)
    queue([("document", pk) for pk in ids])


def register():
    """Called by ``documents.registrations.register``."""
    registry.register_type(
        "document",
        label="Fichier",
        plural="Fichiers",
        model=Document,
        queryset=files,
        document=file_document,
        # A new version (its comment) changes the file's document.
        watch={DocumentVersion: lambda version: [version.document_id]},
        order=70,
        community="community_id",
    )
