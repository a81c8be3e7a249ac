"""The OpenSearch node that bin/opensearch-node assembles from Maven Central answers, and what the
search over everything needs works on it: a French analyzer, phrases, typos, highlighting,
aggregations, alias switches, reindexing, Painless scripts, the extra field mappers.

Plain HTTP (urllib): no client library stands between the test and the node. The node is the
session's ``opensearch_url`` (tests/engine.py), or the one ``OPENSEARCH_URL`` names.
"""

import json
import urllib.error
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.integration

FRENCH = {
    "analysis": {
        "filter": {
            "french_elision": {
                "type": "elision",
                "articles_case": True,
                "articles": [
                    "l",
                    "m",
                    "t",
                    "qu",
                    "n",
                    "s",
                    "j",
                    "d",
                    "c",
                    "jusqu",
                    "quoiqu",
                    "lorsqu",
                    "puisqu",
                ],
            },
            "french_stemmer": {"type": "stemmer", "language": "light_french"},
        },
        "analyzer": {
            "french_folded": {
                "tokenizer": "standard",
                "filter": ["french_elision", "lowercase", "asciifolding", "french_stemmer"],
            }
        },
    }
}
TITLE = "Les hôpitaux de l'agglomération"


def call(url, method, path, body=None):
    """``method path`` on the node; (status, decoded JSON body), 4xx and 5xx included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def ok(url, method, path, body=None):
    """``call`` that fails the test unless the node answers 2xx; the decoded body."""
    status, answer = call(url, method, path, body)
    assert 200 <= status < 300, f"{method} {path} → {status}: {answer}"
    return answer


def new_index(url, body=None):
    """A fresh index of the test's own (one shard, no replica): its name."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    settings = {"index": {"number_of_shards": 1, "number_of_replicas": 0}}
    body = dict(body or {})
    body["settings"] = settings | body.get("settings", {})
    ok(url, "PUT", f"/{name}", body)
    return name


def index_documents(url, index, documents):
    for number, document in enumerate(documents, start=1):
        ok(url, "PUT", f"/{index}/_doc/{number}", document)
    ok(url, "POST", f"/{index}/_refresh")


def hits(url, index, query, **extra):
    answer = ok(url, "POST", f"/{index}/_search", {"query": query, **extra})
    return answer["hits"]["hits"]


@pytest.fixture(scope="module")
def french_index(opensearch_url):
    """An index whose title goes through the French analyzer, holding « Les hôpitaux de
    l'agglomération » and a few other documents."""
    index = new_index(
        opensearch_url,
        {
            "settings": FRENCH,
            "mappings": {
                "properties": {
                    "title": {"type": "text", "analyzer": "french_folded"},
                    "kind": {"type": "keyword"},
                }
            },
        },
    )
    index_documents(
        opensearch_url,
        index,
        [
            {"title": TITLE, "kind": "community"},
            {"title": "La préfecture de région", "kind": "community"},
            {"title": "Agenda des réunions", "kind": "forum"},
        ],
    )
    return index


def titles(found):
    return [hit["_source"]["title"] for hit in found]


def test_the_node_is_opensearch_2_19_6_with_its_modules(opensearch_url):
    """The node answers as OpenSearch 2.19.6, its cluster is at least yellow, and it loaded the
    five modules assembled from Maven Central."""
    root = ok(opensearch_url, "GET", "/")
    assert root["version"]["distribution"] == "opensearch"
    assert root["version"]["number"] == "2.19.6"
    health = ok(opensearch_url, "GET", "/_cluster/health?wait_for_status=yellow&timeout=30s")
    assert health["status"] in {"green", "yellow"}
    nodes = ok(opensearch_url, "GET", "/_nodes/plugins")["nodes"]
    (node,) = nodes.values()
    modules = {module["name"] for module in node["modules"]}
    assert {
        "analysis-common",
        "lang-painless",
        "mapper-extras",
        "reindex",
        "transport-netty4",
    } <= modules


def test_the_french_analyzer_drops_articles_accents_case_and_plurals(opensearch_url, french_index):
    """« Les hôpitaux de l'agglomération » and « l'Hôpital » give the same stem for hospital."""
    analyzed = ok(
        opensearch_url,
        "POST",
        f"/{french_index}/_analyze",
        {"analyzer": "french_folded", "text": TITLE},
    )
    tokens = [token["token"] for token in analyzed["tokens"]]
    single = ok(
        opensearch_url,
        "POST",
        f"/{french_index}/_analyze",
        {"analyzer": "french_folded", "text": "l'Hôpital"},
    )
    (hospital,) = [token["token"] for token in single["tokens"]]
    assert hospital == tokens[1]
    assert "l" not in tokens and "les" in tokens
    assert all(token.isascii() and token == token.lower() for token in tokens)


def test_a_match_query_finds_the_plural_through_the_singular_with_its_article(
    opensearch_url, french_index
):
    """« l'hôpital » finds « Les hôpitaux de l'agglomération », and only it."""
    found = hits(opensearch_url, french_index, {"match": {"title": "l'hôpital"}})
    assert titles(found) == [TITLE]


def test_a_phrase_matches_in_its_order_only(opensearch_url, french_index):
    """``match_phrase`` finds « hôpital de l'agglomération », not the words in another order."""
    found = hits(
        opensearch_url,
        french_index,
        {"match_phrase": {"title": "hôpital de l'agglomération"}},
    )
    assert titles(found) == [TITLE]
    reversed_words = {"match_phrase": {"title": "agglomération de l'hôpital"}}
    assert hits(opensearch_url, french_index, reversed_words) == []


def test_a_typo_in_a_long_word_is_forgiven_with_automatic_fuzziness(opensearch_url, french_index):
    """« agglonération » (an n for the m) finds the document with ``fuzziness: AUTO``, not
    without it. (A missing double letter is no test: the light French stemmer undoubles.)"""
    typo = {"query": "agglonération"}
    assert hits(opensearch_url, french_index, {"match": {"title": typo}}) == []
    found = hits(opensearch_url, french_index, {"match": {"title": typo | {"fuzziness": "AUTO"}}})
    assert titles(found) == [TITLE]


def test_highlighting_wraps_the_matched_words_in_custom_tags(opensearch_url, french_index):
    """The highlight of « hôpital » marks « hôpitaux » in the title with <mark>…</mark>."""
    (hit,) = hits(
        opensearch_url,
        french_index,
        {"match": {"title": "hôpital"}},
        highlight={
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {"title": {}},
        },
    )
    assert hit["highlight"]["title"] == ["Les <mark>hôpitaux</mark> de l'agglomération"]


def test_a_terms_aggregation_counts_each_kind(opensearch_url, french_index):
    """A ``terms`` aggregation over the keyword field counts the documents of each kind."""
    answer = ok(
        opensearch_url,
        "POST",
        f"/{french_index}/_search",
        {"size": 0, "aggs": {"kinds": {"terms": {"field": "kind"}}}},
    )
    buckets = answer["aggregations"]["kinds"]["buckets"]
    assert {bucket["key"]: bucket["doc_count"] for bucket in buckets} == {
        "community": 2,
        "forum": 1,
    }


def test_an_alias_switches_from_one_index_to_another_at_once(opensearch_url):
    """One ``_aliases`` call removes the alias from the old index and adds it to the new one:
    searches through the alias then read the new index only."""
    old = new_index(opensearch_url)
    new = new_index(opensearch_url)
    index_documents(opensearch_url, old, [{"title": "ancien"}])
    index_documents(opensearch_url, new, [{"title": "nouveau"}])
    alias = f"alias-{uuid.uuid4().hex[:12]}"
    ok(opensearch_url, "POST", "/_aliases", {"actions": [{"add": {"index": old, "alias": alias}}]})
    assert titles(hits(opensearch_url, alias, {"match_all": {}})) == ["ancien"]

    ok(
        opensearch_url,
        "POST",
        "/_aliases",
        {
            "actions": [
                {"remove": {"index": old, "alias": alias}},
                {"add": {"index": new, "alias": alias}},
            ]
        },
    )
    assert titles(hits(opensearch_url, alias, {"match_all": {}})) == ["nouveau"]
    assert list(ok(opensearch_url, "GET", f"/_alias/{alias}")) == [new]


def test_reindex_copies_every_document_into_another_index(opensearch_url):
    """``_reindex`` (the reindex module) copies an index's documents into another."""
    source = new_index(opensearch_url)
    index_documents(opensearch_url, source, [{"title": f"document {n}"} for n in range(5)])
    destination = new_index(opensearch_url)
    answer = ok(
        opensearch_url,
        "POST",
        "/_reindex?refresh=true",
        {"source": {"index": source}, "dest": {"index": destination}},
    )
    assert answer["created"] == 5
    assert ok(opensearch_url, "GET", f"/{destination}/_count")["count"] == 5


def test_painless_scripts_update_and_compute(opensearch_url):
    """A Painless script updates a document from its parameters, and another computes a
    script field from a document's values (lang-painless)."""
    index = new_index(opensearch_url, {"mappings": {"properties": {"supports": {"type": "long"}}}})
    index_documents(opensearch_url, index, [{"supports": 3}])
    ok(
        opensearch_url,
        "POST",
        f"/{index}/_update/1?refresh=true",
        {
            "script": {
                "lang": "painless",
                "source": "ctx._source.supports += params.more",
                "params": {"more": 4},
            }
        },
    )
    assert ok(opensearch_url, "GET", f"/{index}/_doc/1")["_source"]["supports"] == 7
    answer = ok(
        opensearch_url,
        "POST",
        f"/{index}/_search",
        {
            "query": {"match_all": {}},
            "script_fields": {
                "doubled": {"script": {"lang": "painless", "source": "doc['supports'].value * 2"}}
            },
        },
    )
    (hit,) = answer["hits"]["hits"]
    assert hit["fields"]["doubled"] == [14]


def test_a_painless_error_is_a_400_with_its_reason(opensearch_url):
    """A script that does not compile is refused with a 400 that says so, not a 500."""
    index = new_index(opensearch_url)
    index_documents(opensearch_url, index, [{"title": "x"}])
    status, answer = call(
        opensearch_url,
        "POST",
        f"/{index}/_search",
        {"script_fields": {"broken": {"script": {"source": "doc['title'.value"}}}},
    )
    assert status == 400
    assert "compile" in json.dumps(answer)


def test_search_as_you_type_fields_find_a_prefix_of_the_last_word(opensearch_url):
    """A ``search_as_you_type`` field (mapper-extras) finds « Les hôpitaux de l'agglo… » as the
    title is typed."""
    index = new_index(
        opensearch_url,
        {
            "settings": FRENCH,
            "mappings": {
                "properties": {"title": {"type": "search_as_you_type", "analyzer": "french_folded"}}
            },
        },
    )
    index_documents(opensearch_url, index, [{"title": TITLE}, {"title": "Agenda des réunions"}])
    found = hits(
        opensearch_url,
        index,
        {
            "multi_match": {
                "query": "hôpitaux de l'agglo",
                "type": "bool_prefix",
                "fields": ["title", "title._2gram", "title._3gram"],
            }
        },
    )
    assert titles(found)[0] == TITLE
