"""The backend contract on the database backend: SQLite FTS5 in the fast suite, PostgreSQL
full-text when tests/integration/test_search_on_postgresql.py runs this file there."""

import pytest
from django.db import connection

from search.backends import document_backend
from search.backends.database import DatabaseBackend
from tests.search.contract import BackendContract, ask, doc


class TestDatabaseBackend(BackendContract):
    fuzzy = False

    @pytest.fixture
    def backend(self, db):
        return DatabaseBackend()

    def test_is_the_default_backend(self, backend, settings):
        """Without an engine URL, the search over everything runs on the database."""
        assert settings.SEARCH_ENGINE == "database"
        assert isinstance(document_backend(), DatabaseBackend)

    @pytest.mark.parametrize("facets", [True, False])
    def test_a_search_costs_two_queries_whatever_the_data(
        self, backend, django_assert_num_queries, facets
    ):
        """The page (with the excerpts' text) and the facets with the total — or the total
        alone — are two queries, with 3 documents as with 60."""
        for size in (3, 60):
            backend.upsert(
                [
                    doc(i, "Réunion", f"Séance {i}", community_id=i % 7, region=f"r{i % 5}")
                    for i in range(1, size + 1)
                ]
            )
            request = ask(
                "réunion séance",
                facets=facets,
                filters={"type": ["wiki_page"], "region": ["r1", "r2"]},
            )
            with django_assert_num_queries(2):
                results = backend.search(request)
            assert results.total == len([i for i in range(1, size + 1) if i % 5 in (1, 2)])

    def test_upsert_and_delete_cost_a_few_queries_whatever_their_number(
        self, backend, django_assert_max_num_queries
    ):
        """Writing 200 documents or deleting them takes a fixed handful of statements."""
        documents = [doc(i, "Réunion", f"Séance {i}") for i in range(1, 201)]
        with django_assert_max_num_queries(6):
            backend.upsert(documents)
        with django_assert_max_num_queries(6):
            backend.delete([(document.type, document.id) for document in documents])
        assert backend.count() == 0

    def test_the_text_index_follows_the_rows(self, backend):
        """The full-text side (SQLite's FTS5 rows, PostgreSQL's generated vector) holds one
        entry per document after upserts, replacements, deletions, a rebuild and a clear."""

        def text_entries():
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT COUNT(*) FROM search_fts")
                else:
                    cursor.execute(
                        "SELECT COUNT(*) FROM search_searchdocument WHERE vector IS NOT NULL"
                    )
                return cursor.fetchone()[0]

        backend.upsert([doc(i, "Réunion") for i in range(1, 6)])
        backend.upsert([doc(i, "Séminaire") for i in range(1, 3)])
        backend.delete([("wiki_page", 5)])
        assert text_entries() == backend.count() == 4
        backend.rebuild(iter([[doc(i, "Atelier") for i in range(1, 4)]]))
        assert text_entries() == backend.count() == 3
        backend.clear()
        assert text_entries() == 0
