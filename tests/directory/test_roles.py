import pytest

from directory.models import Agent, Region
from directory.roles import PLATFORM_ADMIN_GROUP
from directory.services import agent_set_role
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_platform_admin_role_gives_the_back_office_group():
    """Making an agent platform administrator adds the group; taking the role back removes it."""
    agent = AgentFactory()
    agent_set_role(agent=agent, role=Agent.Role.ADMIN)
    assert agent.groups.filter(name=PLATFORM_ADMIN_GROUP).exists()
    assert agent.is_staff and agent.has_perm("wagtailadmin.access_admin")
    agent_set_role(agent=agent, role=Agent.Role.AGENT)
    agent = Agent.objects.get(pk=agent.pk)
    assert not agent.groups.filter(name=PLATFORM_ADMIN_GROUP).exists()
    assert not agent.is_staff and not agent.has_perm("wagtailadmin.access_admin")


def test_sgar_officer_keeps_a_region_and_loses_it_with_the_role():
    """An SGAR officer follows a region; another role clears it."""
    bretagne = Region.objects.get(code="53")
    agent = agent_set_role(agent=AgentFactory(), role=Agent.Role.SGAR, sgar_region=bretagne)
    assert agent.sgar_region == bretagne
    agent = agent_set_role(agent=agent, role=Agent.Role.AGENT, sgar_region=bretagne)
    assert agent.sgar_region is None


@pytest.fixture
def admin_client(client):
    admin = agent_set_role(agent=AgentFactory(email="pilote@sgar.gouv.fr"), role=Agent.Role.ADMIN)
    client.force_login(admin)
    return client


def test_back_office_role_edit_sets_sgar_officer(admin_client):
    """A platform administrator makes an agent SGAR officer of a region in the back-office."""
    agent = AgentFactory()
    bretagne = Region.objects.get(code="53")
    response = admin_client.post(
        f"/cms-admin/roles-agents/edit/{agent.pk}/", {"role": "sgar", "sgar_region": bretagne.pk}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.role, agent.sgar_region) == ("sgar", bretagne)


def test_back_office_refuses_sgar_officer_without_region(admin_client):
    """An SGAR officer without a region is refused with a French message; nothing changes."""
    agent = AgentFactory()
    response = admin_client.post(
        f"/cms-admin/roles-agents/edit/{agent.pk}/", {"role": "sgar", "sgar_region": ""}
    )
    assert response.status_code == 200
    assert "Un chargé de mission SGAR suit une région." in response.text
    agent.refresh_from_db()
    assert agent.role == "agent"


def test_back_office_cannot_create_or_delete_agents(admin_client):
    """Agents come from sign-up: the roles screen has no add or delete page."""
    agent = AgentFactory()
    assert admin_client.get("/cms-admin/roles-agents/new/").status_code == 404
    assert admin_client.get(f"/cms-admin/roles-agents/delete/{agent.pk}/").status_code == 404
    assert "/cms-admin/roles-agents/new/" not in admin_client.get("/cms-admin/roles-agents/").text


def _service_form(region_code, department_code):
    from directory.models import Department, Ministry, ServiceKind

    return {
        "name": "Direction départementale des territoires du Lot",
        "short_name": "DDT 46",
        "slug": "ddt-46-test",
        "kind": ServiceKind.objects.get(code="DDT").pk,
        "ministry": Ministry.objects.get(code="interministeriel").pk,
        "region": Region.objects.get(code=region_code).pk,
        "department": Department.objects.get(code=department_code).pk,
        "city": "Cahors",
    }


def test_back_office_lists_and_creates_services(admin_client):
    """A platform administrator lists services and creates one in a department."""
    from directory.models import Service

    ServiceFactory(short_name="DDTM 35")
    assert "DDTM 35" in admin_client.get("/cms-admin/services/").text
    response = admin_client.post("/cms-admin/services/new/", _service_form("76", "46"))
    assert response.status_code == 302
    service = Service.objects.get(slug="ddt-46-test")
    assert (service.region.name, service.department.name) == ("Occitanie", "Lot")


def test_back_office_refuses_a_department_outside_the_region(admin_client):
    """A service placed in the Lot but in Bretagne is refused with a French message."""
    from directory.models import Service

    response = admin_client.post("/cms-admin/services/new/", _service_form("53", "46"))
    assert response.status_code == 200
    assert "Ce département n&#x27;appartient pas à la région choisie." in response.text
    assert not Service.objects.filter(slug="ddt-46-test").exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("agent", 302), ("sgar", 302), ("admin", 200)],
)
def test_back_office_access_matrix(client, who, expected):
    """Only platform administrators reach the services screen of the back-office."""
    if who != "anonymous":
        role = {"agent": Agent.Role.AGENT, "sgar": Agent.Role.SGAR, "admin": Agent.Role.ADMIN}[who]
        agent = agent_set_role(
            agent=AgentFactory(), role=role, sgar_region=Region.objects.get(code="53")
        )
        client.force_login(agent)
    response = client.get("/cms-admin/services/")
    assert response.status_code == expected
