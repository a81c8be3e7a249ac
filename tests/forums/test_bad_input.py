"""Garbage in the forums' addresses and forms: never a 500 — the page, a 404, or a French
refusal on the page."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Category, Post, Topic
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

GARBAGE = ["abc", "-1", "0", "1.5", "9" * 30, "<script>alert(1)</script>", "", "🙂"]


@pytest.fixture
def forum(client):
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    other = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Entraide", is_help=True)
    topic = services.topic_create(category=category, agent=member, title="Question", body="?")
    reply = services.post_reply(topic=topic, agent=other, body="Réponse")
    client.force_login(member)
    return {"community": community, "category": category, "topic": topic, "reply": reply}


def test_query_parameters(client, forum):
    """Filters, sorts, pages and quotes typed by hand show the page (the defaults)."""
    slug = forum["community"].slug
    pages = [
        reverse("forums:index", args=[slug]),
        reverse("forums:category", args=[slug, forum["category"].pk]),
        forum["topic"].get_absolute_url(),
    ]
    for url in pages:
        for value in GARBAGE:
            for name in ("page", "filtre", "tri", "citer"):
                response = client.get(url, {name: value})
                assert response.status_code == 200, (url, name, value)


def test_forms(client, forum):
    """Forged values in the forms' fields: a French refusal, never a 500, nothing written."""
    slug = forum["community"].slug
    topic, reply = forum["topic"], forum["reply"]
    for value in GARBAGE:
        for url, data in [
            (reverse("forums:solution", args=[slug, topic.pk]), {"post": value}),
            (reverse("forums:mark_read", args=[slug]), {"category": value}),
            (reverse("forums:post_vote", args=[slug, reply.pk]), {"utile": value}),
            (reverse("forums:post_react", args=[slug, reply.pk]), {"emoji": value * 5}),
            (reverse("forums:reply", args=[slug, topic.pk]), {"body": value * 2000}),
            (
                reverse("forums:topic_new", args=[slug, forum["category"].pk]),
                {"title": value * 100, "body": value},
            ),
        ]:
            response = client.post(url, data)
            assert response.status_code in (200, 302, 400, 404), (url, data)
    topic.refresh_from_db()
    assert topic.solution_id is None
    assert all(len(body) <= 20000 for body in Post.objects.values_list("body", flat=True))
    assert all(len(title) <= 200 for title in Topic.objects.values_list("title", flat=True))


def test_a_refused_reaction_says_why(client, forum):
    slug = forum["community"].slug
    response = client.post(
        reverse("forums:post_react", args=[slug, forum["reply"].pk]), {"emoji": "abc"}, follow=True
    )
    assert "Choisissez un émoji." in response.content.decode()
