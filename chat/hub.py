"""One subscription per process and room (and agent), fanned out to the process's connections.

Were every connection a member of its rooms' channel-layer groups, a message in a room of 200
open tabs would be 200 channel-layer messages, each queued, received and dispatched through its
consumer (and through Redis at scale): the layer, not the sockets, would bound the platform. So
each process (each event loop) has one hub: the hub's channel joins a room's group when the
process's first connection subscribes to the room and leaves it with the last one; a room's event
is one channel-layer message per process, which the hub hands to each local connection by a
method call. Gap detection and catch-up stay per connection (``ChatConsumerMixin.chat_event``).

The agents' own groups (``chat.events.agent_group``: rooms changed, read positions, notifications)
come through the same hub channel, so that a process receives all of them in the order they were
sent: a member removed from a community has their connections drop its rooms before any later
message of those rooms is handed to them.
"""

import asyncio
import logging
import weakref

from channels.consumer import get_handler_name
from channels.layers import get_channel_layer

from chat.events import agent_group, room_group

logger = logging.getLogger(__name__)
# channels_redis forgets a group's members after a day (group_expiry): the hub joins again well
# before.
REJOIN_EVERY = 3600
_hubs = weakref.WeakKeyDictionary()


def hub():
    """This event loop's hub."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = RoomHub(get_channel_layer())
    return found


class RoomHub:
    def __init__(self, layer):
        self.layer = layer
        self.rooms = {}  # room id -> set of local consumers
        self.agents = {}  # agent id -> set of local consumers
        self.channel = None
        self._task = None
        self._lock = asyncio.Lock()

    async def _start(self):
        if self._task is None or self._task.done():
            if self.channel is None:
                # The default prefix: channels_redis reads every channel of a process through
                # one Redis list named after it, and another prefix would be a list nobody reads.
                self.channel = await self.layer.new_channel()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="chat-room-hub")

    async def join(self, room_id, consumer):
        async with self._lock:
            await self._start()
            local = self.rooms.setdefault(room_id, set())
            if not local:
                await self.layer.group_add(room_group(room_id), self.channel)
            local.add(consumer)

    async def leave(self, room_id, consumer):
        async with self._lock:
            local = self.rooms.get(room_id)
            if local is None:
                return
            local.discard(consumer)
            if not local:
                del self.rooms[room_id]
                await self.layer.group_discard(room_group(room_id), self.channel)

    async def join_agent(self, agent_id, consumer):
        async with self._lock:
            await self._start()
            local = self.agents.setdefault(agent_id, set())
            if not local:
                await self.layer.group_add(agent_group(agent_id), self.channel)
            local.add(consumer)

    async def leave_agent(self, agent_id, consumer):
        async with self._lock:
            local = self.agents.get(agent_id)
            if local is None:
                return
            local.discard(consumer)
            if not local:
                del self.agents[agent_id]
                await self.layer.group_discard(agent_group(agent_id), self.channel)

    async def leave_all(self, consumer, room_ids):
        for room_id in list(room_ids):
            await self.leave(room_id, consumer)

    async def _run(self):
        loop = asyncio.get_running_loop()
        rejoined = loop.time()
        while True:
            message = await self.layer.receive(self.channel)
            if loop.time() - rejoined > REJOIN_EVERY:
                rejoined = loop.time()
                for room_id in list(self.rooms):
                    await self.layer.group_add(room_group(room_id), self.channel)
                for agent_id in list(self.agents):
                    await self.layer.group_add(agent_group(agent_id), self.channel)
            if "agent" in message:
                targets = self.agents.get(message["agent"], ())
            else:
                targets = self.rooms.get(message.get("room"), ())
            handler = get_handler_name(message)
            for consumer in list(targets):
                try:
                    await consumer.hub_deliver(handler, message)
                except Exception:
                    # One broken connection never stops the others' deliveries.
                    logger.exception("chat hub: delivery to one connection failed")
