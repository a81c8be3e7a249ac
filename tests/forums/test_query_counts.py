"""The forum's pages cost the same number of SQL queries whatever the forum's size: each page
and the reply are counted on a small forum, then pinned on a forum ten times bigger (more
categories, topics, posts, followers, unread topics): the pages bench/forums.py measures at a
million posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.forum_generator import generate_forums
from directory.models import Agent
from forums import services
from forums.models import POSTS_PER_PAGE, Category, Post, Topic
from forums.selectors import posts_page, unread_counts
from tests.factories import CommunityFactory, MembershipFactory
from tests.plans import plan_of

pytestmark = pytest.mark.django_db


class Forum:
    """A community's forum that grows through the services, as agents make it grow."""

    def __init__(self):
        self.community = CommunityFactory(open=True)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.viewer = MembershipFactory(community=self.community).agent
        self.members = [MembershipFactory(community=self.community).agent for _ in range(3)]
        self.help = services.category_create(
            community=self.community, actor=self.animator, name="Entraide", is_help=True
        )
        self.categories = [self.help]
        self.long = self.topic(self.help, self.members[0], title="Le long sujet")
        self.reply_to = self.topic(self.help, self.members[1], title="Où répondre")

    def topic(self, category, author, title="Une question"):
        return services.topic_create(
            category=category, agent=author, title=title, body="Comment faites-vous ?"
        )

    def reply(self, topic, author, body="Chez nous, la DDT s'en charge."):
        post = services.post_reply(topic=topic, agent=author, body=body)
        topic.refresh_from_db()
        return post

    def grow(self, *, categories, topics, replies, long_replies, members):
        """Add categories, topics with replies (some unanswered, some solved, voted), replies
        to the long topic, members who post; the viewer reads part of them."""
        self.members += [MembershipFactory(community=self.community).agent for _ in range(members)]
        for _ in range(categories):
            self.categories.append(
                services.category_create(
                    community=self.community,
                    actor=self.animator,
                    name=f"Catégorie {len(self.categories) + 1}",
                )
            )
        for index in range(topics):
            category = self.categories[index % len(self.categories)]
            author = self.members[index % len(self.members)]
            topic = self.topic(category, author)
            for number in range(replies if index % 3 else 0):  # a third stay unanswered
                post = self.reply(topic, self.members[(index + number + 1) % len(self.members)])
                if post.author_id != topic.author_id:
                    services.post_vote(post=post, agent=topic.author)
                    if topic.is_question and topic.solution_id is None:
                        services.solution_mark(topic=topic, agent=topic.author, post=post)
            if index % 2:  # the viewer reads every other topic
                services.topic_read(self.viewer, topic, topic.last_number)
        for number in range(long_replies):
            self.reply(self.long, self.members[number % len(self.members)])
        for number in range(members):
            self.reply(self.reply_to, self.members[-1 - number])

    def pages(self):
        slug = self.community.slug
        forum = reverse("forums:index", args=[slug])
        category = reverse("forums:category", args=[slug, self.help.pk])
        topic = reverse("forums:topic", args=[slug, self.long.pk])
        last = -(-self.long.last_number // POSTS_PER_PAGE)
        return {
            "forum": forum,
            "category": category,
            "topic_first": topic,
            "topic_last": f"{topic}?page={last}",
            "unanswered_category": f"{category}?filtre=sans-reponse",
            "unanswered_forum": f"{forum}?filtre=sans-reponse",
        }

    def unread_again(self):
        """Someone replies in the long topic: its last page has a post the viewer has not read
        (reading it moves their read position, a write the count includes)."""
        self.reply(self.long, self.members[0], body="Une réponse de plus.")


def _count(func):
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def _reply(client, forum, text):
    url = reverse("forums:reply", args=[forum.community.slug, forum.reply_to.pk])

    def request():
        response = client.post(url, {"body": text})
        assert response.status_code == 302, (url, response.status_code)

    return request


SMALL = {"categories": 1, "topics": 6, "replies": 2, "long_replies": POSTS_PER_PAGE, "members": 2}
BIG = {
    "categories": 19,
    "topics": 80,
    "replies": 3,
    "long_replies": 9 * POSTS_PER_PAGE,
    "members": 20,
}


def _size(forum):
    """(categories, topics, posts, the viewer's unread topics) of the forum."""
    categories = Category.objects.filter(community=forum.community)
    return (
        categories.count(),
        sum(categories.values_list("topic_count", flat=True)),
        sum(categories.values_list("post_count", flat=True)),
        sum(unread_counts(forum.viewer, forum.community).values()),
    )


def test_query_counts_do_not_grow_with_the_forum(client, django_assert_max_num_queries):
    """The forum's home (unread counts), a category, the first and last pages of a long topic,
    the « sans réponse » filters and a reply (to a topic with ten times more followers): no
    more queries on a forum ten times bigger than on a small one. (One test: growing the
    forum through the services takes most of its time.)"""
    forum = Forum()
    forum.grow(**SMALL)
    client.force_login(forum.viewer)
    for url in forum.pages().values():  # warm the caches (content types, session)
        _get(client, url)()
    _reply(client, forum, "Premier essai.")()
    forum.unread_again()
    small = {name: _count(_get(client, url)) for name, url in forum.pages().items()}
    small["reply"] = _count(_reply(client, forum, "Ma réponse sur le petit forum."))
    small_size = _size(forum)

    forum.grow(**BIG)
    forum.unread_again()
    big_size = _size(forum)
    # The comparison means something: ten times the categories, topics, posts and unread.
    for before, after in zip(small_size, big_size, strict=True):
        assert after >= 10 * before, (small_size, big_size)

    for page, url in forum.pages().items():
        with django_assert_max_num_queries(small[page], info=page):
            _get(client, url)()
    replies = forum.reply_to.reply_count
    with django_assert_max_num_queries(small["reply"], info="reply"):
        _reply(client, forum, "Ma réponse sur le grand forum.")()
    forum.reply_to.refresh_from_db()
    assert forum.reply_to.reply_count == replies + 1


def test_posts_by_topic_have_one_index_the_topic_number_one():
    """The posts' only index that starts with the topic is the unique (topic, number) one: a
    second one on the topic alone led PostgreSQL to read a whole long topic for its first
    page."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Post._meta.db_table)
    by_topic = [
        c["columns"]
        for c in constraints.values()
        if c["index"] or c["unique"]
        if c["columns"] and c["columns"][0] == "topic_id"
    ]
    assert by_topic == [["topic_id", "number"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_first_page_of_a_long_topic_reads_its_twenty_posts_only():
    """On PostgreSQL, page 1 of a 5,000-reply topic reads posts 1 to 20 through the (topic,
    number) index, not the 5,001 posts of the topic, and joins their authors by key, not by
    reading every agent. (At this size, most posts have a number under 20, as at a million:
    with an index on the topic alone, or without the page's limit, the planner did both.)"""
    made = generate_forums(
        communities=5, topics=2000, posts=30000, agents=3000, long_topics=1, long_replies=5000
    )
    topic = Topic.objects.get(pk=made["long_topic"])
    viewer = Agent.objects.get(pk=made["viewer"])
    with CaptureQueriesContext(connection) as captured:
        page = posts_page(viewer, topic, 1)
    assert [post.number for post in page.posts] == list(range(1, POSTS_PER_PAGE + 1))
    sql = next(q["sql"] for q in captured.captured_queries if 'FROM "forums_post"' in q["sql"])
    plan = plan_of(sql, analyze=True)
    assert "forum_post_number_once" in plan, plan
    assert "Rows Removed by Filter" not in plan, plan
    assert "Seq Scan on directory_agent" not in plan, plan
