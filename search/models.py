"""The database backend's index and the queue of objects to index again.

``SearchDocument`` is one row per searchable object (``search.documents.Document``). The text
search itself lives beside it, per database: on SQLite an FTS5 table ``search_fts`` holding the
stemmed words (kept by ``search.backends.database``); on PostgreSQL generated columns of this
table, a ``tsvector`` in the French configuration without accents and the access keys as an
array (migration 0002), and a trigram index of the names (migration 0003).

``PendingIndex`` is what changed and is not indexed yet: written on commit by the side effects,
emptied by the indexing task — whatever the backend, so an engine that was down catches up.
"""

from django.db import models


class SearchDocument(models.Model):
    type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    community_id = models.BigIntegerField(null=True, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=10, blank=True)
    date = models.DateTimeField()
    title = models.TextField()
    # The title again when it is a name (the type is ``named``): on PostgreSQL a trigram index
    # finds it despite a typo (migration 0003).
    name = models.CharField(max_length=300, blank=True, default="")
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    # The access keys, separated by spaces.
    access = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "object_id"], name="search_document_unique")
        ]
        indexes = [
            models.Index(fields=["community_id", "date"], name="search_doc_community"),
            models.Index(fields=["date"], name="search_doc_date"),
        ]

    def __str__(self):
        return f"{self.type}:{self.object_id}"


class PendingIndex(models.Model):
    type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "object_id"], name="search_pending_unique")
        ]
        indexes = [models.Index(fields=["queued_at"], name="search_pending_queued")]

    def __str__(self):
        return f"{self.type}:{self.object_id}"
