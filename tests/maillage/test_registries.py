"""The registries the pages loop over (``maillage.registries``, ``communities.menu``): what the
apps registered shows, in order, and a new app's entry shows without editing any template."""

import pytest
from django.urls import reverse

from communities import menu
from maillage import registries
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_registries():
    navigation = dict(registries._navigation)
    dashboard = dict(registries._dashboard)
    entries = dict(menu._entries)
    yield
    registries._navigation.clear()
    registries._navigation.update(navigation)
    registries._dashboard.clear()
    registries._dashboard.update(dashboard)
    menu._entries.clear()
    menu._entries.update(entries)


def test_the_navigation_is_what_the_apps_registered_in_order(client, agent):
    """Communautés, Annuaire, Messagerie, Appels à projets (their apps), and nothing still to
    come."""
    client.force_login(agent)
    html = client.get(reverse("directory:search")).content.decode()
    labels = ["Communautés", "Annuaire", "Messagerie", "Appels à projets"]
    positions = [html.index(f">{label}</a>") for label in labels]
    assert positions == sorted(positions)
    assert 'data-testid="chat-unread-badge"' in html
    for label in ("Idées", "Pilotage"):
        assert f">{label}</a>" not in html


def test_a_new_app_adds_a_navigation_entry_and_a_dashboard_block(client, agent, restore_registries):
    """Registering is enough: no template changes for a new app."""
    registries.register_navigation(
        "forums", label="Forums d'entraide", url=lambda request: "/forums/", order=35
    )
    registries.register_dashboard_block(
        "forums",
        template="maillage/tests/dashboard_block.html",
        context=lambda agent: {"text": f"Sujets suivis par {agent.first_name}"},
        order=5,
    )
    client.force_login(agent)
    home = client.get("/").content.decode()
    assert 'href="/forums/"' in home and "Forums d&#x27;entraide</a>" in home
    assert f"Sujets suivis par {agent.first_name}" in home
    assert home.index("Sujets suivis par") < home.index("Mes communautés")


def test_a_block_answering_none_is_not_shown(client, agent, restore_registries):
    """A block with nothing to say for this agent is left out (no invitation, no alert)."""
    client.force_login(agent)
    assert 'data-testid="dashboard-invitations"' not in client.get("/").content.decode()


def test_the_community_menu_follows_the_abilities(client):
    """A member sees the chat's entry (registered by the chat); an animator also the moderation
    and settings entries; the order is the registered one."""
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    animator = MembershipFactory(community=community, animator=True).agent

    def entries(agent):
        client.force_login(agent)
        html = client.get(community.get_absolute_url()).content.decode()
        nav = html[html.index('id="community-menu"') :]
        nav = nav[: nav.index("</ul>")]
        return [
            label
            for label in [
                "Accueil",
                "Blog",
                "Charte",
                "Membres",
                "Messagerie",
                "Activité",
                "Modération",
                "Journal",
                "Paramètres",
            ]
            if f">{label}</a>" in nav
        ]

    assert entries(member) == [
        "Accueil",
        "Blog",
        "Charte",
        "Membres",
        "Messagerie",
        "Activité",
    ]
    assert entries(animator) == [
        "Accueil",
        "Blog",
        "Charte",
        "Membres",
        "Messagerie",
        "Activité",
        "Modération",
        "Journal",
        "Paramètres",
    ]
    outsider = AgentFactory()
    assert "Messagerie" not in entries(outsider)


def test_a_tool_registers_its_menu_entry(client, restore_registries):
    """A new tool's page appears in the menu of the communities where it is visible."""
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    menu.register(
        "forum",
        label="Forum",
        url=lambda c: f"/communautes/{c.slug}/forum/",
        visible=lambda ab, c: ab.is_member,
        order=45,
    )
    client.force_login(member)
    html = client.get(community.get_absolute_url()).content.decode()
    nav = html[html.index('id="community-menu"') :]
    assert f'href="/communautes/{community.slug}/forum/"' in nav
    assert nav.index(">Membres</a>") < nav.index(">Forum</a>") < nav.index(">Messagerie</a>")


def test_only_the_longest_matching_entry_is_current(rf, agent, restore_registries):
    """« Améliorer Maillage » (``/communautes/ameliorer-maillage/idees/``) is current on its
    pages, not « Communautés » (``/communautes/``) as well: one ``aria-current`` in the menu."""
    registries.register_navigation(
        "feedback", label="Retours", url=lambda request: "/communautes/retours/", order=90
    )
    request = rf.get("/communautes/retours/idees/12/")
    request.user = agent
    current = [entry["key"] for entry in registries.navigation_for(request) if entry["current"]]
    assert current == ["feedback"]
    request = rf.get("/communautes/une-autre/")
    request.user = agent
    current = [entry["key"] for entry in registries.navigation_for(request) if entry["current"]]
    assert current == ["communities"]
