"""Reads of the messaging: what a room shows, what an agent's « Messagerie » lists, as plain
dicts for the WebSocket events and the pages alike (``message_payload``)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from chat.models import Message, Participant, Reaction, ReadMarker, Room
from chat.permissions import rooms_of
from communities.models import Membership
from maillage.markup import plain_text, render_markdown
from search.text import normalize

HISTORY_PAGE = 50
# A client further behind than this in one room reloads the room instead of catching up.
CATCH_UP_LIMIT = 500


def room_participants(room):
    """The agents of a room: the active members of its community, or its participants."""
    Agent = get_user_model()
    if room.is_community:
        return Agent.objects.filter(
            memberships__community_id=room.community_id,
            memberships__state=Membership.State.ACTIVE,
            is_active=True,
        ).order_by("last_name", "first_name")
    return Agent.objects.filter(chat_participations__room=room).order_by("last_name", "first_name")


def room_title(room, viewer):
    if room.is_community:
        if room.is_main:
            return room.community.name
        return f"{room.community.name} · {room.name}"
    if room.is_direct:
        other = next((p.agent for p in _participants(room) if p.agent_id != viewer.pk), None)
        return other.display_name if other else room.name
    if room.name:
        return room.name
    names = [p.agent.first_name for p in _participants(room) if p.agent_id != viewer.pk]
    return ", ".join(names[:4]) + ("…" if len(names) > 4 else "")


def _participants(room):
    cached = getattr(room, "_prefetched_participants", None)
    if cached is None:
        cached = list(room.participants.select_related("agent"))
        room._prefetched_participants = cached
    return cached


def rooms_for_list(agent):
    """The agent's rooms with their unread counts, most recent activity first (three queries)."""
    last_read = ReadMarker.objects.filter(room=OuterRef("pk"), agent=agent).values("last_read_id")
    # Inside the messages' subquery, the room is two levels out.
    last_read_inner = ReadMarker.objects.filter(room=OuterRef(OuterRef("pk")), agent=agent).values(
        "last_read_id"
    )
    unread = (
        Message.objects.filter(room=OuterRef("pk"), pk__gt=Coalesce(Subquery(last_read_inner), 0))
        .exclude(author=agent)
        .filter(deleted_at__isnull=True, is_hidden=False)
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rooms = list(
        rooms_of(agent)
        .select_related("community")
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            last_read_id=Coalesce(Subquery(last_read), Value(0)),
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("agent"),
                to_attr="_prefetched_participants",
            )
        )
    )
    epoch = timezone.datetime.min.replace(tzinfo=timezone.UTC)
    rooms.sort(key=lambda r: r.last_message_at or r.created_at or epoch, reverse=True)
    for room in rooms:
        room.title = room_title(room, agent)
    return rooms


def room_summary(room, agent):
    """What a client's list needs of a room."""
    return {
        "id": room.pk,
        "kind": room.kind,
        "title": getattr(room, "title", None) or room_title(room, agent),
        "url": room.get_absolute_url(),
        "unread": getattr(room, "unread", 0),
        "seq": room.last_seq,
        "community": room.community.name if room.community_id else None,
    }


def messages_queryset(room):
    return (
        Message.objects.filter(room=room)
        .select_related("author", "reply_to__author")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.select_related("agent")),
        )
    )


def history(room, *, before=None, around=None, limit=HISTORY_PAGE):
    """A page of the room's messages in order: the latest, those before an id, or those around
    one (a link to a message, the first unread)."""
    qs = messages_queryset(room)
    if around is not None:
        older = list(qs.filter(pk__lt=around).order_by("-pk")[: limit // 2])
        newer = list(qs.filter(pk__gte=around).order_by("pk")[: limit - len(older)])
        return older[::-1] + newer
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return list(qs.order_by("-pk")[:limit])[::-1]


def search(room, query, limit=HISTORY_PAGE):
    """The room's messages containing every word of ``query`` (accents and case ignored)."""
    words = normalize(query).split()
    if not words:
        return []
    qs = messages_queryset(room).filter(deleted_at__isnull=True, is_hidden=False)
    for word in words[:10]:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("-pk")[:limit])


def changes_since(room_id, seq, limit=CATCH_UP_LIMIT):
    """The messages changed in a room after sequence number ``seq``, in order."""
    qs = messages_queryset(Room(pk=room_id)).filter(seq__gt=seq).order_by("seq")
    return list(qs[:limit])


def _agent(agent):
    return {
        "id": agent.pk,
        "name": agent.display_name,
        "initials": agent.initials,
        "url": agent.get_absolute_url(),
    }


def _render(message, mentions):
    body = message.body
    for agent in mentions:
        # @Prénom Nom of a mentioned participant becomes a link to their profile.
        label = f"@{agent.first_name} {agent.last_name}"
        if label in body:
            body = body.replace(label, f"[{label}]({agent.get_absolute_url()})")
    return str(render_markdown(body))


def message_payload(message, mentions=None, reactions=None):
    """The message as the clients see it (the same for every reader: ``mine`` is computed by
    the client from the agent ids). ``mentions`` and ``reactions`` (lists) when they are known
    without reading them."""
    deleted = message.is_deleted
    if mentions is None:
        mentions = list(message.mentions.all()) if message.pk and not deleted else []
    if reactions is None:
        reactions = message.reactions.all() if not deleted else ()
    grouped = {}
    if not deleted:
        for reaction in reactions:
            entry = grouped.setdefault(
                reaction.emoji, {"emoji": reaction.emoji, "agents": [], "names": []}
            )
            entry["agents"].append(reaction.agent_id)
            entry["names"].append(reaction.agent.display_name)
    reply = None
    if message.reply_to_id and message.reply_to is not None:
        original = message.reply_to
        reply = {
            "id": original.pk,
            "author": original.author.display_name,
            "excerpt": "" if original.is_deleted else plain_text(original.body, 140),
            "deleted": original.is_deleted,
        }
    payload = {
        "id": message.pk,
        "room": message.room_id,
        "seq": message.seq,
        "author": _agent(message.author),
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "moderated": message.is_hidden,
        "body": "" if deleted else message.body,
        "html": "" if deleted else _render(message, mentions),
        "reply_to": reply,
        "reactions": list(grouped.values()),
        "mentions": [agent.pk for agent in mentions],
        "attachment": None,
    }
    if message.attachment and not deleted:
        payload["attachment"] = {
            "name": message.attachment_name,
            "size": message.attachment_size,
            "type": message.attachment_type,
            "url": reverse("chat:attachment", args=[message.pk]),
            "thumbnail": {
                "url": reverse("chat:attachment", args=[message.pk]) + "?miniature=1",
                "width": message.attachment_thumbnail_width,
                "height": message.attachment_thumbnail_height,
            }
            if message.attachment_thumbnail
            else None,
        }
    return payload


def unread_total(agent):
    return sum(room.unread for room in rooms_for_list(agent))


def first_unread_id(room, agent):
    last_read = (
        ReadMarker.objects.filter(room=room, agent=agent).values_list("last_read_id", flat=True)
    ).first() or 0
    return (
        room.messages.filter(pk__gt=last_read)
        .exclude(author=agent)
        .filter(Q(deleted_at__isnull=True), is_hidden=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
