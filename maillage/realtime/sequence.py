"""Resume by sequence number: changes delivered in order, once, even when the channel layer drops
or reorders some.

The design (the chat's, ``docs/realtime.md``): an app numbers the changes of each of its streams
(a chat room…) in commit order, in the same transaction as the change (``UPDATE … SET last_seq =
last_seq + 1 … RETURNING``), stores the number with what changed, and publishes on commit an
event carrying the number. Each connection remembers, per stream it follows, the last number it
delivered:

- the next number arrives: it is delivered at once, with any that were waiting for it;
- a number already delivered: dropped (a duplicate, or already sent by a catch-up);
- a number ahead of its turn: two processes publish one stream's changes, so the later one may
  arrive first; it waits (``wait``, REORDER_WAIT seconds) for the ones before it;
- they do not come (dropped by a full channel layer, a process gone): what changed after the
  last number delivered is read from the database, in a task of its own, and delivered.

``Reorder`` is that bookkeeping as a pure algorithm (no clock, no I/O); ``SequencedStream`` adds
the timers and the catch-up, parameterised by two callbacks: how to send an item to the client,
and how to read the changes after a number from the database.
"""

import asyncio
import contextvars
import logging
from typing import NamedTuple

# How long an event that arrived ahead of its turn waits for the ones before it (published by
# another process) before they are read from the database.
REORDER_WAIT = 0.5
logger = logging.getLogger(__name__)


class Reset(NamedTuple):
    """What ``read_after`` returns when the connection is too far behind to be sent every change:
    ``item`` (sent as it is) tells the client to reload; the stream goes on from ``seq``."""

    seq: int
    item: object


class Reorder:
    """Per followed stream (``key``): the last number delivered and the events waiting ahead."""

    def __init__(self):
        self.positions = {}  # key -> last number delivered
        self.ahead = {}  # key -> {number: item} arrived ahead of their turn

    def follow(self, key, seq):
        """Follow ``key`` from ``seq`` (already delivered by other means: a page, a backlog); a
        stream already followed further keeps its position."""
        self.positions[key] = max(seq, self.positions.get(key, seq))

    def forget(self, key):
        self.positions.pop(key, None)
        self.ahead.pop(key, None)

    def position(self, key):
        """The last number delivered, None when ``key`` is not followed."""
        return self.positions.get(key)

    def offer(self, key, seq, item):
        """A live event: the items to deliver now, in order (none when it must wait or was
        already delivered)."""
        last = self.positions.get(key)
        if last is None or seq <= last:
            return []
        if seq == last + 1:
            self.positions[key] = seq
            if key in self.ahead:
                return [item, *self.drain(key)]
            return [item]
        self.ahead.setdefault(key, {})[seq] = item
        return []

    def drain(self, key):
        """The waiting items that now follow the position, in order; those already covered are
        dropped."""
        ahead = self.ahead.get(key)
        ready = []
        while ahead:
            following = self.positions[key] + 1
            if following not in ahead:
                for seq in [seq for seq in ahead if seq < following]:
                    del ahead[seq]
                break
            self.positions[key] = following
            ready.append(ahead.pop(following))
        if not ahead:
            self.ahead.pop(key, None)
        return ready

    def waiting(self, key):
        """Are events waiting ahead of a gap?"""
        return bool(self.ahead.get(key))

    def take_ahead(self, key):
        """Give up the waiting events (a catch-up reads them from the database): the highest
        number among them, 0 when none."""
        return max(self.ahead.pop(key, None) or (0,))

    def stored(self, key, seq):
        """A change read from the database: True when it is to be delivered (the stream is
        followed and the number is new), the position then moving to it."""
        last = self.positions.get(key)
        if last is None or seq <= last:
            return False
        self.positions[key] = seq
        return True

    def caught_up(self, key, target):
        """After a catch-up that read at least up to ``target``: the items waiting that now
        follow (the numbers the database no longer holds — a message edited since keeps only
        its latest number — count as delivered)."""
        if key not in self.positions:
            return []
        self.positions[key] = max(self.positions[key], target)
        return self.drain(key)


class SequencedStream:
    """The streams one connection follows, delivered in order.

    ``send(item)``: an async callable sending one item to the client.
    ``read_after(key, seq)``: an async callable returning the changes of ``key`` after ``seq``,
    from the database, as ``[(seq, item), …]`` in order, or a ``Reset``.
    """

    def __init__(self, *, send, read_after, wait=REORDER_WAIT):
        self.order = Reorder()
        self._send = send
        self._read_after = read_after
        self.wait = wait
        self._timers = {}
        self._tasks = set()

    def follow(self, key, seq):
        self.order.follow(key, seq)

    def forget(self, key):
        """Stop following ``key``: what waited for it is dropped."""
        self.order.forget(key)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def position(self, key):
        return self.order.positions.get(key)

    def followed(self):
        """The keys followed, ``{key: last number delivered}`` (a copy)."""
        return dict(self.order.positions)

    def close(self):
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    async def receive(self, key, seq, item):
        """A live event of ``key`` numbered ``seq``."""
        order = self.order
        last = order.positions.get(key)
        if last is not None and seq == last + 1 and key not in order.ahead:
            # The common case, kept short: the next number, nothing waiting (so no timer).
            order.positions[key] = seq
            await self._send(item)
            return
        for ready in order.offer(key, seq, item):
            await self._send(ready)
        if key in order.ahead:
            self._arm(key)
        else:
            self._disarm(key)

    async def deliver_stored(self, key, seq, item):
        """A change read from the database (a backlog): sent unless already delivered."""
        if self.order.stored(key, seq):
            await self._send(item)

    async def catch_up(self, key):
        """Read what is missing after the last number delivered, and deliver it."""
        last = self.order.position(key)
        if last is None:
            return
        target = self.order.take_ahead(key)
        changes = await self._read_after(key, last)
        if self.order.position(key) is None:  # no longer followed meanwhile
            return
        if isinstance(changes, Reset):
            self.order.positions[key] = max(target, changes.seq)
            await self._send(changes.item)
        else:
            for seq, item in changes:
                await self.deliver_stored(key, seq, item)
        # Events that arrived during the read: those already covered are dropped, the next ones
        # sent, and a gap still open waits again.
        for ready in self.order.caught_up(key, target):
            await self._send(ready)
        if key in self.order.ahead:
            self._arm(key)

    def _arm(self, key):
        if key not in self._timers:
            # A context of its own: the catch-up never runs in the scope of whatever event
            # happened to open the gap.
            self._timers[key] = asyncio.get_running_loop().call_later(
                self.wait, self._expired, key, context=contextvars.Context()
            )

    def _disarm(self, key):
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def _expired(self, key):
        self._timers.pop(key, None)
        if self.order.waiting(key) and self.order.position(key) is not None:
            task = asyncio.get_running_loop().create_task(self._catch_up_logged(key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _catch_up_logged(self, key):
        try:
            await self.catch_up(key)
        except Exception:
            logger.exception("realtime: catching up %s failed", key)
