"""The kinds of notifications the chat produces (mentions, private messages), with their policy
check (``RoomAbilities.can_read``), registered with the notifications from ``ChatConfig.ready()``
(``notifications.kinds``)."""

from django.utils.translation import gettext_lazy as _

from chat.models import Participant
from chat.permissions import RoomAbilities
from communities.notification_kinds import abilities_many
from notifications import kinds
from notifications.models import Email


def _participations_prefetch(agent, messages):
    """Which of the messages' conversations the agent takes part in, in one query, kept on the
    agent (as the policy keeps memberships) for ``_message_visible``."""
    rooms = {message.room_id for message in messages if not message.room.is_community}
    if not rooms:
        return
    found = set(
        Participant.objects.filter(agent=agent, room_id__in=rooms).values_list("room_id", flat=True)
    )
    cache = getattr(agent, "_participation_cache", None)
    if cache is None:
        cache = agent._participation_cache = {}
    cache.update({room: room in found for room in rooms})


def _participants(agents, room):
    """The ids of ``agents`` taking part in the conversation ``room`` (one query, or none for
    one agent whose participations were prefetched)."""
    if len(agents) == 1:
        cache = getattr(agents[0], "_participation_cache", None) or {}
        if room.pk in cache:
            return {agents[0].pk} if cache[room.pk] else set()
    return set(
        Participant.objects.filter(
            room=room, agent_id__in=[agent.pk for agent in agents]
        ).values_list("agent_id", flat=True)
    )


def _message_visible(agents, message):
    """Who may read the message's room (``RoomAbilities.can_read``), the memberships or the
    participations read in one query."""
    if message.is_deleted:
        return set()
    room = message.room
    if room.is_community:
        pairs = abilities_many(agents, room.community)
        return {
            agent.pk
            for agent, ability in pairs
            if RoomAbilities(
                agent=agent, room=room, community_abilities=ability, is_participant=False
            ).can_read
        }
    participants = _participants(agents, room)
    return {
        agent.pk
        for agent in agents
        if RoomAbilities(
            agent=agent,
            room=room,
            community_abilities=None,
            is_participant=agent.pk in participants,
        ).can_read
    }


kinds.register(
    "mention",
    label=_("Mentions"),
    description=_("Quelqu'un vous mentionne dans la messagerie (@Prénom Nom)."),
    visible_many=_message_visible,
    default_email=Email.IMMEDIATE,
    order=60,
    related=("room__community",),
    prefetch=_participations_prefetch,
)
kinds.register(
    "direct_message",
    label=_("Messages privés"),
    description=_("Un message dans une de vos conversations privées."),
    visible_many=_message_visible,
    default_email=Email.IMMEDIATE,
    order=70,
    related=("room__community",),
    prefetch=_participations_prefetch,
)
