"""The labels of the organisation's facets of the agents' search: every region, department,
ministry and kind of service by id, with its code and the label a facet shows.

These reference tables hold a few hundred rows that change a few times a year: they are read
whole in one query and kept in the cache (shared by the processes on Redis), dropped as soon as a
row of one of them is saved or deleted, and read again after ``TTL`` at the latest (a change
made without signals, a bulk update). A search then reads its facets' labels from memory instead
of one query per search.
"""

from django.core.cache import cache
from django.db.models import CharField, F, Value
from django.db.models.signals import post_delete, post_save

from directory.models import Department, Ministry, Region, ServiceKind

CACHE_KEY = "directory:facet-labels"
TTL = 3600  # seconds
# Facet name -> (model, field shown).
SOURCES = {
    "region": (Region, "name"),
    "department": (Department, "name"),
    "ministry": (Ministry, "short_name"),
    "kind": (ServiceKind, "name"),
}


def facet_labels():
    """``{facet: {id: (code, label)}}`` for the four facets of the organisation."""
    labels = cache.get(CACHE_KEY)
    if labels is None:
        labels = _read()
        cache.set(CACHE_KEY, labels, TTL)
    return labels


def by_code(name):
    """``{code: label}`` of one of the four facets."""
    return dict(facet_labels()[name].values())


def forget(**kwargs):
    cache.delete(CACHE_KEY)


def connect():
    for model, _field in SOURCES.values():
        post_save.connect(forget, sender=model, dispatch_uid=f"facet_labels_{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"facet_labels_{model.__name__}")


def _read():
    parts = [
        model.objects.order_by()
        .annotate(facet_name=Value(name, output_field=CharField()), facet_label=F(field))
        .values_list("facet_name", "pk", "code", "facet_label")
        for name, (model, field) in SOURCES.items()
    ]
    labels = {name: {} for name in SOURCES}
    for name, pk, code, label in parts[0].union(*parts[1:], all=True).order_by():
        labels[name][pk] = (code, label)
    return labels
