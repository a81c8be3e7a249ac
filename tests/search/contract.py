"""The contract of a backend of the search over everything (``search.backends.DocumentBackend``),
as tests every backend passes with the same results.

A test module subclasses ``BackendContract`` and gives the ``backend`` fixture: an empty index
that answers at once what was written (the engine refreshes on write). ``fuzzy`` says whether the
backend forgives a typo in a word of five letters or more (the engine does, the database does
not).

    class TestDatabaseBackend(BackendContract):
        @pytest.fixture
        def backend(self, db):
            return DatabaseBackend()

What the tests pin beyond the interface's docstrings: ``rebuild``'s ``progress(n)`` gets the
number of documents indexed so far; a facet lists only values with a count (a period with none
is left out); the community and region facets list at most 20 values, most frequent first.

The file is not named ``test_*.py``: pytest collects it only through its subclasses.
"""

from datetime import UTC, datetime, timedelta

import pytest

from search.documents import EVERYTHING, Document, SearchRequest
from search.query import parse

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
INTERNAL = frozenset({"internal"})


def doc(
    id,
    title="Sans titre",
    body="",
    *,
    type="wiki_page",
    access=("internal",),
    days=1,
    community_id=None,
    region="",
    author_id=None,
    author_name="",
):
    """A document of ``type`` dated ``days`` before NOW."""
    return Document(
        type=type,
        id=id,
        title=title,
        body=body,
        url=f"/{type}/{id}/",
        access=frozenset(access),
        date=NOW - timedelta(days=days),
        community_id=community_id,
        author_id=author_id,
        author_name=author_name,
        region=region,
    )


def ask(text="", *, access=INTERNAL, prefix=False, **fields):
    """A request for ``text`` as the agent typed it, with ``access`` keys, at NOW."""
    fields.setdefault("now", NOW)
    return SearchRequest(query=parse(text, prefix=prefix), access=access, **fields)


def keys(results):
    return [hit.key for hit in results.hits]


def found(backend, text="", **fields):
    """The keys of the documents ``text`` finds, as a set."""
    return set(keys(backend.search(ask(text, **fields))))


class BackendContract:
    fuzzy = False

    # --- access -----------------------------------------------------------------------------

    def test_a_document_is_found_only_with_one_of_its_access_keys(self, backend):
        """A viewer finds a document only if one of their keys is one of its keys."""
        backend.upsert(
            [
                doc(1, "Réunion de réseau", access=("internal",)),
                doc(2, "Réunion privée", access=("c7",), community_id=7),
                doc(3, "Réunion de salon", access=("r55",)),
                doc(4, "Réunion commune", access=("c7", "c8"), community_id=7),
            ]
        )
        assert found(backend, "réunion", access=frozenset({"internal"})) == {"wiki_page:1"}
        assert found(backend, "réunion", access=frozenset({"c7"})) == {
            "wiki_page:2",
            "wiki_page:4",
        }
        assert found(backend, "réunion", access=frozenset({"c8", "r55"})) == {
            "wiki_page:3",
            "wiki_page:4",
        }
        assert found(backend, "réunion", access=frozenset({"c9"})) == set()
        assert found(backend, "réunion", access=frozenset()) == set()

    def test_everything_reads_every_document(self, backend):
        """A platform administrator (EVERYTHING) finds every document, whatever its keys."""
        backend.upsert(
            [
                doc(1, "Réunion de réseau"),
                doc(2, "Réunion secrète", access=("c7",), community_id=7),
                doc(3, "Réunion de salon", access=("r55",)),
            ]
        )
        assert found(backend, "réunion", access=EVERYTHING) == {
            "wiki_page:1",
            "wiki_page:2",
            "wiki_page:3",
        }

    def test_a_denied_community_is_excluded_whatever_the_keys(self, backend):
        """The documents of a community the viewer is banned from are not found, even with a
        key they hold; documents of no community are not affected."""
        backend.upsert(
            [
                doc(1, "Réunion ouverte", access=("internal",), community_id=7),
                doc(2, "Réunion privée", access=("c7",), community_id=7),
                doc(3, "Réunion ailleurs", access=("internal",), community_id=8),
                doc(4, "Réunion sans communauté", access=("internal",)),
            ]
        )
        viewer = frozenset({"internal", "c7"})
        assert found(backend, "réunion", access=viewer, denied=frozenset({7})) == {
            "wiki_page:3",
            "wiki_page:4",
        }
        # Filters alone (no words) obey the same rule.
        assert found(
            backend, access=viewer, denied=frozenset({7}), filters={"type": ["wiki_page"]}
        ) == {"wiki_page:3", "wiki_page:4"}

    # --- text -------------------------------------------------------------------------------

    def test_every_word_must_match(self, backend):
        """Several words: a document holds all of them, in its title or its body."""
        backend.upsert(
            [
                doc(1, "Plan de gestion de l'eau", "Urbanisme et ressources"),
                doc(2, "Plan de gestion de l'eau", "Ressources naturelles"),
                doc(3, "Urbanisme durable", "Les documents d'urbanisme"),
            ]
        )
        assert found(backend, "eau urbanisme") == {"wiki_page:1"}
        assert found(backend, "eau") == {"wiki_page:1", "wiki_page:2"}
        assert found(backend, "inconnu") == set()
        assert found(backend, "eau inconnu") == set()

    def test_a_phrase_matches_consecutive_words_only(self, backend):
        """« between quotes » the words must follow each other, across elisions."""
        backend.upsert(
            [
                doc(1, "Révision", "Le plan local d'urbanisme est adopté."),
                doc(2, "Révision", "Le plan du centre local est adopté."),
                doc(3, "Révision", "Ce document local d'urbanisme suit le plan."),
            ]
        )
        assert found(backend, '"plan local"') == {"wiki_page:1"}
        assert found(backend, "« local d'urbanisme »") == {"wiki_page:1", "wiki_page:3"}
        assert found(backend, "plan local") == {"wiki_page:1", "wiki_page:2", "wiki_page:3"}

    def test_an_excluded_word_removes_its_documents(self, backend):
        """« -word » drops the documents holding it (stemmed too: -potables drops « potable »)."""
        backend.upsert(
            [
                doc(1, "Qualité de l'eau", "Eau potable du réseau"),
                doc(2, "Qualité de l'eau", "Eau de baignade"),
                doc(3, "Eaux potables", "Analyses"),
            ]
        )
        assert found(backend, "eau -potable") == {"wiki_page:2"}
        assert found(backend, "eau -potables") == {"wiki_page:2"}
        assert found(backend, "eau -baignade") == {"wiki_page:1", "wiki_page:3"}

    @pytest.mark.parametrize("access", [INTERNAL, EVERYTHING])
    def test_only_an_excluded_word_with_a_filter(self, backend, access):
        """No wanted word, a word excluded and a filter: every document of the filter but
        those holding the word, newest first."""
        backend.upsert(
            [
                doc(1, "Qualité de l'eau", "Eau potable", days=1),
                doc(2, "Baignade", "Eau de mer", days=2),
                doc(3, "Rapport", "Rien à signaler", days=3),
                doc(4, "Eaux potables", "Analyses", type="idea", days=1),
            ]
        )
        results = backend.search(ask("-potable", access=access, filters={"type": ["wiki_page"]}))
        assert keys(results) == ["wiki_page:2", "wiki_page:3"]
        assert results.total == 2

    def test_the_last_word_as_a_prefix(self, backend):
        """While typing, the last word matches the words it starts (« urba » → « urbanisme »,
        « hôpi » → « hôpitaux »); the words before it are whole words."""
        backend.upsert(
            [
                doc(1, "Plan local d'urbanisme", "Révision générale"),
                doc(2, "Urbanisme commercial", "Zones d'activité"),
                doc(3, "Les hôpitaux de Bretagne", "Offre de soins"),
                doc(4, "Plan de formation", "Urbain et rural"),
            ]
        )
        assert found(backend, "urba", prefix=True) == {"wiki_page:1", "wiki_page:2", "wiki_page:4"}
        assert found(backend, "plan urba", prefix=True) == {"wiki_page:1", "wiki_page:4"}
        assert found(backend, "hôpi", prefix=True) == {"wiki_page:3"}
        # A whole word typed without a space after it still finds its other forms.
        assert found(backend, "hôpital", prefix=True) == {"wiki_page:3"}
        # Without the prefix flag, a word is a word.
        assert found(backend, "urba") == set()

    def test_accents_case_elision_and_stemming_are_ignored(self, backend):
        """« l'hôpital » finds « hôpitaux »; accents, case and elisions do not matter."""
        backend.upsert(
            [
                doc(1, "Les HÔPITAUX de Bretagne", "Offre de soins"),
                doc(2, "Rapport annuel", "L'hôpital de Rennes recrute."),
                doc(3, "École nationale", "Formation des élèves ingénieurs"),
                doc(4, "Hôtel de région", "Accueil"),
            ]
        )
        assert found(backend, "l'hôpital") == {"wiki_page:1", "wiki_page:2"}
        assert found(backend, "HOPITAUX") == {"wiki_page:1", "wiki_page:2"}
        assert found(backend, "hopital") == {"wiki_page:1", "wiki_page:2"}
        assert found(backend, "ecole eleve ingenieur") == {"wiki_page:3"}
        assert found(backend, "d'École") == {"wiki_page:3"}

    def test_a_word_far_into_a_long_body_is_found(self, backend):
        """The whole body is indexed: a word after 60,000 characters of text is found, and
        the excerpt stays short."""
        filler = "Le rapport décrit la situation générale du territoire. " * 1100
        backend.upsert([doc(1, "Rapport", filler + "Conclusion : zéphyr.")])
        results = backend.search(ask("zephyr"))
        assert keys(results) == ["wiki_page:1"]
        assert len(results.hits[0].excerpt) < 1000

    @pytest.mark.parametrize("typo", ["urbanisne", "urbanime"])
    def test_one_typo_in_a_long_word(self, backend, typo):
        """A typo in a word of five letters or more is forgiven on a fuzzy backend only."""
        backend.upsert([doc(1, "Urbanisme", "Révision du plan")])
        assert found(backend, "urbanisme") == {"wiki_page:1"}
        assert found(backend, typo) == ({"wiki_page:1"} if self.fuzzy else set())

    # --- relevance, sorts, paging -----------------------------------------------------------

    def test_the_title_weighs_more_than_the_body(self, backend):
        """A word in the title ranks the document above one with the word in its body only,
        even when the body one is newer."""
        backend.upsert(
            [
                doc(1, "Compte rendu", "Le budget de la biodiversité est voté.", days=1),
                doc(2, "Biodiversité", "Le compte rendu du budget est voté.", days=30),
                doc(3, "Budget", "Le compte rendu est voté, rien d'autre.", days=2),
            ]
        )
        results = backend.search(ask("biodiversité"))
        assert keys(results) == ["wiki_page:2", "wiki_page:1"]
        assert results.hits[0].score > results.hits[1].score > 0

    def test_sort_by_date_newest_first(self, backend):
        """sort="date": the newest first, whatever the relevance."""
        backend.upsert(
            [
                doc(1, "Biodiversité", "Biodiversité biodiversité", days=30),
                doc(2, "Compte rendu", "Biodiversité", days=1),
                doc(3, "Note", "biodiversité", days=10),
            ]
        )
        results = backend.search(ask("biodiversité", sort="date"))
        assert keys(results) == ["wiki_page:2", "wiki_page:3", "wiki_page:1"]

    def test_relevance_ties_are_broken_by_date(self, backend):
        """Documents of the same relevance come newest first."""
        backend.upsert(
            [doc(i, "Réunion", "Ordre du jour", days=days) for i, days in ((1, 5), (2, 1), (3, 9))]
        )
        results = backend.search(ask("réunion"))
        assert keys(results) == ["wiki_page:2", "wiki_page:1", "wiki_page:3"]

    def test_no_words_with_filters_lists_everything_newest_first(self, backend):
        """An empty query with a filter finds every readable document of the filter, newest
        first, even asked by relevance."""
        backend.upsert(
            [
                doc(1, "Un", days=3),
                doc(2, "Deux", days=1),
                doc(3, "Trois", type="forum_topic", days=2),
                doc(4, "Quatre", days=2, access=("c9",)),
            ]
        )
        results = backend.search(ask("", filters={"type": ["wiki_page"]}))
        assert keys(results) == ["wiki_page:2", "wiki_page:1"]
        assert results.total == 2

    def test_paging_and_the_exact_total(self, backend):
        """offset/limit give the pages in order; total counts every match, whatever the page."""
        backend.upsert([doc(i, "Réunion", f"Séance {i}", days=i) for i in range(1, 26)])
        first = backend.search(ask("réunion", sort="date", offset=0, limit=10))
        second = backend.search(ask("réunion", sort="date", offset=10, limit=10))
        last = backend.search(ask("réunion", sort="date", offset=20, limit=10))
        beyond = backend.search(ask("réunion", sort="date", offset=40, limit=10))
        assert [r.total for r in (first, second, last, beyond)] == [25, 25, 25, 25]
        assert keys(first) == [f"wiki_page:{i}" for i in range(1, 11)]
        assert keys(second) == [f"wiki_page:{i}" for i in range(11, 21)]
        assert keys(last) == [f"wiki_page:{i}" for i in range(21, 26)]
        assert keys(beyond) == []

    def test_a_hit_carries_the_document_fields(self, backend):
        """A hit gives back what was indexed: type, id, title, address, date, community,
        author and region."""
        document = doc(
            5,
            "Réunion du réseau",
            "Ordre du jour",
            type="forum_topic",
            community_id=12,
            author_id=3,
            author_name="Élodie Lefèvre",
            region="53",
            access=("c12",),
        )
        backend.upsert([document])
        (hit,) = backend.search(ask("réunion", access=frozenset({"c12"}))).hits
        assert (hit.type, hit.id, hit.title, hit.url) == (
            "forum_topic",
            5,
            "Réunion du réseau",
            "/forum_topic/5/",
        )
        assert hit.date == document.date
        assert (hit.community_id, hit.author_id, hit.author_name, hit.region) == (
            12,
            3,
            "Élodie Lefèvre",
            "53",
        )

    # --- excerpts ---------------------------------------------------------------------------

    def test_the_excerpt_marks_the_words_and_escapes_the_rest(self, backend):
        """The excerpt and the title have the matched words in <mark>, any HTML escaped."""
        backend.upsert(
            [
                doc(
                    1,
                    "Les hôpitaux <b>publics</b>",
                    "<script>alert('x')</script> Un hôpital de proximité.",
                )
            ]
        )
        (hit,) = backend.search(ask("hôpital")).hits
        assert "<mark>hôpital</mark>" in hit.excerpt
        assert "<script>" not in hit.excerpt
        assert "&lt;script&gt;" in hit.excerpt
        assert "<mark>hôpitaux</mark>" in hit.title_html
        assert "<b>" not in hit.title_html
        assert "&lt;b&gt;" in hit.title_html

    # --- filters and facets -----------------------------------------------------------------

    @pytest.fixture
    def faceted(self, backend):
        """Eight « réunion » documents over two types, three communities, two regions and
        four ages, plus one nobody of the viewer's keys may read."""
        backend.upsert(
            [
                doc(1, "Réunion", type="wiki_page", community_id=1, region="53", days=1),
                doc(2, "Réunion", type="wiki_page", community_id=1, region="28", days=10),
                doc(3, "Réunion", type="wiki_page", community_id=2, region="53", days=100),
                doc(4, "Réunion", type="forum_topic", community_id=1, region="53", days=2),
                doc(5, "Réunion", type="forum_topic", community_id=2, region="28", days=400),
                doc(6, "Réunion", type="forum_topic", community_id=3, region="53", days=20),
                doc(7, "Réunion", type="forum_topic", region="", days=5),
                doc(8, "Réunion", type="idea", community_id=3, region="28", days=200),
                doc(9, "Réunion", type="idea", community_id=4, access=("c4",), days=1),
            ]
        )
        return backend

    def test_each_filter_keeps_its_values(self, faceted):
        """type, community, region and period each keep only their values."""
        assert found(faceted, "réunion", filters={"type": ["idea"]}) == {"idea:8"}
        assert found(faceted, "réunion", filters={"community": ["2"]}) == {
            "wiki_page:3",
            "forum_topic:5",
        }
        assert found(faceted, "réunion", filters={"region": ["28"]}) == {
            "wiki_page:2",
            "forum_topic:5",
            "idea:8",
        }
        assert found(faceted, "réunion", filters={"period": ["semaine"]}) == {
            "wiki_page:1",
            "forum_topic:4",
            "forum_topic:7",
        }
        assert found(faceted, "réunion", filters={"period": ["mois"]}) == {
            "wiki_page:1",
            "wiki_page:2",
            "forum_topic:4",
            "forum_topic:6",
            "forum_topic:7",
        }
        assert len(found(faceted, "réunion", filters={"period": ["annee"]})) == 7

    def test_values_of_a_facet_or_facets_and(self, faceted):
        """Several values of one facet: any of them; several facets: all of them."""
        assert found(faceted, "réunion", filters={"type": ["idea", "wiki_page"]}) == {
            "wiki_page:1",
            "wiki_page:2",
            "wiki_page:3",
            "idea:8",
        }
        assert found(
            faceted,
            "réunion",
            filters={"type": ["wiki_page", "forum_topic"], "community": ["1", "3"]},
        ) == {"wiki_page:1", "wiki_page:2", "forum_topic:4", "forum_topic:6"}
        assert found(
            faceted,
            "réunion",
            filters={"type": ["forum_topic"], "region": ["53"], "period": ["mois"]},
        ) == {"forum_topic:4", "forum_topic:6"}
        results = faceted.search(ask("réunion", filters={"community": ["1"], "region": ["53"]}))
        assert results.total == 2

    def test_facet_counts_without_filters(self, faceted):
        """With no filter, each facet counts the readable matches: types, communities and
        regions (those with a value), and how many are newer than 7, 30, 365 days."""
        results = faceted.search(ask("réunion"))
        assert results.total == 8
        assert dict(results.facets["type"]) == {"wiki_page": 3, "forum_topic": 4, "idea": 1}
        assert results.facets["community"][0] == ("1", 3)
        assert dict(results.facets["community"]) == {"1": 3, "2": 2, "3": 2}
        assert results.facets["region"][0] == ("53", 4)
        assert dict(results.facets["region"]) == {"53": 4, "28": 3}
        assert dict(results.facets["period"]) == {"semaine": 3, "mois": 5, "annee": 7}

    def test_each_facet_is_counted_with_the_other_facets_filters(self, faceted):
        """A facet's counts ignore its own filter (its other values stay choosable) and apply
        the others'."""
        results = faceted.search(
            ask("réunion", filters={"type": ["forum_topic"], "community": ["1", "2"]})
        )
        assert results.total == 2
        # type: with the community filter only.
        assert dict(results.facets["type"]) == {"wiki_page": 3, "forum_topic": 2}
        # community: with the type filter only.
        assert dict(results.facets["community"]) == {"1": 1, "2": 1, "3": 1}
        # region, period: with both.
        assert dict(results.facets["region"]) == {"53": 1, "28": 1}
        assert dict(results.facets["period"]) == {"semaine": 1, "mois": 1, "annee": 1}

    def test_browsing_a_community_narrows_its_own_facet(self, faceted):
        """No words and a community chosen (« dans cette communauté »): its content, newest
        first, and the community facet counts it alone — not every other community's content
        the agent may read; the other facets follow the community."""
        results = faceted.search(ask("", filters={"community": ["1"]}))
        assert {hit.key for hit in results.hits} == {"wiki_page:1", "wiki_page:2", "forum_topic:4"}
        assert dict(results.facets["community"]) == {"1": 3}
        assert dict(results.facets["type"]) == {"wiki_page": 2, "forum_topic": 1}
        # With words, the other communities stay countable.
        results = faceted.search(ask("réunion", filters={"community": ["1"]}))
        assert dict(results.facets["community"]) == {"1": 3, "2": 2, "3": 2}

    def test_the_period_filter_and_its_counts(self, faceted):
        """A period filter narrows the other facets; the period facet still counts every
        period with the other filters."""
        results = faceted.search(
            ask("réunion", filters={"period": ["semaine"], "type": ["wiki_page"]})
        )
        assert keys(results) == ["wiki_page:1"]
        assert dict(results.facets["period"]) == {"semaine": 1, "mois": 2, "annee": 3}
        assert dict(results.facets["type"]) == {"wiki_page": 1, "forum_topic": 2}
        assert dict(results.facets["community"]) == {"1": 1}

    def test_the_period_counts_follow_request_now(self, faceted):
        """The periods count back from the request's « now », not the clock."""
        later = NOW + timedelta(days=9)
        results = faceted.search(ask("réunion", now=later))
        # Ages then: 10, 19, 109, 11, 409, 29, 14, 209 days.
        assert dict(results.facets["period"]) == {"mois": 5, "annee": 7}

    def test_community_and_region_facets_keep_the_twenty_most_frequent(self, backend):
        """At most 20 communities (and regions), the most frequent first."""
        documents, next_id = [], 1
        for community in range(1, 26):
            for _ in range(1 if community > 3 else 5 - community):
                documents.append(
                    doc(next_id, "Réunion", community_id=community, region=f"r{community}")
                )
                next_id += 1
        backend.upsert(documents)
        results = backend.search(ask("réunion"))
        communities, regions = results.facets["community"], results.facets["region"]
        assert len(communities) == 20 and len(regions) == 20
        assert communities[:3] == [("1", 4), ("2", 3), ("3", 2)]
        assert regions[:3] == [("r1", 4), ("r2", 3), ("r3", 2)]
        assert all(count == 1 for _value, count in communities[3:])

    # --- writing ----------------------------------------------------------------------------

    def test_upsert_replaces_a_document(self, backend):
        """Upserting a document of the same (type, id) replaces it: its old words are gone."""
        backend.upsert([doc(1, "Réunion budgétaire", "Ordre du jour", access=("c1",))])
        backend.upsert([doc(1, "Séminaire annuel", "Programme", access=("internal",))])
        assert backend.count() == 1
        assert found(backend, "réunion", access=EVERYTHING) == set()
        assert found(backend, "séminaire") == {"wiki_page:1"}
        # The same id in another type is another document.
        backend.upsert([doc(1, "Séminaire", type="idea")])
        assert backend.count() == 2

    def test_delete_removes_only_the_named_documents(self, backend):
        """delete([(type, id)]) removes those; unknown keys are ignored."""
        backend.upsert([doc(1, "Réunion"), doc(2, "Réunion"), doc(1, "Réunion", type="idea")])
        backend.delete([("wiki_page", 1), ("wiki_page", 99), ("agent", 1)])
        assert backend.count() == 2
        assert found(backend, "réunion") == {"wiki_page:2", "idea:1"}
        backend.delete([])
        assert backend.count() == 2

    def test_rebuild_replaces_the_whole_index(self, backend):
        """rebuild() swaps the index for the batches' documents, reporting the count indexed
        so far after each batch, and returns the total."""
        backend.upsert([doc(i, "Ancien") for i in range(1, 6)])
        assert backend.count() == 5
        seen = []
        total = backend.rebuild(
            iter([[doc(i, "Nouveau") for i in range(1, 4)], [doc(9, "Nouveau", type="idea")]]),
            progress=seen.append,
        )
        assert total == 4
        assert seen == [3, 4]
        assert backend.count() == 4
        assert found(backend, "ancien") == set()
        assert found(backend, "nouveau") == {"wiki_page:1", "wiki_page:2", "wiki_page:3", "idea:9"}

    def test_rebuild_with_the_same_documents_keeps_the_count(self, backend):
        """Rebuilding from the same documents leaves the same count and results."""
        documents = [doc(i, "Réunion", f"Séance {i}") for i in range(1, 8)]
        backend.upsert(documents)
        before = (backend.count(), found(backend, "réunion"))
        backend.rebuild(iter([documents[:4], documents[4:]]))
        assert (backend.count(), found(backend, "réunion")) == before

    def test_clear_empties_the_index(self, backend):
        """clear() leaves nothing to find."""
        backend.upsert([doc(1, "Réunion"), doc(2, "Réunion")])
        backend.clear()
        assert backend.count() == 0
        assert found(backend, "réunion", access=EVERYTHING) == set()
