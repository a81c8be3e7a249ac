"""The policy registry and its scope (``maillage.policy``): what a request or an event remembers,
and that a write forgets it without anyone clearing a cache by hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Message, Room
from communities import services
from communities.models import Announcement, AnnouncementComment, Community, Membership
from communities.permissions import abilities, membership_of
from directory.models import Agent
from forums.models import Category, Post, Topic
from maillage import policy
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db


def _queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_a_scope_reads_a_membership_once_and_no_scope_reads_it_each_time():
    """Inside a scope the membership is read once however often it is asked; outside, each time
    (nothing lives on the agent object any more)."""
    agent, community = AgentFactory(), CommunityFactory()
    MembershipFactory(community=community, agent=agent)
    assert _queries(lambda: [membership_of(agent, community) for _ in range(5)]) == 5
    with policy.scope():
        assert _queries(lambda: [membership_of(agent, community) for _ in range(5)]) == 1
    assert not hasattr(agent, "_membership_cache")


def test_a_service_sees_the_membership_it_has_just_changed():
    """Joining, then leaving, in one scope: each answer follows the write at once (the
    membership's save and delete forget it)."""
    agent = AgentFactory()
    community = CommunityFactory(open=True)
    with policy.scope():
        assert not abilities(agent, community).is_member
        services.community_join(community=community, agent=agent)
        assert abilities(agent, community).is_member
        services.community_leave(community=community, agent=agent)
        assert not abilities(agent, community).is_member


def test_a_ban_counts_at_once_in_the_same_scope():
    """A member banned in the middle of a request no longer reads a secret community's content."""
    community = CommunityFactory(private_secret=True)
    animator = MembershipFactory(community=community, animator=True).agent
    membership = MembershipFactory(community=community)
    member = membership.agent
    with policy.scope():
        assert abilities(member, community).can_read
        services.member_remove(membership=membership, actor=animator, ban=True, reason="Charte")
        assert not abilities(member, community).can_read
        assert not abilities(member, community).can_view


def test_scopes_are_not_shared_between_requests(client):
    """Two requests never share what they read: a membership ended between them counts."""
    community = CommunityFactory(private_secret=True)
    membership = MembershipFactory(community=community)
    client.force_login(membership.agent)
    assert client.get(community.get_absolute_url()).status_code == 200
    Membership.objects.filter(pk=membership.pk).delete()
    assert client.get(community.get_absolute_url()).status_code == 404


def test_every_app_registers_its_models():
    """The communities, the chat, the directory, the forums and the wiki registered the policy of
    their objects."""
    assert set(policy.registered_models()) >= {
        Community,
        Announcement,
        AnnouncementComment,
        Room,
        Message,
        Agent,
        Category,
        Topic,
        Post,
        Page,
        Revision,
    }
    with pytest.raises(LookupError):
        policy.registration(Membership)


def test_abilities_for_and_readable_by_agree_for_a_secret_community():
    """The generic questions give the owners' answers: a member reads, an outsider does not, and
    the querysets say the same."""
    community = CommunityFactory(private_secret=True)
    member = MembershipFactory(community=community).agent
    outsider = AgentFactory()
    from communities.services import announcement_create

    animator = MembershipFactory(community=community, animator=True).agent
    announcement = announcement_create(
        community=community, actor=animator, title="Réservé", body="Pour les membres"
    )
    for obj in (community, announcement):
        assert policy.can_read(member, obj)
        assert not policy.can_read(outsider, obj)
        model = type(obj)
        assert policy.readable_by(member, model).filter(pk=obj.pk).exists()
        assert not policy.readable_by(outsider, model).filter(pk=obj.pk).exists()
