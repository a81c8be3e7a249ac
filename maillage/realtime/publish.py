"""Publication to the open connections, on commit.

The channel layer only carries a wake-up with the change already serialised; the database is
the store. So an event about stored rows is published once the transaction that wrote them
commits (``publish_on_commit``, Zulip's ``send_event_on_commit``): a client never hears of a
row that is later rolled back. ``send`` and ``send_async`` publish at once, for what is not
stored (typing, presence) or is sent from outside any transaction (a relay reading committed
rows).

Every message is stamped with the group it was sent to (``"group"``): the process's hub
(``maillage.realtime.hub``) hands it to the connections of that group. A failure to publish is
logged, never raised: the write is committed, and clients catch up from the database.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def _stamped(group, event):
    return {**event, "group": group}


def send(group, event):
    """Publish ``event`` (a dict with a ``type``) to ``group`` now, from synchronous code."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, _stamped(group, event))
    except Exception:  # a side effect never fails the write: clients catch up from the database
        logger.exception("realtime: could not publish to %s", group)


async def send_async(group, event):
    """``send`` from the event loop (a connection's typing indicator, a relay)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, _stamped(group, event))
    except Exception:
        logger.exception("realtime: could not publish to %s", group)


def publish_on_commit(group, event):
    """Publish ``event`` to ``group`` once the current transaction commits (at once in
    autocommit); nothing if it rolls back."""
    transaction.on_commit(lambda: send(group, event))


def publish_many_on_commit(messages):
    """``publish_on_commit`` for several ``(group, event)`` pairs, in order, in one callback."""
    messages = list(messages)
    if messages:
        transaction.on_commit(lambda: [send(group, event) for group, event in messages])
