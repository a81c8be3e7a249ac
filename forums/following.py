"""Following topics and categories, and the notifications of what happens in them.

Following is the generic « suivre » of the content contract (``communities.content``'s
``Subscription``): the core's « suivis » filter reads the same table. The receivers below are
connected to ``forums.signals``, sent by ``forums.services`` inside the transaction of the
change: the subscriptions they write commit or roll back with it, and ``notify`` queues the
fan-out on commit, where each kind's check drops the recipients who may not read (see
``forums.notification_kinds``).

- a topic's author follows it; who replies follows it from then on;
- the followers of the category hear of a new topic (« forum_topic »);
- the followers of a topic hear of a reply (« forum_reply »);
- the followers of a question and its author hear of its solution (« forum_solution »);
- the agents newly mentioned in a post hear of it (« forum_mention »), once: a reply's followers
  who are mentioned in it get the mention, not the reply too.

Whoever acts is never notified of their own action (``notify``).
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.content import services as content
from forums import signals
from forums.models import Category, Topic
from maillage import policy
from maillage.http import Refused
from notifications.services import notify


class FollowRefused(Refused):
    """A follow refused: the agent may not read what they would follow (a 404)."""


def topic_url(topic):
    return reverse("forums:topic", args=[topic.community.slug, topic.pk])


def post_url(post):
    return reverse("forums:post", args=[post.community.slug, post.pk])


# --- following --------------------------------------------------------------------------------


def _check_readable(agent, target):
    if not policy.can_read(agent, target):
        raise FollowRefused(_("Cette page n'existe pas ou ne vous est pas ouverte."), "not_found")


def follow(*, agent, target):
    """``agent`` follows a topic or a category they may read (twice is once)."""
    if not isinstance(target, (Topic, Category)):
        raise TypeError(f"Only topics and categories are followed, not {type(target).__name__}.")
    _check_readable(agent, target)
    content.follow(agent=agent, target=target)


def unfollow(*, agent, target):
    """``agent`` stops following a topic or a category (no check: one may always stop)."""
    content.unfollow(agent=agent, target=target)


def is_following(agent, target):
    return agent.is_authenticated and content.is_following(agent, target)


def toggle(*, agent, target):
    """Follow ``target``, or stop following it; True when the agent follows it afterwards."""
    if is_following(agent, target):
        unfollow(agent=agent, target=target)
        return False
    follow(agent=agent, target=target)
    return True


# --- the receivers ------------------------------------------------------------------------------


def _topic_created(sender, topic, **kwargs):
    content.follow(agent=topic.author, target=topic)
    notify(
        "forum_topic",
        content.followers(topic.category),
        target=topic,
        community=topic.community,
        actor=topic.author,
        summary=_("Nouveau sujet dans « %(category)s » : %(title)s")
        % {"category": topic.category.name, "title": topic.title},
        url=topic_url(topic),
    )


def _reply_created(sender, post, **kwargs):
    topic = post.topic
    followers = set(content.followers(topic))
    content.follow(agent=post.author, target=topic)
    # The post's mentions are stored after this signal (``mentioned``): the followers it
    # mentions are left out once it commits, so they hear of it once, by the mention.
    # Robust: the reply is committed by then; a failure is logged, never the reply's 500.
    transaction.on_commit(lambda: _notify_reply(post, followers), robust=True)


def _notify_reply(post, followers):
    mentioned = set(post.mentions.values_list("pk", flat=True))
    topic = post.topic
    notify(
        "forum_reply",
        followers - mentioned,
        target=post,
        community=post.community,
        actor=post.author,
        summary=_("%(agent)s a répondu dans « %(title)s »")
        % {"agent": post.author.display_name, "title": topic.title},
        url=post_url(post),
    )


def _solution_marked(sender, topic, post=None, actor=None, **kwargs):
    if post is None:  # unmarked: nothing to tell
        return
    recipients = {*content.followers(topic), topic.author_id}
    notify(
        "forum_solution",
        recipients,
        target=post,
        community=topic.community,
        actor=actor,
        summary=_("« %(title)s » est résolu") % {"title": topic.title},
        url=post_url(post),
    )


def _mentioned(sender, agents, post, **kwargs):
    notify(
        "forum_mention",
        list(agents),
        target=post,
        community=post.community,
        actor=post.author,
        summary=_("%(agent)s vous mentionne dans « %(title)s »")
        % {"agent": post.author.display_name, "title": post.topic.title},
        url=post_url(post),
    )


def connect():
    """Connect the receivers (once, from ``forums.registrations``)."""
    signals.topic_created.connect(_topic_created, dispatch_uid="forums.following.topic")
    signals.reply_created.connect(_reply_created, dispatch_uid="forums.following.reply")
    signals.solution_marked.connect(_solution_marked, dispatch_uid="forums.following.solution")
    signals.mentioned.connect(_mentioned, dispatch_uid="forums.following.mentioned")
