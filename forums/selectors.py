"""The forums' reads: categories with their unread counts, pages of topics with their unread
marks, a range of posts with what hangs on them, first unread post.

Every list costs a fixed number of queries whatever the forum's size: topics are paged by an
indexed offset (``TOPICS_PER_PAGE`` + 1 rows, to know whether a next page exists), posts by a range
of numbers. Unread marks and counts look only at the topics active within ``UNREAD_WINDOW``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from communities.content.models import Attachment, Subscription
from forums.models import (
    POSTS_PER_PAGE,
    TOPICS_PER_PAGE,
    Category,
    CategoryRead,
    Post,
    PostReaction,
    PostVote,
    Topic,
    TopicRead,
)
from forums.services import UNREAD_WINDOW

FILTERS = {
    "sans-reponse": "Sans réponse",
    "non-resolus": "Non résolus",
    "mes-sujets": "Mes sujets",
    "suivis": "Suivis",
}
SORTS = {
    "activite": "Dernière activité",
    "votes": "Votes",
    "recents": "Plus récents",
}
# Deeper than this, an offset would read too many index rows: the lists stop there.
MAX_TOPIC_PAGE = 1000


def with_read_state(queryset, agent):
    """Topics that bring the agent's read position and the date they marked their category as
    read, in the same query."""
    if not agent.is_authenticated:
        return queryset
    return queryset.annotate(
        read_number=Subquery(
            TopicRead.objects.filter(agent=agent, topic=OuterRef("pk")).values("last_read_number")[
                :1
            ]
        ),
        category_read_at=Subquery(
            CategoryRead.objects.filter(agent=agent, category=OuterRef("category_id")).values(
                "read_at"
            )[:1]
        ),
    )


def is_unread(topic, agent, now=None):
    """Has the topic posts the agent has not seen (from ``with_read_state``'s annotations)?"""
    if not agent.is_authenticated:
        return False
    now = now or timezone.now()
    if topic.last_post_at < now - UNREAD_WINDOW:
        return False
    read_at = getattr(topic, "category_read_at", None)
    if read_at is not None and topic.last_post_at <= read_at:
        return False
    return (getattr(topic, "read_number", None) or 0) < topic.last_number


def unread_counts(agent, community):
    """``{category_id: number of unread topics}`` of the community's forum (one query)."""
    if not agent.is_authenticated:
        return {}
    since = timezone.now() - UNREAD_WINDOW
    rows = (
        with_read_state(
            Topic.objects.filter(community=community, is_hidden=False, last_post_at__gt=since),
            agent,
        )
        .filter(Q(read_number__isnull=True) | Q(read_number__lt=F("last_number")))
        .filter(Q(category_read_at__isnull=True) | Q(last_post_at__gt=F("category_read_at")))
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
    )
    return {row["category_id"]: row["n"] for row in rows}


def categories_of(agent, community):
    """The forum's categories in their order, each with ``unread`` (two queries)."""
    categories = list(Category.objects.filter(community=community))
    counts = unread_counts(agent, community)
    for category in categories:
        category.community = community
        category.unread = counts.get(category.pk, 0)
    return categories


def category_of(community, category_id):
    return Category.objects.filter(community=community, pk=category_id).first()


@dataclass
class TopicPage:
    """One page of topics: ``topics`` and whether pages come before and after."""

    topics: list
    number: int
    has_next: bool
    filtre: str = ""
    tri: str = "activite"

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def page_number(value, maximum=None):
    try:
        number = int(str(value or "1").strip())
    except (TypeError, ValueError):
        return 1
    number = max(1, number)
    if maximum is not None:
        number = min(number, maximum)
    return number


def topics_page(
    agent, community, *, category=None, filtre="", tri="activite", page=1, include_hidden=False
):
    """A page of the forum's topics (or of one category's), filtered and sorted; pinned topics
    first in the order of activity."""
    filtre = filtre if filtre in FILTERS else ""
    tri = tri if tri in SORTS else "activite"
    qs = Topic.objects.filter(community=community)
    if category is not None:
        qs = qs.filter(category=category)
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    if filtre == "sans-reponse":
        qs = qs.filter(reply_count=0)
    elif filtre == "non-resolus":
        qs = qs.filter(is_question=True, solution__isnull=True)
    elif filtre == "mes-sujets":
        qs = qs.filter(author=agent) if agent.is_authenticated else qs.none()
    elif filtre == "suivis":
        if agent.is_authenticated:
            followed = Subscription.objects.filter(
                agent=agent, content_type=ContentType.objects.get_for_model(Topic)
            ).values("object_id")
            qs = qs.filter(pk__in=followed)
        else:
            qs = qs.none()
    if tri == "votes":
        qs = qs.order_by("-vote_count", "-id")
    elif tri == "recents":
        qs = qs.order_by("-created_at", "-id")
    elif category is not None:
        qs = qs.order_by("-is_pinned", "-last_post_at", "-id")
    else:
        qs = qs.order_by("-last_post_at", "-id")
    page = page_number(page, MAX_TOPIC_PAGE)
    start = (page - 1) * TOPICS_PER_PAGE
    qs = with_read_state(qs.select_related("author", "last_post_author", "category"), agent)
    rows = list(qs[start : start + TOPICS_PER_PAGE + 1])
    now = timezone.now()
    for topic in rows:
        topic.community = community
        topic.category.community = community
        topic.unread = is_unread(topic, agent, now)
    return TopicPage(
        topics=rows[:TOPICS_PER_PAGE],
        number=page,
        has_next=len(rows) > TOPICS_PER_PAGE,
        filtre=filtre,
        tri=tri,
    )


# --- a topic's posts ----------------------------------------------------------------------


def page_count(topic):
    return max(1, (topic.last_number + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


def page_of_number(number):
    return max(1, (number + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


@dataclass
class PostPage:
    """Posts ``first``..``last`` of a topic (one page), for the DSFR pagination component."""

    topic: object
    number: int
    posts: list = field(default_factory=list)

    @property
    def paginator(self):
        return self

    @property
    def num_pages(self):
        return page_count(self.topic)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def pages_list(self):
        last, current = self.num_pages, self.number
        shown = sorted({1, 2, current - 1, current, current + 1, last - 1, last})
        shown = [n for n in shown if 1 <= n <= last]
        items, previous = [], 0
        for n in shown:
            if n - previous > 1:
                items.append("…")
            items.append(n)
            previous = n
        return items


def posts_page(agent, topic, page):
    """One page of the topic's posts, by their numbers, with their authors, reactions (counts
    and the agent's), the agent's votes and the attachments (five queries)."""
    page = page_number(page, page_count(topic))
    first = (page - 1) * POSTS_PER_PAGE + 1
    # The slice changes no row (numbers are unique) but tells PostgreSQL there are 20: guessing
    # thousands (« number <= 20 » matches most posts), it read every agent to join the authors.
    posts = list(
        Post.objects.filter(topic=topic, number__range=(first, first + POSTS_PER_PAGE - 1))
        .select_related("author")
        .order_by("number")[:POSTS_PER_PAGE]
    )
    decorate(agent, topic, posts)
    return PostPage(topic=topic, number=page, posts=posts)


def decorate(agent, topic, posts):
    """Hang on each post its reactions, the agent's vote and its attachments."""
    ids = [post.pk for post in posts]
    reactions = defaultdict(list)
    if ids:
        rows = (
            PostReaction.objects.filter(post_id__in=ids)
            .values("post_id", "emoji")
            .annotate(n=Count("pk"))
            .order_by("post_id", "emoji")
        )
        mine = set()
        voted = set()
        if agent.is_authenticated:
            mine = set(
                PostReaction.objects.filter(post_id__in=ids, agent=agent).values_list(
                    "post_id", "emoji"
                )
            )
            voted = set(
                PostVote.objects.filter(post_id__in=ids, agent=agent).values_list(
                    "post_id", flat=True
                )
            )
        for row in rows:
            reactions[row["post_id"]].append(
                {
                    "emoji": row["emoji"],
                    "n": row["n"],
                    "mine": (row["post_id"], row["emoji"]) in mine,
                }
            )
        files = defaultdict(list)
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Post), object_id__in=ids
        ):
            files[attachment.object_id].append(attachment)
    for post in posts:
        post.topic = topic
        post.community = topic.community
        post.reaction_list = reactions.get(post.pk, [])
        post.voted = post.pk in voted if ids else False
        post.attachment_list = files.get(post.pk, []) if ids else []
    return posts


def read_number(agent, topic):
    """How far the agent has read the topic (0: not at all), the category's « tout lu »
    included."""
    if not agent.is_authenticated:
        return 0
    number = (
        TopicRead.objects.filter(agent=agent, topic=topic)
        .values_list("last_read_number", flat=True)
        .first()
        or 0
    )
    read_at = (
        CategoryRead.objects.filter(agent=agent, category_id=topic.category_id)
        .values_list("read_at", flat=True)
        .first()
    )
    if read_at is not None and number < topic.last_number:
        if topic.last_post_at <= read_at:
            return topic.last_number
        # The posts written up to the « tout lu » are read.
        before = (
            Post.objects.filter(topic=topic, created_at__lte=read_at, number__gt=number)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        number = max(number, before or 0)
    return number


def first_unread_number(agent, topic):
    """The number of the first post the agent has not seen (the last post when all are read)."""
    return min(read_number(agent, topic) + 1, topic.last_number)


def unread_topics_of(agent, limit=5):
    """The agent's latest unread topics across the forums of the communities they are an active
    member of (one query), for the dashboard."""
    from communities.permissions import communities_of

    if not agent.is_authenticated:
        return []
    since = timezone.now() - UNREAD_WINDOW
    rows = (
        with_read_state(
            Topic.objects.filter(
                community__in=communities_of(agent),
                community__tool_forum=True,
                community__archived_at__isnull=True,
                is_hidden=False,
                last_post_at__gt=since,
            ),
            agent,
        )
        .filter(Q(read_number__isnull=True) | Q(read_number__lt=F("last_number")))
        .filter(Q(category_read_at__isnull=True) | Q(last_post_at__gt=F("category_read_at")))
        .select_related("community", "last_post_author")
        .order_by("-last_post_at", "-id")[:limit]
    )
    return list(rows)
