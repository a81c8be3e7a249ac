"""The relay of the embedded default: new notifications pushed to this process's connections.

At scale the fan-out task pushes through the Redis channel layer, which every Daphne process
shares. In the embedded default the channel layer lives in the memory of the one Daphne
process, while the fan-out runs in the task worker, another process: its pushes reach nobody.
There, the first WebSocket connection of the process starts this relay, which reads the
notifications made since its last look, every RELAY_INTERVAL seconds (one indexed query), and
pushes the new unread counts itself. Nothing is lost either way: the count is also on every page.
It pushes only what the recipient may still see (``_since``).
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

from maillage import realtime
from notifications import selectors, services
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
    """``(rows, counts, last id)``: the new notifications their recipient may still see, the
    recipients' unread counts, the id to read from next time.

    The fan-out checked them, but in another process, up to a second or more ago: a ban or a
    content hidden in between must not reach the tab. The check is cheap, the rows being few and
    about few targets (one batched check per distinct target, ``visible_to_recipients``); those
    that fail it are withdrawn without a push, the worker's push of them having reached nobody.
    """
    rows = list(
        Notification.objects.filter(pk__gt=last_id, in_app=True)
        .select_related("recipient")
        .order_by("pk")[:500]
    )
    if not rows:
        return [], {}, last_id
    visible = selectors.visible_to_recipients(rows)
    kept = {n.pk for n in visible}
    services.withdraw([n for n in rows if n.pk not in kept], push_counts=False)
    counts = dict(
        get_user_model()
        .objects.filter(pk__in={n.recipient_id for n in visible})
        .values_list("pk", "notifications_unread")
    )
    return visible, counts, rows[-1].pk


async def _run():
    last_id = await database_sync_to_async(_latest_id)()
    while True:
        await asyncio.sleep(getattr(settings, "NOTIFICATIONS_RELAY_INTERVAL", RELAY_INTERVAL))
        try:
            rows, counts, last_id = await database_sync_to_async(_since)(last_id)
        except Exception:  # a locked database now is a relay that pushes a second later
            logger.exception("notifications relay: could not read new notifications")
            continue
        for row in rows:
            payload = {
                "type": "notifications.unread",
                "unread": counts.get(row.recipient_id, 0),
                "notification": {
                    "id": row.pk,
                    "kind": row.kind,
                    "summary": row.summary,
                    "url": row.url,
                    "created": row.created_at.isoformat(),
                },
            }
            await realtime.send_async(
                realtime.agent_group(row.recipient_id),
                {
                    "type": "notifications.event",
                    "agent": row.recipient_id,
                    "text": json.dumps(payload),
                },
            )
