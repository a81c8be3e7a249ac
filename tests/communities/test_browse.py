"""The browsing page, the community home, creation, settings, activity and archiving."""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from communities.models import Activity, AuditLog, Community, Membership, Theme
from directory.models import Department, Ministry, Region
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommunityFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

V = Community.Visibility
SCRIPT = "<script>alert('x')</script>"


def page_text(response):
    return unescape(response.content.decode())


def card_names(response):
    """The community names shown on the browsing page's cards, in order."""
    html = response.content.decode()
    return [
        unescape(name.strip())
        for name in re.findall(r'<h3 class="fr-card__title">\s*<a href="[^"]+">([^<]+)</a>', html)
    ]


def list_url(**params):
    from urllib.parse import urlencode

    return reverse("communities:list") + ("?" + urlencode(params) if params else "")


def home_url(community):
    return reverse("communities:home", args=[community.slug])


def png_upload(width=400, height=300, name="image.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 0, 145)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def community_data(**changes):
    """The settings form as a browser posts it."""
    data = {
        "name": "Réseau des contrôleurs",
        "description": "Une description",
        "objective": "Un objectif commun",
        "kind": Community.Kind.EXPERTISE,
        "visibility": V.OPEN,
        "scope": Community.Scope.NATIONAL,
        "region": "",
        "department": "",
        "tools": ["announcements"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def animator():
    return AgentFactory(email="anim@dreal.gouv.fr", first_name="Nathalie", last_name="Moreau")


def animate(community, agent):
    return MembershipFactory(community=community, agent=agent, animator=True)


# --- the browsing page -------------------------------------------------------------------------


def test_list_requires_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get(list_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_list_shows_listed_communities_only(agent_client):
    """Open, on-request and private listed communities are listed; secret and archived are not."""
    CommunityFactory(name="Ouverte", open=True)
    CommunityFactory(name="Sur demande", on_request=True)
    CommunityFactory(name="Privée listée", private_listed=True)
    CommunityFactory(name="Secrète", private_secret=True)
    CommunityFactory(name="Archivée", archived=True)
    response = agent_client.get(list_url())
    assert response.status_code == 200
    assert card_names(response) == ["Ouverte", "Privée listée", "Sur demande"]
    assert "3 communautés" in page_text(response)


def test_secret_community_is_listed_for_its_member(agent_client, agent):
    """A member of a secret community finds it in the list, with their state."""
    community = CommunityFactory(name="Cellule de crise", private_secret=True)
    MembershipFactory(community=community, agent=agent)
    response = agent_client.get(list_url())
    assert card_names(response) == ["Cellule de crise"]
    assert 'data-testid="viewer-state"' in response.content.decode()


def test_filters_narrow_the_list(agent_client, agent):
    """Each filter (text, theme, region, department, ministry, kind, mine) narrows the list."""
    eau = Theme.objects.get(slug="eau-et-milieux-aquatiques")
    ecologie = Ministry.objects.get(code="ecologie")
    bretagne = CommunityFactory(
        name="Eau en Bretagne", kind=Community.Kind.POLICY, description="Algues vertes"
    )
    bretagne.themes.add(eau)
    bretagne.ministries.add(ecologie)
    lot = CommunityFactory(
        name="Risques du Lot",
        kind=Community.Kind.EXPERTISE,
        scope=Community.Scope.DEPARTMENT,
        department=Department.objects.get(code="46"),
        region=Region.objects.get(code="76"),
    )
    CommunityFactory(
        name="Covoiturage national",
        kind=Community.Kind.SOCIAL,
        scope=Community.Scope.NATIONAL,
        region=None,
    )
    MembershipFactory(community=lot, agent=agent)
    cases = {
        "q=algues": ["Eau en Bretagne"],
        "q=covoit": ["Covoiturage national"],
        "theme=eau-et-milieux-aquatiques": ["Eau en Bretagne"],
        "region=53": ["Eau en Bretagne"],
        "region=76": ["Risques du Lot"],
        "department=46": ["Risques du Lot"],
        "ministry=ecologie": ["Eau en Bretagne"],
        "kind=social": ["Covoiturage national"],
        "mine=on": ["Risques du Lot"],
        "kind=expertise&region=53": [],
    }
    for query, expected in cases.items():
        response = agent_client.get(list_url() + "?" + query)
        assert response.status_code == 200
        assert card_names(response) == expected, query
    text = page_text(agent_client.get(list_url() + "?kind=expertise&region=53"))
    assert "Aucune communauté ne correspond à votre recherche." in text


def test_wrong_filter_values_are_ignored(agent_client):
    """Unknown filter values or page numbers never break the page."""
    CommunityFactory(name="Ouverte")
    response = agent_client.get(
        list_url(theme="nope", region="zz", department="<b>", kind="x", page="abc", q="a" * 500)
    )
    assert response.status_code == 200
    response = agent_client.get(list_url(theme="nope", page="999"))
    assert card_names(response) == ["Ouverte"]


def test_list_is_paginated_by_twenty(agent_client):
    """Twenty communities per page, with the DSFR pagination keeping the filters."""
    for n in range(25):
        CommunityFactory(name=f"Communauté {n:02d}", kind=Community.Kind.USAGE)
    first = agent_client.get(list_url(kind="usage"))
    assert len(card_names(first)) == 20
    assert "fr-pagination" in first.content.decode()
    assert "kind=usage&amp;page=2" in first.content.decode()
    second = agent_client.get(list_url(kind="usage", page=2))
    assert len(card_names(second)) == 5


def test_htmx_request_gets_the_results_only(agent_client):
    """With htmx the list answers the results fragment; without, the whole page with the form."""
    CommunityFactory(name="Ouverte")
    full = agent_client.get(list_url(q="Ouv"))
    html = full.content.decode()
    assert "<html" in html
    assert 'hx-get="/communautes/"' in html and 'hx-push-url="true"' in html
    assert 'hx-target="#community-results"' in html
    assert 'method="get"' in html
    assert "HX-Request" in full["Vary"]
    partial = agent_client.get(list_url(q="Ouv"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert card_names(partial) == ["Ouverte"]
    assert "HX-Request" in partial["Vary"]
    pushed = agent_client.get(list_url() + "?q=Ouv&theme=&kind=&mine=", HTTP_HX_REQUEST="true")
    assert pushed["HX-Push-Url"] == "/communautes/?q=Ouv"
    restore = agent_client.get(
        list_url(q="Ouv"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def cards_by_name(response):
    """Each card's HTML, keyed by the community's name."""
    chunks = response.content.decode().split('data-testid="community-card"')[1:]
    return {
        unescape(re.search(r'<a href="[^"]+">([^<]+)</a>', chunk).group(1).strip()): chunk
        for chunk in chunks
    }


def test_cards_show_the_viewer_state(agent_client, agent):
    """Each card says whether the viewer is a member, an animator, has asked or is invited."""
    states = {
        "Animée": ({"animator": True}, "Animation"),
        "Membre": ({}, "Membre"),
        "Demandée": ({"requested": True}, "Demande en attente"),
        "Invitée": ({"invited": True}, "Invitation reçue"),
    }
    for name, (traits, _label) in states.items():
        MembershipFactory(
            community=CommunityFactory(name=name, private_listed=True), agent=agent, **traits
        )
    CommunityFactory(name="Sans lien", private_listed=True)
    cards = cards_by_name(agent_client.get(list_url()))
    for name, (_traits, label) in states.items():
        assert f">{label}</span>" in cards[name], name
    assert 'data-testid="viewer-state"' not in cards["Sans lien"]


def test_create_button_for_platform_admins_only(client, agent, platform_admin):
    """« Créer une communauté » shows for platform administrators only."""
    client.force_login(agent)
    assert "Créer une communauté" not in page_text(client.get(list_url()))
    client.force_login(platform_admin)
    assert "Créer une communauté" in page_text(client.get(list_url()))


def test_list_query_count_does_not_grow(agent_client, agent, django_assert_max_num_queries):
    """The browsing page costs the same number of queries with 3 or 30 communities."""
    eau = Theme.objects.get(slug="eau-et-milieux-aquatiques")

    def make(n):
        for i in range(n):
            community = CommunityFactory(name=f"C{Community.objects.count()}-{i}")
            community.themes.add(eau)
            MembershipFactory(community=community, agent=agent)

    make(3)
    with CaptureQueriesContext(connection) as small:
        assert agent_client.get(list_url()).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = agent_client.get(list_url())
    assert len(card_names(response)) == 20
    with django_assert_max_num_queries(10):
        agent_client.get(list_url())


# --- the community home ------------------------------------------------------------------------


def test_home_shows_objective_description_animators_and_charter(agent_client, animator):
    """The home renders the objective and description as Markdown, the animators, the count."""
    community = CommunityFactory(
        name="Eau", description="Des **agents** motivés", objective="Partager *ensemble*"
    )
    animate(community, animator)
    response = agent_client.get(home_url(community))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>agents</strong>" in html
    assert "<em>ensemble</em>" in html
    assert "Nathalie Moreau" in page_text(response)
    assert reverse("communities:charter", args=[community.slug]) in html
    assert "(version 1)" in page_text(response)
    assert '<strong data-testid="member-count">1</strong>' in html


def test_home_shows_pinned_and_five_latest_announcements(agent_client, agent, animator):
    """A reader sees the pinned announcements and the five latest others, and the activity."""
    community = CommunityFactory()
    animate(community, animator)
    MembershipFactory(community=community, agent=agent)
    AnnouncementFactory(community=community, author=animator, title="Épinglée", pinned=True)
    for n in range(7):
        AnnouncementFactory(community=community, author=animator, title=f"Annonce {n}")
    AnnouncementFactory(community=community, author=animator, title="Masquée", is_hidden=True)
    Activity.objects.create(community=community, actor=animator, verb="x", summary="Ligne ici")
    response = agent_client.get(home_url(community))
    text = page_text(response)
    assert text.count('data-testid="announcement-item"') == 6
    assert "Épinglée" in text and "Masquée" not in text
    assert "Ligne ici" in text
    assert reverse("communities:announcement", args=[community.slug, 1]).rsplit("/", 2)[0] in text


def test_home_without_announcements_tool(agent_client, agent):
    """With the announcements tool switched off, the home shows no announcements block."""
    community = CommunityFactory(tool_announcements=False)
    MembershipFactory(community=community, agent=agent)
    html = agent_client.get(home_url(community)).content.decode()
    assert 'data-testid="home-announcements"' not in html
    assert 'data-testid="home-activity"' in html


def test_on_request_home_for_an_outsider(agent_client, animator):
    """An outsider of an on-request community sees description and objective and the request
    button, no announcement and no activity."""
    community = CommunityFactory(on_request=True, description="Présentation publique")
    animate(community, animator)
    AnnouncementFactory(community=community, author=animator, title="Réservée aux membres")
    Activity.objects.create(community=community, verb="x", summary="Activité réservée")
    response = agent_client.get(home_url(community))
    assert response.status_code == 200
    text = page_text(response)
    assert "Présentation publique" in text
    assert "Demander à rejoindre" in text
    assert "Réservée aux membres" not in text and "Activité réservée" not in text
    assert 'data-testid="members-only"' in text


def test_private_listed_home_shows_name_and_description_only(agent_client, animator):
    """A private listed community shows its description to outsiders, no join button."""
    community = CommunityFactory(private_listed=True, description="Nous sommes listés")
    animate(community, animator)
    text = page_text(agent_client.get(home_url(community)))
    assert "Nous sommes listés" in text
    assert "Rejoindre" not in text and "Demander à rejoindre" not in text
    assert "sur invitation" in text


def test_archived_community_is_unlisted_but_its_home_stays(client, agent, other_agent):
    """An archived community leaves the list; its home stays, read-only, with a notice."""
    community = CommunityFactory(archived=True, name="Archivée")
    MembershipFactory(community=community, agent=agent)
    client.force_login(other_agent)
    assert card_names(client.get(list_url())) == []
    for viewer in (agent, other_agent):
        client.force_login(viewer)
        response = client.get(home_url(community))
        assert response.status_code == 200
        text = page_text(response)
        assert "Cette communauté est archivée" in text
        assert "Rejoindre" not in text


def test_home_escapes_html_typed_in_texts(client, platform_admin):
    """HTML or script typed in the name, description or objective comes out inert."""
    client.force_login(platform_admin)
    response = client.post(
        reverse("communities:create"),
        community_data(
            name=f"Eau {SCRIPT}",
            description=f"Texte {SCRIPT} <b onclick=x>gras</b>",
            objective=f"[lien](javascript:alert(1)) {SCRIPT}",
        ),
    )
    assert response.status_code == 302, page_text(response)
    community = Community.objects.get(is_animators_community=False)
    for url in (home_url(community), list_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "onclick" not in html
        assert "javascript:alert" not in html
    assert "Eau &lt;script&gt;" in client.get(home_url(community)).content.decode()


def test_home_query_count_does_not_grow(client, agent, animator, django_assert_max_num_queries):
    """The home costs the same number of queries with few or many members and announcements."""
    community = CommunityFactory()
    animate(community, animator)
    MembershipFactory(community=community, agent=agent)
    client.force_login(agent)

    def grow(n):
        for _ in range(n):
            member = MembershipFactory(community=community)
            AnnouncementFactory(community=community, author=member.agent)
            Activity.objects.create(
                community=community, actor=member.agent, verb="x", summary="Ligne"
            )

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(home_url(community)).status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(home_url(community)).status_code == 200
    # 11: the member's « Ne plus suivre / Suivre » button reads whether they muted the community;
    # 12: the blog's featured posts (« À la une »).
    with django_assert_max_num_queries(12):
        client.get(home_url(community))


# --- creation ------------------------------------------------------------------------------------


def test_create_is_refused_to_agents_with_a_french_message(agent_client):
    """An agent asking for the creation page gets 403 and a French reason."""
    response = agent_client.get(reverse("communities:create"))
    assert response.status_code == 403
    assert "Seuls les administrateurs de la plateforme créent des communautés." in page_text(
        response
    )
    assert agent_client.post(reverse("communities:create"), community_data()).status_code == 403
    assert not Community.objects.filter(is_animators_community=False).exists()


def test_admin_creates_a_departmental_community_with_animators(client, platform_admin, animator):
    """A platform administrator creates a community; the region follows the department and the
    animators named by address animate it."""
    client.force_login(platform_admin)
    theme = Theme.objects.get(slug="risques-naturels")
    response = client.post(
        reverse("communities:create"),
        community_data(
            name="Risques du Lot",
            scope=Community.Scope.DEPARTMENT,
            department=Department.objects.get(code="46").pk,
            themes=[theme.pk],
            ministries=[Ministry.objects.get(code="interieur").pk],
            animators=f"  {animator.email.upper()} \n",
            visibility=V.ON_REQUEST,
        ),
    )
    assert response.status_code == 302, page_text(response)
    community = Community.objects.get(name="Risques du Lot")
    assert response["Location"] == home_url(community)
    assert community.region.code == "76"
    assert list(community.themes.all()) == [theme]
    assert community.current_charter.number == 1
    assert community.tool_announcements and not community.tool_chat
    animators = Membership.objects.filter(community=community, role=Membership.Role.ANIMATOR)
    assert [m.agent for m in animators] == [animator]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scope": "region"}, "region", "Choisissez la région d'une communauté régionale."),
        (
            {"scope": "department"},
            "department",
            "Choisissez le département d'une communauté départementale.",
        ),
        ({"objective": ""}, "objective", "Champ requis."),
        ({"animators": "inconnu@ddt.gouv.fr"}, "animators", "inconnu@ddt.gouv.fr"),
        ({"name": "   "}, "name", "Champ requis."),
    ],
)
def test_create_refuses_incoherent_input(client, platform_admin, changes, field, message):
    """Missing territory, objective or unknown animators get a French message and no row."""
    client.force_login(platform_admin)
    response = client.post(reverse("communities:create"), community_data(**changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Community.objects.filter(is_animators_community=False).exists()


def test_national_scope_drops_any_territory(client, platform_admin):
    """A national community keeps no region or department even if the form carried some."""
    client.force_login(platform_admin)
    client.post(
        reverse("communities:create"),
        community_data(region=Region.objects.get(code="53").pk),
    )
    community = Community.objects.get(is_animators_community=False)
    assert community.region is None and community.department is None


# --- settings ------------------------------------------------------------------------------------


def test_animator_edits_the_community(client, animator):
    """An animator changes the settings; a plain member gets 404 on the settings page."""
    community = CommunityFactory(name="Ancien nom")
    animate(community, animator)
    member = MembershipFactory(community=community).agent
    client.force_login(member)
    assert client.get(reverse("communities:edit", args=[community.slug])).status_code == 404
    client.force_login(animator)
    response = client.get(reverse("communities:edit", args=[community.slug]))
    assert response.status_code == 200
    assert "Ancien nom" in page_text(response)
    response = client.post(
        reverse("communities:edit", args=[community.slug]),
        community_data(name="Nouveau nom", scope="region", region=Region.objects.get(code="27").pk),
    )
    assert response.status_code == 302, page_text(response)
    community.refresh_from_db()
    assert community.name == "Nouveau nom"
    assert community.region.code == "27"
    assert community.tool_announcements and not community.tool_chat
    assert AuditLog.objects.filter(community=community, action="community_updated").exists()


def test_community_image_is_reencoded(client, animator):
    """A real image is accepted and stored re-encoded as a JPEG."""
    community = CommunityFactory()
    animate(community, animator)
    client.force_login(animator)
    response = client.post(
        reverse("communities:edit", args=[community.slug]),
        community_data(image=png_upload(3000, 2000)),
    )
    assert response.status_code == 302, page_text(response)
    community.refresh_from_db()
    assert community.image.name.endswith(".jpg")
    with Image.open(community.image.path) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 1200


def test_oversized_or_fake_image_is_refused(client, animator, settings):
    """A file that is not an image, or too heavy, is refused with a French message."""
    community = CommunityFactory()
    animate(community, animator)
    client.force_login(animator)
    url = reverse("communities:edit", args=[community.slug])
    fake = SimpleUploadedFile("image.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(url, community_data(image=fake))
    assert response.status_code == 400
    assert "image" in page_text(response).lower()
    assert "Téléversez une image valide" in page_text(response)
    settings.PHOTO_MAX_UPLOAD_BYTES = 1000
    response = client.post(url, community_data(image=png_upload(800, 800)))
    assert response.status_code == 400
    assert "la taille maximale est de" in page_text(response)
    community.refresh_from_db()
    assert not community.image
    assert community.name != "Réseau des contrôleurs"


# --- activity ------------------------------------------------------------------------------------


def test_activity_page_is_paginated_for_readers(client, agent):
    """The full activity stream is paginated; an outsider of an on-request community gets 404."""
    community = CommunityFactory()
    MembershipFactory(community=community, agent=agent)
    for n in range(35):
        Activity.objects.create(community=community, verb="x", summary=f"Ligne {n}")
    client.force_login(agent)
    url = reverse("communities:activity", args=[community.slug])
    first = client.get(url)
    assert first.status_code == 200
    assert page_text(first).count("Ligne ") == 30
    assert page_text(client.get(url + "?page=2")).count("Ligne ") == 5
    closed = CommunityFactory(on_request=True)
    assert client.get(reverse("communities:activity", args=[closed.slug])).status_code == 404


# --- archiving -----------------------------------------------------------------------------------


def test_admin_archives_after_confirmation_and_restores(client, platform_admin, agent):
    """Archiving asks a confirmation with an optional reason; restoring is a POST."""
    community = CommunityFactory(name="À archiver")
    client.force_login(platform_admin)
    url = reverse("communities:archive", args=[community.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert "Archiver « À archiver »" in page_text(response)
    response = client.post(url, {"reason": "Mission terminée"})
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.is_archived
    assert AuditLog.objects.get(action="community_archived").reason == "Mission terminée"
    client.force_login(agent)
    assert card_names(client.get(list_url())) == []
    client.force_login(platform_admin)
    restore = reverse("communities:restore", args=[community.slug])
    assert client.get(restore).status_code == 405
    assert client.post(restore).status_code == 302
    community.refresh_from_db()
    assert not community.is_archived


def test_animator_cannot_archive(client, animator):
    """An animator is refused archiving with a French reason."""
    community = CommunityFactory()
    animate(community, animator)
    client.force_login(animator)
    response = client.post(reverse("communities:archive", args=[community.slug]))
    assert response.status_code == 403
    assert "Seuls les administrateurs de la plateforme" in page_text(response)
    community.refresh_from_db()
    assert not community.is_archived


# --- secret communities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "suffix"),
    [
        ("home", "get", ""),
        ("edit", "get", "modifier/"),
        ("edit", "post", "modifier/"),
        ("activity", "get", "activite/"),
        ("archive", "get", "archiver/"),
        ("restore", "post", "restaurer/"),
        ("join", "post", "rejoindre/"),
        ("request", "get", "demander/"),
        ("request", "post", "demander/"),
        ("request_cancel", "post", "demande/annuler/"),
        ("invitation_answer", "post", "invitation/repondre/"),
        ("leave", "post", "quitter/"),
        ("members", "get", "membres/"),
        ("invite", "get", "membres/inviter/"),
        ("invite", "post", "membres/inviter/"),
        ("member_action", "post", "membres/{pk}/promote/"),
    ],
)
def test_secret_community_is_404_for_an_outsider(client, agent, name, method, suffix):
    """Every page and action of a secret community answers 404 to an outsider."""
    community = CommunityFactory(private_secret=True, name="Cellule secrète")
    membership = MembershipFactory(community=community)
    client.force_login(agent)
    url = f"/communautes/{community.slug}/" + suffix.format(pk=membership.pk)
    response = getattr(client, method)(url, {"answer": "accept", "reason": "x", "q": "a"})
    assert response.status_code == 404
    assert "Cellule secrète" not in page_text(response)
    assert Membership.objects.filter(community=community).count() == 1


# --- dashboard, profile, navigation, back-office ------------------------------------------------


def test_navigation_leads_to_the_communities(agent_client):
    """The « Communautés » entry of the header opens the browsing page, marked current there."""
    html = agent_client.get(list_url()).content.decode()
    assert re.search(r'href="/communautes/"\s+aria-current="page">Communautés</a>', html)


def test_dashboard_shows_communities_invitations_and_activity(agent_client, agent, animator):
    """The dashboard lists the agent's communities, pending invitations and their activity."""
    mine = CommunityFactory(name="Eau en Bretagne")
    MembershipFactory(community=mine, agent=agent)
    Activity.objects.create(community=mine, actor=animator, verb="x", summary="Nouvelle annonce")
    invited = CommunityFactory(name="Cellule secrète", private_secret=True)
    MembershipFactory(community=invited, agent=agent, invited=True)
    other = CommunityFactory(name="Ailleurs")
    Activity.objects.create(community=other, verb="x", summary="Pas pour moi")
    response = agent_client.get("/")
    text = page_text(response)
    assert "Bonjour Anne" in text and "Mes communautés" in text
    assert "Eau en Bretagne" in text
    invitations = text.split('data-testid="dashboard-invitations"')[1].split("</div>")[0]
    assert "Vous êtes invité à rejoindre" in invitations and "Cellule secrète" in invitations
    assert "Nouvelle annonce" in text and "Pas pour moi" not in text
    assert 'href="/communautes/"' in response.content.decode()
    assert "Vous ne faites encore partie d'aucune communauté." not in text


def test_profile_lists_the_communities_the_viewer_may_see(client, agent, other_agent):
    """A profile lists the agent's communities, except those hidden from the viewer."""
    open_one = CommunityFactory(name="Communauté ouverte")
    secret = CommunityFactory(name="Communauté secrète", private_secret=True)
    MembershipFactory(community=open_one, agent=agent)
    MembershipFactory(community=secret, agent=agent)
    MembershipFactory(
        community=CommunityFactory(name="Seulement invité"), agent=agent, invited=True
    )
    profile = reverse("directory:profile", args=[agent.pk])
    client.force_login(other_agent)
    text = page_text(client.get(profile))
    assert "Communauté ouverte" in text
    assert "Communauté secrète" not in text and "Seulement invité" not in text
    MembershipFactory(community=secret, agent=other_agent)
    assert "Communauté secrète" in page_text(client.get(profile))


def test_back_office_lists_the_themes(client, platform_admin):
    """Platform administrators manage the themes in the back-office."""
    client.force_login(platform_admin)
    response = client.get("/cms-admin/themes/")
    assert response.status_code == 200
    assert "Eau et milieux aquatiques" in page_text(response)


def test_the_settings_offer_only_the_installed_tools(client, animator):
    """« Outils de la communauté » lists the tools the apps registered (blog, forum, wiki,
    idea box, documents, chat), not a switch for a tool that does not exist; posting one is
    refused with a reason."""
    community = CommunityFactory(name="Outils")
    MembershipFactory(community=community, agent=animator, role=Membership.Role.ANIMATOR)
    client.force_login(animator)
    url = reverse("communities:edit", args=[community.slug])
    form = client.get(url).context["form"]
    assert [key for key, _label in form.fields["tools"].choices] == [
        "announcements",
        "forum",
        "wiki",
        "ideas",
        "documents",
        "chat",
    ]
    assert "Boîte à idées" in page_text(client.get(url))
    response = client.post(url, community_data(name="Outils", tools=["announcements", "agenda"]))
    assert response.status_code == 400
    assert "agenda" in response.context["form"].errors["tools"][0]
    assert "Outils de la communauté" in page_text(response)
    community.refresh_from_db()
    assert community.tool_chat  # nothing saved


def test_a_tool_without_its_switch_is_refused_at_registration():
    from communities.tools import register_tool

    with pytest.raises(ValueError, match="No switch for the tool 'agenda'"):
        register_tool("agenda", label="Agenda")
