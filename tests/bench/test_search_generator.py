import inspect
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bench import search as search_bench
from bench.search_generator import (
    MIN_COMMUNITIES,
    SHARES,
    SPAN_DAYS,
    TYPES,
    VIEWER_COMMUNITIES,
    VIEWER_ROOMS,
    corpus,
    counts_for,
)
from search.documents import Document
from search.query import parse

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SMALL = 4000


@pytest.fixture(scope="module")
def small():
    plan = corpus(SMALL, now=NOW)
    return plan, [document for batch in plan.batches(500) for document in batch]


def test_a_million_documents_in_the_planned_proportions():
    """At 1,000,000: 82,000 agents, 2,000 communities, the content types as SHARES says."""
    counts = counts_for(1_000_000)
    assert counts == SHARES
    assert counts["agent"] == 82_000
    assert counts["community"] == 2_000
    assert sum(counts.values()) == 1_000_000
    # Chat and forum replies are most of what a lived platform holds.
    assert counts["chat_message"] > counts["forum_reply"] > counts["document"]


@pytest.mark.parametrize("documents", [300, 1234, SMALL, 200_000])
def test_other_sizes_scale_the_shares_and_keep_enough_communities(documents):
    """Any size sums to itself; a small one still has the communities a viewer joins 20 of."""
    counts = counts_for(documents)
    assert sum(counts.values()) == documents
    assert counts["community"] >= MIN_COMMUNITIES
    assert set(counts) == set(TYPES)


def test_too_few_documents_are_refused():
    """Below ten documents per community the plan cannot hold its viewer: refused, said why."""
    with pytest.raises(ValueError, match="Au moins"):
        counts_for(100)


def test_the_stream_holds_the_planned_count_of_each_type(small):
    """What batches() streams is the plan: the counts per type, each key once."""
    plan, documents = small
    assert Counter(document.type for document in documents) == plan.counts
    assert len({document.key for document in documents}) == SMALL
    assert all(isinstance(document, Document) for document in documents)


def test_the_generator_is_deterministic(small):
    """The same size, seed and date give the same documents; another seed others."""
    plan, documents = small
    again = [document for batch in corpus(SMALL, now=NOW).batches(700) for document in batch]
    assert again == documents
    other = list(itertools.islice(corpus(SMALL, seed=2, now=NOW).documents_(), 500))
    assert [(d.title, d.body) for d in other] != [(d.title, d.body) for d in documents[:500]]
    assert corpus(SMALL, now=NOW).viewer == plan.viewer


def test_documents_are_streamed_in_batches_not_made_all_at_once():
    """A million documents come as a generator of batches: the first is there at once."""
    plan = corpus(1_000_000, now=NOW)
    batches = plan.batches(100)
    assert inspect.isgenerator(batches)
    first = next(batches)
    assert len(first) == 100
    assert all(len(batch) == 100 for batch in itertools.islice(batches, 20))


def test_french_text_dates_over_two_years_and_the_thirteen_regions(small):
    """Titles and bodies are French sentences; dates within two years before now, more recent
    ones; authors' regions among the 13 metropolitan ones."""
    plan, documents = small
    assert len(plan.regions) == 13
    assert {document.region for document in documents} <= set(plan.regions)
    assert len({document.region for document in documents}) == 13
    oldest = NOW - timedelta(days=SPAN_DAYS)
    assert all(oldest <= document.date <= NOW for document in documents)
    last_year = sum(document.date >= NOW - timedelta(days=365) for document in documents)
    assert last_year > len(documents) / 2
    text = " ".join(document.body for document in documents[:3000])
    for word in ("les", "des", "pour", "communauté"):
        assert f" {word} " in text
    assert any(character in text for character in "éèàç")
    wiki = [document for document in documents if document.type == "wiki_page"]
    assert min(len(document.body) for document in wiki) > 150


def test_community_visibility_and_the_keys_of_its_documents(small):
    """About 40 % of communities are open: their content ``internal`` + ``c<id>``, the others'
    ``c<id>`` only; a community's card is listed (``internal``) unless secret."""
    visibilities = Counter(community.visibility for community in corpus(1_000_000).communities)
    assert 0.35 < visibilities["open"] / 2000 < 0.45
    assert visibilities["secret"] > 0
    plan, documents = small
    for document in documents:
        if document.type in ("agent", "chat_message") and document.community_id is None:
            continue
        community = plan.community(document.community_id)
        own = f"c{community.id}"
        if document.type == "community":
            expected = {own} if community.visibility == "secret" else {"internal", own}
        else:
            expected = {"internal", own} if community.visibility == "open" else {own}
        assert document.access == expected, document


def test_agents_are_internal_and_members_of_their_communities(small):
    """An agent's profile: ``internal`` and a ``c<id>`` per community they are a member of."""
    plan, documents = small
    agents = [document for document in documents if document.type == "agent"]
    assert all("internal" in document.access for document in agents)
    assert all(document.community_id is None for document in agents)
    members = [len(document.access) - 1 for document in agents]
    assert max(members) >= 3
    assert sum(count == 0 for count in members) > 0
    for document in agents:
        ids = {int(key[1:]) for key in document.access if key != "internal"}
        assert ids <= {community.id for community in plan.communities}


def test_chat_messages_are_in_rooms_or_in_a_community(small):
    """A message of a room outside communities carries its room's key ``r<id>`` alone."""
    plan, documents = small
    chat = [document for document in documents if document.type == "chat_message"]
    in_rooms = [document for document in chat if document.community_id is None]
    assert 0.4 < len(in_rooms) / len(chat) < 0.7
    for document in in_rooms:
        (key,) = document.access
        assert key.startswith("r")
        assert 1 <= int(key[1:]) <= plan.rooms


def test_the_viewer_is_an_agent_in_twenty_communities(small):
    """The viewer's keys: ``internal``, their 20 communities and 30 rooms; banned from one open
    community they are not a member of; their own profile says the same communities."""
    plan, documents = small
    viewer = plan.viewer
    assert len(viewer.communities) == VIEWER_COMMUNITIES
    assert len(viewer.rooms) == VIEWER_ROOMS
    assert viewer.keys == {
        "internal",
        *(f"c{pk}" for pk in viewer.communities),
        *(f"r{pk}" for pk in viewer.rooms),
    }
    (banned,) = viewer.denied
    assert plan.community(banned).visibility == "open"
    assert banned not in viewer.communities
    # Four of the ten busiest networks.
    assert sum(pk <= 10 for pk in viewer.communities) == 4
    profile = next(d for d in documents if d.type == "agent" and d.id == viewer.agent_id)
    assert profile.access == {"internal", *(f"c{pk}" for pk in viewer.communities)}
    readable = [d for d in documents if d.access & viewer.keys and d.community_id != banned]
    assert len(readable) > len(documents) / 4


def test_the_query_words_come_from_the_corpus(small):
    """Every word, pair and phrase the benchmark types parses to words the corpus holds."""
    plan, documents = small
    words = plan.words
    assert len(words.single) >= 40
    assert len(words.pairs) >= 40
    assert len(words.phrases) >= 20
    assert all(parse(text).phrases for text in words.phrases)
    assert all(len(parse(text).words) == 2 for text in words.pairs)


@pytest.mark.django_db
def test_the_bench_runs_end_to_end_on_sqlite(capsys):
    """A few thousand documents through the database backend's rebuild, every scenario measured
    next to the baseline, the searches finding documents; no timing asserted."""
    report = search_bench.run(
        documents=3000, engines=("database",), runs=5, budget_seconds=1, now=NOW
    )
    figures = report["engines"]["SQLite"]
    assert figures["indexing"]["count"] == 3000
    names = [row["name"] for row in figures["rows"]]
    assert names[0] == figures["baseline"]
    assert names[1:] == [name for name, _ in search_bench._scenarios(corpus(3000, now=NOW))]
    rows = {row["name"]: row for row in figures["rows"]}
    assert rows["un mot"]["hits"] > 0
    assert rows["la communauté sans mot, par date"]["hits"] > 0
    assert all(row["queries"] >= 1 for row in figures["rows"])
    output = capsys.readouterr().out
    assert "Recherche sur tout (3000 documents" in output
    assert "objectif p95 < 50 ms" in output
