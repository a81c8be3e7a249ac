"""What the wiki's tests share: a community with its wiki and the agents around it."""

from types import SimpleNamespace

from tests.factories import AgentFactory, CommunityFactory, MembershipFactory


def wiki_world(**community_fields):
    """An open community (wiki on) with two members, an animator, a member who has not
    accepted the charter and an outsider."""
    community = CommunityFactory(open=True, **community_fields)
    return SimpleNamespace(
        community=community,
        member=MembershipFactory(community=community).agent,
        other=MembershipFactory(community=community).agent,
        animator=MembershipFactory(community=community, animator=True).agent,
        no_charter=MembershipFactory(community=community, without_charter=True).agent,
        outsider=AgentFactory(),
    )
