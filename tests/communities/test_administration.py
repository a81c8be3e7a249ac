"""What the platform's administrators need (issue 13, item 11): the archived communities listed
with restore, an audit log that says what changed in a community's settings, and Django's admin
showing agents, communities and memberships."""

from html import unescape

import pytest
from django.urls import reverse

from communities.models import AuditLog, Community
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
V = Community.Visibility


def text(response):
    return unescape(response.content.decode())


# --- archived communities ------------------------------------------------------------------------


def test_administrators_list_archived_communities_and_restore_one(client, platform_admin):
    """« Archivées » lists only the archived communities, each with « Restaurer », which brings
    it back and returns to the list with a confirmation."""
    archived = CommunityFactory(name="Ancien réseau", archived=True)
    CommunityFactory(name="Réseau vivant")
    client.force_login(platform_admin)
    listing = client.get(reverse("communities:list"))
    assert 'data-testid="archived-filter"' in text(listing)
    assert "Ancien réseau" not in text(listing)
    response = client.get(reverse("communities:list") + "?archived=on")
    page = text(response)
    assert 'data-testid="archived-communities"' in page
    assert "Ancien réseau" in page and "Réseau vivant" not in page
    restore = reverse("communities:restore", args=[archived.slug])
    assert f'action="{restore}"' in page
    response = client.post(restore, {"next": "/communautes/?archived=on"})
    assert response.status_code == 302 and response["Location"] == "/communautes/?archived=on"
    archived.refresh_from_db()
    assert archived.archived_at is None
    after = text(client.get(response["Location"]))
    assert "La communauté « Ancien réseau » a été restaurée." in after
    assert 'data-testid="archived-community"' not in after
    assert AuditLog.objects.filter(community=archived, action="community_restored").exists()


def test_the_archived_filter_is_for_administrators_only(client, agent):
    """An agent neither sees the filter nor gets archived communities by typing it."""
    CommunityFactory(name="Ancien réseau", archived=True)
    client.force_login(agent)
    response = client.get(reverse("communities:list") + "?archived=on")
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="archived-filter"' not in page
    assert "Ancien réseau" not in page and 'data-testid="archived-communities"' not in page


def test_restore_refuses_a_forged_next(client, platform_admin):
    """A ``next`` to another site is ignored: the restore lands on the community."""
    archived = CommunityFactory(archived=True)
    client.force_login(platform_admin)
    response = client.post(
        reverse("communities:restore", args=[archived.slug]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == archived.get_absolute_url()


# --- the audit log says what changed ---------------------------------------------------------------


def test_audit_log_says_what_changed_in_the_settings(client):
    """Editing the name, the visibility and a tool writes « Nom : A → B », « Visibilité : ouverte
    → sur demande » and the tool switched in the audit line, shown in the journal."""
    animator = AgentFactory()
    community = CommunityFactory(name="Ancien nom", visibility=V.OPEN, tool_chat=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    client.force_login(animator)
    response = client.post(
        reverse("communities:edit", args=[community.slug]),
        {
            "name": "Nouveau <b>nom</b>",
            "description": community.description,
            "objective": community.objective,
            "kind": community.kind,
            "visibility": V.ON_REQUEST,
            "scope": Community.Scope.NATIONAL,
            "region": "",
            "department": "",
            "tools": ["announcements"],
        },
    )
    assert response.status_code == 302, text(response)
    line = AuditLog.objects.get(community=community, action="community_updated")
    details = line.reason.splitlines()
    assert "Nom : Ancien nom → Nouveau <b>nom</b>" in details
    assert "Visibilité : ouverte → sur demande" in details
    assert "Outil Messagerie instantanée : désactivé" in details
    assert not any(detail.startswith("Description") for detail in details)  # unchanged
    journal = client.get(reverse("communities:audit_log", args=[community.slug]))
    html = journal.content.decode()
    assert "Visibilité : ouverte → sur demande<br>" in unescape(html)
    assert "<b>nom</b>" not in html  # the details are escaped


def test_an_unchanged_save_writes_no_details(client):
    """Saving the settings as they are writes the line without inventing changes."""
    animator = AgentFactory()
    # Every tool off but the announcements, whichever tools are installed.
    tools = {f"tool_{tool}": tool == "announcements" for tool in Community.TOOLS}
    community = CommunityFactory(visibility=V.OPEN, **tools)
    MembershipFactory(community=community, agent=animator, animator=True)
    client.force_login(animator)
    client.post(
        reverse("communities:edit", args=[community.slug]),
        {
            "name": community.name,
            "description": community.description,
            "objective": community.objective,
            "kind": community.kind,
            "visibility": V.OPEN,
            "scope": community.scope,
            "region": community.region_id or "",
            "department": community.department_id or "",
            "tools": ["announcements"],
        },
    )
    assert AuditLog.objects.get(community=community, action="community_updated").reason == ""


# --- Django's admin ------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return AgentFactory(platform_admin=True, is_staff=True, is_superuser=True)


def test_django_admin_shows_agents_communities_and_memberships(client, superuser):
    """/admin/ lists the agents, the communities and the memberships, searchable."""
    agent = AgentFactory(email="camille.durand@dreal.gouv.fr", last_name="Durand")
    community = CommunityFactory(name="Réseau eau")
    MembershipFactory(community=community, agent=agent, animator=True)
    client.force_login(superuser)
    index = text(client.get("/admin/"))
    for section in ("/admin/directory/agent/", "/admin/communities/community/"):
        assert section in index
    agents = client.get("/admin/directory/agent/?q=durand")
    assert agents.status_code == 200 and "camille.durand@dreal.gouv.fr" in text(agents)
    communities = client.get("/admin/communities/community/?q=eau")
    assert communities.status_code == 200 and "Réseau eau" in text(communities)
    memberships = client.get("/admin/communities/membership/?q=durand")
    assert memberships.status_code == 200 and "Réseau eau" in text(memberships)
    detail = client.get(f"/admin/communities/community/{community.pk}/change/")
    assert detail.status_code == 200 and "Réseau eau" in text(detail)


def test_django_admin_is_read_only(client, superuser):
    """Writes go through the services (policy, audit): the admin adds, changes, deletes
    nothing."""
    community = CommunityFactory(name="Réseau eau")
    client.force_login(superuser)
    assert client.get("/admin/communities/community/add/").status_code == 403
    response = client.post(
        f"/admin/communities/community/{community.pk}/change/", {"name": "Piraté"}
    )
    assert response.status_code == 403
    community.refresh_from_db()
    assert community.name == "Réseau eau"
    agent_page = text(client.get(f"/admin/directory/agent/{superuser.pk}/change/"))
    assert "pbkdf2" not in agent_page and "md5$" not in agent_page  # no password hash shown


def test_django_admin_is_closed_to_agents(client, agent):
    """An agent without back-office access is sent to the admin's login, not shown the lists."""
    client.force_login(agent)
    response = client.get("/admin/directory/agent/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
