"""The animators' actions on a forum's topics: pin, lock, move to another category, merge a
duplicate into another topic, and hide or restore a topic or a post (through the one moderation
of the content contract, ``communities.content.moderation``).

Every action checks ``ForumAbilities.can_moderate`` (the community's animators and the platform's
administrators, the forum tool on, the community not archived), refuses a target from another
community as « not found » (a forged id), writes in one transaction and writes its line in the
community's audit log (labels registered by ``register``).

A merge appends the duplicate's posts to the target topic, numbered after its last post in the
order they were written (their reactions, votes, revisions and attachments go with them), keeps
the followers of both (once each), recomputes the counters of both topics and both categories,
and leaves the duplicate as an empty row whose ``merged_into`` sends its address to the target.
The target's live readers get the appended posts by their new numbers (``forums.realtime``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.content import audit
from communities.content import services as content
from communities.content.models import Subscription
from communities.content.moderation import content_set_hidden
from forums.models import Category, Post, Topic, TopicRead
from forums.permissions import forum_abilities
from maillage.http import Refused

AUDIT_ACTIONS = {
    "forum_topic_pinned": gettext_lazy("Sujet de forum épinglé"),
    "forum_topic_unpinned": gettext_lazy("Sujet de forum désépinglé"),
    "forum_topic_locked": gettext_lazy("Sujet de forum verrouillé"),
    "forum_topic_unlocked": gettext_lazy("Sujet de forum déverrouillé"),
    "forum_topic_moved": gettext_lazy("Sujet de forum déplacé"),
    "forum_topic_merged": gettext_lazy("Sujet de forum fusionné"),
}


class AnimationError(Refused):
    """A refused animation, with its French message."""


def register():
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise AnimationError(message, code)


def _check_animator(actor, topic):
    fa = forum_abilities(actor, topic.community)
    _check(fa.can_read_topic(topic), _("Ce sujet n'est pas accessible."), "not_found")
    _check(fa.can_moderate, _("Seule l'animation de la communauté anime le forum."))
    _check(
        topic.merged_into_id is None,
        _("Ce sujet a été fusionné dans un autre : il n'est plus animé."),
        "invalid",
    )
    return fa


def _locked(topic):
    """The topic's row, locked until the commit (two animators at once act one after the
    other), read again."""
    return (
        Topic.objects.select_for_update().select_related("community", "category").get(pk=topic.pk)
    )


def _record(topic, actor, action, reason=""):
    audit.record(community=topic.community, actor=actor, action=action, target=topic, reason=reason)


# --- pin, lock -----------------------------------------------------------------------------


def topic_pin(*, topic, actor, pinned):
    """Pin the topic at the top of its category (or unpin it)."""
    _check_animator(actor, topic)
    with transaction.atomic():
        topic = _locked(topic)
        _check(
            topic.is_pinned != pinned,
            _("Ce sujet est déjà épinglé.") if pinned else _("Ce sujet n'est pas épinglé."),
            "invalid",
        )
        topic.is_pinned = pinned
        topic.save(update_fields=["is_pinned"])
        _record(topic, actor, "forum_topic_pinned" if pinned else "forum_topic_unpinned")
    return topic


def topic_lock(*, topic, actor, locked):
    """Lock the topic (no more replies but the animators') or unlock it."""
    _check_animator(actor, topic)
    with transaction.atomic():
        topic = _locked(topic)
        _check(
            topic.is_locked != locked,
            _("Ce sujet est déjà verrouillé.") if locked else _("Ce sujet n'est pas verrouillé."),
            "invalid",
        )
        topic.is_locked = locked
        topic.save(update_fields=["is_locked"])
        _record(topic, actor, "forum_topic_locked" if locked else "forum_topic_unlocked")
    return topic


# --- counters --------------------------------------------------------------------------------


def recount_topic(topic):
    """The topic's counters from its posts: the last number and post, the replies shown."""
    posts = Post.objects.filter(topic=topic)
    last = posts.order_by("-number").values("number", "created_at", "author_id").first()
    reply_count = posts.filter(number__gt=1, deleted_at=None, is_hidden=False).count()
    changes = {"reply_count": reply_count}
    if last is not None:
        changes.update(
            last_number=last["number"],
            last_post_at=last["created_at"],
            last_post_author_id=last["author_id"],
        )
    Topic.objects.filter(pk=topic.pk).update(**changes)
    for name, value in changes.items():
        setattr(topic, name, value)


def recount_category(category):
    """A category's counters from its topics (merged ones left out) and their posts."""
    topics = Topic.objects.filter(category=category, merged_into=None)
    Category.objects.filter(pk=category.pk).update(
        topic_count=topics.count(),
        post_count=Post.objects.filter(topic__in=topics, deleted_at=None).count(),
        last_post_at=topics.aggregate(last=Max("last_post_at"))["last"],
    )


# --- move -----------------------------------------------------------------------------------


def topic_move(*, topic, actor, category):
    """Move the topic to another category of the same community."""
    _check_animator(actor, topic)
    _check(
        category is not None and category.community_id == topic.community_id,
        _("Cette catégorie n'existe pas dans ce forum."),
        "not_found",
    )
    _check(
        category.pk != topic.category_id, _("Le sujet est déjà dans cette catégorie."), "invalid"
    )
    with transaction.atomic():
        topic = _locked(topic)
        source = topic.category
        topic.category = category
        topic.save(update_fields=["category"])
        recount_category(source)
        recount_category(category)
        _record(
            topic,
            actor,
            "forum_topic_moved",
            _("De « %(source)s » vers « %(target)s »")
            % {"source": source.name, "target": category.name},
        )
    return topic


# --- merge -----------------------------------------------------------------------------------


def topic_merge(*, topic, actor, into):
    """Merge the duplicate ``topic`` into ``into``, a topic of the same community: its posts are
    appended, its followers kept, its address redirects. Returns the target."""
    _check_animator(actor, topic)
    _check(
        into is not None and into.community_id == topic.community_id,
        _("Ce sujet n'existe pas dans ce forum."),
        "not_found",
    )
    _check(into.pk != topic.pk, _("Un sujet ne se fusionne pas dans lui-même."), "invalid")
    _check(
        into.merged_into_id is None,
        _("Ce sujet a déjà été fusionné dans un autre : choisissez celui-là."),
        "invalid",
    )
    from forums import realtime

    with transaction.atomic():
        # Both rows locked in the order of their ids (two merges at once never wait on each
        # other), then read again.
        first, second = sorted([topic.pk, into.pk])
        rows = {
            row.pk: row
            for row in Topic.objects.select_for_update()
            .select_related("community", "category")
            .filter(pk__in=[first, second])
            .order_by("pk")
        }
        topic, into = rows[topic.pk], rows[into.pk]
        _check(
            topic.merged_into_id is None and into.merged_into_id is None,
            _("Ce sujet a déjà été fusionné dans un autre."),
            "invalid",
        )
        moved = list(Post.objects.filter(topic=topic).order_by("created_at", "number", "pk"))
        numbers = []
        for offset, post in enumerate(moved, start=1):
            post.topic = into
            post.number = into.last_number + offset
            numbers.append(post.number)
        Post.objects.bulk_update(moved, ["topic", "number"])
        _merge_followers(topic, into)
        TopicRead.objects.filter(topic=topic).delete()
        topic.merged_into = into
        topic.is_locked = True
        topic.is_pinned = False
        topic.solution = None
        topic.last_number = 0
        topic.reply_count = 0
        topic.save(
            update_fields=[
                "merged_into",
                "is_locked",
                "is_pinned",
                "solution",
                "last_number",
                "reply_count",
            ]
        )
        recount_topic(into)
        recount_category(topic.category)
        if into.category_id != topic.category_id:
            recount_category(into.category)
        _record(
            topic,
            actor,
            "forum_topic_merged",
            _("Fusionné dans « %(title)s »") % {"title": into.title},
        )
        realtime.publish_posts(into, numbers)
        realtime.publish_merged(topic, into)
    return into


def _merge_followers(topic, into):
    """The duplicate's followers follow the target (once each); the duplicate is no longer
    followed."""
    topic_type = ContentType.objects.get_for_model(Topic)
    newcomers = set(content.followers(topic)) - set(content.followers(into))
    Subscription.objects.bulk_create(
        Subscription(agent_id=agent_id, content_type=topic_type, object_id=into.pk)
        for agent_id in sorted(newcomers)
    )
    Subscription.objects.filter(content_type=topic_type, object_id=topic.pk).delete()


# --- hide, restore ------------------------------------------------------------------------------


def content_hide(*, obj, actor, hidden, reason=""):
    """Hide or restore a topic or a post through the one moderation (reports closed, activity
    hidden, audited « masqué » / « rétabli »); the topic's counters follow."""
    topic = obj if isinstance(obj, Topic) else obj.topic
    fa = forum_abilities(actor, topic.community)
    _check(fa.can_read, _("Ce forum n'est pas accessible."), "not_found")
    _check(fa.can_moderate, _("Seule l'animation de la communauté modère le forum."))
    if isinstance(obj, Post):
        _check(
            obj.number > 1,
            _("Le premier message ouvre le sujet : masquez le sujet entier."),
            "invalid",
        )
    with transaction.atomic():
        content_set_hidden(content=obj, actor=actor, hidden=hidden, reason=reason)
        if isinstance(obj, Post):
            if hidden and topic.solution_id == obj.pk:
                Topic.objects.filter(pk=topic.pk).update(solution=None)
                topic.solution = None
            recount_topic(topic)
    return obj


def post_hidden(post, hidden):
    """The one moderation hid or restored a post (from the topic's page or the community's
    moderation queue; called on commit, ``register_content``'s ``on_hidden``): the topic's
    reply count follows and its live readers fetch the post again."""
    from forums import realtime

    recount_topic(post.topic)
    realtime.publish_changed(post)
