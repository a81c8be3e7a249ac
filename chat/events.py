"""Publication of the messaging's changes to the open connections, always on commit.

The channel layer only carries a wake-up with the change already serialised: every event of a
room has the room's sequence number, and a connection that sees a gap (a group message dropped
by a full channel layer, a restarted process) reads what it missed from the database
(``chat.consumers``). Typing indicators and presence are not stored: losing one is harmless.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def agent_group(agent_id):
    """Every open connection of one agent (all their tabs and devices). Events sent to it carry
    ``"agent": agent_id``: the process's hub (``chat.hub``) hands them to that agent's
    connections."""
    return f"chat.agent.{agent_id}"


def room_group(room_id):
    return f"chat.room.{room_id}"


def _send(group, event):
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # a side effect never fails the write: clients catch up from the database
        logger.exception("chat: could not publish to %s", group)


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
        transaction.on_commit(lambda: _send(room_group(message.room_id), event))
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
            _send(room_group(fresh.room_id), message_event(fresh))

    transaction.on_commit(publish)


def read_on_commit(agent_id, room_id, last_read_id):
    transaction.on_commit(
        lambda: _send(
            agent_group(agent_id),
            {"type": "chat.read", "agent": agent_id, "room": room_id, "last_read": last_read_id},
        )
    )


def rooms_changed_for_agents(agent_ids):
    """Their list of rooms changed (a new conversation, removed from one): their connections
    re-check what they are subscribed to."""
    ids = list(agent_ids)
    transaction.on_commit(
        lambda: [_send(agent_group(pk), {"type": "chat.rooms_changed", "agent": pk}) for pk in ids]
    )


def rooms_changed_for_community(community):
    from communities.models import Membership

    ids = list(
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE).values_list(
            "agent_id", flat=True
        )
    )
    rooms_changed_for_agents(ids)
