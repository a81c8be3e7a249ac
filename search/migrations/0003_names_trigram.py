"""Names found despite a typo on PostgreSQL (``search.backends.database``).

``SearchDocument.name`` holds the title of the documents whose type is ``named`` (agents,
communities). On PostgreSQL a GIN trigram index of the name without accents nor capitals,
partial (the names only: some 80,000 rows of a million), serves ``word_similarity`` (``<%``):
« lefevre » finds Jeanne Lefebvre. ``unaccent`` is not immutable (its dictionary could change),
so an index cannot call it: ``maillage_unaccent`` wraps it with its dictionary named, as
PostgreSQL's documentation suggests.
"""

from django.db import migrations, models


def _unaccent_schema(cursor):
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    )
    row = cursor.fetchone()
    return row[0] if row else "public"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        schema = _unaccent_schema(cursor)
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION maillage_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
    )
    schema_editor.execute(
        "CREATE INDEX search_doc_name_trgm ON search_searchdocument "
        "USING GIN (maillage_unaccent(lower(name)) gin_trgm_ops) WHERE name <> ''"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_doc_name_trgm")
    schema_editor.execute("DROP FUNCTION IF EXISTS maillage_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="name",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.RunPython(forwards, backwards),
    ]
