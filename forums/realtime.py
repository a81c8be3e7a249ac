"""The live topic page: the forums' part of the tab's WebSocket, a client of the real-time kernel
(``maillage.realtime``, ``docs/realtime.md``).

A topic's posts are numbered 1..``last_number`` without gaps, so the post number is the topic's
sequence: a new post (a reply, or the posts a merge appends) is published on commit to the topic's
group with its number, and each connection delivers the numbers in order, once, reading what is
missing from the database (``SequencedStream``, one stream per subscribed topic).

The events carry numbers, never text: the page fetches the new posts over HTTP from the topic's
own page (``static/js/forum-live.js``), rendered by the same template through the same policy for
whoever fetches them — nothing written by the sender reaches a reader unchecked.

The protocol (client → server):

- ``{"type": "forum.subscribe", "topic": <id>, "last": <number seen>}``: the topic must be
  readable (``policy.can_read``), otherwise ``error`` ``topic_forbidden`` (the same for a topic
  that does not exist); answered by ``forum.subscribed`` (``topic``, ``last``: the topic's last
  number now), then one ``forum.post`` per post after ``last``, or ``forum.reset`` when more
  than ``CATCH_UP_LIMIT`` were missed (the page reloads);
- ``{"type": "forum.unsubscribe", "topic": <id>}``.

Server → client: ``forum.post`` (``topic``, ``number``), in order, once; ``forum.changed``
(``topic``, ``number``: a post edited, deleted, hidden or restored, to fetch again);
``forum.merged`` (``topic``, ``url``: the topic was merged into the one at ``url``).
"""

import json

from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils.translation import gettext as _

from forums import signals
from forums.models import Post, Topic
from maillage import policy, realtime
from maillage.http import MAX_ID, Refused

# Beyond this many posts missed, the client reloads the page instead of fetching them one by one.
CATCH_UP_LIMIT = 200


def topic_group(topic_id):
    """Every connection showing the topic."""
    return f"forum.topic.{topic_id}"


def _post_text(topic_id, number):
    return json.dumps({"type": "forum.post", "topic": topic_id, "number": number})


# --- publishing (on commit, from the writes) ----------------------------------------------------


def publish_posts(topic, numbers):
    """Tell the topic's readers of its new posts ``numbers``, once the transaction commits."""
    realtime.publish_many_on_commit(
        (
            topic_group(topic.pk),
            {
                "type": "forum.event",
                "topic": topic.pk,
                "seq": number,
                "text": _post_text(topic.pk, number),
            },
        )
        for number in numbers
    )


def publish_changed(post):
    """A post's text or state changed: its readers fetch it again."""
    realtime.publish_on_commit(
        topic_group(post.topic_id),
        {
            "type": "forum.notice",
            "topic": post.topic_id,
            "text": json.dumps(
                {"type": "forum.changed", "topic": post.topic_id, "number": post.number}
            ),
        },
    )


def publish_merged(topic, into):
    """The topic was merged: its readers go to the target."""
    url = reverse("forums:topic", args=[into.community.slug, into.pk])
    realtime.publish_on_commit(
        topic_group(topic.pk),
        {
            "type": "forum.notice",
            "topic": topic.pk,
            "text": json.dumps({"type": "forum.merged", "topic": topic.pk, "url": url}),
        },
    )


def _reply_created(sender, post, **kwargs):
    publish_posts(post.topic, [post.number])


def _post_changed(sender, post, **kwargs):
    publish_changed(post)


def register():
    realtime.register("forum", ForumHandlers)
    signals.reply_created.connect(_reply_created, dispatch_uid="forums.realtime.reply")
    signals.post_changed.connect(_post_changed, dispatch_uid="forums.realtime.changed")


# --- the connection's handlers ------------------------------------------------------------------


def _topic_id(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise Refused(_("« topic » : un identifiant de sujet."), "invalid")
    return value


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Refused(_("« last » : le numéro du dernier message vu."), "invalid")
    return value


class ForumHandlers(realtime.Handlers):
    def __init__(self, connection):
        super().__init__(connection)
        # The subscribed topics: topic id -> last post number sent to this connection.
        self.topics = realtime.SequencedStream(send=connection.send, read_after=self._read_after)

    async def disconnect(self):
        self.topics.close()

    async def receive(self, event):
        handler = {"forum.subscribe": self._subscribe, "forum.unsubscribe": self._unsubscribe}.get(
            event["type"]
        )
        if handler is None:
            return False
        try:
            await handler(event)
        except Refused as error:
            payload = {"type": "error", "code": error.code, "message": str(error)}
            topic = event.get("topic")
            if isinstance(topic, int) and not isinstance(topic, bool):
                payload["topic"] = topic
            await self.connection.send_event(payload)
        return True

    async def _subscribe(self, event):
        topic_id = _topic_id(event.get("topic"))
        last = _number(event.get("last", 0))
        group = topic_group(topic_id)
        subscribed = self.topics.position(topic_id) is not None
        # Join before reading: a post committed in between is in what is read or comes through
        # the group afterwards (the stream drops what it already delivered), never lost.
        if not subscribed:
            await self.connection.join(group)
        answer = await database_sync_to_async(self._subscribe_sync)(topic_id, last)
        if answer is None or "merged" in answer:
            if subscribed:
                self.topics.forget(topic_id)
            await self.connection.leave(group)
            if answer is None:
                raise Refused(
                    _("Ce sujet n'existe pas ou ne vous est pas ouvert."), "topic_forbidden"
                )
            await self.connection.send_event(
                {"type": "forum.merged", "topic": topic_id, "url": answer["merged"]}
            )
            return
        current, backlog = answer["last"], answer["backlog"]
        self.topics.follow(topic_id, last)
        await self.connection.send_event(
            {"type": "forum.subscribed", "topic": topic_id, "last": current}
        )
        if isinstance(backlog, realtime.Reset):
            self.topics.follow(topic_id, backlog.seq)
            await self.connection.send(backlog.item)
            return
        for number, text in backlog:
            await self.topics.deliver_stored(topic_id, number, text)

    def _subscribe_sync(self, topic_id, last):
        topic = (
            Topic.objects.select_related("community", "merged_into__community")
            .filter(pk=topic_id)
            .first()
        )
        if topic is None or not policy.can_read(self.agent, topic):
            return None
        if topic.merged_into_id is not None:
            into = topic.merged_into
            return {"merged": reverse("forums:topic", args=[into.community.slug, into.pk])}
        backlog = self._changes_sync(topic_id, last) if last < topic.last_number else []
        return {"last": topic.last_number, "backlog": backlog}

    async def _unsubscribe(self, event):
        topic_id = _topic_id(event.get("topic"))
        if self.topics.position(topic_id) is not None:
            self.topics.forget(topic_id)
            await self.connection.leave(topic_group(topic_id))

    async def _read_after(self, topic_id, seq):
        """The topic's posts after ``seq``, from the database (the stream's catch-up)."""
        return await database_sync_to_async(self._changes_sync)(topic_id, seq)

    def _changes_sync(self, topic_id, seq):
        numbers = list(
            Post.objects.filter(topic_id=topic_id, number__gt=seq)
            .order_by("number")
            .values_list("number", flat=True)[: CATCH_UP_LIMIT + 1]
        )
        if len(numbers) > CATCH_UP_LIMIT:
            last = Topic.objects.filter(pk=topic_id).values_list("last_number", flat=True).first()
            return realtime.Reset(
                last or 0, json.dumps({"type": "forum.reset", "topic": topic_id, "last": last})
            )
        return [(number, _post_text(topic_id, number)) for number in numbers]

    # --- the groups' messages ("forum.event" → forum_event) ----------------------------------

    async def forum_event(self, message):
        await self.topics.receive(message["topic"], message["seq"], message["text"])

    async def forum_notice(self, message):
        if self.topics.position(message.get("topic")) is not None:
            await self.connection.send(message["text"])
