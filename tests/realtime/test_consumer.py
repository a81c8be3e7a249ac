"""The real-time kernel's endpoint (``maillage.realtime.consumer``) with an app of the tests' own
registered in place of the platform's (``essai``): the agent's group joined whatever app is
installed, client events handed by prefix in a policy scope, refusals and failures answered, the
groups' messages handed over by the process's hub — one channel-layer member per process — and
held while the client's event is handled. Real ASGI stack, real session cookies, the real
in-memory channel layer."""

import asyncio
import json
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured

from maillage import policy, realtime
from maillage.asgi import application
from maillage.http import Refused
from maillage.realtime import registry
from maillage.realtime.hub import hub
from tests.factories import AgentFactory
from tests.maillage.test_pages import session_headers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Probe(realtime.Handlers):
    """An app of the tests: echoes, refuses, fails and publishes on demand."""

    log = []

    async def connect(self):
        Probe.log.append(("connect", self.agent.pk))

    async def disconnect(self):
        Probe.log.append(("disconnect", self.agent.pk))

    async def receive(self, event):
        kind = event["type"]
        if kind == "essai.echo":
            reads = []
            for _ in range(2):
                policy.remembered(("essai", self.agent.pk), lambda: reads.append(1))
            await self.connection.send_event({"type": "essai.echo", "policy_reads": len(reads)})
        elif kind == "essai.refuse":
            raise Refused("Refusé pour l'essai.", "invalid")
        elif kind == "essai.fail":
            raise RuntimeError("a bug")
        elif kind == "essai.join":
            await self.connection.join("essai.groupe")
            await self.connection.send_event({"type": "essai.joined"})
        elif kind == "essai.slow":
            # The effect is published before the answer is sent: the client still hears the
            # answer first.
            await realtime.send_async(
                realtime.agent_group(self.agent.pk), {"type": "essai.note", "text": "effet"}
            )
            await asyncio.sleep(0.1)
            await self.connection.send_event({"type": "essai.answer"})
        else:
            return False
        return True

    async def essai_note(self, message):
        await self.connection.send_event({"type": "essai.note", "text": message["text"]})


@pytest.fixture
def only_probe(monkeypatch):
    """The platform's apps unregistered, the tests' one registered."""
    monkeypatch.setattr(registry, "_registry", {"essai": Probe})
    Probe.log = []


def run(scenario, *args):
    return async_to_sync(scenario)(*args)


async def opened(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    assert connected, code
    return communicator


async def receive(communicator):
    return json.loads(await communicator.receive_from(timeout=5))


def test_the_agent_group_reaches_every_tab_of_the_agent_whatever_app_is_installed(only_probe):
    """With no chat and no notifications installed, a message to the agent's group reaches
    both of the agent's tabs, through the app of its prefix, and nobody else's."""
    anne, bruno = AgentFactory(), AgentFactory()
    anne_headers, bruno_headers = session_headers(anne), session_headers(bruno)

    async def scenario():
        tabs = [await opened(anne_headers), await opened(anne_headers)]
        other = await opened(bruno_headers)
        await realtime.send_async(
            realtime.agent_group(anne.pk), {"type": "essai.note", "text": "bonjour"}
        )
        for tab in tabs:
            assert await receive(tab) == {"type": "essai.note", "text": "bonjour"}
        assert await other.receive_nothing(timeout=0.3)
        for communicator in [*tabs, other]:
            await communicator.disconnect()

    run(scenario)
    assert sorted(Probe.log) == sorted(
        [("connect", anne.pk)] * 2
        + [("connect", bruno.pk)]
        + [("disconnect", anne.pk)] * 2
        + [("disconnect", bruno.pk)]
    )


def test_client_events_go_to_the_app_of_their_prefix_in_a_policy_scope_of_their_own(only_probe):
    """``essai.echo`` reaches the app; what the policy remembers lives for the event (read once
    within it, afresh at the next event)."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        for _ in range(2):
            await tab.send_to(text_data=json.dumps({"type": "essai.echo"}))
            assert await receive(tab) == {"type": "essai.echo", "policy_reads": 1}
        await tab.disconnect()

    run(scenario)


@pytest.mark.parametrize("event_type", ["inconnu.chose", "essai.inconnu", "essai", "chat.rooms"])
def test_an_event_no_app_knows_is_refused_as_unknown(only_probe, event_type):
    """An unregistered prefix (chat is not installed here), a type the app does not know, a type
    without a prefix: ``type_unknown``, and the connection stays open."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        await tab.send_to(text_data=json.dumps({"type": event_type}))
        error = await receive(tab)
        assert error["type"] == "error"
        assert error["code"] == "type_unknown"
        assert error["message"] == f"Type d'événement inconnu : {event_type}"
        await tab.send_to(text_data=json.dumps({"type": "ping", "id": 1}))
        assert await receive(tab) == {"type": "pong", "id": 1}
        await tab.disconnect()

    run(scenario)


def test_a_refusal_is_an_error_event_naming_what_it_answers(only_probe):
    """The platform's ``Refused`` raised by a handler: an ``error`` with its code, its French
    message and the event's ``client_id`` as ``ref``."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        await tab.send_to(text_data=json.dumps({"type": "essai.refuse", "client_id": "abc"}))
        assert await receive(tab) == {
            "type": "error",
            "code": "invalid",
            "message": "Refusé pour l'essai.",
            "ref": "abc",
        }
        await tab.disconnect()

    run(scenario)


def test_a_bug_in_a_handler_answers_a_server_error_and_keeps_the_connection(only_probe, caplog):
    """An exception in an app's handler: logged, ``server_error`` to this client, the
    connection stays open."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        with caplog.at_level(logging.ERROR, logger="maillage.realtime.consumer"):
            await tab.send_to(text_data=json.dumps({"type": "essai.fail"}))
            error = await receive(tab)
        assert error["code"] == "server_error"
        await tab.send_to(text_data=json.dumps({"type": "ping", "id": 2}))
        assert await receive(tab) == {"type": "pong", "id": 2}
        await tab.disconnect()

    run(scenario)
    assert any("essai.fail" in record.getMessage() for record in caplog.records)


def test_a_group_message_waits_for_the_answer_to_the_event_being_handled(only_probe):
    """An effect published while the client's event is handled reaches the client after the
    answer to that event."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        await tab.send_to(text_data=json.dumps({"type": "essai.slow"}))
        assert (await receive(tab))["type"] == "essai.answer"
        assert await receive(tab) == {"type": "essai.note", "text": "effet"}
        await tab.disconnect()

    run(scenario)


def test_one_channel_layer_member_per_process_and_group(only_probe):
    """Three connections of the process in one group: the channel layer has one member for it
    (the hub's channel), one message reaches the three, and the group is left with the last
    connection."""
    anne, bruno = AgentFactory(), AgentFactory()
    headers = [session_headers(anne), session_headers(anne), session_headers(bruno)]
    layer = get_channel_layer()

    async def scenario():
        tabs = [await opened(h) for h in headers]
        for tab in tabs:
            await tab.send_to(text_data=json.dumps({"type": "essai.join"}))
            assert (await receive(tab))["type"] == "essai.joined"
        local = hub()
        assert len(local.members("essai.groupe")) == 3
        assert list(layer.groups["essai.groupe"]) == [local.channel]
        await realtime.send_async("essai.groupe", {"type": "essai.note", "text": "à tous"})
        for tab in tabs:
            assert await receive(tab) == {"type": "essai.note", "text": "à tous"}
        for tab in tabs:
            await tab.disconnect()
        assert local.members("essai.groupe") == set()
        assert not layer.groups.get("essai.groupe")
        assert local.members(realtime.agent_group(anne.pk)) == set()

    run(scenario)


def test_a_message_to_a_group_the_connection_is_not_in_does_not_reach_it(only_probe):
    """Only the groups a connection is in reach it: another group's message does not."""
    headers = session_headers(AgentFactory())

    async def scenario():
        tab = await opened(headers)
        await realtime.send_async("essai.groupe", {"type": "essai.note", "text": "ailleurs"})
        assert await tab.receive_nothing(timeout=0.3)
        await tab.disconnect()

    run(scenario)


@pytest.mark.parametrize("prefix", ["", "chat.salon", "ping", "error", "realtime"])
def test_a_prefix_that_would_clash_is_refused(only_probe, prefix):
    """Empty, dotted or the endpoint's own: refused at registration."""
    with pytest.raises(ImproperlyConfigured):
        realtime.register(prefix, Probe)


def test_a_prefix_is_handled_by_one_app(only_probe):
    """Registering the same class again is harmless; another class for a taken prefix is
    refused."""
    realtime.register("essai", Probe)

    class Other(realtime.Handlers):
        pass

    with pytest.raises(ImproperlyConfigured):
        realtime.register("essai", Other)


def test_the_platform_apps_are_registered():
    """The chat, the forums and the notifications are clients of the kernel, registered from
    their ``ready()``."""
    assert list(registry.registered()) == ["chat", "forum", "notifications"]
