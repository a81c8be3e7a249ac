"""« Suivre l'idée »: the author, the supporters and the commenters follow an idea; anyone who
reads it may follow or stop (the button, without JavaScript); an idea one may not read is not
followed (404); a merge moves the followers to the target once."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from communities.content import services as content
from communities.content.models import Subscription
from ideas import following, services
from ideas.models import Idea
from tests.factories import AgentFactory, CommunityFactory
from tests.ideas.social_helpers import comment, member, submit, support

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    return {
        "community": community,
        "animator": member(community, animator=True),
        "author": member(community),
        "reader": member(community),
    }


def test_author_supporters_and_commenters_follow(box):
    idea = submit(box["community"], box["author"])
    supporter = member(box["community"])
    support(idea, supporter)
    comment(idea, box["reader"])
    assert set(content.followers(idea)) == {box["author"].pk, supporter.pk, box["reader"].pk}


def test_the_button_follows_and_stops_following(box, client):
    """« Suivre l'idée » then « Ne plus suivre », a POST each, back to the idea."""
    idea = submit(box["community"], box["author"])
    url = reverse("ideas:follow", args=[box["community"].slug, idea.pk])
    client.force_login(box["reader"])
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Suivre l'idée" in page and 'aria-pressed="false"' in page
    response = client.post(url, {"suivre": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#suivre")
    assert following.is_following(box["reader"], idea)
    assert "Ne plus suivre" in client.get(idea.get_absolute_url()).content.decode()
    client.post(url, {"suivre": "0"})
    assert not following.is_following(box["reader"], idea)
    assert client.get(url).status_code == 405


def test_an_idea_one_may_not_read_is_not_followed(box, client):
    """A secret community's idea answers 404 to an outsider, and nothing is written."""
    secret = CommunityFactory(private_secret=True)
    idea = submit(secret, member(secret))
    outsider = AgentFactory()
    client.force_login(outsider)
    assert (
        client.post(
            reverse("ideas:follow", args=[secret.slug, idea.pk]), {"suivre": "1"}
        ).status_code
        == 404
    )
    with pytest.raises(following.FollowRefused):
        following.follow(agent=outsider, idea=idea)
    assert not Subscription.objects.filter(agent=outsider).exists()


def test_a_merge_moves_the_followers_once(box):
    target = submit(box["community"], box["reader"], title="Covoiturage inter-sites")
    duplicate = submit(box["community"], box["author"], title="Covoiturage")
    content.follow(agent=box["reader"], target=duplicate)  # follows both already
    services.idea_merge(idea=duplicate, target=target, actor=box["animator"])
    idea_type = ContentType.objects.get_for_model(Idea)
    assert sorted(
        Subscription.objects.filter(content_type=idea_type, object_id=target.pk).values_list(
            "agent_id", flat=True
        )
    ) == sorted([box["reader"].pk, box["author"].pk])
    assert not Subscription.objects.filter(content_type=idea_type, object_id=duplicate.pk).exists()
