"""Publication through the kernel (``maillage.realtime.publish``): on commit only, stamped with
its group for the hubs, and a failure to publish never fails the write. The real in-memory
channel layer."""

import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from maillage import realtime


class Rollback(Exception):
    pass


def listening(group):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)

    async def drain():
        received = []
        while True:
            try:
                received.append(await asyncio.wait_for(layer.receive(channel), 0.05))
            except TimeoutError:
                return received

    return lambda: async_to_sync(drain)()


@pytest.mark.django_db
def test_published_when_the_transaction_commits_stamped_with_its_group(
    django_capture_on_commit_callbacks,
):
    """Nothing before the commit; after it, the event with ``"group"`` added."""
    received = listening("essai.salon.1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        realtime.publish_on_commit("essai.salon.1", {"type": "essai.change", "seq": 1})
    assert received() == []
    (callback,) = callbacks
    callback()
    assert received() == [{"type": "essai.change", "seq": 1, "group": "essai.salon.1"}]


@pytest.mark.django_db
def test_nothing_is_published_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    """A change rolled back is never heard of."""
    received = listening("essai.salon.2")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        realtime.publish_on_commit("essai.salon.2", {"type": "essai.change", "seq": 1})
        raise Rollback
    assert callbacks == []
    assert received() == []


@pytest.mark.django_db
def test_several_events_publish_in_order_in_one_callback(django_capture_on_commit_callbacks):
    """``publish_many_on_commit``: one on-commit callback, the events in order."""
    first, second = listening(realtime.agent_group(1)), listening(realtime.agent_group(2))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        realtime.publish_many_on_commit(
            (realtime.agent_group(pk), {"type": "essai.change", "agent": pk}) for pk in (1, 2)
        )
    assert len(callbacks) == 1
    assert first() == [{"type": "essai.change", "agent": 1, "group": "agent.1"}]
    assert second() == [{"type": "essai.change", "agent": 2, "group": "agent.2"}]


def test_a_failure_to_publish_is_logged_not_raised(caplog):
    """The channel layer refuses the group name: the write that asked is not failed."""
    with caplog.at_level(logging.ERROR, logger="maillage.realtime.publish"):
        realtime.send("un groupe invalide !", {"type": "essai.change"})
    assert "could not publish" in caplog.text
