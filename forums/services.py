"""The forums' writes: categories, topics, replies, edits and deletions, reactions and votes,
solutions, read positions.

Each service checks the policy (``forums.permissions``), raises ``ForumError`` with a French
message when it refuses, writes in one transaction and sends the signals of ``forums.signals``
inside it (receivers write with the change; their pushes wait for the commit).

A topic's posts are numbered 1..``last_number`` without gaps: a reply takes its number with one
``UPDATE … SET last_number = last_number + 1 … RETURNING``, which locks the topic's row until the
commit, so two replies at once get two consecutive numbers.
"""

import re
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.content import activity, audit
from communities.content import services as content_services
from communities.models import Membership
from forums import signals
from forums.models import (
    Category,
    CategoryRead,
    Post,
    PostReaction,
    PostRevision,
    PostVote,
    Topic,
    TopicRead,
)
from forums.permissions import forum_abilities
from maillage.http import Refused
from search.text import normalize

TITLE_MAX = 200
BODY_MAX = 20000
# Topics whose last post is older than this count as read for everyone: the unread marks and
# counts look at recent activity only, so their cost does not grow with the forum's age.
UNREAD_WINDOW = timedelta(days=60)


class ForumError(Refused):
    """A refused write in a forum, with its French message."""


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise ForumError(message, code)


def _check_contribute(fa):
    """The common refusals, in the order a person understands them."""
    _check(fa.can_read, _("Ce forum n'est pas accessible."), "not_found")
    _check(
        not fa.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(
        not fa.must_accept_charter,
        _("Acceptez la charte de la communauté avant de contribuer."),
        "charter",
    )
    _check(fa.can_contribute, _("Seuls les membres de la communauté participent au forum."))


def _clean_title(title):
    title = " ".join((title or "").split())
    _check(bool(title), _("Donnez un titre au sujet."), "invalid")
    _check(
        len(title) <= TITLE_MAX,
        _("Le titre tient en %(max)s caractères au plus.") % {"max": TITLE_MAX},
        "invalid",
    )
    return title


def _clean_body(body):
    body = (body or "").strip()
    _check(bool(body), _("Le message est vide."), "invalid")
    _check(
        len(body) <= BODY_MAX,
        _("Le message tient en %(max)s caractères au plus.") % {"max": BODY_MAX},
        "invalid",
    )
    return body


# --- mentions ---------------------------------------------------------------------------------

_MENTION = re.compile(r"@\w")


def _mentioned(community, body, exclude=None):
    """The active members of the community whose « @Prénom Nom » appears in ``body``."""
    if not _MENTION.search(body or ""):
        return []
    text = normalize(body)
    members = Membership.objects.filter(
        community=community, state=Membership.State.ACTIVE
    ).select_related("agent")
    found = []
    for membership in members:
        agent = membership.agent
        if exclude is not None and agent.pk == exclude.pk:
            continue
        if f"@{normalize(agent.first_name + ' ' + agent.last_name)}" in text:
            found.append(agent)
    return found


def _set_mentions(post, agent, before=()):
    mentioned = _mentioned(post.community, post.body, exclude=agent)
    post.mentions.set(mentioned)
    new = [person for person in mentioned if person.pk not in set(before)]
    if new:
        signals.mentioned.send(sender=Post, agents=new, post=post)
    return mentioned


def _attach_all(post, agent, attachments):
    for upload in attachments or ():
        try:
            content_services.attach(target=post, upload=upload, uploaded_by=agent)
        except content_services.ContentError as error:
            raise ForumError(str(error), "invalid") from None


# --- categories -------------------------------------------------------------------------------


def _check_manage(community, actor):
    fa = forum_abilities(actor, community)
    _check(fa.can_read, _("Ce forum n'est pas accessible."), "not_found")
    _check(fa.can_manage_categories, _("Seule l'animation gère les catégories du forum."))


def _category_fields(name, description, who_may_start, is_help):
    name = " ".join((name or "").split())
    _check(bool(name), _("Donnez un nom à la catégorie."), "invalid")
    _check(len(name) <= 100, _("Le nom tient en 100 caractères au plus."), "invalid")
    description = (description or "").strip()
    _check(
        len(description) <= 1000, _("La description tient en 1 000 caractères au plus."), "invalid"
    )
    _check(
        who_may_start in Category.Starters.values,
        _("Choisissez qui peut ouvrir un sujet."),
        "invalid",
    )
    return {
        "name": name,
        "description": description,
        "who_may_start": who_may_start,
        "is_help": bool(is_help),
    }


def _name_taken():
    return ForumError(_("Une catégorie porte déjà ce nom dans ce forum."), "invalid")


def category_create(
    *,
    community,
    actor,
    name,
    description="",
    who_may_start=Category.Starters.MEMBERS,
    is_help=False,
):
    """The animators add a category at the end of the forum's list."""
    _check_manage(community, actor)
    fields = _category_fields(name, description, who_may_start, is_help)
    with transaction.atomic():
        last = Category.objects.filter(community=community).aggregate(last=Max("position"))
        try:
            with transaction.atomic():
                category = Category.objects.create(
                    community=community, position=(last["last"] or 0) + 1, **fields
                )
        except IntegrityError:
            raise _name_taken() from None
        audit.record(
            community=community,
            actor=actor,
            action="forum_category_created",
            reason=category.name,
        )
    return category


def category_update(
    *, category, actor, name, description="", who_may_start=None, is_help=None, position=None
):
    """The animators rename, describe, reorder a category or change who may start a topic."""
    _check_manage(category.community, actor)
    fields = _category_fields(
        name,
        description,
        who_may_start if who_may_start is not None else category.who_may_start,
        category.is_help if is_help is None else is_help,
    )
    changes = []
    if fields["name"] != category.name:
        changes.append(f"Nom : {category.name} → {fields['name']}")
    for key, value in fields.items():
        setattr(category, key, value)
    if position is not None:
        _check(0 <= position <= 10000, _("L'ordre va de 0 à 10 000."), "invalid")
        category.position = position
    with transaction.atomic():
        try:
            with transaction.atomic():
                category.save()
        except IntegrityError:
            raise _name_taken() from None
        audit.record(
            community=category.community,
            actor=actor,
            action="forum_category_updated",
            reason="; ".join(changes) or category.name,
        )
    return category


def category_delete(*, category, actor):
    """The animators delete an empty category (a category with topics is kept: move them
    first)."""
    _check_manage(category.community, actor)
    with transaction.atomic():
        _check(
            not Topic.objects.filter(category=category).exists(),
            _("Cette catégorie contient des sujets : déplacez-les avant de la supprimer."),
            "invalid",
        )
        audit.record(
            community=category.community,
            actor=actor,
            action="forum_category_deleted",
            reason=category.name,
        )
        category.delete()


def category_reorder(*, community, actor, category_ids):
    """The animators give the categories' order (ids of the community's categories, first
    first; the others follow in their order)."""
    _check_manage(community, actor)
    categories = {c.pk: c for c in Category.objects.filter(community=community)}
    ordered = [categories[pk] for pk in dict.fromkeys(category_ids) if pk in categories]
    ordered += [
        c for c in sorted(categories.values(), key=lambda c: (c.position, c.pk)) if c not in ordered
    ]
    with transaction.atomic():
        for position, category in enumerate(ordered, start=1):
            if category.position != position:
                category.position = position
                category.save(update_fields=["position"])
    return ordered


# --- topics and posts -------------------------------------------------------------------------


def topic_create(*, category, agent, title, body, is_question=None, attachments=()):
    """Open a topic in a category: its opening post is number 1. In a help forum the topic is a
    question unless its author says otherwise."""
    fa = forum_abilities(agent, category.community)
    _check_contribute(fa)
    _check(
        fa.can_start(category),
        _("Dans cette catégorie, seule l'animation ouvre des sujets."),
    )
    title = _clean_title(title)
    body = _clean_body(body)
    if is_question is None:
        is_question = category.is_help
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            community=category.community,
            category=category,
            author=agent,
            title=title,
            is_question=bool(is_question),
            created_at=now,
            last_number=1,
            last_post_at=now,
            last_post_author=agent,
        )
        post = Post.objects.create(
            community=category.community,
            topic=topic,
            number=1,
            author=agent,
            body=body,
            created_at=now,
        )
        Category.objects.filter(pk=category.pk).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_post_at=now
        )
        _attach_all(post, agent, attachments)
        activity.record(
            community=category.community,
            actor=agent,
            verb="forum_topic",
            target=topic,
            summary=_("%(agent)s a ouvert le sujet « %(title)s »")
            % {"agent": agent.display_name, "title": title},
        )
        TopicRead.objects.create(agent=agent, topic=topic, last_read_number=1, updated_at=now)
        signals.topic_created.send(sender=Topic, topic=topic)
        _set_mentions(post, agent)
    return topic


def _take_number(topic, *, agent, now):
    """The topic's next post number, noting the reply on the topic in the same statement (which
    locks its row until commit). Returns ``(number, is_locked)`` as they are after the update."""
    table = connection.ops.quote_name(Topic._meta.db_table)
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1, reply_count = reply_count + 1, "  # noqa: S608 - our own table
        "last_post_at = %s, last_post_author_id = %s WHERE id = %s "
        "RETURNING last_number, is_locked, merged_into_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), agent.pk, topic.pk])
        row = cursor.fetchone()
    if row is None:
        raise ForumError(_("Ce sujet n'existe plus."), "not_found")
    return row


def post_reply(*, topic, agent, body, attachments=()):
    """Reply at the end of a topic: the reply takes the next number; the topic's and the
    category's counters and last activity follow. A locked topic takes no more replies (but
    from the animators)."""
    fa = forum_abilities(agent, topic.community)
    _check_contribute(fa)
    _check(fa.can_read_topic(topic), _("Ce sujet n'est pas accessible."), "not_found")
    _check(topic.merged_into_id is None, _("Ce sujet a été fusionné dans un autre."), "invalid")
    _check(
        not topic.is_locked or fa.can_moderate,
        _("Ce sujet est verrouillé : il ne reçoit plus de réponse."),
        "locked",
    )
    body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        number, is_locked, merged_into_id = _take_number(topic, agent=agent, now=now)
        # Locked or merged while the reply was typed: the row lock makes this answer final.
        _check(
            not is_locked or fa.can_moderate,
            _("Ce sujet est verrouillé : il ne reçoit plus de réponse."),
            "locked",
        )
        _check(merged_into_id is None, _("Ce sujet a été fusionné dans un autre."), "invalid")
        post = Post.objects.create(
            community=topic.community,
            topic=topic,
            number=number,
            author=agent,
            body=body,
            created_at=now,
        )
        topic.last_number = number
        topic.last_post_at = now
        topic.last_post_author = agent
        topic.reply_count += 1
        Category.objects.filter(pk=topic.category_id).update(
            post_count=F("post_count") + 1, last_post_at=now
        )
        _attach_all(post, agent, attachments)
        _read_up_to(agent, topic, number, now)
        signals.reply_created.send(sender=Post, post=post)
        _set_mentions(post, agent)
    return post


def post_edit(*, post, agent, body):
    """The author changes their post (« modifié » with its date); the previous text is kept in
    its history."""
    fa = forum_abilities(agent, post.community)
    _check(fa.can_read_post(post), _("Ce message n'est pas accessible."), "not_found")
    _check(not post.is_deleted, _("Ce message a été supprimé."), "invalid")
    _check_contribute(fa)
    _check(fa.can_edit(post), _("Seul l'auteur ou l'autrice modifie son message."))
    body = _clean_body(body)
    if body == post.body:
        return post
    with transaction.atomic():
        before = list(post.mentions.values_list("pk", flat=True))
        PostRevision.objects.create(post=post, body=post.body, replaced_by=agent)
        post.body = body
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "edited_at"])
        signals.post_changed.send(sender=Post, post=post)
        _set_mentions(post, agent, before)
    return post


def post_delete(*, post, agent):
    """The author or the animators delete a post: it keeps its number and shows as deleted; its
    text stays in its history for the animators. A deleted solution is no longer the
    solution."""
    fa = forum_abilities(agent, post.community)
    _check(fa.can_read_post(post), _("Ce message n'est pas accessible."), "not_found")
    _check(not post.is_deleted, _("Ce message est déjà supprimé."), "invalid")
    _check(fa.can_delete(post), _("Seul l'auteur, l'autrice ou l'animation supprime ce message."))
    now = timezone.now()
    with transaction.atomic():
        if post.body:
            PostRevision.objects.create(post=post, body=post.body, replaced_by=agent)
        post.body = ""
        post.deleted_at = now
        post.deleted_by = agent
        post.save(update_fields=["body", "deleted_at", "deleted_by"])
        post.mentions.clear()
        topic_changes = {}
        # A hidden reply was already left out of the count (forums.animation.content_hide).
        if post.number > 1 and not post.is_hidden:
            topic_changes["reply_count"] = F("reply_count") - 1
        if post.topic.solution_id == post.pk:
            topic_changes["solution"] = None
            post.topic.solution = None
        if topic_changes:
            Topic.objects.filter(pk=post.topic_id).update(**topic_changes)
        Category.objects.filter(pk=post.topic.category_id, post_count__gt=0).update(
            post_count=F("post_count") - 1
        )
        if post.author_id != agent.pk:
            audit.record(
                community=post.community,
                actor=agent,
                action="forum_post_deleted",
                target=post,
                target_agent=post.author,
            )
        signals.post_changed.send(sender=Post, post=post)
    return post


def post_react(*, post, agent, emoji):
    """Add or take back the agent's emoji on a post. True when added."""
    fa = forum_abilities(agent, post.community)
    _check(fa.can_read_post(post), _("Ce message n'est pas accessible."), "not_found")
    _check_contribute(fa)
    _check(fa.can_react(post), _("Ce message ne reçoit pas de réaction."), "invalid")
    try:
        return content_services.reaction_toggle(PostReaction, agent=agent, emoji=emoji, post=post)
    except content_services.ContentError as error:
        raise ForumError(str(error), "invalid") from None


def post_vote(*, post, agent, useful=True):
    """« Utile » on a post (one per agent), or take it back. Returns the post's score."""
    fa = forum_abilities(agent, post.community)
    _check(fa.can_read_post(post), _("Ce message n'est pas accessible."), "not_found")
    _check_contribute(fa)
    _check(not fa._is_author(post), _("Vous ne votez pas pour votre propre message."), "invalid")
    _check(fa.can_vote(post), _("Ce message ne reçoit pas de vote."), "invalid")
    with transaction.atomic():
        score = content_services.vote_set(
            PostVote, agent=agent, value=PostVote.UP if useful else 0, post=post
        )
        Post.objects.filter(pk=post.pk).update(vote_count=score)
        post.vote_count = score
        if post.number == 1:
            Topic.objects.filter(pk=post.topic_id).update(vote_count=score)
    return score


def solution_mark(*, topic, agent, post):
    """The question's author or the animators mark a reply of the topic as its solution."""
    fa = forum_abilities(agent, topic.community)
    _check(fa.can_read_topic(topic), _("Ce sujet n'est pas accessible."), "not_found")
    _check(topic.is_question, _("Seule une question a une solution."), "invalid")
    _check(
        fa.can_mark_solution(topic),
        _("Seul l'auteur ou l'autrice de la question, ou l'animation, choisit la solution."),
    )
    _check(
        post is not None and fa.can_be_solution(topic, post),
        _("La solution est une réponse de ce sujet."),
        "invalid",
    )
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(solution=post)
        topic.solution = post
        signals.solution_marked.send(sender=Topic, topic=topic, post=post, actor=agent)
    return topic


def solution_unmark(*, topic, agent):
    """The question is no longer solved."""
    fa = forum_abilities(agent, topic.community)
    _check(fa.can_read_topic(topic), _("Ce sujet n'est pas accessible."), "not_found")
    _check(
        fa.can_mark_solution(topic),
        _("Seul l'auteur ou l'autrice de la question, ou l'animation, choisit la solution."),
    )
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(solution=None)
        topic.solution = None
        signals.solution_marked.send(sender=Topic, topic=topic, post=None, actor=agent)
    return topic


# --- reading ----------------------------------------------------------------------------------


def _read_up_to(agent, topic, number, now):
    updated = TopicRead.objects.filter(
        agent=agent, topic=topic, last_read_number__lt=number
    ).update(last_read_number=number, updated_at=now)
    if updated:
        return
    try:
        with transaction.atomic():
            TopicRead.objects.create(
                agent=agent, topic=topic, last_read_number=number, updated_at=now
            )
    except IntegrityError:  # already read further (or the same click twice at once)
        TopicRead.objects.filter(agent=agent, topic=topic, last_read_number__lt=number).update(
            last_read_number=number, updated_at=now
        )


def topic_read(agent, topic, number):
    """The agent has seen the topic up to post ``number``: the position only moves forward."""
    if not agent.is_authenticated:
        return
    number = max(0, min(int(number), topic.last_number))
    if number <= 0:
        return
    _read_up_to(agent, topic, number, timezone.now())


def mark_all_read(agent, community, category=None):
    """« Tout marquer comme lu »: every topic of the forum (or of one category) whose last post
    is not after now is read, without a row per topic."""
    fa = forum_abilities(agent, community)
    _check(fa.can_mark_read, _("Ce forum n'est pas accessible."), "not_found")
    categories = Category.objects.filter(community=community)
    if category is not None:
        _check(
            category.community_id == community.pk, _("Cette catégorie n'existe pas."), "not_found"
        )
        categories = categories.filter(pk=category.pk)
    now = timezone.now()
    ids = list(categories.values_list("pk", flat=True))
    with transaction.atomic():
        CategoryRead.objects.filter(agent=agent, category_id__in=ids).update(read_at=now)
        existing = set(
            CategoryRead.objects.filter(agent=agent, category_id__in=ids).values_list(
                "category_id", flat=True
            )
        )
        CategoryRead.objects.bulk_create(
            [
                CategoryRead(agent=agent, category_id=pk, read_at=now)
                for pk in ids
                if pk not in existing
            ],
            ignore_conflicts=True,
        )
    return len(ids)
