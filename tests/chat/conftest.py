"""Shared fixtures of the chat tests: one community with its people in every state, a direct
conversation and a group conversation.

The people (names fixed so that mentions can be typed in tests):

- ``animator`` — Alice Animatrice, animator of ``community``;
- ``member`` — Élodie Bérard, member who accepted the current charter;
- ``colleague`` — Marc Collègue, another such member;
- ``member_without_charter`` — Nina Sanscharte, member who has not accepted the current charter;
- ``banned_agent`` — Bastien Banni, excluded from the community;
- ``outsider`` — Olivier Dehors, State agent without any membership;
- ``admin`` — Paul Admin, platform administrator, not a member.

``main_room`` is the community's « Général »; ``direct_room`` is between ``member`` and
``outsider``; ``group_room`` gathers ``member``, ``colleague`` and ``outsider``.

``post(agent, room, body)`` sends a message through the service with a fresh client id.
Nothing here is autouse.
"""

import itertools
import uuid

import pytest

from chat import services
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory


@pytest.fixture
def community(db):
    return CommunityFactory(name="Transition écologique en Bretagne")


@pytest.fixture
def animator(community):
    agent = AgentFactory(first_name="Alice", last_name="Animatrice")
    MembershipFactory(community=community, agent=agent, animator=True)
    return agent


@pytest.fixture
def member(community, animator):
    agent = AgentFactory(first_name="Élodie", last_name="Bérard")
    MembershipFactory(community=community, agent=agent)
    return agent


@pytest.fixture
def colleague(community, animator):
    agent = AgentFactory(first_name="Marc", last_name="Collègue")
    MembershipFactory(community=community, agent=agent)
    return agent


@pytest.fixture
def member_without_charter(community, animator):
    agent = AgentFactory(first_name="Nina", last_name="Sanscharte")
    MembershipFactory(community=community, agent=agent, without_charter=True)
    return agent


@pytest.fixture
def banned_agent(community, animator):
    agent = AgentFactory(first_name="Bastien", last_name="Banni")
    MembershipFactory(community=community, agent=agent, banned=True)
    return agent


@pytest.fixture
def outsider(db):
    return AgentFactory(first_name="Olivier", last_name="Dehors")


@pytest.fixture
def admin(db):
    return AgentFactory(first_name="Paul", last_name="Admin", platform_admin=True)


@pytest.fixture
def main_room(community):
    return services.room_for_community(community)


@pytest.fixture
def direct_room(member, outsider):
    return services.direct_open(agent=member, other=outsider)


@pytest.fixture
def group_room(member, colleague, outsider):
    return services.group_create(
        agent=member, name="Projet littoral", members=[colleague, outsider]
    )


_counter = itertools.count(1)


def new_client_id():
    """A client id as the browser makes them (a UUID)."""
    return f"{uuid.uuid4()}-{next(_counter)}"[:64]


@pytest.fixture
def client_id():
    """A function giving a fresh valid client id at each call."""
    return new_client_id


@pytest.fixture
def post(db):
    """``post(agent, room, body="…", **kwargs)``: send a message through the service."""

    def send(agent, room, body="Bonjour à tous", **kwargs):
        kwargs.setdefault("client_id", new_client_id())
        return services.message_send(agent=agent, room=room, body=body, **kwargs)

    return send
