"""Indexes for the directory search at scale, on PostgreSQL only.

Measured with ``make bench`` at 20,000 agents (see README, "Performance"):

- ``directory_agent_search_text_trgm``: pg_trgm's GIN index on ``Agent.search_text``. The
  database search backend matches each term with ``search_text LIKE '%term%'`` in the count, the
  page and every facet query of a search; without it PostgreSQL scans the whole agent table in
  each of them. A name search went from ~500 ms to ~35 ms, « police eau » from ~300 ms to ~80 ms.
- ``directory_agent_active_by_service``: the active agents' (service, id), a partial covering
  index. The count and the region, department, ministry and kind facets of a search without
  text read it (index-only scan) instead of the whole agent table: ~17 → ~10 ms per facet query,
  ~5 → ~2 ms for the count.

SQLite skips both: it has no trigram index (``LIKE '%…%'`` is always a scan there) and its planner
does not use the partial index for these queries. They are not declared on the model: a GinIndex
in ``Meta.indexes`` would make SQLite's migrations fail, so they live here alone, and
``makemigrations`` has nothing to say about them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "directory_agent_search_text_trgm": (
        "ON directory_agent USING gin (search_text gin_trgm_ops)"
    ),
    "directory_agent_active_by_service": (
        "ON directory_agent (service_id, id) WHERE closed_at IS NULL AND is_active"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_agent_rich_profile"),
    ]

    operations = [
        # CREATE EXTENSION IF NOT EXISTS pg_trgm; a no-op on SQLite. pg_trgm is a trusted
        # extension (PostgreSQL ≥ 13): the database owner may create it without superuser.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
