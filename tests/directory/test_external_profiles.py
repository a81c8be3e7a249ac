"""External users (partners invited into one community) see only the profiles of the members of
their communities: the directory asks the communities' permission policy."""

import pytest
from django.core.files.base import ContentFile

from communities import services
from communities.models import Community
from directory.permissions import can_view_profile
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    admin = AgentFactory(platform_admin=True)
    animator = AgentFactory(email="anim@dreal.gouv.fr")
    community = services.community_create(
        actor=admin,
        animators=[animator],
        name="Politique de l'eau",
        description="Eau",
        objective="Partager",
        kind=Community.Kind.POLICY,
        visibility=Community.Visibility.PRIVATE_LISTED,
        scope=Community.Scope.NATIONAL,
    )
    external = AgentFactory(email="partenaire@agglo.fr", is_external=True)
    services.invite(community=community, actor=animator, agent=external)
    services.invitation_answer(community=community, agent=external, accept=True)
    stranger = AgentFactory(email="ailleurs@ddt.gouv.fr")
    for agent in (animator, stranger):
        agent.photo.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"))
    return {"animator": animator, "external": external, "stranger": stranger, "admin": admin}


def test_external_user_sees_members_of_their_community(client, setting):
    """An external user opens the profile and photo of a fellow member."""
    client.force_login(setting["external"])
    animator = setting["animator"]
    assert client.get(f"/agents/{animator.pk}/").status_code == 200
    assert client.get(f"/agents/{animator.pk}/photo/").status_code == 200


def test_external_user_does_not_see_the_rest_of_the_directory(client, setting):
    """Agents outside the external user's communities answer 404, profile and photo alike."""
    client.force_login(setting["external"])
    stranger = setting["stranger"]
    assert client.get(f"/agents/{stranger.pk}/").status_code == 404
    assert client.get(f"/agents/{stranger.pk}/photo/").status_code == 404
    assert client.get(f"/agents/{setting['admin'].pk}/").status_code == 404


def test_external_user_sees_their_own_profile(client, setting):
    """An external user always reaches their own profile."""
    client.force_login(setting["external"])
    assert client.get(f"/agents/{setting['external'].pk}/").status_code == 200


def test_external_user_who_only_is_invited_sees_nobody_else(setting):
    """A pending invitation does not open the directory: only active memberships count."""
    pending = AgentFactory(email="attente@region.fr", is_external=True)
    community = Community.objects.get(name="Politique de l'eau")
    services.invite(community=community, actor=setting["animator"], agent=pending)
    assert can_view_profile(pending, pending)
    assert not can_view_profile(pending, setting["animator"])


def test_state_agents_see_every_profile(client, setting):
    """A State agent, in no community, opens anyone's profile, external users included."""
    client.force_login(setting["stranger"])
    assert client.get(f"/agents/{setting['animator'].pk}/").status_code == 200
    assert client.get(f"/agents/{setting['external'].pk}/").status_code == 200
