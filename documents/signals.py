"""What happens in a library, for the parts of the app that react to it (documents-media's
thumbnails and text extraction, following): sent by ``documents.services`` once the transaction
of the change has committed (``transaction.on_commit``), so a receiver never sees a row that is
later rolled back and may queue a task that reads the stored file."""

from django.dispatch import Signal

# document, version: a new version (the first one of a new file too) became the current one,
# by an upload, « Nouvelle version » or « Restaurer cette version ».
version_added = Signal()
# document, agent: a file went to the bin (or came back from it: document_restored).
document_deleted = Signal()
document_restored = Signal()
# community, document_ids: files removed for good when the bin was emptied (their stored files
# and thumbnails are removed by documents.services).
documents_purged = Signal()
