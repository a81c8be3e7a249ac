"""The active agents in name order, on PostgreSQL only (as 0005's indexes, for the same reasons).

``directory_agent_active_by_name`` holds ``left(search_text, 120), id`` for the active agents:
the directory's search without text (its first page, any page in name order) reads its first
entries instead of sorting every agent (``directory.search_backend.NAME_ORDER``, the same
expression). Measured with ``make bench`` at 82,000 agents: page 20 in name order, the query of
the page's ids 45 → 1 ms.
"""

from django.db import migrations

NAME = "directory_agent_active_by_name"
DEFINITION = "ON directory_agent (left(search_text, 120), id) WHERE closed_at IS NULL AND is_active"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} {DEFINITION}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_alter_agent_role"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
