"""What the chat makes searchable over everything (``search.registry``): the messages, titled by
their room, each linking to its exact place (the room around the message). Neither a deleted nor
a hidden message, nor a message of a community whose « messagerie » is switched off.

Who reads them (``chat.permissions``): a community's rooms belong to its active members, even in
an open community (``c<id>``), and to the platform administrators (``admin``); a direct or group
conversation to its participants alone (``r<id>``), administrators included in nobody. The chat
gives each viewer ``r<id>`` for every conversation they take part in.
"""

from django.db.models import Q

from chat.models import Message, Participant, Room
from communities.search import content_access
from directory.search import AUTHOR_RELATED, author_fields
from maillage.markup import plain_text
from search import registry
from search.documents import Document, text_of


def messages():
    return (
        Message.objects.filter(is_hidden=False, deleted_at__isnull=True)
        .filter(
            Q(room__kind=Room.Kind.COMMUNITY, room__community__tool_chat=True)
            | Q(room__kind__in=[Room.Kind.DIRECT, Room.Kind.GROUP])
        )
        .select_related("room__community", f"author__{AUTHOR_RELATED}")
    )


def room_title(room):
    if room.is_community:
        return f"{room.community.name} · {room.name}" if room.name else room.community.name
    if room.is_direct:
        return "Conversation privée"
    return room.name or "Conversation de groupe"


def message_document(message):
    room = message.room
    if room.is_community:
        access = content_access(room.community, open_to_all=False)
        community_id = room.community_id
    else:
        access = frozenset({f"r{room.pk}"})
        community_id = None
    return Document(
        type="chat_message",
        id=message.pk,
        title=room_title(room),
        body=text_of(plain_text(message.body), message.attachment_name),
        url=message.get_absolute_url(),
        access=access,
        date=message.created_at,
        community_id=community_id,
        **author_fields(message.author),
    )


def viewer_keys(agent):
    """``r<id>`` for each conversation the agent takes part in."""
    rooms = Participant.objects.filter(
        agent=agent, room__kind__in=[Room.Kind.DIRECT, Room.Kind.GROUP]
    ).values_list("room_id", flat=True)
    return {f"r{pk}" for pk in rooms}


def register():
    """Called by ``ChatConfig.ready()``."""
    registry.register_type(
        "chat_message",
        label="Message de messagerie",
        plural="Messages de messagerie",
        model=Message,
        queryset=messages,
        document=message_document,
        # A room renamed changes its messages' title.
        watch={Room: lambda room: room.messages.values_list("pk", flat=True)},
        order=90,
        community="community_id",
    )
    registry.register_access(viewer_keys)
