"""Reading a forum: read positions, unread marks and counts, the first unread post, « tout
marquer comme lu », and permalinks that land on the right page of a topic of 5,000 replies."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums import selectors, services
from forums.models import POSTS_PER_PAGE, Category, Post, Topic, TopicRead
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    community = CommunityFactory(open=True)
    author = MembershipFactory(community=community).agent
    reader = MembershipFactory(community=community).agent
    general = Category.objects.create(community=community, name="Général")
    other = Category.objects.create(community=community, name="Autre")
    return {
        "community": community,
        "author": author,
        "reader": reader,
        "general": general,
        "other": other,
    }


def _topic(forum, category=None, replies=0, title="Sujet"):
    topic = services.topic_create(
        category=category or forum["general"], agent=forum["author"], title=title, body="Texte"
    )
    for i in range(replies):
        services.post_reply(topic=topic, agent=forum["author"], body=f"Réponse {i}")
    topic.refresh_from_db()
    return topic


def test_unread_counts_follow_the_read_positions(forum):
    """A topic is unread until its last post is read; a new reply makes it unread again."""
    first = _topic(forum, replies=2)
    _topic(forum, title="Deuxième")
    _topic(forum, category=forum["other"], title="Ailleurs")
    reader = forum["reader"]
    assert selectors.unread_counts(reader, forum["community"]) == {
        forum["general"].pk: 2,
        forum["other"].pk: 1,
    }
    services.topic_read(reader, first, 2)  # not the last one yet
    assert selectors.unread_counts(reader, forum["community"])[forum["general"].pk] == 2
    services.topic_read(reader, first, 3)
    assert selectors.unread_counts(reader, forum["community"])[forum["general"].pk] == 1
    services.post_reply(topic=first, agent=forum["author"], body="Du nouveau")
    assert selectors.unread_counts(reader, forum["community"])[forum["general"].pk] == 2
    # The author has read what they wrote.
    assert selectors.unread_counts(forum["author"], forum["community"]) == {}


def test_topics_older_than_the_window_count_as_read(forum):
    """Unread marks look only at the recent activity: an old topic is not counted."""
    topic = _topic(forum)
    Topic.objects.filter(pk=topic.pk).update(
        last_post_at=timezone.now() - services.UNREAD_WINDOW - timedelta(days=1)
    )
    assert selectors.unread_counts(forum["reader"], forum["community"]) == {}


def test_first_unread_post(forum):
    """The first unread post is the one after the read position; all read: the last one."""
    topic = _topic(forum, replies=4)
    reader = forum["reader"]
    assert selectors.first_unread_number(reader, topic) == 1
    services.topic_read(reader, topic, 3)
    assert selectors.first_unread_number(reader, topic) == 4
    services.topic_read(reader, topic, 5)
    assert selectors.first_unread_number(reader, topic) == 5


def test_mark_all_read_then_a_new_reply(forum):
    """« Tout marquer comme lu » reads every topic without a row per topic; a later reply is
    unread again and the first unread post is that reply."""
    topic = _topic(forum, replies=2)
    _topic(forum, category=forum["other"])
    reader = forum["reader"]
    services.mark_all_read(reader, forum["community"])
    assert selectors.unread_counts(reader, forum["community"]) == {}
    assert not TopicRead.objects.filter(agent=reader).exists()
    assert selectors.first_unread_number(reader, topic) == 3
    reply = services.post_reply(topic=topic, agent=forum["author"], body="Après le tout-lu")
    topic.refresh_from_db()
    assert selectors.unread_counts(reader, forum["community"]) == {forum["general"].pk: 1}
    assert selectors.first_unread_number(reader, topic) == reply.number


def test_mark_one_category_read(forum):
    _topic(forum)
    _topic(forum, category=forum["other"])
    reader = forum["reader"]
    services.mark_all_read(reader, forum["community"], category=forum["other"])
    assert selectors.unread_counts(reader, forum["community"]) == {forum["general"].pk: 1}


def test_the_pages_show_and_store_the_reading(client, forum):
    """The category lists an unread topic with its badge and a link to its first unread post;
    opening the topic stores the position; the index's « tout marquer comme lu » empties the
    counts."""
    topic = _topic(forum, replies=1)
    slug = forum["community"].slug
    client.force_login(forum["reader"])
    page = client.get(reverse("forums:category", args=[slug, forum["general"].pk])).content.decode()
    assert 'data-testid="unread-badge"' in page
    assert reverse("forums:topic_unread", args=[slug, topic.pk]) in page
    response = client.get(reverse("forums:topic_unread", args=[slug, topic.pk]))
    assert response["Location"].endswith("?page=1#message-1")
    client.get(topic.get_absolute_url())
    assert TopicRead.objects.get(agent=forum["reader"], topic=topic).last_read_number == 2
    page = client.get(reverse("forums:category", args=[slug, forum["general"].pk])).content.decode()
    assert 'data-testid="unread-badge"' not in page
    _topic(forum, title="Encore")
    page = client.get(reverse("forums:index", args=[slug])).content.decode()
    assert 'data-testid="category-unread"' in page
    response = client.post(reverse("forums:mark_read", args=[slug]))
    assert response.status_code == 302
    page = client.get(reverse("forums:index", args=[slug])).content.decode()
    assert 'data-testid="category-unread"' not in page


def test_permalinks_land_on_the_right_page_of_a_topic_of_5000_replies(client, forum):
    """In a topic of 5,000 replies (written in bulk), a reply's permalink and the first unread
    post redirect to the page that holds them, and that page shows exactly its range."""
    topic = _topic(forum)
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                community=forum["community"],
                topic=topic,
                number=number,
                author=forum["author"],
                body=f"Réponse numéro {number}",
                created_at=now,
            )
            for number in range(2, 5002)
        ],
        batch_size=1000,
    )
    Topic.objects.filter(pk=topic.pk).update(last_number=5001, reply_count=5000, last_post_at=now)
    topic.refresh_from_db()
    slug = forum["community"].slug
    client.force_login(forum["reader"])
    target = Post.objects.get(topic=topic, number=4321)
    expected_page = (4321 - 1) // POSTS_PER_PAGE + 1
    response = client.get(reverse("forums:post", args=[slug, target.pk]))
    assert response["Location"] == (f"{topic.get_absolute_url()}?page={expected_page}#message-4321")
    page = client.get(response["Location"]).content.decode()
    first = (expected_page - 1) * POSTS_PER_PAGE + 1
    assert f'id="message-{first}"' in page and f'id="message-{first + POSTS_PER_PAGE - 1}"' in page
    assert f'id="message-{first - 1}"' not in page
    assert f'id="message-{first + POSTS_PER_PAGE}"' not in page
    # Having read that page, the first unread post is the next one, on the next page.
    response = client.get(reverse("forums:topic_unread", args=[slug, topic.pk]))
    next_number = first + POSTS_PER_PAGE
    assert response["Location"].endswith(f"?page={expected_page + 1}#message-{next_number}")
    last_page = (5001 - 1) // POSTS_PER_PAGE + 1
    page = client.get(f"{topic.get_absolute_url()}?page=999999").content.decode()
    assert 'id="message-5001"' in page  # beyond the last page: the last page
    assert selectors.page_count(topic) == last_page


def test_the_dashboard_lists_the_unread_topics_of_the_agents_forums(client, forum):
    """The home's « Forums : nouveaux messages » links the member's unread topics to their first
    unread post, and goes once they are read; an outsider's forum is not listed."""
    topic = _topic(forum, title="Crue de la Vilaine")
    elsewhere = CommunityFactory(open=True)
    stranger = MembershipFactory(community=elsewhere).agent
    services.topic_create(
        category=Category.objects.create(community=elsewhere, name="Ailleurs"),
        agent=stranger,
        title="Sujet d'une autre communauté",
        body="Texte",
    )
    client.force_login(forum["reader"])
    page = client.get("/").content.decode()
    assert 'data-testid="dashboard-forums"' in page
    assert "Crue de la Vilaine" in page
    assert reverse("forums:topic_unread", args=[forum["community"].slug, topic.pk]) in page
    assert "Sujet d&#x27;une autre communauté" not in page
    services.topic_read(forum["reader"], topic, 1)
    assert 'data-testid="dashboard-forums"' not in client.get("/").content.decode()
