"""Demo conversations: a few days of exchanges in two communities' rooms, a named channel, a
direct and a group conversation, written through the services (mentions, replies, reactions).

Idempotent: nothing is written when a demo room already has messages. Every participant has
read what is there, so the demo starts with no unread badge.
"""

from django.db import transaction

from chat import services
from chat.models import Message, ReadMarker, Room
from communities.models import Community, Membership
from directory.models import Agent

ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"

# (community slug, channel or None for the main room, [(author e-mail, text, reply to index)])
ROOM_MESSAGES = [
    (
        "politique-de-l-eau-en-bretagne",
        None,
        [
            (ANIMATOR, "Bonjour à tous ! Le comité de bassin se réunit jeudi : qui y va ?", None),
            (AGENT, "J'y serai pour la DDTM, avec la note sur les **arrêtés sécheresse**.", 0),
            (
                ANIMATOR,
                "Merci ! Pensez à déposer vos contributions dans le wiki avant mercredi soir.",
                None,
            ),
        ],
    ),
    (
        "politique-de-l-eau-en-bretagne",
        "Sécheresse 2026",
        [
            (
                ANIMATOR,
                "Salon dédié au suivi des restrictions d'eau : niveaux des nappes, arrêtés, "
                "retours du terrain.",
                None,
            ),
            (AGENT, "Le Finistère passe en *alerte renforcée* lundi, arrêté en signature.", None),
        ],
    ),
    (
        "teletravail-et-nomadisme",
        None,
        [
            (ANIMATOR, "Quels outils de visioconférence utilisez-vous au quotidien ?", None),
            (AGENT, "Webconf de l'État pour les réunions internes, ça marche bien.", 0),
        ],
    ),
]


def _agent(email):
    return Agent.objects.filter(email=email, is_active=True).first()


def _post(room, author, text, reply_to=None, n=0):
    return services.message_send(
        agent=author,
        room=room,
        body=text,
        client_id=f"demo-{room.pk}-{n:03d}",
        reply_to_id=reply_to.pk if reply_to else None,
    )


def _everyone_has_read(room):
    last = room.messages.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return
    if room.is_community:
        readers = Membership.objects.filter(
            community_id=room.community_id, state=Membership.State.ACTIVE
        ).values_list("agent_id", flat=True)
    else:
        readers = room.participants.values_list("agent_id", flat=True)
    for agent_id in readers:
        ReadMarker.objects.update_or_create(
            room=room, agent_id=agent_id, defaults={"last_read_id": last}
        )


def _room(community, channel, animator):
    if channel is None:
        return services.room_for_community(community)
    room = Room.objects.filter(community=community, name=channel).first()
    return room or services.channel_create(
        agent=animator,
        community=community,
        name=channel,
        topic="Suivi des restrictions d'eau",
    )


@transaction.atomic
def load_demo_chat():
    """Write the demo conversations that are missing; return how many messages were written."""
    animator, agent = _agent(ANIMATOR), _agent(AGENT)
    if animator is None or agent is None:
        return 0
    written = 0
    for slug, channel, lines in ROOM_MESSAGES:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            continue
        room = _room(community, channel, animator)
        if room.messages.exists():
            continue
        posted = []
        for n, (email, text, reply_index) in enumerate(lines):
            reply_to = posted[reply_index] if reply_index is not None else None
            posted.append(_post(room, _agent(email), text, reply_to, n))
        services.reaction_toggle(agent=agent, message=posted[0], emoji="👍")
        _everyone_has_read(room)
        written += len(posted)
    colleague, other = _agent("agent01@demo.gouv.fr"), _agent("agent02@demo.gouv.fr")
    if colleague is not None and other is not None:
        direct = services.direct_open(agent=colleague, other=agent)
        if not direct.messages.exists():
            _post(direct, colleague, "Bonjour, as-tu le contact du référent eau de la DDTM 29 ?")
            _post(direct, agent, "Oui : je te le transmets dans la journée.", n=1)
            _everyone_has_read(direct)
            written += 2
        if not Message.objects.filter(room__kind=Room.Kind.GROUP, author=colleague).exists():
            group = services.group_create(
                agent=colleague,
                name="Déménagement de la cité administrative",
                members=[agent, other],
            )
            _post(group, colleague, "Le calendrier des cartons est dans le fil de la communauté.")
            _everyone_has_read(group)
            written += 1
    return written
