"""The live topic page over the tab's WebSocket, through the real ASGI stack (``maillage.asgi``:
Origin check, session authentication, routing) with real session cookies, the real in-memory
channel layer and the real database, as ``tests/chat/test_consumers.py`` does for the chat.

The events carry post numbers only (the page fetches the posts over HTTP, through the policy):
a reply reaches a subscribed reader, an outsider of a secret community is refused, a reconnection
catches up exactly what it missed, a merge reaches both topics' readers."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from forums import animation
from forums.models import Post, Topic
from maillage.asgi import application
from tests.factories import AgentFactory, CommunityFactory
from tests.forums.social_helpers import category, member, reply, start_topic
from tests.maillage.test_pages import session_headers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

db = database_sync_to_async


def run(scenario, *args):
    return async_to_sync(scenario)(*args)


class Socket:
    """One browser tab on a topic's page: a WebSocket with an agent's session cookie."""

    def __init__(self, agent):
        self.headers = session_headers(agent)

    async def open(self):
        self.communicator = WebsocketCommunicator(application, "/ws/", headers=self.headers)
        connected, code = await self.communicator.connect(timeout=5)
        assert connected, code
        return self

    async def close(self):
        await self.communicator.disconnect()

    async def send(self, type, **fields):
        await self.communicator.send_to(text_data=json.dumps({"type": type, **fields}))

    async def receive(self, timeout=5):
        """The next event of the forums (or an error)."""
        while True:
            event = json.loads(await self.communicator.receive_from(timeout=timeout))
            if event["type"] == "error" or event["type"].startswith("forum."):
                return event

    async def nothing(self, timeout=0.5):
        """No event of the forums within ``timeout`` seconds."""
        while not await self.communicator.receive_nothing(timeout=timeout):
            event = json.loads(await self.communicator.receive_from())
            if event["type"] == "error" or event["type"].startswith("forum."):
                return False
        return True

    async def subscribe(self, topic, last):
        await self.send("forum.subscribe", topic=topic.pk, last=last)
        return await self.receive()


@pytest.fixture
def forum():
    community = CommunityFactory(private_secret=True)
    asker, helper = member(community), member(community)
    topic = start_topic(category(community), asker)
    return {"community": community, "asker": asker, "helper": helper, "topic": topic}


def test_a_reply_reaches_a_subscribed_reader(forum):
    """The reader subscribed from the page's last number hears of the new reply's number, and
    only of it."""
    topic = forum["topic"]
    reader = Socket(forum["asker"])

    async def scenario():
        await reader.open()
        subscribed = await reader.subscribe(topic, 1)
        assert subscribed == {"type": "forum.subscribed", "topic": topic.pk, "last": 1}
        await db(reply)(topic, forum["helper"], "Voici la réponse.")
        assert await reader.receive() == {"type": "forum.post", "topic": topic.pk, "number": 2}
        assert await reader.nothing()
        await reader.close()

    run(scenario)


def test_an_outsider_is_refused_a_secret_topic(forum):
    """An outsider of the secret community gets « topic_forbidden » (as for a topic that does
    not exist) and hears nothing of its replies."""
    topic = forum["topic"]
    outsider = Socket(AgentFactory())

    async def scenario():
        await outsider.open()
        refused = await outsider.subscribe(topic, 0)
        assert refused["type"] == "error"
        assert refused["code"] == "topic_forbidden"
        missing = await outsider.subscribe(Topic(pk=topic.pk + 1000), 0)
        assert (missing["type"], missing["code"]) == ("error", "topic_forbidden")
        assert missing["message"] == refused["message"]
        await db(reply)(topic, forum["helper"], "Une réponse secrète.")
        assert await outsider.nothing()
        await outsider.close()

    run(scenario)


def test_reconnecting_catches_up_exactly_the_missed_replies(forum):
    """A tab that lost its connection subscribes again with the last number it saw: it gets the
    replies posted meanwhile, in order, once, then the next ones live."""
    topic = forum["topic"]
    tab = Socket(forum["asker"])

    async def scenario():
        await tab.open()
        await tab.subscribe(topic, 1)
        await db(reply)(topic, forum["helper"], "Deux")
        assert (await tab.receive())["number"] == 2
        await tab.close()
        await db(reply)(topic, forum["helper"], "Trois")
        await db(reply)(topic, forum["helper"], "Quatre")
        await tab.open()
        assert (await tab.subscribe(topic, 2))["last"] == 4
        assert [(await tab.receive())["number"] for _ in range(2)] == [3, 4]
        assert await tab.nothing()
        await db(reply)(topic, forum["helper"], "Cinq")
        assert (await tab.receive())["number"] == 5
        assert await tab.nothing()
        await tab.close()

    run(scenario)


def test_malformed_frames_get_an_error_and_the_connection_stays(forum):
    """A topic that is not an id, a negative or boolean position, an unknown forum event: each
    gets an error event; the connection then still subscribes."""
    topic = forum["topic"]
    tab = Socket(forum["asker"])

    async def scenario():
        await tab.open()
        for fields in (
            {"topic": "1 OR 1=1", "last": 0},
            {"topic": None},
            {"topic": True, "last": 0},
            {"topic": topic.pk, "last": -1},
            {"topic": topic.pk, "last": "beaucoup"},
            {"topic": 2**70, "last": 0},
        ):
            await tab.send("forum.subscribe", **fields)
            error = await tab.receive()
            assert (error["type"], error["code"]) == ("error", "invalid"), fields
        await tab.send("forum.subscribe_all")
        error = await tab.receive()
        assert (error["type"], error["code"]) == ("error", "type_unknown")
        assert (await tab.subscribe(topic, 1))["type"] == "forum.subscribed"
        await tab.close()

    run(scenario)


def test_a_merge_reaches_the_readers_of_both_topics(forum):
    """The target's readers hear of the appended posts by their new numbers; the duplicate's
    readers are told where it went; a hidden post is announced as changed."""
    topic = forum["topic"]
    community = forum["community"]
    animator = member(community, animator=True)
    duplicate = start_topic(topic.category, forum["helper"], title="Doublon")
    reply(duplicate, forum["asker"], "Réponse au doublon")
    target_tab, duplicate_tab = Socket(forum["asker"]), Socket(forum["helper"])

    def merge():
        animation.topic_merge(
            topic=Topic.objects.get(pk=duplicate.pk),
            actor=animator,
            into=Topic.objects.get(pk=topic.pk),
        )

    def hide():
        post = Post.objects.get(topic=topic, number=2)
        animation.content_hide(obj=post, actor=animator, hidden=True)

    async def scenario():
        await target_tab.open()
        await duplicate_tab.open()
        await target_tab.subscribe(topic, 1)
        await duplicate_tab.subscribe(duplicate, 2)
        await db(merge)()
        assert [(await target_tab.receive())["number"] for _ in range(2)] == [2, 3]
        moved = await duplicate_tab.receive()
        assert moved == {
            "type": "forum.merged",
            "topic": duplicate.pk,
            "url": f"/communautes/{community.slug}/forum/sujet/{topic.pk}/",
        }
        await db(hide)()
        assert await target_tab.receive() == {
            "type": "forum.changed",
            "topic": topic.pk,
            "number": 2,
        }
        # Subscribing to the merged topic again says where it went.
        assert (await duplicate_tab.subscribe(duplicate, 2))["type"] == "forum.merged"
        await target_tab.close()
        await duplicate_tab.close()

    run(scenario)
