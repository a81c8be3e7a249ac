"""The full-text side of the database backend, per database (``search.backends.database``).

- SQLite: an FTS5 table ``search_fts`` (rowid = SearchDocument.id) holding the stemmed words of
  the title and the body, the unstemmed words (for a prefix being typed) and the access keys.
  The backend writes it beside each row.
- PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, the text search configuration
  ``maillage_fr`` (French stemming without accents), and generated columns of
  ``search_searchdocument``: ``vector`` (the title weighted A, the body B, French elisions
  removed so « plan local d'urbanisme » keeps its words consecutive) and ``access_keys`` (the
  keys as an array, checked on the rows the words found), a GIN index on the vector.
"""

from django.db import migrations

# French elisions (l', d', qu'…), removed before PostgreSQL parses the text: its parser makes
# « d » a word of its own (a stop word that still takes a position), which would break phrases.
ELISION = r"\m(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]"
# A tsvector holds at most 1 MB: the body's first million characters are indexed.
BODY_LIMIT = 1_000_000


def _vector_sql():
    elision = ELISION.replace("'", "''")

    def part(column, weight):
        return (
            f"setweight(to_tsvector('maillage_fr'::regconfig, "
            f"regexp_replace({column}, '{elision}', ' ', 'gi')), '{weight}')"
        )

    return f"{part('title', 'A')} || {part(f'left(body, {BODY_LIMIT})', 'B')}"


POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'maillage_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION maillage_fr (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION maillage_fr
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    f"""ALTER TABLE search_searchdocument
        ADD COLUMN vector tsvector GENERATED ALWAYS AS ({_vector_sql()}) STORED,
        ADD COLUMN access_keys text[]
            GENERATED ALWAYS AS (string_to_array(access, ' ')) STORED""",
    "CREATE INDEX search_doc_vector ON search_searchdocument USING GIN (vector)",
    # No index on access_keys: the viewer's keys match a large share of the rows (« internal »:
    # every open community's content), and combining that index with the words' made every
    # search read ~40 % of the index (393 of 453 ms at 1,000,000 documents). The keys are checked
    # on the rows the words found.
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS access_keys, "
    "DROP COLUMN IF EXISTS vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS maillage_fr",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, words, access, tokenize = 'unicode61 remove_diacritics 2')"
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
