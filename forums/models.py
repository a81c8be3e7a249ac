"""The forums of a community (« Forums d'entraide »): categories defined by the animators, topics
(some of them questions, with a solution), numbered posts, their revisions, reactions and votes,
and each agent's read positions.

A topic's posts are numbered from 1 (the opening post) without gaps: a page of a topic is a range
of numbers (``(page - 1) * PAGE + 1`` to ``page * PAGE``), so the last page of a topic of 5,000
replies and a permalink to any reply cost one indexed range, whatever the topic's length. A
hidden or deleted post keeps its number and shows as such.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content.models import ModeratedContent, Reaction, Vote

# Posts on one page of a topic.
POSTS_PER_PAGE = 20
# Topics on one page of a category or of the forum's lists.
TOPICS_PER_PAGE = 30


class Category(models.Model):
    """A category of a community's forum, defined by its animators."""

    class Starters(models.TextChoices):
        MEMBERS = "members", _("Les membres")
        ANIMATORS = "animators", _("Les animateurs seulement")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="forum_categories"
    )
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    who_may_start = models.CharField(
        _("qui peut ouvrir un sujet"),
        max_length=10,
        choices=Starters.choices,
        default=Starters.MEMBERS,
    )
    # A help forum: its new topics are questions by default (the author may say otherwise).
    is_help = models.BooleanField(_("forum d'entraide (questions et solutions)"), default=False)
    # Kept by the services with each change, for the forum's home (no count over the posts).
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("catégorie de forum")
        verbose_name_plural = _("catégories de forum")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="forum_category_name_once")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:category", args=[self.community.slug, self.pk])


class Topic(ModeratedContent):
    """A discussion (or a question) in a category."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="forum_topics"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="topics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=200)
    is_question = models.BooleanField(_("c'est une question"), default=False)
    # The reply marked as the answer (« résolu »), by the author or an animator.
    solution = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_pinned = models.BooleanField(_("épinglé"), default=False)
    is_locked = models.BooleanField(_("verrouillé"), default=False)
    # Merged into another topic: its posts moved there, its address redirects there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The highest post number (the posts are numbered 1..last_number without gaps); also the
    # sequence of the topic's live stream.
    last_number = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Replies shown (not hidden, not deleted), and the opening post's votes (the topic's score).
    reply_count = models.PositiveIntegerField(default=0)
    vote_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        verbose_name = _("sujet de forum")
        verbose_name_plural = _("sujets de forum")
        indexes = [
            models.Index(
                fields=["category", "-is_pinned", "-last_post_at", "-id"],
                name="forum_topic_activity",
            ),
            models.Index(fields=["category", "-created_at", "-id"], name="forum_topic_newest"),
            models.Index(fields=["category", "-vote_count", "-id"], name="forum_topic_votes"),
            models.Index(
                fields=["community", "-last_post_at", "-id"], name="forum_community_activity"
            ),
            models.Index(fields=["author", "-last_post_at"], name="forum_topic_author"),
            models.Index(
                fields=["category", "-last_post_at"],
                condition=Q(reply_count=0),
                name="forum_topic_unanswered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_solved(self):
        return self.solution_id is not None

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:topic", args=[self.community.slug, self.pk])


class Post(ModeratedContent):
    """A post of a topic: number 1 opens it, the others are replies."""

    hidden_with = ("topic__is_hidden",)

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    # No index of its own: the unique (topic, number) index serves every lookup by topic. With
    # both, PostgreSQL read the first page of a 5,000-reply topic through the topic's index alone
    # (it guesses « number <= 20 » matches most posts, as it does over the whole table) and
    # filtered all 5,000 posts (bench/forums.py, tests/forums/test_query_counts.py).
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts", db_index=False)
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=20000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vote_count = models.IntegerField(default=0)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["topic", "number"]
        verbose_name = _("message de forum")
        verbose_name_plural = _("messages de forum")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forum_post_number_once")
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forum_post_author")]

    def __str__(self):
        return self.body[:60]

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_opening(self):
        return self.number == 1

    def get_absolute_url(self):
        """The permalink (it redirects to the page of the topic that shows the post)."""
        from django.urls import reverse

        return reverse("forums:post", args=[self.community.slug, self.pk])


class PostRevision(models.Model):
    """A post's text before one of its edits (the edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=20000)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.post_id} avant le {self.replaced_at:%d/%m/%Y %H:%M}"


class PostReaction(Reaction):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")

    class Meta(Reaction.Meta):
        constraints = [
            models.UniqueConstraint(fields=["post", "agent", "emoji"], name="forum_reaction_once")
        ]


class PostVote(Vote):
    """« Utile » on a post: one per agent, withdrawable (+1 only in the forums)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")

    class Meta(Vote.Meta):
        constraints = [models.UniqueConstraint(fields=["post", "agent"], name="forum_vote_once")]


class TopicRead(models.Model):
    """How far an agent has read a topic: the highest post number seen."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "topic"], name="forum_topic_read_once")
        ]

    def __str__(self):
        return f"{self.agent_id} a lu {self.topic_id} jusqu'au n° {self.last_read_number}"


class CategoryRead(models.Model):
    """« Tout marquer comme lu » in a category: every topic whose last post is not after
    ``read_at`` is read, without a row per topic."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "category"], name="forum_category_read_once")
        ]

    def __str__(self):
        return f"{self.agent_id} a tout lu dans {self.category_id} au {self.read_at:%d/%m/%Y %H:%M}"
