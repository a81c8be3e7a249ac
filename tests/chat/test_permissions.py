"""THE permission matrix of chat rooms: every state of an agent towards a room × every ability of
``chat.permissions.RoomAbilities``, for a community room (chat tool on), a community room
whose chat tool is off, a room of an archived community, a direct and a group conversation.

Each table is written out by hand from the policy's docstring (community rooms belong to the
active members while the tool is on, administrators read and moderate them; conversations belong
to their participants only, administrators included). A row is one state; its 11 flags are

    read post moderate report | edit(own) edit(other's) delete(own) delete(other's) |
    see_history manage_participants leave

so ``"YYNY YNYN NNN"`` is an ordinary member. The querysets (``rooms_of``: the rooms listed in the
agent's « Messagerie »; ``rooms_readable_by``: every room whose messages they may read) are then
checked against the same states, so a page, a list and a WebSocket subscription never disagree.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from chat import services
from chat.models import Message, Mute
from chat.permissions import room_abilities, rooms_of, rooms_readable_by
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

ABILITIES = (
    "can_read",
    "can_post",
    "can_moderate",
    "can_report",
    "can_edit(own)",
    "can_edit(other)",
    "can_delete(own)",
    "can_delete(other)",
    "can_see_history",
    "can_manage_participants",
    "can_leave",
)

COMMUNITY_STATES = (
    "anonymous",  # not signed in
    "outsider",  # signed-in State agent, no membership (the community is open: still no chat)
    "external",  # external partner, member of another community only
    "invited",  # invited, not answered yet
    "external_member",  # external partner, active member here
    "member_without_charter",  # active member who has not accepted the current charter
    "member",  # active member, current charter accepted
    "animator",  # active animator
    "banned",  # excluded by the animators
    "muted",  # active member muted by an animator until tomorrow
    "deactivated",  # active member whose account is no longer active
    "admin",  # platform administrator, not a member
)
COMMUNITY_VARIANTS = ("chat_on", "chat_off", "archived")

CONVERSATION_STATES = (
    "anonymous",
    "participant",
    "non_participant",  # a State agent outside the conversation
    "admin",  # platform administrator, not a participant
)

MEMBERSHIP_TRAITS = {
    "invited": {"invited": True},
    "external_member": {},
    "member_without_charter": {"without_charter": True},
    "member": {},
    "animator": {"animator": True},
    "banned": {"banned": True},
    "muted": {},
    "deactivated": {},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One agent per state, one community per variant, a direct and a group conversation; built
    once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world():
    agents = {
        "anonymous": AnonymousUser(),
        "outsider": AgentFactory(),
        "external": ExternalAgentFactory(),
        "external_member": ExternalAgentFactory(),
        "admin": AgentFactory(platform_admin=True),
    }
    for state in MEMBERSHIP_TRAITS:
        agents.setdefault(state, AgentFactory())
    MembershipFactory(community=CommunityFactory(private_listed=True), agent=agents["external"])

    author = AgentFactory()  # writes the "other's message" of every room
    community_rooms = {}
    for variant in COMMUNITY_VARIANTS:
        community = CommunityFactory(
            open=True,
            tool_chat=variant != "chat_off",
            archived_at=timezone.now() if variant == "archived" else None,
        )
        MembershipFactory(community=community, agent=author)
        for state, traits in MEMBERSHIP_TRAITS.items():
            MembershipFactory(community=community, agent=agents[state], **traits)
        Mute.objects.create(
            community=community,
            agent=agents["muted"],
            until=timezone.now() + timezone.timedelta(days=1),
        )
        community_rooms[variant] = services.room_for_community(community)
    agents["deactivated"].is_active = False
    agents["deactivated"].save()

    participant, partner, third = AgentFactory(), AgentFactory(), AgentFactory()
    conversation_agents = {
        "anonymous": AnonymousUser(),
        "participant": participant,
        "non_participant": AgentFactory(),
        "admin": agents["admin"],
    }
    conversations = {
        "direct": services.direct_open(agent=participant, other=partner),
        "group": services.group_create(agent=participant, name="Projet", members=[partner, third]),
    }
    return SimpleNamespace(
        agents=agents,
        author=author,
        community_rooms=community_rooms,
        conversation_agents=conversation_agents,
        conversations=conversations,
        partner=partner,
    )


def _flags(values):
    flags = "".join("Y" if value else "N" for value in values)
    return f"{flags[:4]} {flags[4:8]} {flags[8:]}"


def _row(agent, room, other_author):
    """The policy's answer for one agent in one room, as a table row."""
    ability = room_abilities(agent, room)
    own = Message(room=room, author_id=agent.pk)
    others = Message(room=room, author=other_author)
    return _flags(
        [
            ability.can_read,
            ability.can_post,
            ability.can_moderate,
            ability.can_report,
            ability.can_edit(own),
            ability.can_edit(others),
            ability.can_delete(own),
            ability.can_delete(others),
            ability.can_see_history(others),
            ability.can_manage_participants,
            ability.can_leave,
        ]
    )


# --- the tables ------------------------------------------------------------------------------
#                          read post mod report | edit own, other's, delete own, other's |
#                          history participants leave

COMMUNITY_ROOM = {
    "anonymous":              "NNNN NNNN NNN",
    "outsider":               "NNNN NNNN NNN",
    "external":               "NNNN NNNN NNN",
    "invited":                "NNNN NNNN NNN",
    "external_member":        "YYNY YNYN NNN",
    "member_without_charter": "YNNY NNYN NNN",
    "member":                 "YYNY YNYN NNN",
    "animator":               "YYYY YNYY YNN",
    "banned":                 "NNNN NNNN NNN",
    "muted":                  "YNNY NNYN NNN",
    "deactivated":            "NNNN NNNN NNN",
    "admin":                  "YNYN NNYY YNN",
}  # fmt: skip

CHAT_TOOL_OFF = {
    "anonymous":              "NNNN NNNN NNN",
    "outsider":               "NNNN NNNN NNN",
    "external":               "NNNN NNNN NNN",
    "invited":                "NNNN NNNN NNN",
    "external_member":        "NNNN NNNN NNN",
    "member_without_charter": "NNNN NNNN NNN",
    "member":                 "NNNN NNNN NNN",
    "animator":               "NNNN NNNN NNN",
    "banned":                 "NNNN NNNN NNN",
    "muted":                  "NNNN NNNN NNN",
    "deactivated":            "NNNN NNNN NNN",
    "admin":                  "NNNN NNNN NNN",
}  # fmt: skip

ARCHIVED_COMMUNITY = {
    "anonymous":              "NNNN NNNN NNN",
    "outsider":               "NNNN NNNN NNN",
    "external":               "NNNN NNNN NNN",
    "invited":                "NNNN NNNN NNN",
    "external_member":        "YNNN NNNN NNN",
    "member_without_charter": "YNNN NNNN NNN",
    "member":                 "YNNN NNNN NNN",
    "animator":               "YNNN NNNN NNN",
    "banned":                 "NNNN NNNN NNN",
    "muted":                  "YNNN NNNN NNN",
    "deactivated":            "NNNN NNNN NNN",
    "admin":                  "YNNN NNNN NNN",
}  # fmt: skip

DIRECT_CONVERSATION = {
    "anonymous":              "NNNN NNNN NNN",
    "participant":            "YYNN YNYN NNN",
    "non_participant":        "NNNN NNNN NNN",
    "admin":                  "NNNN NNNN NNN",
}  # fmt: skip

GROUP_CONVERSATION = {
    "anonymous":              "NNNN NNNN NNN",
    "participant":            "YYNN YNYN NYY",
    "non_participant":        "NNNN NNNN NNN",
    "admin":                  "NNNN NNNN NNN",
}  # fmt: skip

COMMUNITY_TABLES = {
    "chat_on": COMMUNITY_ROOM,
    "chat_off": CHAT_TOOL_OFF,
    "archived": ARCHIVED_COMMUNITY,
}
CONVERSATION_TABLES = {"direct": DIRECT_CONVERSATION, "group": GROUP_CONVERSATION}

# The rooms listed in the agent's « Messagerie » (rooms_of), over chat_on, chat_off, archived:
# an administrator reads every community room but lists only their own; an archived
# community's rooms stay readable by link and leave the list.
LISTED_COMMUNITY_ROOMS = {
    "anonymous":              "NNN",
    "outsider":               "NNN",
    "external":               "NNN",
    "invited":                "NNN",
    "external_member":        "YNN",
    "member_without_charter": "YNN",
    "member":                 "YNN",
    "animator":               "YNN",
    "banned":                 "NNN",
    "muted":                  "YNN",
    "deactivated":            "NNN",
    "admin":                  "NNN",
}  # fmt: skip

# Over direct, group.
LISTED_CONVERSATIONS = {
    "anonymous":              "NN",
    "participant":            "YY",
    "non_participant":        "NN",
    "admin":                  "NN",
}  # fmt: skip


def test_every_table_covers_every_state():
    """Each table has one row of 11 Y/N flags for every state, so no cell is left unspecified."""
    for table in COMMUNITY_TABLES.values():
        assert tuple(table) == COMMUNITY_STATES
        for flags in table.values():
            assert len(flags.replace(" ", "")) == len(ABILITIES)
    for table in CONVERSATION_TABLES.values():
        assert tuple(table) == CONVERSATION_STATES
        for flags in table.values():
            assert len(flags.replace(" ", "")) == len(ABILITIES)


# --- the abilities ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", COMMUNITY_STATES)
def test_community_room_abilities(world, state):
    """Members read and write, animators moderate, admins read and moderate without writing; a
    muted member or one without the current charter reads only; nobody else enters."""
    room = world.community_rooms["chat_on"]
    assert _row(world.agents[state], room, world.author) == COMMUNITY_ROOM[state]


@pytest.mark.parametrize("state", COMMUNITY_STATES)
def test_community_room_with_the_chat_tool_off(world, state):
    """With the « messagerie » tool switched off, nobody reads or does anything in its rooms."""
    room = world.community_rooms["chat_off"]
    assert _row(world.agents[state], room, world.author) == CHAT_TOOL_OFF[state]


@pytest.mark.parametrize("state", COMMUNITY_STATES)
def test_room_of_an_archived_community(world, state):
    """An archived community's rooms are read-only for those who read them before, admins too:
    nobody writes, edits, deletes or moderates there."""
    room = world.community_rooms["archived"]
    assert _row(world.agents[state], room, world.author) == ARCHIVED_COMMUNITY[state]


@pytest.mark.parametrize("state", CONVERSATION_STATES)
def test_direct_conversation_abilities(world, state):
    """Only the two participants read and write a direct conversation; nobody moderates, reports
    or leaves it, and an administrator cannot read it."""
    room = world.conversations["direct"]
    agent = world.conversation_agents[state]
    assert _row(agent, room, world.partner) == DIRECT_CONVERSATION[state]


@pytest.mark.parametrize("state", CONVERSATION_STATES)
def test_group_conversation_abilities(world, state):
    """Only participants read and write a group conversation, add people to it and leave it; an
    administrator cannot read it."""
    room = world.conversations["group"]
    agent = world.conversation_agents[state]
    assert _row(agent, room, world.partner) == GROUP_CONVERSATION[state]


# --- the querysets agree with the abilities ----------------------------------------------------


@pytest.mark.parametrize("state", COMMUNITY_STATES)
def test_rooms_readable_by_agrees_with_can_read_in_community_rooms(world, state):
    """A community room is in rooms_readable_by exactly when can_read says so, in every
    variant."""
    agent = world.agents[state]
    readable = set(rooms_readable_by(agent).values_list("pk", flat=True))
    for variant, table in COMMUNITY_TABLES.items():
        room = world.community_rooms[variant]
        assert (room.pk in readable) is (table[state][0] == "Y"), variant
        assert (room.pk in readable) is room_abilities(agent, room).can_read, variant


@pytest.mark.parametrize("state", CONVERSATION_STATES)
def test_rooms_readable_by_agrees_with_can_read_in_conversations(world, state):
    """A conversation is in rooms_readable_by exactly when can_read says so."""
    agent = world.conversation_agents[state]
    readable = set(rooms_readable_by(agent).values_list("pk", flat=True))
    for kind, table in CONVERSATION_TABLES.items():
        room = world.conversations[kind]
        assert (room.pk in readable) is (table[state][0] == "Y"), kind
        assert (room.pk in readable) is room_abilities(agent, room).can_read, kind


@pytest.mark.parametrize("state", COMMUNITY_STATES)
def test_rooms_of_lists_the_members_community_rooms(world, state):
    """The « Messagerie » lists the rooms of the member's communities with the tool on and not
    archived; every listed room is readable."""
    agent = world.agents[state]
    listed = set(rooms_of(agent).values_list("pk", flat=True))
    row = "".join(
        "Y" if world.community_rooms[variant].pk in listed else "N"
        for variant in COMMUNITY_VARIANTS
    )
    assert row == LISTED_COMMUNITY_ROOMS[state]
    assert listed <= set(rooms_readable_by(agent).values_list("pk", flat=True))


@pytest.mark.parametrize("state", CONVERSATION_STATES)
def test_rooms_of_lists_the_participants_conversations(world, state):
    """The « Messagerie » lists a conversation to its participants only."""
    agent = world.conversation_agents[state]
    listed = set(rooms_of(agent).values_list("pk", flat=True))
    row = "".join(
        "Y" if world.conversations[kind].pk in listed else "N" for kind in ("direct", "group")
    )
    assert row == LISTED_CONVERSATIONS[state]


def test_an_expired_mute_no_longer_counts(world):
    """A mute whose end has passed leaves the member free to write."""
    room = world.community_rooms["chat_on"]
    agent = world.agents["muted"]
    Mute.objects.filter(agent=agent, community=room.community).update(
        until=timezone.now() - timezone.timedelta(seconds=1)
    )
    ability = room_abilities(agent, room)
    assert not ability.is_muted
    assert ability.can_post


def test_a_deleted_message_is_neither_edited_nor_deleted_again(world):
    """Once deleted (or hidden by moderation), a message is edited or deleted by nobody."""
    room = world.community_rooms["chat_on"]
    member, animator = world.agents["member"], world.agents["animator"]
    deleted = Message(room=room, author=member, deleted_at=timezone.now())
    hidden = Message(room=room, author=member, is_hidden=True)
    for message in (deleted, hidden):
        assert not room_abilities(member, room).can_edit(message)
        assert not room_abilities(member, room).can_delete(message)
        assert not room_abilities(animator, room).can_delete(message)
