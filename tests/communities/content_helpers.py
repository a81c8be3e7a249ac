"""Builders shared by the charter, announcement and moderation tests: communities made through the
services, as the platform makes them."""

from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import services
from communities.models import Community, Membership
from directory.models import Agent
from tests.factories import AgentFactory


def fresh(obj):
    """The object as the database has it now (services work on their own copies)."""
    return type(obj).objects.get(pk=obj.pk)


def accept_charter(community, agent):
    community = fresh(community)
    services.charter_accept(
        community=community, agent=fresh(agent), version_id=community.current_charter_id
    )


def make_community(*, admin=None, animator=None, name="Politique de l'eau", visibility=None):
    """A national community created by a platform administrator, whose animator has accepted the
    charter."""
    admin = admin or AgentFactory(platform_admin=True)
    animator = animator or AgentFactory()
    community = services.community_create(
        actor=admin,
        animators=[animator],
        name=name,
        description=f"Description de {name}",
        objective=f"Objectif de {name}",
        kind=Community.Kind.POLICY,
        visibility=visibility or Community.Visibility.OPEN,
        scope=Community.Scope.NATIONAL,
    )
    accept_charter(community, animator)
    return fresh(community)


def add_member(community, agent=None, *, accept=True):
    """An active member (joined an open community, or invited and accepted otherwise)."""
    agent = agent or AgentFactory()
    community = fresh(community)
    if community.visibility == Community.Visibility.OPEN:
        services.community_join(community=community, agent=agent)
    else:
        animator = (
            Membership.objects.filter(community=community, role=Membership.Role.ANIMATOR)
            .first()
            .agent
        )
        services.invite(community=community, actor=animator, agent=agent)
        services.invitation_answer(community=community, agent=fresh(agent), accept=True)
    if accept:
        accept_charter(community, agent)
    return Agent.objects.get(pk=agent.pk)


def ban(community, agent, animator):
    membership = Membership.objects.get(community=community, agent=agent)
    services.member_remove(
        membership=membership, actor=fresh(animator), ban=True, reason="Propos injurieux"
    )
    return fresh(agent)


def content_type_id(model_or_obj):
    return ContentType.objects.get_for_model(model_or_obj).pk


def build_world(**community_kwargs):
    """An open community with an animator, a member who accepted the charter, a member who did
    not, an announcement and a member's comment on it."""
    admin = AgentFactory(platform_admin=True, email="admin@sgar.gouv.fr")
    animator = AgentFactory(email="animatrice@dreal.gouv.fr", first_name="Alice", last_name="Anim")
    community = make_community(admin=admin, animator=animator, **community_kwargs)
    member = add_member(
        community, AgentFactory(email="membre@ddtm.gouv.fr", first_name="Marc", last_name="Membre")
    )
    newcomer = add_member(
        community,
        AgentFactory(email="nouveau@ddt.gouv.fr", first_name="Nina", last_name="Nouvelle"),
        accept=False,
    )
    announcement = services.announcement_create(
        community=community,
        actor=fresh(animator),
        title="Réunion du réseau en mars",
        body="La **réunion** aura lieu le 12 mars.",
    )
    comment = services.comment_create(
        announcement=announcement, agent=fresh(member), body="Je serai présent."
    )
    return SimpleNamespace(
        admin=admin,
        animator=fresh(animator),
        community=fresh(community),
        member=fresh(member),
        newcomer=fresh(newcomer),
        announcement=announcement,
        comment=comment,
    )


def queries_of(client, url):
    """How many queries a GET of ``url`` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)
