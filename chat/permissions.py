"""The chat's part of the permission policy: who may read, write and moderate in a room.

A community's rooms belong to its active members (while its « messagerie » tool is on); platform
administrators read and moderate them. Direct and group conversations belong to their
participants only: nobody else, administrators included, reads private correspondence.

The community's own abilities (``communities.permissions``) decide for community rooms; this
module composes them, as every community tool does.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone

from chat.models import Message, Mute, Participant, Room
from communities.models import Membership
from communities.permissions import (
    UNSET,
    CommunityAbilities,
    abilities,
    is_platform_admin,
    remember_own_membership,
    with_own_membership,
)
from maillage import policy

S = Membership.State


@dataclass
class RoomAbilities:
    """What one agent may do in one chat room."""

    agent: object
    room: object
    community_abilities: CommunityAbilities | None
    is_participant: bool
    muted_until: object = None

    @property
    def signed_in(self):
        return self.agent.is_authenticated and self.agent.is_active

    @property
    def _community(self):
        return self.community_abilities

    @property
    def can_read(self):
        if not self.signed_in:
            return False
        if self.room.is_community:
            ca = self._community
            return ca.tool("chat") and (ca.is_member or ca.is_admin)
        return self.is_participant

    @property
    def is_muted(self):
        return self.muted_until is not None

    @property
    def can_post(self):
        """Write, answer, react, attach a file."""
        if not self.can_read or self.is_muted:
            return False
        if self.room.is_community:
            return self._community.can_contribute
        return True

    @property
    def can_moderate(self):
        """Delete anyone's message, mute members, read edit histories, manage channels."""
        return self.room.is_community and self.can_read and self._community.can_moderate

    @property
    def can_report(self):
        return self.room.is_community and self.can_read and self._community.can_report

    @property
    def can_manage_participants(self):
        return self.room.is_group and self.is_participant and self.signed_in

    @property
    def can_leave(self):
        return self.room.is_group and self.is_participant

    def can_edit(self, message):
        return self.can_post and message.author_id == self.agent.pk and not message.is_deleted

    def can_delete(self, message):
        if message.is_deleted or not self.can_read:
            return False
        if self.can_moderate:
            return True
        return message.author_id == self.agent.pk and not (
            self.room.is_community and self._community.archived
        )

    def can_see_history(self, message):
        return self.can_moderate


def room_abilities(agent, room, membership=UNSET):
    """The abilities of ``agent`` in ``room`` (one or two queries)."""
    community_abilities = None
    is_participant = False
    muted_until = None
    if room.is_community:
        community_abilities = abilities(agent, room.community, membership)
        if agent.is_authenticated and community_abilities.is_member:
            muted_until = muted_until_of(agent, room.community_id)
    elif agent.is_authenticated:
        is_participant = Participant.objects.filter(room=room, agent=agent).exists()
    return RoomAbilities(
        agent=agent,
        room=room,
        community_abilities=community_abilities,
        is_participant=is_participant,
        muted_until=muted_until,
    )


def mute_key(agent_id, community_id):
    """Where the policy's scope remembers an agent's mute in a community (``maillage.policy``)."""
    return ("chat_mute", agent_id, community_id)


def muted_until_of(agent, community_id):
    """Until when the agent may not write in the community's rooms (None: not muted), read once
    per request or event: a mute saved or lifted forgets it (``chat.signals``)."""
    return policy.remembered(
        mute_key(agent.pk, community_id),
        lambda: (
            Mute.objects.filter(community_id=community_id, agent=agent, until__gt=timezone.now())
            .values_list("until", flat=True)
            .first()
        ),
    )


def with_own_standing(queryset, agent):
    """Rooms that bring, in the same query, the agent's membership of their community and their
    mute there, for ``remember_own_standing``: the paths taken for every message and every read
    position then ask the policy without another query."""
    if not agent.is_authenticated:
        return queryset
    return with_own_membership(queryset, agent).annotate(
        own_mute=FilteredRelation(
            "community__chat_mutes",
            condition=Q(
                community__chat_mutes__agent=agent,
                community__chat_mutes__until__gt=timezone.now(),
            ),
        ),
        own_muted_until=F("own_mute__until"),
    )


def remember_own_standing(agent, room):
    """Remember in the current scope what a ``with_own_standing`` room brought."""
    if agent.is_authenticated and room.community_id is not None:
        remember_own_membership(agent, room, room.community_id)
        policy.remember(mute_key(agent.pk, room.community_id), room.own_muted_until)


def rooms_of(agent):
    """The rooms in the agent's « Messagerie »: the rooms of the communities they are an active
    member of (chat tool on, not archived) and their conversations."""
    if not agent.is_authenticated or not agent.is_active:
        return Room.objects.none()
    member = Membership.objects.filter(community=OuterRef("community"), agent=agent, state=S.ACTIVE)
    return Room.objects.filter(
        Q(
            Exists(member),
            kind=Room.Kind.COMMUNITY,
            community__tool_chat=True,
            community__archived_at__isnull=True,
        )
        | Q(participants__agent=agent)
    ).distinct()


def rooms_readable_by(agent):
    """Every room whose messages the agent may read (``rooms_of`` plus, for administrators,
    every community room, and archived communities' rooms for their members)."""
    if not agent.is_authenticated or not agent.is_active:
        return Room.objects.none()
    conversations = Q(participants__agent=agent)
    if is_platform_admin(agent):
        community_rooms = Q(kind=Room.Kind.COMMUNITY, community__tool_chat=True)
    else:
        member = Membership.objects.filter(
            community=OuterRef("community"), agent=agent, state=S.ACTIVE
        )
        community_rooms = Q(Exists(member), kind=Room.Kind.COMMUNITY, community__tool_chat=True)
    return Room.objects.filter(community_rooms | conversations).distinct()


def messages_readable_by(agent):
    """Every message the agent may read: those of the rooms they read (deleted and hidden ones
    included: the pages show them as such)."""
    return Message.objects.filter(room__in=rooms_readable_by(agent).values("pk"))


def message_abilities(agent, message):
    """The abilities of ``agent`` in the message's room (the message is read there)."""
    return room_abilities(agent, message.room)
