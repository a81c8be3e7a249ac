"""Helpers of the idea box's social tests (comments, following, notifications, moderation,
export, personal data): boxes, ideas, supports and comments made through the real services, so
that the receivers under test run exactly as they do after a real request."""

from ideas import comments, services
from tests.factories import MembershipFactory


def member(community, agent=None, **traits):
    """An agent with a membership of ``community`` (active member unless ``traits`` say)."""
    if agent is None:
        return MembershipFactory(community=community, **traits).agent
    MembershipFactory(community=community, agent=agent, **traits)
    return agent


def submit(community, author, title="Covoiturage entre sites", body="Une plateforme commune."):
    return services.idea_submit(community=community, agent=author, title=title, body=body)


def support(idea, agent):
    return services.support_toggle(idea=idea, agent=agent, support=True)


def comment(idea, author, body="Bonne idée.", mentions=()):
    """A comment of ``author``; ``mentions``: agents named « @Prénom Nom » in it."""
    names = " ".join(f"@{agent.first_name} {agent.last_name}" for agent in mentions)
    return comments.comment_create(idea=idea, agent=author, body=f"{body} {names}".strip())
