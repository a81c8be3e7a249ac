"""The kinds of events agents are notified of, with their French names, default channels, and
the permission check applied to the recipients when the notification is made and again when a
digest goes out, through the one policy.

The check is batched: ``visible_many(agents, target) -> set of agent ids`` reads what the policy
needs for all the recipients at once (their memberships, their participations) and asks the
policy's abilities for each, so a fan-out costs the same queries for 5 recipients or 5,000.
``Kind.visible(agent, target)`` is the same check for one agent. A kind may register a one-agent
``visible`` only (it is then called per recipient).

Every read of the notifications checks them again (``notifications/selectors.py``): one agent,
many targets. For that shape a kind declares what its check reads beside the target
(``related``, given to ``select_related`` when the targets are read in bulk) and may fill, in one
query, what the check would otherwise read per target (``prefetch(agent, targets)``); the
agent's memberships are read once by the selector for the policy's per-agent cache.

Apps that add events (the forum, the wiki, the ideas, the calls) register their kinds here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from notifications.models import Email


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default_email: str
    visible_many: Callable
    default_in_app: bool = True
    # What the check reads through the target (``select_related`` paths).
    related: tuple = ()
    # ``prefetch(agent, targets)``: read at once what the check reads per target for one agent.
    prefetch: Callable | None = None

    def visible(self, agent, target):
        return agent.pk in self.visible_many([agent], target)


KINDS = {}


def _one_by_one(visible):
    def visible_many(agents, target):
        return {agent.pk for agent in agents if visible(agent, target)}

    return visible_many


def register(
    key,
    *,
    label,
    description,
    visible=None,
    visible_many=None,
    default_email=Email.WEEKLY,
    related=(),
    prefetch=None,
):
    if visible_many is None:
        visible_many = _one_by_one(visible)
    KINDS[key] = Kind(
        key=key,
        label=label,
        description=description,
        default_email=default_email,
        visible_many=visible_many,
        related=tuple(related),
        prefetch=prefetch,
    )


def get(key):
    return KINDS[key]


# --- the permission checks --------------------------------------------------------------------


def _abilities_many(agents, community):
    """``[(agent, CommunityAbilities)]`` of each agent, their memberships read in one query."""
    from communities.models import Membership
    from communities.permissions import abilities

    if len(agents) == 1:  # one agent (a digest): the policy's per-agent membership cache
        return [(agents[0], abilities(agents[0], community))]
    memberships = {
        membership.agent_id: membership
        for membership in Membership.objects.filter(
            community=community, agent_id__in=[agent.pk for agent in agents]
        )
    }
    return [(agent, abilities(agent, community, memberships.get(agent.pk))) for agent in agents]


def _join_request_visible(agents, membership):
    from communities.models import Membership

    if membership.state != Membership.State.REQUESTED:
        return set()
    return {
        agent.pk
        for agent, ability in _abilities_many(agents, membership.community)
        if ability.can_manage_members
    }


def _request_answer_visible(agents, community):
    return {agent.pk for agent, ability in _abilities_many(agents, community) if ability.can_view}


def _invitation_visible(agents, membership):
    from communities.models import Membership

    if membership.state != Membership.State.INVITED:
        return set()
    return {agent.pk for agent in agents if agent.pk == membership.agent_id}


def _charter_visible(agents, version):
    if version.community.current_charter_id != version.pk:
        return set()
    return {
        agent.pk
        for agent, ability in _abilities_many(agents, version.community)
        if ability.is_member
    }


def _announcement_visible(agents, announcement):
    if announcement.is_hidden:
        return set()
    return {
        agent.pk
        for agent, ability in _abilities_many(agents, announcement.community)
        if ability.is_member
    }


def _report_visible(agents, report):
    from communities.models import Report

    if report.status != Report.Status.OPEN:
        return set()
    return {
        agent.pk
        for agent, ability in _abilities_many(agents, report.community)
        if ability.can_moderate
    }


def _participations_prefetch(agent, messages):
    """Which of the messages' conversations the agent takes part in, in one query, kept on the
    agent (as the policy keeps memberships) for ``_message_visible``."""
    from chat.models import Participant

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
    from chat.models import Participant

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
    from chat.permissions import RoomAbilities

    if message.is_deleted:
        return set()
    room = message.room
    if room.is_community:
        pairs = _abilities_many(agents, room.community)
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


register(
    "join_request",
    label=_("Demandes d'adhésion"),
    description=_("Quelqu'un demande à rejoindre une communauté que vous animez."),
    visible_many=_join_request_visible,
    related=("community",),
)
register(
    "request_answered",
    label=_("Réponses à vos demandes"),
    description=_("Les animateurs ont accepté ou refusé votre demande d'adhésion."),
    visible_many=_request_answer_visible,
)
register(
    "invitation",
    label=_("Invitations"),
    description=_("Vous êtes invité à rejoindre une communauté."),
    visible_many=_invitation_visible,
)
register(
    "charter_version",
    label=_("Chartes à accepter"),
    description=_("Une nouvelle version de la charte d'une de vos communautés."),
    visible_many=_charter_visible,
    related=("community",),
)
register(
    "announcement",
    label=_("Annonces"),
    description=_("Une nouvelle annonce dans une de vos communautés."),
    visible_many=_announcement_visible,
    related=("community",),
)
register(
    "mention",
    label=_("Mentions"),
    description=_("Quelqu'un vous mentionne dans la messagerie (@Prénom Nom)."),
    visible_many=_message_visible,
    default_email=Email.IMMEDIATE,
    related=("room__community",),
    prefetch=_participations_prefetch,
)
register(
    "direct_message",
    label=_("Messages privés"),
    description=_("Un message dans une de vos conversations privées."),
    visible_many=_message_visible,
    default_email=Email.IMMEDIATE,
    related=("room__community",),
    prefetch=_participations_prefetch,
)
register(
    "report",
    label=_("Signalements"),
    description=_("Un contenu signalé dans une communauté que vous animez."),
    visible_many=_report_visible,
    related=("community",),
)
