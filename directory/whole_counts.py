"""The counts of the directory's search over all of it (no words, no filter), kept in the cache.

A search without words or filters — the directory's bare address, the most visited, and its
pages in name order — counts every agent the viewer may see for each facet: at 82,000 agents on
PostgreSQL, the skills alone join 359,000 tags (45–60 ms), the communities and the services
25 ms each. Those counts are the same for every viewer whose visibility rule gives the same
query, and they change only when an agent, a service, a skill or a group changes. So the
database backend (``directory.search_backend``) asks ``rows(queryset)`` for them: the
rows come from the cache, keyed on the counting query's SQL and a version number, and the
version is bumped (``changed()``) on every save or deletion that can change a count — exact
counts, not a delay. Filtered searches, and searches with words, are always counted afresh.

What bumps the version, connected by ``connect()`` (``DirectoryConfig``): an agent created,
saved with a counted field changed (its state, service or partner flag, compared with the values
it was read with: a profile saved with a new biography or phone keeps the counts, and so does a
sign-in's ``last_login``) or deleted; a service saved or deleted; an agent's stored facet tags
rewritten (``directory.facet_tags``: its skills changed — not another app's tags — or its
memberships); and the models a group facet names (``register_group_facet(..., watched=)``: the
communities' memberships and communities). Bulk writes send no signal: their writers call
``changed()`` (the generator of ``make bench`` does), and ``TTL`` bounds what a missed one could
leave.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.signals import post_delete, post_init, post_save

VERSION_KEY = "directory:whole-counts:version"
TTL = 300  # seconds
# The agent's fields a count or the visibility reads: a save of other fields keeps the counts.
COUNTED_AGENT_FIELDS = frozenset({"is_active", "closed_at", "service", "service_id", "is_external"})


def rows(queryset):
    """The rows of the counting ``queryset`` (a list), from the cache while nothing counted
    changed."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing to count (a viewer who may see nobody)
        return []
    return _kept(sql, params, lambda: list(queryset))


def rows_of(sql, params):
    """The rows of the counting statement ``sql`` (a list of tuples), as ``rows``."""

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return _kept(sql, params, run)


def _kept(sql, params, run):
    version = cache.get(VERSION_KEY, 0)
    digest = hashlib.sha256(repr((version, sql, tuple(params))).encode()).hexdigest()
    key = f"directory:whole-counts:{digest}"
    found = cache.get(key)
    if found is None:
        found = run()
        cache.set(key, found, TTL)
    return found


def changed(**kwargs):
    """Forget every cached count (a signal receiver; bulk writers call it themselves)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one differs from the cached keys'
        cache.set(VERSION_KEY, 1, None)


# The counted fields' attribute names, in ``Agent.__dict__``.
_COUNTED_ATTRIBUTES = ("is_active", "closed_at", "service_id", "is_external")


def _counted_values(agent):
    return tuple(agent.__dict__.get(name) for name in _COUNTED_ATTRIBUTES)


def _agent_loaded(sender, instance, **kwargs):
    """post_init: the counted fields as read (or built), to tell at its save whether they moved."""
    instance._whole_counts_values = _counted_values(instance)


def _agent_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """A new agent, or one whose counted fields moved, changes the counts; a profile saved with
    the same service and state (its biography, phone, position) keeps them."""
    if update_fields is not None and not COUNTED_AGENT_FIELDS.intersection(update_fields):
        return
    before = getattr(instance, "_whole_counts_values", None)
    instance._whole_counts_values = _counted_values(instance)
    if created or before != instance._whole_counts_values:
        changed()


def watch(model):
    """Counts change with every save or deletion of ``model``."""
    uid = f"whole_counts_{model._meta.label_lower}"
    post_save.connect(changed, sender=model, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, dispatch_uid=uid)


def connect():
    from directory.models import Agent, Service

    post_init.connect(_agent_loaded, sender=Agent, dispatch_uid="whole_counts_agent")
    post_save.connect(_agent_saved, sender=Agent, dispatch_uid="whole_counts_agent")
    post_delete.connect(changed, sender=Agent, dispatch_uid="whole_counts_agent")
    watch(Service)
