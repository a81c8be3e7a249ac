"""The directory's faceted search of agents on the engine (``directory.search_engine``), on a real
OpenSearch node (``opensearch_url``), over the directory ``tests.search.dataset`` knows by heart:
what both backends must agree on (filters, facet counts, the name sort, the endorsement order) is
asserted equal to the database backend's result on the same data."""

import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from directory.models import Agent, Endorsement
from directory.relations import visible_agents
from directory.search import agent_document
from directory.search_engine import EngineBackend
from search import api, backends, registry
from search.backends import SearchUnavailable, get_backend
from search.backends.engine import OpenSearchBackend, index_definition
from search.documents import Document
from search.indexing import all_documents, rebuild
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory
from tests.search.dataset import build_directory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def clear_backends(request):
    backends._document_backend.cache_clear()
    backends._backend.cache_clear()
    request.addfinalizer(backends._document_backend.cache_clear)
    request.addfinalizer(backends._backend.cache_clear)


@pytest.fixture
def engine(request, settings, opensearch_url):
    """The search over everything on the node (its index emptied), the agents' search on it."""
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_ENGINE_URL = opensearch_url
    settings.SEARCH_INDEX = "maillage-test-directory"
    settings.SEARCH_REFRESH = True
    settings.SEARCH_BACKEND = "engine"
    clear_backends(request)
    backend = backends.document_backend()
    backend.clear()
    return backend


@pytest.fixture
def d(engine):
    directory = build_directory()
    rebuild(backend=engine)
    return directory


def search(viewer, backend="engine", **kwargs):
    with override_settings(SEARCH_BACKEND=backend):
        return api.search_agents(viewer, **kwargs)


def names(result):
    return [agent.display_name for agent in result.agents]


def facet(result, name):
    return {o.value: o.count for o in next(f for f in result.facets if f.name == name)}


def same_as_database(viewer, **kwargs):
    """The engine's result, asserted equal to the database's: total, page, filters, facets."""
    on_engine, on_database = search(viewer, **kwargs), search(viewer, "database", **kwargs)
    assert on_engine.total == on_database.total
    assert names(on_engine) == names(on_database)
    assert on_engine.filters == on_database.filters
    assert on_engine.applied == on_database.applied
    assert on_engine.facets == on_database.facets
    assert on_engine.page.number == on_database.page.number
    assert on_engine.page_out_of_range == on_database.page_out_of_range
    return on_engine


def endorse(agent, skill, *endorsers):
    tag = Tag.objects.get(name=skill)
    for endorser in endorsers:
        Endorsement.objects.create(agent=agent, tag=tag, endorser=endorser)


def test_the_engine_backend_is_the_configured_one(engine):
    """SEARCH_BACKEND = "engine" gives the directory's engine backend."""
    assert isinstance(get_backend(), EngineBackend)


def test_the_agent_document_carries_the_facets_ranks_and_name_order(d):
    """An agent's document: its service's codes, skills' ids, communities' slugs as tags, its
    endorsements per skill as ranks, « last first » without accents as its sort key."""
    endorse(d.elodie, "Urbanisme", d.claire, d.marie)
    document = agent_document(Agent.objects.get(pk=d.elodie.pk))
    skills = {tag.pk for tag in d.elodie.skills.all()}
    assert document.tags == {
        "region:53",
        "department:35",
        "ministry:interministeriel",
        "kind:DDTM",
        *(f"skill:{pk}" for pk in skills),
        "community:reseau-urbanisme",
    }
    assert document.ranks == ((f"skill:{Tag.objects.get(name='Urbanisme').pk}", 2),)
    assert document.sort_key == "lefevre elodie"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("eleve", {"Jean Élève"}),
        ("LEFEVRE", {"Élodie Lefèvre"}),
        ("lefev", {"Élodie Lefèvre"}),
        ("biodiversite", {"Paul Bernard"}),
        ("droit sols", {"Jean Élève", "Élodie Lefèvre", "Luc Moreau"}),
        ("ddtm 14", {"Marie Dubois", "Nina Fournier", "Hugo Roux"}),
        ("introuvable", set()),
    ],
)
def test_words_match_without_accents_every_word_the_last_as_a_prefix(d, query, expected):
    """A name without its accents, a skill, two words (both must match), a word being typed."""
    result = search(d.viewer, query=query)
    assert set(names(result)) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"region": "53"},
        {"region": "53", "skill": "eau"},
        {"kind": "DDTM", "ministry": "interministeriel", "skill": ["urbanisme"]},
        {"community": "reseau-urbanisme", "department": "35"},
    ],
)
def test_each_facet_is_counted_with_the_other_facets_filters(d, filters):
    """The facets' counts, each with the other facets' filters, equal the database's."""
    result = same_as_database(d.viewer, filters=filters, sort="name")
    if filters.get("region") == "53":
        assert "28" in facet(result, "region")  # Normandie still offered


def test_the_counts_known_by_heart(d):
    """Without filters: 10 agents, the region, skill and community counts of the dataset."""
    result = search(d.viewer)
    assert result.total == 10
    assert facet(result, "region") == {"53": 6, "28": 3}
    assert facet(result, "skill") == {
        "eau": 4,
        "urbanisme": 4,
        "droit-des-sols": 3,
        "biodiversité": 1,
        "marchés-publics": 1,
    }
    assert facet(result, "community") == {"reseau-urbanisme": 3}


def test_values_of_one_facet_are_or_ed(d):
    """Two departments give the agents of both, as on the database."""
    result = same_as_database(d.viewer, filters={"department": ["14", "35"]}, sort="name")
    assert result.total == 6
    result = same_as_database(d.viewer, filters={"skill": ["eau", "droit-des-sols"]}, sort="name")
    assert result.total == 7


def test_a_skill_filter_ranks_by_endorsements(d):
    """With a skill filter, the most endorsed for it come first, then by name, as on the
    database."""
    endorse(d.sophie, "Eau", d.claire, d.marie, d.elodie)
    endorse(d.hugo, "Eau", d.claire)
    rebuild(backend=backends.document_backend())
    result = same_as_database(d.viewer, filters={"skill": "eau"})
    assert names(result)[:2] == ["Sophie Petit", "Hugo Roux"]
    result = same_as_database(d.viewer, filters={"skill": ["eau", "urbanisme"]})
    assert names(result)[:2] == ["Sophie Petit", "Hugo Roux"]


def test_sort_by_name(d):
    """The name sort: last name, first name, without accents nor case, as on the database."""
    result = same_as_database(d.viewer, sort="name")
    assert names(result)[:3] == ["Paul Bernard", "Marie Dubois", "Jean Élève"]


def test_a_page_past_the_last_gives_the_last(d):
    """Page 9 of 4 per page is the last page (3), said so, as on the database."""
    result = same_as_database(d.viewer, sort="name", page=9, per_page=4)
    assert result.page_out_of_range
    assert result.page.number == 3
    assert len(result.agents) == 2


def test_unknown_filter_values_are_dropped(d):
    """Unknown values never fail: dropped from the filters, the rest applied."""
    result = same_as_database(
        d.viewer, filters={"region": ["99", "53"], "skill": "inconnue", "kind": "XYZ"}
    )
    assert result.filters == {"region": ("53",)}
    assert result.total == 6


def test_an_external_partner_finds_only_their_communities_members(d):
    """The access keys give an external partner what ``visible_agents`` gives: the members of
    their communities, on the page and in the counts."""
    external = ExternalAgentFactory()
    MembershipFactory(community=d.network, agent=external)
    rebuild(backend=backends.document_backend())
    visible = visible_agents(external, Agent.objects.filter(is_active=True, closed_at=None))
    result = same_as_database(external, sort="name")
    assert {agent.pk for agent in result.agents} == set(visible.values_list("pk", flat=True))
    assert result.total == 4  # the three members and themself


def test_a_secret_community_is_no_filter_for_an_outsider(d):
    """An outsider filtering by the secret community gets everyone, the filter dropped, and
    the facet never names it; an administrator sees and uses it."""
    result = same_as_database(d.viewer, filters={"community": "cellule-secrete"})
    assert result.filters == {}
    assert result.total == 10
    assert "cellule-secrete" not in facet(result, "community")
    admin = AgentFactory(platform_admin=True, service=None)
    rebuild(backend=backends.document_backend())
    result = same_as_database(admin, filters={"community": "cellule-secrete"}, sort="name")
    assert names(result) == ["Paul Bernard", "Jean Élève"]


def test_a_deactivated_agent_leaves_the_results(d, django_capture_on_commit_callbacks):
    """A deactivated account leaves the results once its change is committed (indexed again),
    and the page never shows it even before."""
    assert "Hugo Roux" in names(search(d.viewer, query="roux"))
    Agent.objects.filter(pk=d.hugo.pk).update(is_active=False)
    assert names(search(d.viewer, query="roux")) == []  # the row is checked
    with django_capture_on_commit_callbacks(execute=True):
        agent = Agent.objects.get(pk=d.hugo.pk)
        agent.save()
    result = search(d.viewer, query="roux")
    assert result.total == 0
    assert facet(search(d.viewer), "region") == {"53": 6, "28": 2}


def test_an_endorsement_reranks_after_commit(d, django_capture_on_commit_callbacks):
    """An endorsement given indexes the endorsed agent again: the ranking follows on commit;
    withdrawn, it falls back."""
    assert names(search(d.viewer, filters={"skill": "droit-des-sols"})) == [
        "Jean Élève",
        "Élodie Lefèvre",
        "Luc Moreau",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        endorse(d.luc, "Droit des sols", d.claire)
    result = search(d.viewer, filters={"skill": "droit-des-sols"})
    assert names(result)[0] == "Luc Moreau"
    assert names(result) == names(search(d.viewer, "database", filters={"skill": "droit-des-sols"}))
    with django_capture_on_commit_callbacks(execute=True):
        Endorsement.objects.get(agent=d.luc).delete()
    assert names(search(d.viewer, filters={"skill": "droit-des-sols"}))[0] == "Jean Élève"


def test_the_directory_page_answers_503_when_the_engine_does_not(d, settings, client, request):
    """The engine down: search_agents raises SearchUnavailable and the page says so in
    French with a 503, as /recherche/ does."""
    settings.SEARCH_ENGINE_URL = "http://127.0.0.1:9"
    clear_backends(request)
    with pytest.raises(SearchUnavailable):
        api.search_agents(d.viewer)
    client.force_login(d.viewer)
    response = client.get(reverse("directory:search"), {"q": "roux"})
    assert response.status_code == 503
    assert "La recherche est momentanément indisponible" in response.content.decode()


def test_the_agents_documents_take_constant_queries_per_batch(d):
    """Building the agents' documents (tags, ranks, communities included) reads a constant
    number of queries however many agents: the prefetches hold."""
    kind = registry.get_type("agent")

    def queries(count):
        with CaptureQueriesContext(connection) as captured:
            batch = next(all_documents(kinds=[kind], batch=count))
        assert len(batch) == count
        return len(captured)

    few = queries(3)
    for agent in d.everyone[:3]:
        endorse(agent, "Eau", d.viewer)
    assert queries(10) == few


def test_an_index_of_the_older_mapping_takes_the_new_fields(opensearch_url):
    """An index made before the tags, ranks and sort key (mapping version 1, strict) gets them
    on first use: writing an agent's document and listing it work without a rebuild."""
    backend = OpenSearchBackend(
        url=opensearch_url, index=f"maillage-test-{uuid.uuid4().hex[:10]}", refresh=True
    )
    old = index_definition(backend.dsl, f"{backend.alias}-initial").to_dict()
    for field in ("tags", "ranks", "sort_key"):
        del old["mappings"]["properties"][field]
    del old["mappings"]["_meta"]
    old["aliases"] = {backend.alias: {}}
    backend.client.indices.create(index=f"{backend.alias}-initial", body=old)
    try:
        backend.upsert(
            [
                Document(
                    type="agent",
                    id=1,
                    title="Jean Élève",
                    body="",
                    url="/a/1",
                    access=frozenset({"internal"}),
                    date=timezone.now(),
                    tags=frozenset({"region:53"}),
                    ranks=(("skill:1", 2),),
                    sort_key="eleve jean",
                )
            ]
        )
        found = backend.facet_search(
            type="agent",
            access={"internal"},
            tag_filters={"region": ["53"]},
            facet_names=["region"],
        )
        assert (found.total, found.ids, found.facets) == (1, [1], {"region": [("53", 1)]})
    finally:
        backend.drop()
