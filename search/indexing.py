"""Keeping the index true: on commit, then in a background task that survives a restart.

Saving or deleting an object of a registered type (or of a model a type ``watch``-es) asks the
side effects (``maillage.effects.index``) to index it; on commit that writes a ``PendingIndex``
row per document to refresh and enqueues ``index_pending``. The task reads the rows, builds the
documents from the database — an object no longer in its type's ``queryset()`` (hidden, deleted,
unpublished) is removed — hands them to the backend and deletes the rows it did. If the backend
is down the rows stay, and the task tries again later (``RETRY_AFTER``): nothing is missed.

``rebuild()`` (``manage.py search_reindex``) builds every document again into the backend, which
swaps the whole index at once (one transaction on the database, a new index and an alias switch
on the engine), so search never goes empty.
"""

import copy
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from maillage import effects

logger = logging.getLogger(__name__)

BATCH = 500
RETRY_AFTER = timedelta(seconds=30)

# model -> [(type name, callable(instance) -> ids)]
_watchers = {}


def watch_type(kind):
    """Wire a registered type: its own model, and the models it watches."""
    _watch(kind.model, kind.name, lambda obj: [obj.pk])
    for model, ids in kind.watch.items():
        _watch(model, kind.name, ids)


def _watch(model, type_name, ids):
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    first = model not in _watchers
    _watchers.setdefault(model, []).append((type_name, ids))
    if first:
        # One indexer for every model: the objects a transaction changed, whatever their
        # models, are queued in one write.
        effects.register_indexer(model, queue_objects)
        uid = f"search-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid, weak=False)


def _changed(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures loading
        return
    if "created" not in kwargs:
        # post_delete: Django clears the deleted instance's pk before the commit the indexing
        # waits for; a copy keeps it, so the document is removed.
        instance = copy.copy(instance)
    effects.index(instance)


def queue_objects(objs):
    """Queue the documents the instances ``objs`` change (those a transaction saved or
    deleted, whatever their models), and wake the task: one write for them all."""
    pairs = []
    for obj in objs:
        for model in type(obj).__mro__:
            for type_name, ids in _watchers.get(model, ()):
                pairs.extend((type_name, int(pk)) for pk in ids(obj) if pk is not None)
    queue(pairs)


def queue(pairs):
    """Index again the documents ``[(type name, object id)]`` (in a task)."""
    from search.models import PendingIndex

    if not pairs:
        return
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(type=name, object_id=pk, queued_at=now) for name, pk in set(pairs)],
        update_conflicts=True,
        unique_fields=["type", "object_id"],
        update_fields=["queued_at"],
        batch_size=BATCH,
    )
    # One task drains every row: wake it only when no older row waits — one does when a task
    # is already queued or running for it (it deletes its rows before reading the next ones,
    # so it reaches these too) — or when the oldest has waited too long (its task died).
    oldest = (
        PendingIndex.objects.filter(queued_at__lt=now)
        .order_by("queued_at")
        .values_list("queued_at", flat=True)
        .first()
    )
    from search.tasks import index_pending

    # Tasks run at once (the tests' settings): no queue to share, every change drains.
    at_once = not index_pending.get_backend().supports_defer
    if at_once or oldest is None or now - oldest > RETRY_AFTER:
        index_pending.enqueue()


def queue_community(community_id):
    """Index again every document of a community: who may read it changed (its visibility, a
    tool switched on or off). Called by the communities."""
    from search.registry import types

    pairs = []
    for kind in types():
        if kind.community is None:
            continue
        ids = kind.model.objects.filter(**{kind.community: community_id}).values_list(
            "pk", flat=True
        )
        pairs.extend((kind.name, pk) for pk in ids.iterator())
    queue(pairs)


def documents_for(kind, ids):
    """``(documents, missing ids)`` of ``kind`` for ``ids``: the objects still searchable, and
    the others (to remove)."""
    found = {}
    for obj in kind.queryset().filter(pk__in=ids):
        document = kind.document(obj)
        if document is not None:
            found[obj.pk] = document
    return list(found.values()), [pk for pk in ids if pk not in found]


def drain(*, backend=None, batch=BATCH):
    """Index what is pending, ``batch`` rows at a time; the number of documents done. Raises
    ``SearchUnavailable`` (rows kept) when the backend does not answer."""
    from search.backends import document_backend
    from search.models import PendingIndex
    from search.registry import get_type

    backend = backend or document_backend()
    done = 0
    while True:
        rows = list(PendingIndex.objects.order_by("queued_at", "pk")[:batch])
        if not rows:
            return done
        by_type = {}
        for row in rows:
            by_type.setdefault(row.type, []).append(row.object_id)
        for type_name, ids in by_type.items():
            kind = get_type(type_name)
            if kind is None:  # a type no longer registered: its documents go
                backend.delete([(type_name, pk) for pk in ids])
                done += len(ids)
                continue
            documents, missing = documents_for(kind, ids)
            if documents:
                backend.upsert(documents)
            if missing:
                backend.delete([(type_name, pk) for pk in missing])
            done += len(ids)
        # A row queued again while this batch ran (a later queued_at) stays for the next one.
        for row in rows:
            PendingIndex.objects.filter(pk=row.pk, queued_at=row.queued_at).delete()


def all_documents(*, batch=BATCH, kinds=None):
    """Every document of every registered type, in lists of at most ``batch``."""
    from search.registry import types

    for kind in kinds or types():
        queryset = kind.queryset().order_by("pk")
        last = 0
        while True:
            objects = list(queryset.filter(pk__gt=last)[:batch])
            if not objects:
                break
            last = objects[-1].pk
            documents = [doc for doc in map(kind.document, objects) if doc is not None]
            if documents:
                yield documents


def count_all():
    from search.registry import types

    return sum(kind.queryset().count() for kind in types())


def rebuild(*, backend=None, progress=None, batch=BATCH):
    """Build the whole index again, ``batch`` objects at a time; the number of documents
    indexed."""
    from search.backends import document_backend
    from search.models import PendingIndex

    backend = backend or document_backend()
    started = timezone.now()
    total = backend.rebuild(all_documents(batch=batch), progress=progress)
    # What was queued before the rebuild started is in it.
    with transaction.atomic():
        PendingIndex.objects.filter(queued_at__lt=started).delete()
    return total
