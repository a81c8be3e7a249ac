"""The organisation pages: a service, a region, a department."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from directory.models import Department, Ministry, Region, ServiceKind
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

Scope = Community.Scope


def text_of(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def service_rows(response):
    """(short name, agent count) of each service row, in order."""
    html = unescape(response.content.decode())
    return [
        (name, int(count))
        for name, count in re.findall(
            r'<tr data-testid="org-service">\s*<td><a href="[^"]+">([^<]+)</a>.*?'
            r'data-testid="org-service-agents">(\d+)</td>',
            html,
            flags=re.S,
        )
    ]


def agent_rows(response):
    html = unescape(response.content.decode())
    return re.findall(r'<tr data-testid="service-agent">\s*<td><a href="[^"]+">([^<]+)</a>', html)


def community_cards(response):
    html = unescape(response.content.decode())
    return re.findall(r'<h3 class="fr-card__title">\s*<a href="[^"]+">([^<]+)</a>', html)


def service_url(service):
    return reverse("directory:service", args=[service.slug])


def region_url(region):
    return reverse("directory:region", args=[region.slug])


def department_url(department):
    return reverse("directory:department", args=[department.slug])


@pytest.fixture
def world(db):
    """Bretagne: DDTM 35 and DDPP 35 in Ille-et-Vilaine, DDTM 29 in Finistère, the regional DREAL;
    DDT 75 in Paris. Communities of every scope and visibility, some animated from DDTM 35."""
    bretagne = Region.objects.get(code="53")
    ille = Department.objects.get(code="35")
    finistere = Department.objects.get(code="29")
    paris = Department.objects.get(code="75")
    w = {"bretagne": bretagne, "ille": ille, "finistere": finistere}
    w["ddtm35"] = ServiceFactory(
        short_name="DDTM 35", slug="ddtm-35", department=ille, city="Rennes"
    )
    w["ddpp35"] = ServiceFactory(
        short_name="DDPP 35",
        slug="ddpp-35",
        department=ille,
        kind=ServiceKind.objects.get(code="DDPP"),
    )
    w["ddtm29"] = ServiceFactory(short_name="DDTM 29", slug="ddtm-29", department=finistere)
    w["dreal"] = ServiceFactory(short_name="DREAL Bretagne", slug="dreal-bretagne", regional=True)
    w["ddt75"] = ServiceFactory(
        short_name="DDT 75",
        slug="ddt-75",
        department=paris,
        kind=ServiceKind.objects.get(code="DDT"),
    )

    w["alice"] = AgentFactory(
        first_name="Alice", last_name="Arnaud", service=w["ddtm35"], position="Cheffe d'unité eau"
    )
    w["bruno"] = AgentFactory(
        first_name="Bruno", last_name="Bihan", service=w["ddtm35"], position="Instructeur ADS"
    )
    AgentFactory(
        first_name="Ancien", last_name="Parti", service=w["ddtm35"], closed_at=timezone.now()
    )
    AgentFactory(first_name="Pas", last_name="Confirme", service=w["ddtm35"], is_active=False)
    AgentFactory(service=w["ddpp35"])
    AgentFactory(service=w["dreal"])
    AgentFactory(service=w["dreal"])
    AgentFactory(service=w["dreal"])
    AgentFactory(service=w["ddt75"])

    def community(name, animator=None, **kwargs):
        c = CommunityFactory(name=name, **kwargs)
        if animator:
            MembershipFactory(community=c, agent=animator, animator=True)
        return c

    w["regional"] = community(
        "Réseau eau Bretagne", w["alice"], scope=Scope.REGION, region=bretagne
    )
    w["club35"] = community(
        "Club ADS 35", w["bruno"], scope=Scope.DEPARTMENT, department=ille, region=None
    )
    w["club29"] = community(
        "Club littoral 29", scope=Scope.DEPARTMENT, department=finistere, region=None
    )
    w["secret"] = community(
        "Cellule discrète", w["alice"], scope=Scope.REGION, region=bretagne, private_secret=True
    )
    w["listed"] = community(
        "Groupe privé listé", scope=Scope.REGION, region=bretagne, private_listed=True
    )
    w["archived"] = community("Ancien réseau", w["alice"], region=bretagne, archived=True)
    w["national"] = community("Réseau national", w["alice"], scope=Scope.NATIONAL, region=None)
    w["idf"] = community("Réseau francilien", region=Region.objects.get(code="11"))
    # Alice is a plain member (not an animator) of this one: not listed on her service's page.
    w["member_only"] = community("Communauté suivie", scope=Scope.REGION, region=bretagne)
    MembershipFactory(community=w["member_only"], agent=w["alice"])

    w["viewer"] = AgentFactory(first_name="Victor", last_name="Visiteur", service=w["ddt75"])
    return w


@pytest.fixture
def viewer_client(client, world):
    client.force_login(world["viewer"])
    return client


# --- the service page ----------------------------------------------------------------------------


def test_service_page_shows_the_service_and_its_territory(viewer_client, world):
    """Name, kind, ministry, and links to its department and region pages."""
    text = text_of(viewer_client.get(service_url(world["ddtm35"])))
    assert "Direction départementale des territoires et de la mer DDTM 35" in text
    assert ServiceKind.objects.get(code="DDTM").name in text
    assert Ministry.objects.get(code=Ministry.INTERMINISTERIAL).name in text
    assert 'href="/annuaire/departements/ille-et-vilaine/"' in text
    assert 'href="/annuaire/regions/bretagne/"' in text
    assert "Rennes" in text


def test_service_page_breadcrumb(viewer_client, world):
    """Annuaire › Région › Département › Service."""
    text = text_of(viewer_client.get(service_url(world["ddtm35"])))
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', text)
    assert crumbs == ["Accueil", "Annuaire", "Bretagne", "Ille-et-Vilaine", "DDTM 35"]


def test_regional_service_breadcrumb_has_no_department(viewer_client, world):
    """A regional service sits directly under its region."""
    text = text_of(viewer_client.get(service_url(world["dreal"])))
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', text)
    assert crumbs == ["Accueil", "Annuaire", "Bretagne", "DREAL Bretagne"]
    assert "service régional" in text


def test_service_page_lists_active_agents_with_profile_links(viewer_client, world):
    """Active, not closed agents by name, with their position and a link to their profile."""
    response = viewer_client.get(service_url(world["ddtm35"]))
    assert agent_rows(response) == ["Alice Arnaud", "Bruno Bihan"]
    text = text_of(response)
    assert f'href="/agents/{world["alice"].pk}/"' in text
    assert "Cheffe d'unité eau" in text
    assert "Agents (2)" in re.sub(r"<[^>]+>", "", text)
    assert "Confirme" not in text
    assert "ancien agent" not in text


def test_service_page_lists_visible_communities_its_agents_animate(viewer_client, world):
    """Communities animated from the service, listed and not archived, visible to the viewer."""
    response = viewer_client.get(service_url(world["ddtm35"]))
    assert community_cards(response) == ["Club ADS 35", "Réseau eau Bretagne", "Réseau national"]
    text = text_of(response)
    assert "Cellule discrète" not in text
    assert "Ancien réseau" not in text
    assert "Communauté suivie" not in text


def test_secret_community_listed_on_service_page_for_its_members(client, world):
    """A member of the secret community sees it there, as on the browsing page."""
    client.force_login(world["bruno"])
    MembershipFactory(community=world["secret"], agent=world["bruno"])
    assert "Cellule discrète" in community_cards(client.get(service_url(world["ddtm35"])))


def test_service_page_is_paginated_by_30(viewer_client, world):
    """30 agents a page (35 here); a bad or too large page number shows a page, not an error."""
    for i in range(33):
        AgentFactory(first_name="Agent", last_name=f"Z{i:02d}", service=world["ddtm35"])
    url = service_url(world["ddtm35"])
    assert len(agent_rows(viewer_client.get(url))) == 30
    last_page = ["Agent Z28", "Agent Z29", "Agent Z30", "Agent Z31", "Agent Z32"]
    assert agent_rows(viewer_client.get(url + "?page=2")) == last_page
    assert len(agent_rows(viewer_client.get(url + "?page=abc"))) == 30
    assert agent_rows(viewer_client.get(url + "?page=999")) == last_page


def test_service_without_agent(viewer_client, world):
    """An empty service says so."""
    service = ServiceFactory(short_name="SIDSIC 35", slug="sidsic-35")
    text = text_of(viewer_client.get(service_url(service)))
    assert 'data-testid="service-no-agent"' in text
    assert 'data-testid="org-no-community"' in text


# --- the region page -----------------------------------------------------------------------------


def test_region_page_lists_its_departments(viewer_client, world):
    """Each department of the region, with a link to its page and its counts."""
    text = text_of(viewer_client.get(region_url(world["bretagne"])))
    block = text.split('data-testid="region-departments"')[1].split("</ul>")[0]
    names = re.findall(r'<a href="/annuaire/departements/([^/]+)/">', block)
    assert names == ["cotes-d-armor", "finistere", "ille-et-vilaine", "morbihan"]
    assert "2 services · 3 agents" in block  # Ille-et-Vilaine: DDTM 35 (2), DDPP 35 (1)
    assert "1 service · 0 agent" in block  # Finistère: DDTM 29


def test_region_page_groups_services_by_kind_with_agent_counts(viewer_client, world):
    """Services of the region and its departments, by kind, with their active agents counted."""
    response = viewer_client.get(region_url(world["bretagne"]))
    assert service_rows(response) == [
        ("DDPP 35", 1),
        ("DDTM 29", 0),
        ("DDTM 35", 2),
        ("DREAL Bretagne", 3),
    ]
    text = text_of(response)
    for code in ("DDPP", "DDTM", "DREAL"):
        assert f'data-testid="org-services-{code}"' in text
    assert "DDT 75" not in text


def test_region_page_lists_regional_and_departmental_communities(viewer_client, world):
    """Communities scoped to the region or one of its departments the viewer may see."""
    response = viewer_client.get(region_url(world["bretagne"]))
    assert community_cards(response) == [
        "Club ADS 35",
        "Club littoral 29",
        "Communauté suivie",
        "Groupe privé listé",
        "Réseau eau Bretagne",
    ]
    text = text_of(response)
    for absent in ("Cellule discrète", "Ancien réseau", "Réseau national", "Réseau francilien"):
        assert absent not in text


def test_secret_community_listed_on_region_page_for_members_and_admins(client, world):
    """Members of a secret community and platform administrators see it on the region page."""
    client.force_login(world["alice"])
    assert "Cellule discrète" in community_cards(client.get(region_url(world["bretagne"])))
    client.force_login(AgentFactory(platform_admin=True))
    assert "Cellule discrète" in community_cards(client.get(region_url(world["bretagne"])))


def test_pages_link_every_region_and_the_directory_search(viewer_client, world):
    """Each page has the index of regions and a way back to the directory search."""
    for url in (
        service_url(world["ddtm35"]),
        region_url(world["bretagne"]),
        department_url(world["ille"]),
    ):
        text = text_of(viewer_client.get(url))
        nav = text.split('data-testid="org-regions"')[1].split("</nav>")[0]
        assert len(re.findall(r'href="/annuaire/regions/[^/]+/"', nav)) == Region.objects.count()
        assert 'href="/annuaire/"' in nav
        assert 'aria-current="page">Bretagne<' in nav


# --- the department page -------------------------------------------------------------------------


def test_department_page_shows_its_region_services_and_communities(viewer_client, world):
    """Its region (linked), its own services with counts, its departmental communities."""
    response = viewer_client.get(department_url(world["ille"]))
    text = text_of(response)
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', text)
    assert crumbs == ["Accueil", "Annuaire", "Bretagne", "Ille-et-Vilaine"]
    region_line = text.split('data-testid="department-region"')[1].split("</p>")[0]
    assert 'href="/annuaire/regions/bretagne/"' in region_line
    assert service_rows(response) == [("DDPP 35", 1), ("DDTM 35", 2)]
    assert community_cards(response) == ["Club ADS 35"]
    for absent in ("Réseau eau Bretagne", "Club littoral 29", "Cellule discrète"):
        assert absent not in text


def test_secret_departmental_community_hidden_from_outsiders(client, world):
    """A secret departmental community: listed for its member, never for an outsider."""
    secret = CommunityFactory(
        name="Cellule départementale",
        scope=Scope.DEPARTMENT,
        department=world["ille"],
        region=None,
        private_secret=True,
    )
    MembershipFactory(community=secret, agent=world["bruno"], animator=True)
    client.force_login(world["viewer"])
    for url in (
        department_url(world["ille"]),
        region_url(world["bretagne"]),
        service_url(world["ddtm35"]),
    ):
        assert "Cellule départementale" not in text_of(client.get(url))
    client.force_login(world["bruno"])
    assert "Cellule départementale" in community_cards(client.get(department_url(world["ille"])))


# --- who may see them ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["service", "region", "department"])
def test_external_user_gets_404(client, world, page):
    """A partner invited into a community does not browse the directory."""
    partner = ExternalAgentFactory()
    MembershipFactory(community=world["regional"], agent=partner)
    client.force_login(partner)
    url = {
        "service": service_url(world["ddtm35"]),
        "region": region_url(world["bretagne"]),
        "department": department_url(world["ille"]),
    }[page]
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["service", "region", "department"])
def test_anonymous_visitor_is_sent_to_sign_in(client, world, page):
    """The pages are for signed-in agents."""
    url = {
        "service": service_url(world["ddtm35"]),
        "region": region_url(world["bretagne"]),
        "department": department_url(world["ille"]),
    }[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        "/annuaire/services/inconnu/",
        "/annuaire/regions/atlantide/",
        "/annuaire/departements/99/",
        "/annuaire/departements/ille-et-vilaine-35/",
    ],
)
def test_unknown_slugs_are_404(viewer_client, url):
    """An unknown service, region or department is a 404, not an error."""
    assert viewer_client.get(url).status_code == 404


def test_department_code_is_not_its_slug(viewer_client, world):
    """Department pages are addressed by slug (« ille-et-vilaine »), not by code (« 35 »)."""
    assert viewer_client.get("/annuaire/departements/35/").status_code == 404
    assert viewer_client.get("/annuaire/departements/ille-et-vilaine/").status_code == 200


# --- query counts --------------------------------------------------------------------------------


def _grow(world):
    """35 more agents, more services and communities around Ille-et-Vilaine."""
    for i in range(35):
        agent = AgentFactory(service=world["ddtm35"] if i % 2 else world["ddpp35"])
        if i % 5 == 0:
            c = CommunityFactory(scope=Scope.DEPARTMENT, department=world["ille"], region=None)
            MembershipFactory(community=c, agent=agent, animator=True)
            c.themes.create(name=f"Thème {i}", slug=f"theme-{i}")
    for i in range(5):
        AgentFactory(service=ServiceFactory(department=world["ille"], slug=f"extra-{i}"))


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("page", "expected"),
    # Every page: session, agent, the service/region/department, the communities with their
    # themes and the viewer's memberships (3), the index of regions = 7; then the service page
    # counts and reads one page of agents (+2), the region page reads its departments and its
    # services with counts (+2) and the region's featured stories of the calls' projects (+1,
    # a section registered by ``calls``), the department page its services with counts (+1).
    [("service", 9), ("region", 10), ("department", 8)],
)
def test_query_count_is_constant(viewer_client, world, page, expected):
    """The same number of queries with 5 or 40 agents (and more services and communities)."""
    url = {
        "service": service_url(world["ddtm35"]),
        "region": region_url(world["bretagne"]),
        "department": department_url(world["ille"]),
    }[page]
    small = _count(viewer_client, url)
    _grow(world)
    large = _count(viewer_client, url)
    assert small == large == expected
