"""The personas of the permission matrices: every state an agent can be in towards one community.

A tool's ``test_permissions.py`` asks each of them what they may do and compares the answer with a
row written out by hand. The ``personas`` fixture (``tests/conftest.py``) gives a ``Personas`` for a
fresh open community; ``make_personas(private_listed=True)`` (or any other ``CommunityFactory``
trait) for another one::

    def test_…(personas):
        personas.archive()                      # or personas.tool_off("forum")
        assert not forum_abilities(personas.member, personas.community).can_reply(topic)
        for state in Personas.STATES:          # or a tool's own subset of them
            agent = personas[state]

The states (``Personas.STATES``), each an attribute:

- ``anonymous``: not signed in (``AnonymousUser``);
- ``outsider``: a signed-in State agent, member of nothing (an open community lets them read);
- ``external``: an external partner, member of another community only;
- ``requested``: asked to join, not accepted yet;
- ``member_without_charter``: an active member who has not accepted the current charter;
- ``member``: an active member who accepted it;
- ``animator``: an active animator who accepted it;
- ``admin``: a platform administrator, not a member;
- ``banned``: banned from the community.

Each persona is created the first time it is read, then kept, so a test pays only for the ones it
uses; read ``personas.all()`` to create them all (e.g. before archiving the community, so their
memberships date from when it was live). ``archive()`` and ``tool_off(tool)`` change the community
and save it; the agents' memberships are unchanged.
"""

from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import AgentFactory, CommunityFactory, ExternalAgentFactory, MembershipFactory


class Personas:
    """One community (``community``) and one agent per state towards it (see the module)."""

    STATES = (
        "anonymous",
        "outsider",
        "external",
        "requested",
        "member_without_charter",
        "member",
        "animator",
        "admin",
        "banned",
    )

    def __init__(self, community=None, **community_traits):
        if community is None:
            community = CommunityFactory(**(community_traits or {"open": True}))
        elif community_traits:
            raise TypeError("Personas: a community or its traits, not both")
        self.community = community

    def __getitem__(self, state):
        if state not in self.STATES:
            raise KeyError(state)
        return getattr(self, state)

    def all(self, states=None):
        """``{state: agent}`` for ``states`` (all of them by default), created now."""
        return {state: self[state] for state in states or self.STATES}

    def archive(self):
        """Archive the community (read-only for everybody), saved."""
        self.community.archived_at = timezone.now()
        self.community.save()
        return self.community

    def tool_off(self, tool):
        """Switch the community's tool off (``"forum"``, ``"wiki"``, ``"documents"``, ``"ideas"``,
        …: the ``tool_<name>`` field), saved."""
        field = f"tool_{tool}"
        if not hasattr(self.community, field):
            raise AttributeError(f"Community has no tool {tool!r}")
        setattr(self.community, field, False)
        self.community.save()
        return self.community

    def _membership(self, **traits):
        return MembershipFactory(community=self.community, agent=AgentFactory(), **traits).agent

    @cached_property
    def anonymous(self):
        return AnonymousUser()

    @cached_property
    def outsider(self):
        return AgentFactory()

    @cached_property
    def external(self):
        agent = ExternalAgentFactory()
        MembershipFactory(community=CommunityFactory(), agent=agent)
        return agent

    @cached_property
    def requested(self):
        return self._membership(requested=True)

    @cached_property
    def member_without_charter(self):
        return self._membership(without_charter=True)

    @cached_property
    def member(self):
        return self._membership()

    @cached_property
    def animator(self):
        return self._membership(animator=True)

    @cached_property
    def admin(self):
        return AgentFactory(platform_admin=True)

    @cached_property
    def banned(self):
        return self._membership(banned=True)
