"""The platform's roles in one place (``directory.roles``): a written-out table of who is what,
and the roles an app registers on its own objects."""

import pytest
from django.contrib.auth.models import AnonymousUser

from communities.models import Community
from directory.models import Agent, Region
from directory.roles import principal, register_object_roles, roles_on
from tests.factories import AgentFactory, CommunityFactory

pytestmark = pytest.mark.django_db


def _people():
    bretagne = Region.objects.get(code="53")
    closed = AgentFactory(platform_admin=True)
    closed.is_active = False
    closed.save()
    return {
        "anonyme": AnonymousUser(),
        "agent": AgentFactory(),
        "externe": AgentFactory(is_external=True),
        "sgar": AgentFactory(sgar=True, sgar_region=bretagne),
        "admin": AgentFactory(platform_admin=True),
        "admin désactivé": closed,
    }


#                   admin  sgar   région-53 externe agent-État export
TABLE = {
    "anonyme": (False, False, False, False, False, False),
    "agent": (False, False, False, False, True, False),
    "externe": (False, False, False, True, False, False),
    "sgar": (False, True, True, False, True, True),
    "admin": (True, False, False, False, True, True),
    "admin désactivé": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", TABLE)
def test_who_is_what(who):
    """Each platform role as the table says (a deactivated account holds none)."""
    agent = _people()[who]
    bretagne = Region.objects.get(code="53")
    p = principal(agent)
    assert (
        p.is_platform_admin,
        p.is_sgar_officer,
        p.follows_region(bretagne.pk),
        p.is_external,
        p.is_state_agent,
        p.can_export_agents,
    ) == TABLE[who]


def test_roles_on_an_object_come_from_its_app():
    """An app registers how to read the roles held on its objects; others have none."""
    community = CommunityFactory()
    manager, other = AgentFactory(), AgentFactory()
    register_object_roles(
        Community, lambda agent, obj: {"gestionnaire"} if agent.pk == manager.pk else set()
    )
    try:
        assert roles_on(manager, community) == {"gestionnaire"}
        assert roles_on(other, community) == set()
        assert roles_on(AnonymousUser(), community) == set()
        assert roles_on(manager, Agent.objects.first()) == set()
    finally:
        from directory import roles

        roles._object_roles.pop(Community, None)
