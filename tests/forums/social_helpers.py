"""Helpers of the forums' social tests (following, notifications, animation, live page): a
forum's categories, topics and replies made through the real services (``forums.services``),
so that the receivers under test run exactly as they do after a real post."""

from forums import services
from forums.models import Category
from tests.factories import MembershipFactory


def category(community, name="Entraide", **fields):
    return Category.objects.create(community=community, name=name, **fields)


def member(community, agent=None, **traits):
    """An agent with a membership of ``community`` (active member unless ``traits`` say)."""
    if agent is None:
        return MembershipFactory(community=community, **traits).agent
    MembershipFactory(community=community, agent=agent, **traits)
    return agent


def start_topic(category, author, title="Une question", body="Le texte du sujet.", **fields):
    return services.topic_create(category=category, agent=author, title=title, body=body, **fields)


def reply(topic, author, body="Une réponse.", mentions=()):
    """A reply of ``author``; ``mentions``: agents named « @Prénom Nom » in it."""
    names = " ".join(f"@{agent.first_name} {agent.last_name}" for agent in mentions)
    return services.post_reply(topic=topic, agent=author, body=f"{body} {names}".strip())


def mark_solution(topic, post, actor):
    return services.solution_mark(topic=topic, agent=actor, post=post)
