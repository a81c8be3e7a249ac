"""The search API (``search.api``) on the database backend, over a directory known by heart."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from directory import whole_counts
from directory.models import Endorsement
from directory.search_backend import DatabaseBackend
from directory.search_index import refresh_search_text
from search import api
from search.backends import _backend, get_backend
from search.text import segmented_text, terms
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory, ServiceFactory
from tests.search.dataset import build_directory, make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return build_directory()


def names(result):
    return [agent.display_name for agent in result.agents]


def facet(result, name):
    """A facet as {value: count}, in the order the API gives."""
    return {o.value: o.count for o in next(f for f in result.facets if f.name == name)}


def endorse(agent, skill, *endorsers):
    tag = Tag.objects.get(name=skill)
    for endorser in endorsers:
        Endorsement.objects.create(agent=agent, tag=tag, endorser=endorser)


# --- accent- and case-insensitive text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("eleve", ["Jean Élève"]),
        ("ÉLÈVE", ["Jean Élève"]),
        ("Élève", ["Jean Élève"]),
        ("ingenieure", ["Claire Martin", "Sophie Petit"]),
        ("INGÉNIEURE ponts", ["Claire Martin"]),
        ("lefevre elodie", ["Élodie Lefèvre"]),
        ("droit sols", ["Jean Élève", "Élodie Lefèvre", "Luc Moreau"]),
        ("ddtm 14", ["Marie Dubois", "Nina Fournier", "Hugo Roux"]),
        ("introuvable", []),
    ],
)
def test_text_search_ignores_accents_and_case(d, query, expected):
    """Every term must appear, whatever its accents and case; results sorted by relevance."""
    result = api.search_agents(d.viewer, query=query, sort="name")
    assert sorted(names(result)) == sorted(expected)
    assert result.total == len(expected)


def test_accented_query_finds_text_typed_without_accents(d):
    """« ÉLÈVE » finds a profile where « eleve » was typed without its accents."""
    typed = make_agent("Rémi", "Garnier", d.ddtm14, "Formateur des eleves")
    result = api.search_agents(d.viewer, query="ÉLÈVE", sort="name")
    assert names(result) == ["Jean Élève", typed.display_name]


def test_search_text_layout():
    """The stored text: normalised segments in weight order, markers never inside a part."""
    assert (
        segmented_text(name="Élève Jean", skills="Droit | sols", position="", service="DDTM")
        == "eleve jean |2| droit sols |3|  |4| ddtm |5| "
    )
    assert terms("  ÉLÈVE |2| a Cœur ") == ["eleve", "coeur"]


# --- facets ------------------------------------------------------------------------------------


def test_facet_counts_without_filters(d):
    """Each facet counts the visible active agents per value; the secret community is hidden."""
    result = api.search_agents(d.viewer)
    assert result.total == 10
    assert facet(result, "region") == {"53": 6, "28": 3}
    assert facet(result, "department") == {"14": 3, "35": 3}
    assert facet(result, "ministry") == {"interministeriel": 6, "ecologie": 3}
    assert facet(result, "kind") == {"DDTM": 6, "DREAL": 3}
    assert facet(result, "skill") == {
        "eau": 4,
        "urbanisme": 4,
        "droit-des-sols": 3,
        "biodiversité": 1,
        "marchés-publics": 1,
    }
    assert facet(result, "community") == {"reseau-urbanisme": 3}
    labels = {f.name: [o.label for o in f.options] for f in result.facets}
    assert labels["region"] == ["Bretagne", "Normandie"]
    assert labels["department"] == ["Calvados (14)", "Ille-et-Vilaine (35)"]
    assert labels["ministry"] == ["Interministériel", "Écologie"]
    assert labels["skill"][:2] == ["Eau", "Urbanisme"]


def test_platform_admin_sees_the_secret_community_facet(d):
    """The community facet lists the communities the viewer may see: all, for an admin."""
    admin = AgentFactory(platform_admin=True, service=None)
    result = api.search_agents(admin)
    assert facet(result, "community") == {"reseau-urbanisme": 3, "cellule-secrete": 2}


def test_a_facet_is_counted_with_the_other_facets_filters(d):
    """With Bretagne chosen, the region facet still offers Normandie; the others narrow."""
    result = api.search_agents(d.viewer, filters={"region": "53"})
    assert result.total == 6
    assert result.filters == {"region": ("53",)}
    assert facet(result, "region") == {"53": 6, "28": 3}
    assert facet(result, "department") == {"35": 3}
    assert facet(result, "ministry") == {"interministeriel": 3, "ecologie": 3}
    assert facet(result, "kind") == {"DDTM": 3, "DREAL": 3}
    assert facet(result, "skill") == {
        "droit-des-sols": 3,
        "eau": 3,
        "urbanisme": 2,
        "biodiversité": 1,
        "marchés-publics": 1,
    }
    assert facet(result, "community") == {"reseau-urbanisme": 2}
    assert next(f for f in result.facets if f.name == "region").selected == ("53",)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "53", "skill": "eau"}, ["Paul Bernard", "Claire Martin", "Sophie Petit"]),
        (
            {"region": "53", "skill": ["eau", "urbanisme"]},
            ["Paul Bernard", "Élodie Lefèvre", "Claire Martin", "Sophie Petit"],
        ),
        (
            {"kind": "DDTM", "skill": "urbanisme"},
            ["Marie Dubois", "Élodie Lefèvre", "Claire Martin", "Hugo Roux"],
        ),
        ({"department": ["35", "14"], "skill": "droit-des-sols"}, ["Jean Élève", "Élodie Lefèvre"]),
        ({"ministry": "ecologie", "community": "reseau-urbanisme"}, []),
        ({"region": "28", "community": "reseau-urbanisme"}, ["Marie Dubois"]),
        (
            {"region": ["28", "53"], "ministry": "interministeriel", "skill": "eau"},
            ["Claire Martin", "Hugo Roux"],
        ),
    ],
)
def test_filters_combine(d, filters, expected):
    """Facets are AND-ed, values of one facet OR-ed."""
    result = api.search_agents(d.viewer, filters=filters, sort="name")
    assert names(result) == expected


def test_filters_combine_with_text(d):
    """Text and facets together."""
    result = api.search_agents(d.viewer, query="ingenieure", filters={"ministry": "ecologie"})
    assert names(result) == ["Sophie Petit"]


def test_unknown_values_and_hidden_communities_are_ignored(d):
    """Unknown facets and values, and a secret community the viewer cannot see, filter nothing."""
    result = api.search_agents(
        d.viewer,
        filters={
            "region": ["99", "53"],
            "skill": "inconnue",
            "community": "cellule-secrete",
            "colour": "blue",
        },
    )
    assert result.filters == {"region": ("53",)}
    assert result.total == 6
    assert result.applied == [("region", "53", "Bretagne")]
    assert facet(result, "community") == {"reseau-urbanisme": 2}


def test_a_selected_value_is_kept_even_with_no_agent_left(d):
    """A value chosen but matching nobody with the other filters stays listed, at 0."""
    result = api.search_agents(d.viewer, filters={"region": "28", "ministry": "ecologie"})
    assert result.total == 0
    assert facet(result, "ministry") == {"interministeriel": 3, "ecologie": 0}


def test_facets_show_the_top_ten_and_the_selected_values(d):
    """Twelve skills: the ten most used are listed, plus a rarer one when it is chosen."""
    for rank in range(12):
        for n in range(12 - rank):
            make_agent("Agent", f"Compétent {rank}-{n}", d.ddtm14, skills=[f"Savoir {rank:02d}"])
    result = api.search_agents(d.viewer)
    skills = facet(result, "skill")
    assert len(skills) == 10
    assert "savoir-11" not in skills
    assert list(skills)[:3] == ["savoir-00", "savoir-01", "savoir-02"]
    result = api.search_agents(d.viewer, filters={"skill": "savoir-11"})
    skills = facet(result, "skill")
    assert len(skills) == 11
    assert skills["savoir-11"] == 1


def test_ties_at_the_tenth_place_go_by_label(d):
    """Twelve skills used once each: the first ten in alphabetical order (accents ignored)."""
    skills = ["Zoologie", "Écologie", "Acoustique", "Botanique", "Chimie", "Droit"]
    skills += ["Fiscalité", "Géologie", "Hydrologie", "Informatique", "Juridique", "Énergie"]
    for n, skill in enumerate(skills):
        make_agent("Agent", f"Singulier {n}", d.ddtm14, skills=[skill])
    result = api.search_agents(d.viewer, query="singulier")
    listed = [Tag.objects.get(slug=slug).name for slug in facet(result, "skill")]
    assert listed == [
        "Acoustique",
        "Botanique",
        "Chimie",
        "Droit",
        "Écologie",
        "Énergie",
        "Fiscalité",
        "Géologie",
        "Hydrologie",
        "Informatique",
    ]
    assert facet(result, "department") == {"14": 12}


def test_agents_without_a_service_count_in_the_total_but_in_no_service_facet(d):
    """An agent with no service is found by text and counted, and left out of the facets of
    the organisation; any filter on them leaves the agent out."""
    make_agent("Agent", "Sansservice", None, skills=["Eau"])
    result = api.search_agents(d.viewer, query="sansservice")
    assert result.total == 1
    assert facet(result, "region") == {} and facet(result, "kind") == {}
    assert facet(result, "skill") == {"eau": 1}
    assert api.search_agents(d.viewer, query="sansservice", filters={"region": "53"}).total == 0


# --- sorting -----------------------------------------------------------------------------------


def test_sort_by_name_ignores_accents(d):
    """By last name then first name, « Élève » among the E."""
    result = api.search_agents(d.viewer, sort="name")
    assert names(result) == [
        "Paul Bernard",
        "Marie Dubois",
        "Jean Élève",
        "Nina Fournier",
        "Élodie Lefèvre",
        "Claire Martin",
        "Luc Moreau",
        "Sophie Petit",
        "Hugo Roux",
        "Anne Simon",
    ]


def test_relevance_weighs_name_then_skills_then_position_then_service(d):
    """The same word in the name, a skill, the position, the service: in that order."""
    service = ServiceFactory(short_name="SPAY", name="Service des paysages", slug="spay")
    in_service = make_agent("Alain", "Abel", service, "Secrétaire")
    in_position = make_agent("Bruno", "Bodin", d.ddtm35, "Chef de projet paysage")
    in_skills = make_agent("Chloé", "Caron", d.ddtm35, "Chargée d'études", ["Paysage"])
    in_name = make_agent("Denis", "Paysagé", d.ddtm35, "Technicien")
    result = api.search_agents(d.viewer, query="paysage")
    assert names(result) == [
        in_name.display_name,
        in_skills.display_name,
        in_position.display_name,
        in_service.display_name,
    ]
    by_name = api.search_agents(d.viewer, query="paysage", sort="name")
    assert names(by_name) == ["Alain Abel", "Bruno Bodin", "Chloé Caron", "Denis Paysagé"]


def test_relevance_adds_up_over_terms(d):
    """Two terms in the name outrank one in the name and one elsewhere."""
    both = make_agent("Rose", "Marin", d.ddtm35, "Garde")
    one = make_agent("Rose", "Bertin", d.ddtm35, "Garde du littoral marin")
    result = api.search_agents(d.viewer, query="rose marin")
    assert names(result) == [both.display_name, one.display_name]


def test_skill_filter_ranks_by_endorsements(d):
    """Filtered by a skill, the agents most endorsed for it come first, then by name."""
    endorse(d.marie, "Urbanisme", d.paul, d.sophie, d.luc)
    endorse(d.claire, "Urbanisme", d.paul)
    endorse(d.hugo, "Eau", d.paul, d.sophie)  # another skill: does not count
    result = api.search_agents(d.viewer, filters={"skill": "urbanisme"})
    assert result.ranks_by_endorsements
    assert names(result) == ["Marie Dubois", "Claire Martin", "Élodie Lefèvre", "Hugo Roux"]
    assert [agent.endorsement_count for agent in result.agents] == [3, 1, 0, 0]
    hugo = result.agents[3]
    assert [(s.name, s.selected, s.endorsements) for s in hugo.search_skills] == [
        ("Urbanisme", True, 0),
        ("Eau", False, 2),
    ]
    by_name = api.search_agents(d.viewer, filters={"skill": "urbanisme"}, sort="name")
    assert names(by_name) == ["Marie Dubois", "Élodie Lefèvre", "Claire Martin", "Hugo Roux"]
    assert [agent.endorsement_count for agent in by_name.agents] == [3, 0, 1, 0]


def test_without_skill_filter_no_endorsement_counts(d):
    """Cards carry their skills, without counts, when no skill is filtered."""
    result = api.search_agents(d.viewer, query="roux")
    assert [(s.name, s.endorsements) for s in result.agents[0].search_skills] == [
        ("Eau", None),
        ("Urbanisme", None),
    ]


def test_unknown_sort_falls_back_to_relevance(d):
    """A hand-written sort is ignored."""
    assert api.search_agents(d.viewer, sort="; DROP TABLE").sort == "relevance"


# --- who may be found --------------------------------------------------------------------------


def test_closed_and_inactive_accounts_never_appear(d):
    """A closed account and an unconfirmed one match nothing, are counted nowhere."""
    result = api.search_agents(d.viewer, query="urbain")
    assert names(result) == []
    result = api.search_agents(d.viewer, filters={"skill": "urbanisme"})
    assert d.closed not in result.agents
    assert d.inactive not in result.agents
    assert result.total == 4
    admin = AgentFactory(platform_admin=True, service=None)
    assert api.search_agents(admin, query="urbain").total == 0


def test_external_user_only_finds_members_of_their_communities(d):
    """A partner invited in « Réseau urbanisme » finds its members, and nobody else."""
    partner = ExternalAgentFactory(first_name="Pia", last_name="Partenaire")
    MembershipFactory(community=d.network, agent=partner)
    result = api.search_agents(partner, sort="name")
    assert names(result) == ["Marie Dubois", "Élodie Lefèvre", "Claire Martin", "Pia Partenaire"]
    assert facet(result, "region") == {"53": 2, "28": 1}
    assert facet(result, "community") == {"reseau-urbanisme": 4}
    assert api.search_agents(partner, query="eleve").total == 0
    assert api.search_agents(partner, filters={"community": "cellule-secrete"}).total == 4


def test_external_user_without_community_finds_nobody(d):
    """A partner whose invitation is still pending sees no agent."""
    partner = ExternalAgentFactory()
    MembershipFactory(community=d.network, agent=partner, invited=True)
    assert api.search_agents(partner).total == 0


def test_anonymous_finds_nobody(d):
    """The API answers an anonymous viewer with nothing."""
    from django.contrib.auth.models import AnonymousUser

    result = api.search_agents(AnonymousUser())
    assert result.total == 0
    assert all(not f.options for f in result.facets)


# --- pagination --------------------------------------------------------------------------------


def test_pagination(d):
    """Pages of the asked size, in order, with the total."""
    pages = [api.search_agents(d.viewer, sort="name", page=n, per_page=4) for n in (1, 2, 3)]
    assert [names(p) for p in pages] == [
        ["Paul Bernard", "Marie Dubois", "Jean Élève", "Nina Fournier"],
        ["Élodie Lefèvre", "Claire Martin", "Luc Moreau", "Sophie Petit"],
        ["Hugo Roux", "Anne Simon"],
    ]
    assert pages[0].page.paginator.num_pages == 3
    assert pages[1].page.has_next() and pages[1].page.has_previous()
    assert not pages[2].page_out_of_range


@pytest.mark.parametrize("page", ["abc", "", None, "-3", "0", "1e5", "9" * 5000])
def test_a_wrong_page_number_gives_the_first_page(d, page):
    """A page number that is not a positive integer gives the first page."""
    result = api.search_agents(d.viewer, sort="name", page=page, per_page=4)
    assert result.page.number == 1
    assert not result.page_out_of_range


def test_a_page_past_the_end_gives_the_last_page(d):
    """Asking for page 1000 of 3 gives page 3, flagged."""
    result = api.search_agents(d.viewer, sort="name", page=1000, per_page=4)
    assert result.page.number == 3
    assert result.page_out_of_range
    assert names(result) == ["Hugo Roux", "Anne Simon"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # A skill: the matches read once for the groups, the page and the tags.
        (
            {"filters": {"skill": "eau"}, "sort": "name"},
            ["Paul Bernard", "Claire Martin", "Sophie Petit", "Hugo Roux"],
        ),
        # A skill and a region: the page among the matches in the region.
        (
            {"filters": {"skill": "eau", "region": "53"}, "sort": "name"},
            ["Paul Bernard", "Claire Martin", "Sophie Petit"],
        ),
        # Words, by relevance: the name first, then the skill, then the position.
        ({"query": "urbanisme"}, None),
    ],
)
def test_a_search_pages_through_its_matches_in_order(d, kwargs, expected):
    """Pages of 2 of a search put end to end give its whole list in the same order, and the
    page past the end is the last one, flagged."""
    whole = names(api.search_agents(d.viewer, per_page=50, **kwargs))
    if expected is not None:
        assert whole == expected
    assert len(whole) >= 3
    pages = []
    for number in range(1, (len(whole) + 1) // 2 + 1):
        result = api.search_agents(d.viewer, page=number, per_page=2, **kwargs)
        assert result.page.number == number and not result.page_out_of_range
        assert result.total == len(whole)
        pages.extend(names(result))
    assert pages == whole
    past = api.search_agents(d.viewer, page=1000, per_page=2, **kwargs)
    assert past.page_out_of_range
    assert past.page.number == (len(whole) + 1) // 2
    assert names(past) == whole[-(len(whole) % 2 or 2) :]


def test_endorsements_order_a_skill_search_then_the_names(d):
    """With a skill filter, the peers' endorsements of that skill come first (on every page),
    the names break ties; sorted by name, they are ignored."""
    endorse(d.sophie, "Eau", d.paul, d.claire)
    endorse(d.hugo, "Eau", d.paul)
    endorse(d.claire, "Urbanisme", d.paul, d.hugo, d.sophie)  # another skill: not counted
    by_relevance = ["Sophie Petit", "Hugo Roux", "Paul Bernard", "Claire Martin"]
    result = api.search_agents(d.viewer, filters={"skill": "eau"})
    assert names(result) == by_relevance
    second = api.search_agents(d.viewer, filters={"skill": "eau"}, page=2, per_page=2)
    assert names(second) == by_relevance[2:]
    by_name = api.search_agents(d.viewer, filters={"skill": "eau"}, sort="name")
    assert names(by_name) == ["Paul Bernard", "Claire Martin", "Sophie Petit", "Hugo Roux"]


def test_no_result_is_one_empty_page(d):
    """No match: page 1 of 1, empty."""
    result = api.search_agents(d.viewer, query="zzzz", page=5)
    assert result.page.number == 1
    assert list(result.agents) == []


# --- constant number of queries ----------------------------------------------------------------


def _queries_of(viewer, **kwargs):
    """The queries of one search, the whole directory's counts not cached
    (``directory.whole_counts``)."""
    whole_counts.changed()
    with CaptureQueriesContext(connection) as captured:
        api.search_agents(viewer, **kwargs)
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"query": "urbanisme"},
        {"query": "ddtm", "filters": {"region": "53", "skill": ["urbanisme", "eau"]}},
        {"filters": {"community": "reseau-urbanisme", "kind": "DDTM"}, "sort": "name"},
    ],
)
def test_query_count_does_not_grow_with_the_agents(d, kwargs):
    """The same search runs as many queries with 10 agents as with 60."""
    _queries_of(d.viewer, **kwargs)  # warm the content-type cache
    small = _queries_of(d.viewer, **kwargs)
    for n in range(50):
        agent = make_agent(
            "Agent", f"Numéro {n}", (d.ddtm35, d.dreal53, d.ddtm14)[n % 3], "Urbaniste DDTM"
        )
        agent.skills.set(["Urbanisme", "Eau", f"Rare {n}"])
        refresh_search_text(agent)
        MembershipFactory(community=d.network, agent=agent)
    assert _queries_of(d.viewer, **kwargs) == small
    # The matches grouped by service (total and four facets) and those facets' labels; the
    # page's ids, rows and skills; the skills facet (counts, then names) and the community
    # facet; plus the labels of the filters and the endorsements of the page when filters (a
    # skill) are given.
    assert small <= 2 + 3 + 3 + 1 + 1


# --- the backend registry, skills completion ---------------------------------------------------


def test_registry_answers_with_the_database_backend(settings):
    """The settings' backend, the database one, is what the search API uses."""
    assert settings.SEARCH_BACKEND == "database"
    assert isinstance(get_backend(), DatabaseBackend)


def test_registry_refuses_a_backend_that_does_not_exist(settings):
    """Settings that name a backend not written (Elasticsearch, today) are refused, never
    answered from the database in silence."""
    settings.SEARCH_BACKEND = "elasticsearch"
    _backend.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="elasticsearch"):
            get_backend()
    finally:
        _backend.cache_clear()


def test_skill_suggestions_ignore_accents(d):
    """Existing skills, prefix matches first, then words, then inside a word."""
    make_agent("Rémi", "Garnier", d.ddtm14, skills=["Éducation populaire", "Rééducation"])
    assert api.suggest_skills("edu") == ["Éducation populaire", "Rééducation"]
    assert api.suggest_skills("EAU") == ["Eau"]
    assert api.suggest_skills("bio") == ["Biodiversité"]
    assert api.suggest_skills("sols") == ["Droit des sols"]
    assert api.suggest_skills("  ") == []
    assert api.suggest_skills("zzz") == []
