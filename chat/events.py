"""Publication of the messaging's changes to the open connections, always on commit, through the
real-time kernel (``maillage.realtime.publish``).

The channel layer only carries a wake-up with the change already serialised: every event of a
room has the room's sequence number, and a connection that sees a gap (a group message dropped
by a full channel layer, a restarted process) reads what it missed from the database
(``chat.realtime.handlers``). Typing indicators and presence are not stored: losing one is
harmless.
"""

import json

from django.db import transaction

from maillage import realtime
from maillage.realtime import agent_group


def room_group(room_id):
    """Every connection subscribed to the room."""
    return f"chat.room.{room_id}"


def message_event(message, *, mentions=None, reactions=None):
    from chat.selectors import message_payload

    payload = message_payload(message, mentions=mentions, reactions=reactions)
    return {
        "type": "chat.event",
        "room": message.room_id,
        "seq": message.seq,
        "text": json.dumps(
            {
                "type": "chat.message",
                "room": message.room_id,
                "seq": message.seq,
                "message": payload,
            }
        ),
    }


def publish_on_commit(message, *, mentions=None, reactions=None):
    """After the transaction that stored the change commits, tell the room's connections.

    With ``mentions`` and ``reactions`` given (a message just written, whose author and reply
    are loaded), the event is written at once from the objects at hand; otherwise the message
    is read back after the commit, as stored."""
    if mentions is not None and reactions is not None:
        event = message_event(message, mentions=mentions, reactions=reactions)
        realtime.publish_on_commit(room_group(message.room_id), event)
        return

    def publish():
        from chat.models import Message

        fresh = (
            Message.objects.select_related("author", "reply_to__author")
            .prefetch_related("reactions__agent", "mentions")
            .filter(pk=message.pk)
            .first()
        )
        if fresh is not None:
            realtime.send(room_group(fresh.room_id), message_event(fresh))

    transaction.on_commit(publish)


def read_on_commit(agent_id, room_id, last_read_id):
    realtime.publish_on_commit(
        agent_group(agent_id),
        {"type": "chat.read", "agent": agent_id, "room": room_id, "last_read": last_read_id},
    )


def rooms_changed_for_agents(agent_ids):
    """Their list of rooms changed (a new conversation, removed from one): their connections
    re-check what they are subscribed to."""
    realtime.publish_many_on_commit(
        (agent_group(pk), {"type": "chat.rooms_changed", "agent": pk}) for pk in agent_ids
    )


def rooms_changed_for_community(community):
    from communities.models import Membership

    ids = list(
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE).values_list(
            "agent_id", flat=True
        )
    )
    rooms_changed_for_agents(ids)
