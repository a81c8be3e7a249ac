"""One channel-layer subscription per process and group, fanned out to the process's connections.

Were every connection a member of its groups in the channel layer, a message to a chat room of
200 open tabs would be 200 channel-layer messages, each queued, received and dispatched through
its consumer (and through Redis at scale): the layer, not the sockets, would bound the platform.
So each process (each event loop) has one hub: the hub's channel joins a group when the
process's first connection joins it and leaves it with the last one; a group's message is one
channel-layer message per process, which the hub hands to each local connection by a method
call. Which handler takes it (by the prefix of its type) is worked out once per message, not once
per connection.

Every group goes through the same channel — the agents' own groups and the apps' groups alike
— so that a process receives all of them in the order they were sent: a member removed from a
community has their connections drop its rooms before any later message of those rooms is
handed to them.

A message names its group (``"group"``, stamped by ``maillage.realtime.publish``); a member is
any object with ``async hub_deliver(prefix, method, message)`` (``PlatformConsumer``).
"""

import asyncio
import contextvars
import logging
import weakref

from channels.consumer import get_handler_name
from channels.layers import get_channel_layer

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
        found = _hubs[loop] = Hub(get_channel_layer())
    return found


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.groups = {}  # group name -> set of local members
        self.channel = None
        self._task = None
        self._lock = asyncio.Lock()

    async def _start(self):
        if self._task is None or self._task.done():
            if self.channel is None:
                # The default prefix: channels_redis reads every channel of a process through
                # one Redis list named after it, and another prefix would be a list nobody reads.
                self.channel = await self.layer.new_channel()
            # A context of its own: the deliveries never run in the context of the event that
            # happened to start the hub (its policy scope, for one).
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="realtime-hub", context=contextvars.Context()
            )

    async def join(self, group, member):
        async with self._lock:
            await self._start()
            local = self.groups.setdefault(group, set())
            if not local:
                await self.layer.group_add(group, self.channel)
            local.add(member)

    async def leave(self, group, member):
        async with self._lock:
            local = self.groups.get(group)
            if local is None:
                return
            local.discard(member)
            if not local:
                del self.groups[group]
                await self.layer.group_discard(group, self.channel)

    async def leave_all(self, member, groups):
        for group in list(groups):
            await self.leave(group, member)

    def members(self, group):
        """The local members of ``group`` (for tests and diagnostics)."""
        return set(self.groups.get(group, ()))

    async def _run(self):
        loop = asyncio.get_running_loop()
        rejoined = loop.time()
        while True:
            message = await self.layer.receive(self.channel)
            if loop.time() - rejoined > REJOIN_EVERY:
                rejoined = loop.time()
                for group in list(self.groups):
                    await self.layer.group_add(group, self.channel)
            targets = self.groups.get(message.get("group"))
            if not targets:
                continue
            try:
                method = get_handler_name(message)
            except ValueError:
                logger.error("realtime hub: a message without a valid type in %s", message["group"])
                continue
            prefix = message["type"].partition(".")[0]
            for member in list(targets):
                try:
                    await member.hub_deliver(prefix, method, message)
                except Exception:
                    # One broken connection never stops the others' deliveries.
                    logger.exception("realtime hub: delivery to one connection failed")
