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
    def test_a_search_costs_one_query_whatever_the_data(
        self, backend, django_assert_num_queries, facets
    ):
        """The page (with the excerpts' text) and the facets with the total — or the total
        alone — are one query, with 3 documents as with 60."""
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
            with django_assert_num_queries(1):
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

    def test_a_name_is_found_despite_a_typo_on_postgresql(self, backend):
        """On PostgreSQL, plain words find the names (the titles of the ``named`` types: agents,
        communities) by trigram similarity despite a letter missing or wrong, the closest first;
        the text of other types is not matched that way, and the access keys still apply."""
        if connection.vendor != "postgresql":
            pytest.skip("trigram similarity is PostgreSQL's (pg_trgm)")
        backend.upsert(
            [
                doc(1, "Réseau des hydrographes", type="community"),
                doc(2, "Réseau des hydrogéologues", type="community", access=("c9",)),
                doc(3, "Les hydrographes au travail", "compte rendu"),
                doc(4, "Réseau bathymétrie", type="community"),
                doc(5, "Jeanne Lefebvre", "Cheffe de projet", type="agent"),
            ]
        )
        assert [hit.key for hit in backend.search(ask("lefevre")).hits] == ["agent:5"]
        found = backend.search(ask("hydrografes"))
        assert [hit.key for hit in found.hits] == ["community:1"]
        assert found.total == 1
        # Spelt right, the text finds the wiki page too; the name ranks first.
        found = backend.search(ask("hydrographes"))
        assert [hit.key for hit in found.hits][0] == "community:1"
        assert {hit.key for hit in found.hits} == {"community:1", "wiki_page:3"}
        # The private community's name is found by its members only.
        assert [hit.key for hit in backend.search(ask("hydrogeolgues")).hits] == []
        members = ask("hydrogeolgues", access=frozenset({"internal", "c9"}))
        assert [hit.key for hit in backend.search(members).hits] == ["community:2"]

    def test_only_named_types_keep_a_name(self, backend):
        """The name column holds the title of the named types and nothing else."""
        from search.models import SearchDocument

        backend.upsert([doc(1, "Réseau des hydrographes", type="community"), doc(2, "Page")])
        names = dict(SearchDocument.objects.values_list("type", "name"))
        assert names == {"community": "Réseau des hydrographes", "wiki_page": ""}
