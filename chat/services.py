"""Every write of the messaging goes through these functions (views and the consumer call them).

Each checks the permission policy (``chat.permissions.room_abilities``), writes in one
transaction that takes the room's next sequence number, and publishes the change to the open
connections **on commit** (``chat.events``): nothing is pushed that is not stored. Refusals raise
``ChatError`` with a French message and a code the WebSocket error event carries.
"""

import re
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import events
from chat.models import (
    MAX_GROUP_SIZE,
    MAX_MESSAGE_LENGTH,
    Message,
    MessageRevision,
    Mute,
    Participant,
    Reaction,
    ReadMarker,
    Room,
)
from chat.permissions import room_abilities
from chat.thumbnails import make_thumbnail
from communities.content import audit
from communities.permissions import agents_visible_to
from maillage import ratelimit
from maillage.french import de, long_datetime
from maillage.http import Refused
from maillage.text import invalid_text_reason
from maillage.uploads import check_file
from search.text import normalize

# The reactions offered (and accepted) under a message.
EMOJIS = ("👍", "❤️", "😄", "🎉", "🤔", "👀", "🙏", "✅")
MAX_CLIENT_ID_LENGTH = 64
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAIN_ROOM_NAME = "Général"


class ChatError(Refused):
    """A refused action: ``str(error)`` is French, ``error.code`` is for the client."""


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise ChatError(message, code)


def _next_seq(room, *, message_at=None):
    """Take the room's next sequence number (and, for a new message, note its time). The UPDATE
    locks the room's row until commit, so two changes in one room are numbered in the order they
    commit. One statement: the number comes back through RETURNING (SQLite 3.35+, PostgreSQL)."""
    table = connection.ops.quote_name(Room._meta.db_table)
    sql = f"UPDATE {table} SET last_seq = last_seq + 1"  # noqa: S608 - our own table's name
    params = []
    if message_at is not None:
        sql += ", last_message_at = %s"
        params.append(connection.ops.adapt_datetimefield_value(message_at))
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE id = %s RETURNING last_seq", [*params, room.pk])
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist(f"room {room.pk} is gone")
    room.last_seq = row[0]
    if message_at is not None:
        room.last_message_at = message_at
    return room.last_seq


# --- rooms ------------------------------------------------------------------------------------


def room_for_community(community):
    """The community's main room, created the first time it is asked for."""
    room = Room.objects.filter(community=community, is_main=True).first()
    if room is None:
        try:
            with transaction.atomic():
                room = Room.objects.create(
                    kind=Room.Kind.COMMUNITY,
                    community=community,
                    name=MAIN_ROOM_NAME,
                    is_main=True,
                )
        except IntegrityError:  # created meanwhile by another request
            room = Room.objects.get(community=community, is_main=True)
    return room


def channel_create(*, agent, community, name, topic=""):
    """An animator adds a named channel to their community."""
    main = room_for_community(community)
    _check(
        room_abilities(agent, main).can_moderate,
        _("Seuls les animateurs de la communauté créent des salons."),
    )
    name = " ".join(name.split())
    _check(bool(name), _("Donnez un nom au salon."), "invalid")
    _check(len(name) <= 80, _("Le nom du salon tient en 80 caractères."), "invalid")
    _check(
        not Room.objects.filter(community=community, name__iexact=name).exists(),
        _("Un salon porte déjà ce nom dans la communauté."),
        "invalid",
    )
    with transaction.atomic():
        room = Room.objects.create(
            kind=Room.Kind.COMMUNITY,
            community=community,
            name=name,
            topic=topic.strip()[:300],
            created_by=agent,
        )
    events.rooms_changed_for_community(community)
    return room


def channel_delete(*, agent, room):
    """An animator removes a named channel (never the main room) and its messages."""
    _check(room.is_community and not room.is_main, _("Le salon principal ne se supprime pas."))
    _check(
        room_abilities(agent, room).can_moderate,
        _("Seuls les animateurs de la communauté suppriment un salon."),
    )
    community = room.community
    room.delete()
    events.rooms_changed_for_community(community)


def direct_open(*, agent, other):
    """The direct conversation between ``agent`` and ``other``, created if need be."""
    _check(agent.is_authenticated and agent.is_active, _("Connectez-vous pour écrire."))
    _check(other.pk != agent.pk, _("Vous ne pouvez pas vous écrire à vous-même."), "invalid")
    _check(
        other.is_active
        and not other.is_closed
        and agents_visible_to(agent, get_user_model().objects.filter(pk=other.pk)).exists(),
        _("Cet agent ne peut pas recevoir de message."),
    )
    low, high = sorted((agent.pk, other.pk))
    key = f"{low}-{high}"
    room = Room.objects.filter(direct_key=key).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            room = Room.objects.create(kind=Room.Kind.DIRECT, direct_key=key, created_by=agent)
            Participant.objects.bulk_create(
                [
                    Participant(room=room, agent=agent, added_by=agent),
                    Participant(room=room, agent=other, added_by=agent),
                ]
            )
    except IntegrityError:
        return Room.objects.get(direct_key=key)
    events.rooms_changed_for_agents([agent.pk, other.pk])
    return room


def _checked_participants(agent, others):
    others = {other for other in others if other.pk != agent.pk}
    visible = set(
        # get_user_model(), not type(agent): a view passes request.user, a lazy object.
        agents_visible_to(agent, get_user_model().objects.filter(pk__in=[o.pk for o in others]))
        .filter(is_active=True, closed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    refused = [other.display_name for other in others if other.pk not in visible]
    _check(
        not refused,
        _("Ces agents ne peuvent pas être ajoutés : %(names)s.") % {"names": ", ".join(refused)},
        "invalid",
    )
    return others


def group_create(*, agent, name, members):
    """A group conversation of ``agent`` and ``members`` (50 agents at most)."""
    _check(agent.is_authenticated and agent.is_active, _("Connectez-vous pour écrire."))
    others = _checked_participants(agent, members)
    _check(bool(others), _("Choisissez au moins une autre personne."), "invalid")
    _check(
        len(others) + 1 <= MAX_GROUP_SIZE,
        _("Une conversation de groupe réunit %(max)s agents au plus.") % {"max": MAX_GROUP_SIZE},
        "invalid",
    )
    name = " ".join((name or "").split())[:80]
    with transaction.atomic():
        room = Room.objects.create(kind=Room.Kind.GROUP, name=name, created_by=agent)
        Participant.objects.bulk_create(
            [Participant(room=room, agent=agent, added_by=agent)]
            + [Participant(room=room, agent=other, added_by=agent) for other in others]
        )
    events.rooms_changed_for_agents([agent.pk, *(o.pk for o in others)])
    return room


def group_add(*, agent, room, members):
    """A participant adds agents to a group conversation (up to 50 in all)."""
    _check(
        room_abilities(agent, room).can_manage_participants,
        _("Seuls les participants ajoutent des personnes à la conversation."),
    )
    present = set(room.participants.values_list("agent_id", flat=True))
    others = [o for o in _checked_participants(agent, members) if o.pk not in present]
    _check(
        len(present) + len(others) <= MAX_GROUP_SIZE,
        _("Une conversation de groupe réunit %(max)s agents au plus.") % {"max": MAX_GROUP_SIZE},
        "invalid",
    )
    Participant.objects.bulk_create(
        [Participant(room=room, agent=other, added_by=agent) for other in others]
    )
    events.rooms_changed_for_agents([o.pk for o in others])
    return others


def group_leave(*, agent, room):
    _check(room_abilities(agent, room).can_leave, _("Vous ne participez pas à cette conversation."))
    Participant.objects.filter(room=room, agent=agent).delete()
    events.rooms_changed_for_agents([agent.pk])


# --- messages ---------------------------------------------------------------------------------


def _rate_limit(agent):
    """At most CHAT_RATE_LIMIT messages per CHAT_RATE_WINDOW seconds per agent, counted in the
    shared cache (``maillage.ratelimit``) so that every process and tab counts together."""
    count = ratelimit.hit(f"chat:{agent.pk}", window=settings.CHAT_RATE_WINDOW)
    _check(
        count <= settings.CHAT_RATE_LIMIT,
        _("Trop de messages d'affilée : attendez quelques secondes avant d'écrire à nouveau."),
        "rate_limited",
    )


def _clean_body(body):
    body = (body or "").replace("\r\n", "\n").strip()
    _check(
        len(body) <= MAX_MESSAGE_LENGTH,
        _("Un message tient en %(max)s caractères au plus (celui-ci en compte %(n)s).")
        % {"max": f"{MAX_MESSAGE_LENGTH:,}".replace(",", "\u202f"), "n": len(body)},
        "too_long",
    )
    reason = invalid_text_reason(body)
    _check(
        reason is None,
        _("Le message contient %(reason)s : retirez-le puis envoyez à nouveau.")
        % {"reason": reason},
        "text_invalid",
    )
    return body


def _mentioned(room, body):
    """The participants whose « @Prénom Nom » appears in ``body``."""
    if "@" not in body:
        return []
    from chat.selectors import room_participants

    text = normalize(body)
    return [
        agent
        for agent in room_participants(room)
        if f"@{normalize(agent.first_name + ' ' + agent.last_name)}" in text
    ]


def _muted_message(abilities):
    return _(
        "L'animation de la communauté a suspendu vos messages dans cette communauté jusqu'au "
        "%(until)s."
    ) % {"until": long_datetime(abilities.muted_until)}


def _check_can_post(abilities):
    if abilities.is_muted and abilities.can_read:
        raise ChatError(_muted_message(abilities), "muted")
    if abilities.room.is_community and abilities.can_read:
        community = abilities.community_abilities
        _check(not community.archived, _("La communauté est archivée : lecture seule."))
        _check(
            not community.must_accept_charter,
            _("Acceptez la charte de la communauté pour écrire."),
            "charter",
        )
    _check(abilities.can_post, _("Vous ne pouvez pas écrire dans ce salon."))


def check_attachment(upload):
    """``(name, content type)`` of a file that may be attached (``maillage.uploads.check_file``);
    else ChatError with its French message."""
    try:
        return check_file(upload)
    except ValidationError as error:
        raise ChatError(error.messages[0], "invalid_file") from None


def message_send(*, agent, room, body, client_id, reply_to_id=None, attachment=None):
    """Store a message and publish it on commit; the same ``client_id`` twice (a resend after a
    timeout) gives back the message stored the first time."""
    client_id = str(client_id or "")
    _check(
        bool(CLIENT_ID.match(client_id)),
        _("Identifiant de message invalide (8 à 64 lettres, chiffres, - ou _)."),
        "invalid",
    )
    existing = Message.objects.filter(author=agent, client_id=client_id).first()
    if existing is not None:
        _check(existing.room_id == room.pk, _("Identifiant de message déjà utilisé."), "invalid")
        return existing
    abilities = room_abilities(agent, room)
    _check(abilities.can_read, _("Ce salon n'existe pas ou ne vous est pas ouvert."), "not_found")
    _check_can_post(abilities)
    body = _clean_body(body)
    _check(bool(body) or attachment is not None, _("Le message est vide."), "invalid")
    reply_to = None
    if reply_to_id is not None:
        reply_to = (
            Message.objects.filter(pk=_int(reply_to_id), room=room).select_related("author").first()
        )
        _check(reply_to is not None, _("Le message auquel vous répondez n'existe pas ici."))
    attachment_name, attachment_type = ("", "")
    thumbnail = None
    if attachment is not None:
        attachment_name, attachment_type = check_attachment(attachment)
    _rate_limit(agent)
    if attachment is not None:
        # Before the transaction: Pillow's work never holds the room's row locked.
        thumbnail = make_thumbnail(attachment, attachment_type)
    now = timezone.now()
    try:
        with transaction.atomic():
            seq = _next_seq(room, message_at=now)
            message = Message(
                room=room,
                community_id=room.community_id,
                author=agent,
                client_id=client_id,
                body=body,
                search_text=normalize(body),
                reply_to=reply_to,
                created_at=now,
                seq=seq,
                attachment_name=attachment_name,
                attachment_type=attachment_type,
                attachment_size=attachment.size if attachment is not None else 0,
            )
            if attachment is not None:
                message.attachment.save(attachment_name, attachment, save=False)
            if thumbnail is not None:
                content, message.attachment_thumbnail_width, message.attachment_thumbnail_height = (
                    thumbnail
                )
                message.attachment_thumbnail.save(content.name, content, save=False)
            message.save()
            mentioned = _mentioned(room, body)
            if mentioned:
                message.mentions.set(mentioned)
            # The author has read their own message: one upsert (their position only moves
            # forward here, the message being the room's newest).
            ReadMarker.objects.bulk_create(
                [ReadMarker(room=room, agent=agent, last_read_id=message.pk)],
                update_conflicts=True,
                unique_fields=["room", "agent"],
                update_fields=["last_read_id", "updated_at"],
            )
            # A new message has no reaction yet and its author, reply and mentions are at
            # hand: the event is written now, without reading the message back.
            events.publish_on_commit(message, mentions=mentioned, reactions=[])
            _notify(message, mentioned)
    except IntegrityError:
        # The same client id committed meanwhile by another connection: that one is kept.
        existing = Message.objects.filter(author=agent, client_id=client_id).first()
        if existing is None:
            raise
        return existing
    return message


def _notify(message, mentioned, *, edit=False):
    """Mentions, and messages of direct conversations, notify their recipients (on commit, in
    the background, with the policy applied then: a message deleted meanwhile notifies nobody)."""
    from notifications.services import notify

    room, author = message.room, message.author
    where = _room_label(room)
    if mentioned:
        notify(
            "mention",
            mentioned,
            target=message,
            community=room.community,
            actor=author,
            summary=_("%(author)s vous mentionne dans %(where)s")
            % {"author": author.display_name, "where": where},
            url=message.get_absolute_url(),
        )
    if room.is_direct and not edit:
        others = set(room.participants.values_list("agent_id", flat=True))
        others -= {author.pk, *(agent.pk for agent in mentioned)}
        notify(
            "direct_message",
            others,
            target=message,
            actor=author,
            summary=_("Nouveau message privé %(of_author)s")
            % {"of_author": de(author.display_name)},
            url=message.get_absolute_url(),
        )


def _room_label(room):
    if room.is_community:
        name = room.community.name if room.is_main else f"{room.community.name} · {room.name}"
        return f"« {name} »"
    if room.is_group:
        return f"« {room.name} »" if room.name else _("une conversation de groupe")
    return _("une conversation privée")


def _int(value):
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ChatError(_("Identifiant invalide."), "invalid") from None
    # Beyond a signed 64-bit integer the database query itself would fail.
    _check(0 <= value < 2**63, _("Identifiant invalide."), "invalid")
    return value


def message_edit(*, agent, message, body):
    """The author changes their message; the previous text is kept for the animators."""
    abilities = room_abilities(agent, message.room)
    _check(message.author_id == agent.pk, _("Vous ne modifiez que vos propres messages."))
    _check(not message.is_deleted, _("Ce message a été supprimé."))
    _check_can_post(abilities)
    body = _clean_body(body)
    _check(bool(body) or bool(message.attachment), _("Le message est vide."), "invalid")
    if body == message.body:
        return message
    with transaction.atomic():
        MessageRevision.objects.create(message=message, body=message.body, replaced_by=agent)
        message.body = body
        message.search_text = normalize(body)
        message.edited_at = timezone.now()
        message.seq = _next_seq(message.room)
        message.save(update_fields=["body", "search_text", "edited_at", "seq"])
        before = set(message.mentions.values_list("pk", flat=True))
        mentioned = _mentioned(message.room, body)
        message.mentions.set(mentioned)
        events.publish_on_commit(message)
        _notify(message, [agent for agent in mentioned if agent.pk not in before], edit=True)
    return message


def message_delete(*, agent, message):
    """The author or an animator deletes a message: it shows as deleted; its text stays in the
    edit history the animators read, its file is removed."""
    abilities = room_abilities(agent, message.room)
    _check(abilities.can_delete(message), _("Vous ne pouvez pas supprimer ce message."))
    with transaction.atomic():
        if message.body:
            MessageRevision.objects.create(message=message, body=message.body, replaced_by=agent)
        for field in (message.attachment, message.attachment_thumbnail):
            if field:
                # The file goes once the deletion is stored (a rollback keeps message and file).
                transaction.on_commit(partial(field.storage.delete, field.name))
        message.attachment = ""
        message.attachment_thumbnail = ""
        message.attachment_thumbnail_width = 0
        message.attachment_thumbnail_height = 0
        message.body = ""
        message.search_text = ""
        message.attachment_name = ""
        message.attachment_size = 0
        message.attachment_type = ""
        message.deleted_at = timezone.now()
        message.deleted_by = agent
        message.seq = _next_seq(message.room)
        # Only the fields of the deletion: a stale copy never undoes a moderation (is_hidden).
        message.save(
            update_fields=[
                "body",
                "search_text",
                "attachment",
                "attachment_name",
                "attachment_size",
                "attachment_type",
                "attachment_thumbnail",
                "attachment_thumbnail_width",
                "attachment_thumbnail_height",
                "deleted_at",
                "deleted_by",
                "seq",
            ]
        )
        message.reactions.all().delete()
        events.publish_on_commit(message)
    return message


def message_republish(message):
    """After a change made elsewhere (moderation hid or restored it): a new sequence number."""
    with transaction.atomic():
        message.seq = _next_seq(message.room)
        Message.objects.filter(pk=message.pk).update(seq=message.seq)
        events.publish_on_commit(message)


def reaction_toggle(*, agent, message, emoji):
    """Add the agent's reaction, or take it back when it is there."""
    abilities = room_abilities(agent, message.room)
    _check(abilities.can_read, _("Ce salon n'existe pas ou ne vous est pas ouvert."), "not_found")
    _check_can_post(abilities)
    _check(emoji in EMOJIS, _("Cette réaction n'est pas proposée."), "invalid")
    _check(not message.is_deleted, _("Ce message a été supprimé."))
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(message=message, agent=agent, emoji=emoji).delete()
        if not deleted:
            Reaction.objects.create(message=message, agent=agent, emoji=emoji)
        message.seq = _next_seq(message.room)
        Message.objects.filter(pk=message.pk).update(seq=message.seq)
        events.publish_on_commit(message)
    return not deleted


def read_mark(*, agent, room, message_id):
    """The agent has read ``room`` up to ``message_id`` (positions only move forward)."""
    message_id = _int(message_id)
    _check(
        room_abilities(agent, room).can_read,
        _("Ce salon n'existe pas ou ne vous est pas ouvert."),
        "not_found",
    )
    last = room.messages.filter(pk__lte=message_id).order_by("-pk").values_list("pk", flat=True)
    last = last.first() or 0
    marker, created = ReadMarker.objects.get_or_create(
        room=room, agent=agent, defaults={"last_read_id": last}
    )
    if not created and marker.last_read_id < last:
        ReadMarker.objects.filter(pk=marker.pk, last_read_id__lt=last).update(last_read_id=last)
        marker.last_read_id = last
    events.read_on_commit(agent.pk, room.pk, marker.last_read_id)
    return marker.last_read_id


# --- moderation -------------------------------------------------------------------------------


def member_mute(*, agent, community, member, minutes, reason=""):
    """An animator stops a member from writing in the community's rooms for ``minutes``."""
    main = room_for_community(community)
    _check(room_abilities(agent, main).can_moderate, _("Seuls les animateurs rendent muet."))
    _check(member.pk != agent.pk, _("Vous ne pouvez pas vous rendre muet."), "invalid")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    _check(
        1 <= minutes <= 60 * 24 * 30, _("Durée invalide (une minute à trente jours)."), "invalid"
    )
    until = timezone.now() + timezone.timedelta(minutes=minutes)
    mute, _created = Mute.objects.update_or_create(
        community=community,
        agent=member,
        defaults={"until": until, "reason": reason.strip()[:300], "created_by": agent},
    )
    audit.record(
        community=community,
        actor=agent,
        action="chat_muted",
        target_agent=member,
        reason=reason.strip()[:300],
    )
    return mute


def member_unmute(*, agent, community, member):
    main = room_for_community(community)
    _check(room_abilities(agent, main).can_moderate, _("Seuls les animateurs rendent la parole."))
    with transaction.atomic():
        lifted, _count = Mute.objects.filter(community=community, agent=member).delete()
        if lifted:
            audit.record(
                community=community, actor=agent, action="chat_unmuted", target_agent=member
            )
