"""The platform box « Améliorer Maillage » (``docs/adr/0009``): the idea box of a platform
community the ideas app creates, where any State agent contributes without joining first (and
joins with their first contribution) and the platform administrators alone answer."""

import pytest
from django.core.cache import cache

from communities.models import Community, Membership
from ideas import services
from ideas.models import Idea, IdeaBox
from ideas.permissions import idea_abilities
from ideas.services import IdeaError
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
S = Idea.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _submit(community, agent, title="Un mode sombre"):
    return services.idea_submit(community=community, agent=agent, title=title, body="Le soir.")


def test_the_platform_box_is_created_once_with_its_community():
    box = services.platform_box()
    assert box.is_platform and services.platform_box().pk == box.pk
    assert IdeaBox.objects.filter(is_platform=True).count() == 1
    community = box.community
    assert community.slug == "ameliorer-maillage" and community.name == "Améliorer Maillage"
    assert community.kind == Community.Kind.USAGE
    assert community.visibility == Community.Visibility.OPEN
    assert community.scope == Community.Scope.NATIONAL
    assert community.tool_ideas
    assert not any(
        getattr(community, f"tool_{tool}") for tool in Community.TOOLS if tool != "ideas"
    )
    assert community.current_charter_id is None
    assert community.themes.count() == len(services.PLATFORM_THEMES)


def test_only_one_box_is_the_platform_box():
    """The unique condition on ``is_platform``: a second platform box is refused by the
    database."""
    from django.db import IntegrityError, transaction

    services.platform_box()
    other = IdeaBox.objects.create(community=CommunityFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaBox.objects.filter(pk=other.pk).update(is_platform=True)


def test_a_state_agent_contributes_without_joining_first_and_joins_with_it():
    community = services.platform_box().community
    agent, supporter = AgentFactory(), AgentFactory()
    assert idea_abilities(agent, community).will_join
    idea = _submit(community, agent)
    assert Membership.objects.get(community=community, agent=agent).state == "active"
    assert not idea_abilities(agent, community).will_join
    services.support_toggle(idea=idea, agent=supporter)
    assert Membership.objects.filter(community=community, agent=supporter).exists()
    assert idea.support_count == 1
    community.refresh_from_db()
    assert community.member_count == 2


def test_an_ordinary_open_community_still_wants_its_members():
    community = CommunityFactory(open=True)
    with pytest.raises(IdeaError, match="Seuls les membres"):
        _submit(community, AgentFactory())
    assert not Membership.objects.filter(community=community).exists()


def test_its_statuses_are_the_platform_administrators():
    community = services.platform_box().community
    idea = _submit(community, AgentFactory())
    animator = MembershipFactory(community=community, animator=True).agent
    with pytest.raises(IdeaError, match="équipe de Maillage"):
        services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    with pytest.raises(IdeaError, match="Seule l'animation fusionne"):
        services.idea_merge(
            idea=idea, target=_submit(community, AgentFactory(), "B"), actor=animator
        )
    admin = AgentFactory(platform_admin=True)
    services.idea_set_status(idea=idea, actor=admin, status=S.STUDYING)
    services.idea_set_status(idea=idea, actor=admin, status=S.ADOPTED, answer="C'est prévu.")
    idea.refresh_from_db()
    assert idea.status == S.ADOPTED and idea.answered_by == admin


def test_external_partners_and_banned_agents_stay_out():
    community = services.platform_box().community
    with pytest.raises(IdeaError) as refused:
        _submit(community, ExternalAgentFactory())
    assert refused.value.status == 404
    banned = MembershipFactory(community=community, banned=True).agent
    with pytest.raises(IdeaError) as refused:
        _submit(community, banned)
    assert refused.value.status == 404
    assert not Idea.objects.exists()


def test_a_community_already_at_its_address_becomes_the_platform_box():
    """An earlier community at « ameliorer-maillage » (created before the box) is adopted rather
    than duplicated under another address."""
    existing = CommunityFactory(slug="ameliorer-maillage", open=True)
    box = services.platform_box()
    assert box.community_id == existing.pk and box.is_platform
