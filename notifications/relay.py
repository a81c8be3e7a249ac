"""The relay of the embedded default: new notifications pushed to this process's connections.

At scale the fan-out task pushes through the Redis channel layer, which every Daphne process
shares. In the embedded default the channel layer lives in the memory of the one Daphne
process, while the fan-out runs in the task worker, another process: its pushes reach nobody.
There, the first WebSocket connection of the process starts this relay, which reads the
notifications made since its last look, every RELAY_INTERVAL seconds (one indexed query), and
pushes the new unread counts itself. Nothing is lost either way: the count is also on every page.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend

from notifications.models import Notification

RELAY_INTERVAL = 1.0
logger = logging.getLogger(__name__)
_relays = {}


def needed():
    """Only when the fan-out runs in another process that cannot reach this channel layer."""
    return isinstance(get_channel_layer(), InMemoryChannelLayer) and not isinstance(
        task_backends["default"], ImmediateBackend
    )


def ensure_started():
    """Start this event loop's relay once (called by each new connection)."""
    if not needed():
        return
    loop = asyncio.get_running_loop()
    task = _relays.get(loop)
    if task is None or task.done():
        _relays[loop] = loop.create_task(_run(), name="notifications-relay")


def _latest_id():
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _since(last_id):
    rows = list(
        Notification.objects.filter(pk__gt=last_id, in_app=True)
        .order_by("pk")
        .values("pk", "recipient_id", "kind", "summary", "url", "created_at")[:500]
    )
    counts = dict(
        get_user_model()
        .objects.filter(pk__in={row["recipient_id"] for row in rows})
        .values_list("pk", "notifications_unread")
    )
    return rows, counts


async def _run():
    from chat.events import agent_group

    layer = get_channel_layer()
    last_id = await database_sync_to_async(_latest_id)()
    while True:
        await asyncio.sleep(getattr(settings, "NOTIFICATIONS_RELAY_INTERVAL", RELAY_INTERVAL))
        try:
            rows, counts = await database_sync_to_async(_since)(last_id)
        except Exception:  # a locked database now is a relay that pushes a second later
            logger.exception("notifications relay: could not read new notifications")
            continue
        for row in rows:
            last_id = max(last_id, row["pk"])
            payload = {
                "type": "notifications.unread",
                "unread": counts.get(row["recipient_id"], 0),
                "notification": {
                    "id": row["pk"],
                    "kind": row["kind"],
                    "summary": row["summary"],
                    "url": row["url"],
                    "created": row["created_at"].isoformat(),
                },
            }
            await layer.group_send(
                agent_group(row["recipient_id"]),
                {
                    "type": "notifications.event",
                    "agent": row["recipient_id"],
                    "text": json.dumps(payload),
                },
            )
