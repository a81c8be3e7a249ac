"""The directory's search page (/annuaire/), its CSV export and the skills completion."""

import csv
import io
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from directory.models import Endorsement
from directory.search_index import refresh_search_text
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory
from tests.plans import plan_of
from tests.search.dataset import build_directory, make_agent

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
# The queries of a search page, whatever the number of agents: session and agent (2), the labels
# of the skills and communities filtered on (1), the GROUP BY service (count and the four
# organisation facets), ids of the page, rows of the page, skills of the page, endorsements of
# the page (5), the stored tags counted — one pass for the skill and community facets, or one
# each when both are filtered on (at most 2) —, the skills' labels and the communities the facet
# may list (2). The organisation's labels come from the cache (``directory.facet_labels``).
SEARCH_PAGE_QUERIES = 12


@pytest.fixture
def d():
    return build_directory()


@pytest.fixture
def viewer_client(client, d):
    client.force_login(d.viewer)
    return client


def search_url(**params):
    return reverse("directory:search") + ("?" + urlencode(params, doseq=True) if params else "")


def export_url(**params):
    return reverse("directory:search_export") + (
        "?" + urlencode(params, doseq=True) if params else ""
    )


def page_text(response):
    return unescape(response.content.decode())


def result_names(response):
    html = response.content.decode()
    return [
        unescape(name) for name in re.findall(r'data-testid="search-result-name">([^<]+)</a>', html)
    ]


def facet_counts(response, facet):
    """{label: count} of one facet as the page shows it."""
    html = response.content.decode()
    block = re.search(rf'data-testid="facet-{facet}">(.*?)</fieldset>', html, re.S)
    if block is None:
        return {}
    return {
        unescape(label.strip()): int(count)
        for label, count in re.findall(
            r'<label class="fr-label"[^>]*>([^<]+)\s*<span[^>]*>(\d+) agents?</span>',
            block.group(1),
        )
    }


def csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


# --- the page ----------------------------------------------------------------------------------


def test_search_requires_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get(search_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_page_without_parameters_lists_everyone_with_facets(viewer_client):
    """The bare address lists the visible agents by name, facets and counts in the side column."""
    response = viewer_client.get(search_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "10 agents" in text
    assert result_names(response) == [
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
    assert facet_counts(response, "region") == {"Bretagne": 6, "Normandie": 3}
    assert facet_counts(response, "department") == {"Calvados (14)": 3, "Ille-et-Vilaine (35)": 3}
    assert facet_counts(response, "skill") == {
        "Eau": 4,
        "Urbanisme": 4,
        "Droit des sols": 3,
        "Biodiversité": 1,
        "Marchés publics": 1,
    }
    assert facet_counts(response, "community") == {"Réseau urbanisme": 3}
    assert "Cellule secrète" not in text
    html = response.content.decode()
    # Works without JavaScript: a GET form with a submit button; htmx enhances the same form.
    assert 'method="get"' in html and 'type="submit"' in html
    assert 'hx-get="/annuaire/"' in html and 'hx-target="#search-results"' in html


def test_facet_labels_follow_a_renamed_region_and_ministry(viewer_client, d):
    """The organisation's labels are kept in the cache between searches, and a region or a
    ministry renamed shows under its new name in the very next search."""
    from directory.models import Ministry, Region

    assert "Bretagne" in facet_counts(viewer_client.get(search_url()), "region")
    with CaptureQueriesContext(connection) as captured:
        viewer_client.get(search_url())
    assert not [q for q in captured.captured_queries if 'FROM "directory_region"' in q["sql"]]

    region = Region.objects.get(code="53")
    region.name = "Bretagne-Armor"
    region.save()
    ministry = d.ddtm35.ministry
    ministry.short_name = "Écologie et territoires"
    ministry.save()
    response = viewer_client.get(search_url())
    regions = facet_counts(response, "region")
    assert regions.get("Bretagne-Armor") == 6 and "Bretagne" not in regions
    assert "Écologie et territoires" in facet_counts(response, "ministry")
    assert Ministry.objects.filter(short_name="Écologie et territoires").exists()


def test_a_renamed_service_s_agents_are_found_by_its_new_name(viewer_client, d):
    """A service renamed in the back-office: its agents are found by the new name at once, no
    longer by the old one, and their other segments (skills) are kept."""
    assert len(result_names(viewer_client.get(search_url(q="ddtm 14")))) == 3
    d.ddtm14.short_name = "DDTM du Calvados"
    d.ddtm14.name = "Direction des territoires et de la mer du Calvados"
    d.ddtm14.save()
    assert result_names(viewer_client.get(search_url(q="ddtm 14"))) == []
    found = result_names(viewer_client.get(search_url(q="ddtm du calvados", sort="name")))
    assert found == ["Marie Dubois", "Nina Fournier", "Hugo Roux"]
    # Hugo's skills are still in his text.
    assert result_names(viewer_client.get(search_url(q="calvados eau"))) == ["Hugo Roux"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_name_order_reads_the_name_index_on_postgresql(d):
    """On PostgreSQL the directory in name order (its bare address, any page sorted by name)
    reads the page's ids from ``directory_agent_active_by_name``, not by sorting every agent:
    the same expression orders the query and keys the index."""
    from bench.generator import generate_directory
    from search.api import search_agents

    generate_directory(agents=3000, services=60, seed=3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_agent")
    with CaptureQueriesContext(connection) as captured:
        result = search_agents(d.viewer, sort="name", page=20)
        assert len(list(result.agents)) == 20
    sql = next(q["sql"] for q in captured.captured_queries if "ORDER BY LEFT(" in q["sql"])
    plan = plan_of(sql)
    assert "directory_agent_active_by_name" in plan, plan
    assert "Sort" not in plan, plan


def test_filters_and_text_from_the_address(viewer_client):
    """A shared address gives the same search: text, facets, sort."""
    response = viewer_client.get(
        search_url(q="ingenieure", region="53", skill=["eau", "urbanisme"], sort="name")
    )
    assert result_names(response) == ["Claire Martin", "Sophie Petit"]
    html = response.content.decode()
    assert 'value="ingenieure"' in html
    assert re.search(r'name="region" value="53" id="facet-region-53" checked', html)
    assert '<option value="name" selected>' in html
    assert "Retirer le filtre Bretagne" in page_text(response)


def test_active_filter_tag_removes_only_its_value(viewer_client):
    """Each active filter links to the same search without it."""
    response = viewer_client.get(search_url(q="eau", region="53", skill="eau"))
    html = unescape(response.content.decode())
    removal = re.search(r'href="([^"]+)" aria-label="Retirer le filtre Bretagne"', html).group(1)
    assert removal == "/annuaire/?q=eau&skill=eau"


def test_htmx_gets_the_results_and_the_facets_out_of_band(viewer_client):
    """An htmx request gets the fragment, the facets swapped out of band, a clean address."""
    response = viewer_client.get(
        search_url(q="eleve", sort="relevance", region="53", ministry=""),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert '<div id="search-facets" hx-swap-oob="true">' in html
    assert result_names(response) == ["Jean Élève"]
    assert response["HX-Push-Url"] == "/annuaire/?q=eleve&sort=relevance&region=53"
    assert "HX-Request" in response["Vary"]


def test_full_page_has_no_out_of_band_facets(viewer_client):
    """The whole page, and an htmx history restore, get the page with its facets in place."""
    for headers in ({}, {"HX-Request": "true", "HX-History-Restore-Request": "true"}):
        response = viewer_client.get(search_url(q="eleve"), headers=headers)
        html = response.content.decode()
        assert "<html" in html
        assert "hx-swap-oob" not in html
        assert html.count('id="search-facets"') == 1


def test_pagination_keeps_the_search(viewer_client, d):
    """Twenty per page; the page links keep the other parameters."""
    for n in range(25):
        make_agent("Agent", f"Urbaniste {n:02d}", d.ddtm35, "Urbaniste")
    response = viewer_client.get(search_url(q="urbaniste", sort="name"))
    assert "25 agents" in page_text(response)
    assert len(result_names(response)) == 20
    html = unescape(response.content.decode())
    assert 'href="?q=urbaniste&sort=name&page=2"' in html
    second = viewer_client.get(search_url(q="urbaniste", sort="name", page=2))
    assert result_names(second) == [f"Agent Urbaniste {n}" for n in range(20, 25)]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-4"},
        {"page": "99999"},
        {"region": ["zz", SCRIPT], "skill": SCRIPT, "community": "cellule-secrete"},
        {"sort": "n'importe quoi", "colour": "bleu"},
        {"q": "x" * 1990},
        {"q": SCRIPT},
        {"q": "100%_\\'\"|2|"},
    ],
)
def test_bad_input_never_fails(viewer_client, params):
    """Hand-written addresses give a page, never an error, and nothing unescaped."""
    response = viewer_client.get(search_url(**params))
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize("params", [{"page": "9" * 5000}, {"q": "x" * 5000}])
def test_an_overlong_parameter_is_refused_in_french(viewer_client, params):
    """No search needs 5,000 characters: 400 with the reason, not a page nor an error."""
    response = viewer_client.get(search_url(**params))
    assert response.status_code == 400
    assert "dépasse 2\u202f000 caractères" in response.content.decode()


def test_page_past_the_end_says_so(viewer_client):
    """A page number past the last shows the last page with a message."""
    response = viewer_client.get(search_url(page=99999))
    assert 'data-testid="page-out-of-range"' in response.content.decode()
    assert len(result_names(response)) == 10


def test_no_result_message(viewer_client):
    """A search that finds nobody says so and offers to clear the filters."""
    response = viewer_client.get(search_url(q="introuvable"))
    text = page_text(response)
    assert "Aucun agent ne correspond à votre recherche." in text
    assert "Effacer les filtres" in text


def test_cards_show_position_service_territory_and_escape_text(viewer_client, d):
    """A card shows the position, service, ministry and territory; profile text is escaped."""
    make_agent("Zed", "Zorro", d.ddtm35, f"Chef {SCRIPT}", [f"Piratage {SCRIPT}"])
    response = viewer_client.get(search_url(q="zorro"))
    html = response.content.decode()
    assert SCRIPT not in html
    assert "Chef &lt;script&gt;" in html
    text = page_text(response)
    assert "DDTM 35" in text and "Interministériel" in text
    assert "Ille-et-Vilaine" in text and "Bretagne" in text


def test_skill_filter_shows_endorsement_counts(viewer_client, d):
    """Filtered by a skill, cards are ranked by endorsements and show the counts."""
    tag = Tag.objects.get(name="Urbanisme")
    for endorser in (d.paul, d.sophie):
        Endorsement.objects.create(agent=d.marie, tag=tag, endorser=endorser)
    response = viewer_client.get(search_url(skill="urbanisme"))
    assert result_names(response)[0] == "Marie Dubois"
    text = page_text(response)
    assert "Urbanisme · 2 recommandations" in text
    assert "les plus recommandés d'abord" in text
    plain = viewer_client.get(search_url(q="dubois"))
    assert "recommandation" not in page_text(plain)


def test_external_user_finds_only_members_of_their_communities(client, d):
    """The page applies the same rule as the API for a partner."""
    partner = ExternalAgentFactory(first_name="Pia", last_name="Partenaire")
    MembershipFactory(community=d.network, agent=partner)
    client.force_login(partner)
    response = client.get(search_url(sort="name"))
    assert result_names(response) == [
        "Marie Dubois",
        "Élodie Lefèvre",
        "Claire Martin",
        "Pia Partenaire",
    ]
    assert 'data-testid="search-export"' not in response.content.decode()


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "urbanisme"},
        {
            "q": "ddtm",
            "region": "53",
            "skill": ["urbanisme", "eau"],
            "community": "reseau-urbanisme",
        },
    ],
)
def test_query_count_is_pinned_and_does_not_grow(
    viewer_client, d, params, django_assert_max_num_queries
):
    """The search page runs the same queries for 10 agents and for 60, at most the pinned count."""
    url = search_url(**params)
    viewer_client.get(url)  # warm the content-type cache
    small = _page_queries(viewer_client, url)
    for n in range(50):
        agent = make_agent(
            "Agent", f"Numéro {n}", (d.ddtm35, d.dreal53, d.ddtm14)[n % 3], "Urbaniste DDTM"
        )
        agent.skills.set(["Urbanisme", "Eau", f"Rare {n}"])
        refresh_search_text(agent)
        MembershipFactory(community=d.network, agent=agent)
        Endorsement.objects.create(agent=agent, tag=Tag.objects.get(name="Eau"), endorser=d.luc)
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        response = viewer_client.get(url)
    assert response.status_code == 200
    assert _page_queries(viewer_client, url) == small


# --- the CSV export ----------------------------------------------------------------------------


def test_export_link_only_for_sgar_officers_and_admins(client, d):
    """« Exporter en CSV » carries the search's parameters and shows only to those allowed."""
    client.force_login(d.viewer)
    assert 'data-testid="search-export"' not in client.get(search_url()).content.decode()
    for allowed in (AgentFactory(sgar=True), AgentFactory(platform_admin=True)):
        client.force_login(allowed)
        html = unescape(client.get(search_url(q="eau", region="53", page=2)).content.decode())
        assert 'href="/annuaire/export.csv?q=eau&region=53" data-testid="search-export"' in html


def test_export_refused_to_an_ordinary_agent(viewer_client):
    """An ordinary agent gets a 403 with the reason."""
    response = viewer_client.get(export_url())
    assert response.status_code == 403
    assert "réservé aux chargés de mission SGAR" in page_text(response)


def test_export_refused_to_an_external_user(client, d):
    """A partner gets a 403 too."""
    partner = ExternalAgentFactory()
    MembershipFactory(community=d.network, agent=partner)
    client.force_login(partner)
    assert client.get(export_url()).status_code == 403


def test_export_requires_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    assert client.get(export_url()).status_code == 302


@pytest.mark.parametrize("trait", ["sgar", "platform_admin"])
def test_export_serves_the_search_as_csv(client, d, trait):
    """SGAR officers and administrators get the rows of the search, in its order, for Excel."""
    client.force_login(AgentFactory(service=None, **{trait: True}))
    response = client.get(export_url(region="53", skill=["eau", "urbanisme"], sort="name"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="annuaire-')
    assert "X-Export-Truncated" not in response
    assert response["X-Export-Total"] == "4"
    rows = csv_rows(response)
    assert rows[0] == [
        "nom",
        "prénom",
        "fonction",
        "service",
        "ministère",
        "département",
        "région",
        "compétences",
        "adresse électronique",
    ]
    assert [row[:2] for row in rows[1:]] == [
        ["Bernard", "Paul"],
        ["Lefèvre", "Élodie"],
        ["Martin", "Claire"],
        ["Petit", "Sophie"],
    ]
    claire = rows[3]
    assert claire[2:8] == [
        "Ingénieure des ponts",
        "Direction départementale des territoires et de la mer d'Ille-et-Vilaine",
        "Interministériel",
        "Ille-et-Vilaine",
        "Bretagne",
        "Eau, Urbanisme",
    ]
    assert claire[8] == d.claire.email
    assert rows[1][5] == ""  # the DREAL is regional: no department


def test_export_shows_the_email_only_when_visible_to_all(client, d):
    """The e-mail column is empty unless its owner shows it to every agent; no phone at all."""
    d.claire.email_visibility = "communities"
    d.claire.phone = "02 99 00 00 00"
    d.claire.save()
    d.sophie.email_visibility = "nobody"
    d.sophie.save()
    client.force_login(AgentFactory(sgar=True))
    response = client.get(export_url(q="ingenieure", sort="name"))
    rows = csv_rows(response)
    assert [(row[0], row[8]) for row in rows[1:]] == [("Martin", ""), ("Petit", "")]
    assert "02 99" not in response.content.decode()


def test_export_neutralises_formulas(client, d):
    """A cell that Excel would run as a formula is prefixed with a quote; HTML is inert text."""
    make_agent("=cmd", "+Zorro", d.ddtm35, '=HYPERLINK("http://x.example","clic")', ["@SUM(A1)"])
    client.force_login(AgentFactory(platform_admin=True))
    response = client.get(export_url(q="zorro"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    row = csv_rows(response)[1]
    assert row[:3] == ["'+Zorro", "'=cmd", '\'=HYPERLINK("http://x.example","clic")']
    assert row[7] == "'@SUM(A1)"


def test_export_is_limited_and_says_so(client, d, monkeypatch):
    """Past the limit, the first rows only: the header and the file name say so."""
    monkeypatch.setattr("directory.views.search.EXPORT_LIMIT", 3)
    client.force_login(AgentFactory(sgar=True, service=None))
    response = client.get(export_url(sort="name"))
    assert response["X-Export-Truncated"] == "3/11"
    assert "-3-premiers-sur-11.csv" in response["Content-Disposition"]
    assert len(csv_rows(response)) == 1 + 3


# --- skills completion -------------------------------------------------------------------------


def test_skill_autocomplete_ignores_accents(viewer_client, d):
    """Existing skills, whatever accents and case were typed; at most ten."""
    make_agent("Rémi", "Garnier", d.ddtm14, skills=["Éducation populaire"])
    url = reverse("directory:skill_autocomplete")
    assert viewer_client.get(url, {"q": "BIODIV"}).json() == ["Biodiversité"]
    assert viewer_client.get(url, {"q": "educ"}).json() == ["Éducation populaire"]
    assert viewer_client.get(url, {"q": "marches"}).json() == ["Marchés publics"]
    assert viewer_client.get(url, {"q": ""}).json() == []
    assert viewer_client.get(url).json() == []


def test_skill_autocomplete_returns_at_most_ten(viewer_client, d):
    """Twelve matching skills: ten names."""
    make_agent("Rémi", "Garnier", d.ddtm14, skills=[f"Savoir {n:02d}" for n in range(12)])
    response = viewer_client.get(reverse("directory:skill_autocomplete"), {"q": "savoir"})
    assert response["Content-Type"] == "application/json"
    assert len(response.json()) == 10


def test_skill_autocomplete_requires_sign_in(client):
    """Anonymous visitors get nothing."""
    response = client.get(reverse("directory:skill_autocomplete"), {"q": "eau"})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("visibility", "filter_applies"),
    [("open", True), ("on_request", False), ("private_listed", False), ("private_secret", False)],
)
def test_community_filter_only_reveals_readable_member_lists(visibility, filter_applies):
    """Filtering by a community lists its members only where the outsider may read them; for
    the others the filter is dropped and the community is not offered as a facet."""
    from search.api import search_agents
    from tests.factories import CommunityFactory

    community = CommunityFactory(visibility=visibility, slug=f"c-{visibility}")
    MembershipFactory(community=community, agent=AgentFactory())
    AgentFactory()  # someone outside the community
    outsider = AgentFactory(email="dehors@ddt.gouv.fr")
    results = search_agents(outsider, filters={"community": [community.slug]})
    assert bool(results.filters.get("community")) is filter_applies
    facet = next(f for f in results.facets if f.name == "community")
    assert (community.slug in [option.value for option in facet]) is filter_applies
    if filter_applies:
        assert results.total == community.member_count
