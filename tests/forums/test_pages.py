"""The forums' pages (``forums.views``): every page renders for a member, ids of another
community answer 404, text typed by agents is inert, and a member without the charter reads
but does not post."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Category
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    community = CommunityFactory(open=True)
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Entraide", is_help=True)
    topic = services.topic_create(category=category, agent=member, title="Question", body="Texte")
    reply = services.post_reply(topic=topic, agent=animator, body="Réponse")
    services.post_edit(post=reply, agent=animator, body="Réponse modifiée")
    services.solution_mark(topic=topic, agent=member, post=reply)
    return {
        "community": community,
        "animator": animator,
        "member": member,
        "category": category,
        "topic": topic,
        "reply": reply,
    }


def test_every_page_renders_for_the_animator(client, forum):
    """The forum's pages answer 200 (or redirect) for an animator."""
    slug = forum["community"].slug
    client.force_login(forum["animator"])
    pages = [
        reverse("forums:index", args=[slug]),
        reverse("forums:index", args=[slug]) + "?filtre=non-resolus&tri=votes",
        reverse("forums:category", args=[slug, forum["category"].pk]),
        reverse("forums:category", args=[slug, forum["category"].pk]) + "?filtre=suivis&page=2",
        reverse("forums:topic", args=[slug, forum["topic"].pk]),
        reverse("forums:topic_new", args=[slug, forum["category"].pk]),
        reverse("forums:post_edit", args=[slug, forum["reply"].pk]),
        reverse("forums:post_delete", args=[slug, forum["reply"].pk]),
        reverse("forums:post_history", args=[slug, forum["reply"].pk]),
        reverse("forums:categories", args=[slug]),
        reverse("forums:category_new", args=[slug]),
        reverse("forums:category_edit", args=[slug, forum["category"].pk]),
        reverse("forums:category_delete", args=[slug, forum["category"].pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    topic_page = client.get(reverse("forums:topic", args=[slug, forum["topic"].pk])).content.decode()
    assert 'data-testid="solution-box"' in topic_page
    assert f'data-forum-topic="{forum["topic"].pk}"' in topic_page
    assert client.get(reverse("forums:post", args=[slug, forum["reply"].pk])).status_code == 302
