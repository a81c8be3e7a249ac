"""The backend contract on a real engine: OpenSearch 2.19 (the session's node, ``opensearch_url``)
and Elasticsearch 9.5 (``elasticsearch_url``) — the same mapping and queries from either DSL
module. Each test class writes to an alias of its own, dropped at the end."""

import uuid

import opensearchpy
import pytest

from search.backends.engine import (
    ElasticsearchBackend,
    OpenSearchBackend,
    index_definition,
)
from search.documents import EVERYTHING
from tests.search.contract import BackendContract, ask, doc, found, keys

pytestmark = pytest.mark.integration


def engine_backend(cls, url):
    return cls(url=url, index=f"maillage-test-{uuid.uuid4().hex[:10]}", refresh=True)


@pytest.fixture(scope="class")
def opensearch_backend(opensearch_url):
    backend = engine_backend(OpenSearchBackend, opensearch_url)
    yield backend
    backend.drop()


class EngineContract(BackendContract):
    """The contract, and what an engine adds to it: the same tests on either engine's
    ``backend``."""

    fuzzy = True
    # How the highlighter marks the phrase « plan local »: word by word on OpenSearch.
    marked_phrase = "<mark>plan</mark> <mark>local</mark>"

    # --- what the engine adds to the contract -------------------------------------------------

    @pytest.mark.parametrize("typo", ["urbanisne", "urbanime", "urbaniisme", "urbainsme"])
    def test_one_typo_is_forgiven_in_the_title_and_the_body(self, backend, typo):
        """A wrong, missing, extra or swapped letter in a long word still finds it, in the
        title as in the body."""
        backend.upsert([doc(1, "Urbanisme"), doc(2, "Révision", "Le service d'urbanisme.")])
        assert found(backend, typo) == {"wiki_page:1", "wiki_page:2"}

    def test_no_typo_on_a_short_word_nor_two_typos(self, backend):
        """Words under five letters must be exact; two typos are too many."""
        backend.upsert([doc(1, "Plan de l'eau", "Bilan des sols"), doc(2, "Urbanisme")])
        assert found(backend, "plan") == {"wiki_page:1"}
        assert found(backend, "plat") == set()
        assert found(backend, "urbenisne") == set()

    def test_exact_words_rank_above_typos(self, backend):
        """« urbaniste » finds the urbanist first, the urbanism (one letter away) after."""
        backend.upsert(
            [doc(1, "Urbanisme", days=1), doc(2, "Urbaniste", days=30)],
        )
        assert keys(backend.search(ask("urbaniste"))) == ["wiki_page:2", "wiki_page:1"]

    def test_the_typographic_apostrophe_is_an_elision_too(self, backend):
        """A body written with « ’ » (as the editor types it) is found by its words and
        phrases, the article dropped."""
        backend.upsert([doc(1, "Rapport", "L’hôpital d’Ille-et-Vilaine recrute.")])
        assert found(backend, "hôpitaux") == {"wiki_page:1"}
        assert found(backend, "« hôpital d'Ille »") == {"wiki_page:1"}

    def test_the_excerpt_marks_phrases_and_the_prefix_being_typed(self, backend):
        """The highlighter marks a phrase's words and the words the typed prefix starts, in
        the title and the body."""
        backend.upsert([doc(1, "Les hôpitaux de Bretagne", "Le plan local d'urbanisme révisé.")])
        (hit,) = backend.search(ask('"plan local" hôpi', prefix=True)).hits
        assert hit.title_html == "Les <mark>hôpitaux</mark> de Bretagne"
        assert self.marked_phrase in hit.excerpt
        # The elided article is part of the word the engine marks.
        (hit,) = backend.search(ask("urba", prefix=True)).hits
        assert "<mark>d&#x27;urbanisme</mark>" in hit.excerpt

    def test_a_body_longer_than_the_highlighters_limit(self, backend):
        """A body of more than a million characters (a big PDF) is found and highlighted by
        the offsets kept in the index, without analysing it again (which the engine refuses
        past 1,000,000 characters)."""
        body = "Le rapport annuel de la direction. " * 32_000 + "Une mention finale de zéphyr."
        assert len(body) > 1_000_000
        backend.upsert([doc(1, "Rapport", body)])
        (hit,) = backend.search(ask("zéphyr")).hits
        assert "<mark>zéphyr</mark>" in hit.excerpt
        assert len(hit.excerpt) < 1000

    def test_denied_communities_apply_to_every_viewer_and_no_key_reads_nothing(self, backend):
        """The denied communities are left out even for EVERYTHING, as on the database; a
        viewer without keys finds nothing, facets included."""
        backend.upsert([doc(1, "Réunion", community_id=7), doc(2, "Réunion", community_id=8)])
        assert found(backend, "réunion", access=EVERYTHING, denied=frozenset({7})) == {
            "wiki_page:2"
        }
        results = backend.search(ask("réunion", access=frozenset()))
        assert (results.total, results.hits) == (0, [])
        assert all(values == [] for values in results.facets.values())

    def test_a_page_past_the_engines_window_is_empty_not_an_error(self, backend):
        """An offset past 10,000 (the engine's window) gives no hits and the total."""
        backend.upsert([doc(1, "Réunion"), doc(2, "Réunion")])
        results = backend.search(ask("réunion", offset=10_000, limit=20))
        assert (results.total, results.hits) == (2, [])

    def test_readers_see_the_old_index_until_the_rebuild_is_complete(self, backend):
        """While the batches are written, a search still answers from the old index; at the
        end the alias points at the new index alone and the old one is deleted."""
        backend.upsert([doc(i, "Ancien") for i in range(1, 4)])
        old = set(backend.client.indices.get_alias(name=backend.alias))
        during = []

        def progress(done):
            during.append((done, found(backend, "ancien"), found(backend, "nouveau")))

        backend.rebuild(
            iter([[doc(1, "Nouveau")], [doc(2, "Nouveau")]]),
            progress=progress,
        )
        old_keys = {"wiki_page:1", "wiki_page:2", "wiki_page:3"}
        assert during == [(1, old_keys, set()), (2, old_keys, set())]
        assert found(backend, "nouveau") == {"wiki_page:1", "wiki_page:2"}
        (new,) = backend.client.indices.get_alias(name=backend.alias)
        assert new not in old
        assert new.startswith(f"{backend.alias}-")
        assert backend._stamped_indices() == [new]

    def test_a_failed_rebuild_leaves_the_old_index_in_place(self, backend):
        """A rebuild that breaks halfway deletes its new index; the alias and the old
        documents stay."""
        backend.upsert([doc(1, "Ancien")])
        before = backend._stamped_indices()

        def batches():
            yield [doc(2, "Nouveau")]
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError, match="went away"):
            backend.rebuild(batches())
        assert backend._stamped_indices() == before
        assert found(backend, "ancien") == {"wiki_page:1"}
        assert found(backend, "nouveau") == set()


class TestOpenSearchBackend(EngineContract):
    @pytest.fixture
    def backend(self, opensearch_backend):
        opensearch_backend.clear()
        return opensearch_backend

    # --- what only OpenSearch's tests check (the node of OPENSEARCH_URL or the session's) ------

    def test_the_first_write_creates_the_index_behind_the_alias(self, opensearch_url):
        """An alias nobody wrote to gets ``<alias>-initial`` with the mapping on the first
        upsert, never an index named like the alias with guessed fields."""
        backend = engine_backend(OpenSearchBackend, opensearch_url)
        try:
            assert backend.count() == 0
            assert backend.search(ask("réunion", access=EVERYTHING)).total == 0
            backend.upsert([doc(1, "Réunion")])
            behind = backend.client.indices.get_alias(name=backend.alias)
            assert list(behind) == [f"{backend.alias}-initial"]
            mapping = backend.client.indices.get_mapping(index=backend.alias)
            (definition,) = mapping.values()
            assert definition["mappings"]["dynamic"] == "strict"
            assert definition["mappings"]["properties"]["title"]["analyzer"] == "maillage_french"
        finally:
            backend.drop()
        assert backend.client.indices.get(index=f"{backend.alias}*") == {}

    @pytest.mark.django_db
    def test_search_reindex_if_outdated_rebuilds_a_missing_or_older_index_only(
        self, opensearch_url, settings
    ):
        """``search_reindex --if-outdated`` (run by a deployment after each upgrade) builds the
        index when there is none, leaves a current one alone, and rebuilds one an older mapping
        made."""
        import io

        from django.core.management import call_command

        from search import backends
        from tests.factories import CommunityFactory

        backend = engine_backend(OpenSearchBackend, opensearch_url)
        settings.SEARCH_ENGINE = "opensearch"
        settings.SEARCH_ENGINE_URL = opensearch_url
        settings.SEARCH_INDEX = backend.alias
        settings.SEARCH_REFRESH = True
        backends._document_backend.cache_clear()

        def reindex():
            out = io.StringIO()
            call_command("search_reindex", if_outdated=True, stdout=out, stderr=io.StringIO())
            return out.getvalue()

        CommunityFactory(name="Réseau bathymétrie")
        try:
            assert backend.outdated()
            assert "documents indexés" in reindex()
            assert not backend.outdated()
            assert found(backend, "bathymétrie", access=EVERYTHING)
            assert "à jour" in reindex()
            # An index of mapping version 1 (before the facet tags).
            (name,) = backend.client.indices.get_alias(name=backend.alias)
            backend.client.indices.put_mapping(index=name, body={"_meta": {"version": 1}})
            assert backend.outdated()
            assert "documents indexés" in reindex()
            assert not backend.outdated()
        finally:
            backend.drop()
            backends._document_backend.cache_clear()

    def test_a_rebuild_replaces_an_index_squatting_the_alias_name(self, opensearch_url):
        """An index named like the alias (made by hand, or by a write before this backend
        existed) is replaced by the rebuilt one in the same atomic switch."""
        backend = engine_backend(OpenSearchBackend, opensearch_url)
        client = backend.client
        try:
            client.index(index=backend.alias, body={"title": "Squatter"}, refresh=True)
            backend.rebuild(iter([[doc(1, "Réunion")]]))
            (behind,) = client.indices.get_alias(name=backend.alias)
            assert behind != backend.alias
            assert found(backend, "réunion") == {"wiki_page:1"}
        finally:
            backend.drop()
            client.indices.delete(index=backend.alias, ignore_unavailable=True)

    def test_writes_do_not_force_a_refresh_by_default(self, opensearch_url, settings):
        """In production a write leaves the refresh to the engine's second (no refresh per
        write); ``refresh()`` makes it visible at once, and so does each write with
        ``SEARCH_REFRESH`` (tests)."""
        settings.SEARCH_ENGINE_URL = opensearch_url
        settings.SEARCH_INDEX = f"maillage-test-{uuid.uuid4().hex[:10]}"
        backend = OpenSearchBackend()
        assert backend.alias == settings.SEARCH_INDEX
        try:
            backend._ensure_alias()
            # The engine's periodic refresh put aside, to see what the write itself does.
            backend.client.indices.put_settings(
                index=backend.alias, body={"index": {"refresh_interval": "-1"}}
            )
            backend.upsert([doc(1, "Réunion"), doc(2, "Réunion")])
            visible = backend.client.count(index=backend.alias)["count"]
            backend.refresh()
            assert (visible, backend.count()) == (0, 2)
            # SEARCH_REFRESH, read at each write, makes the same backend refresh on write.
            settings.SEARCH_REFRESH = True
            backend.upsert([doc(3, "Réunion")])
            assert backend.client.count(index=backend.alias)["count"] == 3
        finally:
            backend.drop()


# --- the same code for Elasticsearch ----------------------------------------------------------


def test_both_dsl_modules_build_the_same_index_and_queries():
    """The mapping and the queries are written once: the OpenSearch and the Elasticsearch DSL
    modules turn them into the same JSON."""
    es_dsl = pytest.importorskip("elasticsearch.dsl")
    assert index_definition(opensearchpy, "x").to_dict() == index_definition(es_dsl, "x").to_dict()
    opensearch = OpenSearchBackend(url="http://127.0.0.1:1", index="x")
    elasticsearch = ElasticsearchBackend(url="http://127.0.0.1:1", index="x")
    for request in (
        ask("« plan local » hôpi -eau", prefix=True, denied=frozenset({4})),
        ask("réunion", filters={"type": ["idea"], "period": ["mois"], "community": ["1"]}),
        ask("", access=EVERYTHING, filters={"region": ["53"]}, sort="date", facets=False),
    ):
        assert opensearch.search_body(request) == elasticsearch.search_body(request)


def clear_elasticsearch(backend):
    """``backend.clear()`` without ``_delete_by_query``: an API of Elasticsearch's reindex
    module, which Maven Central does not serve, so bin/elasticsearch-node's node lacks it. Each
    document is deleted by its id instead."""
    from elasticsearch import helpers

    client = backend.client
    if not client.indices.exists_alias(name=backend.alias):
        return
    hits = helpers.scan(client, index=backend.alias, query={"query": {"match_all": {}}})
    actions = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in hits]
    helpers.bulk(client, actions, refresh=True)


@pytest.fixture(scope="class")
def elasticsearch_backend(elasticsearch_url):
    pytest.importorskip("elasticsearch", reason="pip install 'maillage[elasticsearch]'")
    backend = engine_backend(ElasticsearchBackend, elasticsearch_url)
    yield backend
    backend.drop()


class TestElasticsearchBackend(EngineContract):
    """The contract on Elasticsearch 9.5 (``elasticsearch_url``: bin/elasticsearch-node's node,
    or the one ``ELASTICSEARCH_URL`` names)."""

    # Elasticsearch's unified highlighter marks a phrase as a whole: Lucene's weight matches,
    # on by default (index.highlight.weight_matches_mode.enabled); OpenSearch 2.x has none.
    marked_phrase = "<mark>plan local</mark>"

    @pytest.fixture
    def backend(self, elasticsearch_backend):
        clear_elasticsearch(elasticsearch_backend)
        return elasticsearch_backend

    def test_clear_empties_the_index(self, backend):
        """clear() runs ``_delete_by_query``, which only a node with the reindex module has."""
        nodes = backend.client.nodes.info(node_id="_local", metric="plugins")["nodes"]
        modules = {module["name"] for node in nodes.values() for module in node["modules"]}
        if "reindex" not in modules:
            pytest.skip("this Elasticsearch node has no reindex module (_delete_by_query)")
        super().test_clear_empties_the_index(backend)
