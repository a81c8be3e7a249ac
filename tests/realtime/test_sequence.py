"""Resume by sequence number (``maillage.realtime.sequence``): the reorder bookkeeping as a pure
algorithm, then the stream with its gap timer and its catch-up, driven through its two callbacks
(what is sent to the client, what the « database » holds)."""

import asyncio

import pytest

from maillage.realtime.sequence import Reorder, Reset, SequencedStream

# --- the pure algorithm ------------------------------------------------------------------------


def test_the_next_number_is_delivered_at_once():
    """Followed from 4: 5 then 6 go out as they come."""
    order = Reorder()
    order.follow("salon", 4)
    assert order.offer("salon", 5, "e5") == ["e5"]
    assert order.offer("salon", 6, "e6") == ["e6"]
    assert order.position("salon") == 6


def test_a_stream_not_followed_delivers_nothing():
    """An event of a stream the connection does not follow is dropped."""
    order = Reorder()
    assert order.offer("salon", 1, "e1") == []
    assert order.position("salon") is None


def test_numbers_already_delivered_are_dropped():
    """A duplicate, or a number a catch-up already sent, goes nowhere."""
    order = Reorder()
    order.follow("salon", 4)
    assert order.offer("salon", 3, "e3") == []
    assert order.offer("salon", 4, "e4") == []
    assert order.position("salon") == 4


def test_numbers_ahead_wait_then_go_out_in_order():
    """7 and 6 arrive before 5: they wait, then 5 releases all three, in order."""
    order = Reorder()
    order.follow("salon", 4)
    assert order.offer("salon", 7, "e7") == []
    assert order.offer("salon", 6, "e6") == []
    assert order.waiting("salon")
    assert order.offer("salon", 5, "e5") == ["e5", "e6", "e7"]
    assert not order.waiting("salon")
    assert order.position("salon") == 7


def test_a_second_gap_keeps_waiting():
    """5 arrives while 6 and 8 wait: 5 and 6 go out, 8 waits for 7."""
    order = Reorder()
    order.follow("salon", 4)
    order.offer("salon", 6, "e6")
    order.offer("salon", 8, "e8")
    assert order.offer("salon", 5, "e5") == ["e5", "e6"]
    assert order.waiting("salon")
    assert order.offer("salon", 7, "e7") == ["e7", "e8"]


def test_a_catch_up_moves_past_numbers_the_store_no_longer_holds():
    """Waiting for 5 with 7 ahead: the store holds 6 only (5 was a message edited since, now 6).
    After the catch-up the position is 7 (what was ahead is covered) and 8 follows at once."""
    order = Reorder()
    order.follow("salon", 4)
    order.offer("salon", 7, "e7")
    target = order.take_ahead("salon")
    assert target == 7
    assert not order.waiting("salon")
    assert order.stored("salon", 6)
    assert order.caught_up("salon", target) == []
    assert order.position("salon") == 7
    assert order.offer("salon", 8, "e8") == ["e8"]


def test_events_arriving_during_a_catch_up_are_drained_after_it():
    """While the store is read, 9 and 8 arrive: the catch-up up to 7 releases them."""
    order = Reorder()
    order.follow("salon", 4)
    order.offer("salon", 7, "e7")
    target = order.take_ahead("salon")
    order.offer("salon", 9, "e9")
    order.offer("salon", 8, "e8")
    assert order.stored("salon", 5)
    assert order.caught_up("salon", target) == ["e8", "e9"]
    assert not order.waiting("salon")


def test_stored_changes_already_delivered_are_not_sent_again():
    """A backlog overlapping what went out live: only the new numbers are sent."""
    order = Reorder()
    order.follow("salon", 5)
    assert [seq for seq in (3, 5, 6, 8) if order.stored("salon", seq)] == [6, 8]
    assert order.position("salon") == 8


def test_follow_never_moves_back_and_forget_drops_everything():
    """Following again from an older number keeps the position; forgetting drops the waiting
    events too."""
    order = Reorder()
    order.follow("salon", 5)
    order.follow("salon", 3)
    assert order.position("salon") == 5
    order.offer("salon", 8, "e8")
    order.forget("salon")
    assert order.position("salon") is None
    assert not order.waiting("salon")
    assert order.take_ahead("salon") == 0


# --- the stream: timers and catch-up ----------------------------------------------------------


class Store:
    """What the « database » holds: ``changes`` as ``[(seq, item)]``, or a ``Reset``."""

    def __init__(self, changes=()):
        self.changes = list(changes)
        self.reads = []

    async def read_after(self, key, seq):
        self.reads.append((key, seq))
        if isinstance(self.changes, Reset):
            return self.changes
        return [(n, item) for n, item in self.changes if n > seq]


def stream_of(store, wait=0.05):
    sent = []

    async def send(item):
        sent.append(item)

    return SequencedStream(send=send, read_after=store.read_after, wait=wait), sent


def run(scenario):
    asyncio.run(scenario())


def test_in_order_events_never_read_the_store():
    """Every number in turn: delivered, no timer, no read."""
    store = Store()

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        for seq in (1, 2, 3):
            await stream.receive(12, seq, f"e{seq}")
        await asyncio.sleep(0.1)
        assert sent == ["e1", "e2", "e3"]
        assert store.reads == []

    run(scenario)


def test_reordered_events_are_put_back_in_order_before_the_wait_ends():
    """2 before 1: 2 waits, 1 releases both; the store is never read."""
    store = Store()

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        await stream.receive(12, 2, "e2")
        assert sent == []
        await stream.receive(12, 1, "e1")
        await asyncio.sleep(0.1)
        assert sent == ["e1", "e2"]
        assert store.reads == []

    run(scenario)


def test_a_gap_that_stays_open_is_filled_from_the_store():
    """1 never comes: after the wait, the store is read after 0, 1 and 2 are delivered once,
    and 3 then goes out at once."""
    store = Store([(1, "s1"), (2, "s2")])

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        await stream.receive(12, 2, "e2")
        await asyncio.sleep(0.15)
        assert store.reads == [(12, 0)]
        assert sent == ["s1", "s2"]
        await stream.receive(12, 3, "e3")
        assert sent == ["s1", "s2", "e3"]

    run(scenario)


def test_too_far_behind_the_client_is_told_to_reload():
    """The store answers with a Reset: its item is sent, the stream goes on from its number."""
    store = Store()
    store.changes = Reset(40, "reload")

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        await stream.receive(12, 5, "e5")
        await asyncio.sleep(0.15)
        assert sent == ["reload"]
        assert stream.position(12) == 40
        await stream.receive(12, 41, "e41")
        assert sent == ["reload", "e41"]

    run(scenario)


def test_a_stream_forgotten_while_waiting_is_not_caught_up():
    """Unsubscribed while a gap is open: its timer is cancelled, nothing is read or sent."""
    store = Store([(1, "s1"), (2, "s2")])

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        await stream.receive(12, 2, "e2")
        stream.forget(12)
        await asyncio.sleep(0.15)
        assert store.reads == []
        assert sent == []

    run(scenario)


def test_closing_cancels_the_timers():
    """A connection that closes leaves no timer behind."""
    store = Store([(1, "s1")])

    async def scenario():
        stream, sent = stream_of(store)
        stream.follow(12, 0)
        await stream.receive(12, 2, "e2")
        stream.close()
        await asyncio.sleep(0.15)
        assert store.reads == []

    run(scenario)


@pytest.mark.parametrize("followed", [True, False])
def test_a_backlog_goes_out_once(followed):
    """Changes read by a periodic check: sent unless already delivered, and only for a stream
    followed."""
    store = Store()

    async def scenario():
        stream, sent = stream_of(store)
        if followed:
            stream.follow(12, 2)
        for seq in (1, 2, 3, 4):
            await stream.deliver_stored(12, seq, f"s{seq}")
        assert sent == (["s3", "s4"] if followed else [])

    run(scenario)
