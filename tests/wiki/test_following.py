"""Following a wiki page: the « Suivre cette page » button (a POST toggle that works without
JavaScript), who may follow, and who follows a page without asking (its creator, its editors)."""

import pytest

from communities.content import services as content
from communities.content.moderation import content_set_hidden
from tests.factories import AgentFactory, CommunityFactory
from tests.wiki.social_helpers import create, edit, member
from wiki import following
from wiki.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def wiki():
    community = CommunityFactory(private_secret=True)
    author = member(community)
    return {
        "community": community,
        "author": author,
        "reader": member(community),
        "animator": member(community, animator=True),
        "outsider": AgentFactory(),
        "page": create(community, author, title="Astreintes"),
    }


def follow_url(page):
    return f"/communautes/{page.community.slug}/wiki/pages/{page.slug}/suivre/"


def test_the_button_follows_then_unfollows(client, wiki):
    """A member presses « Suivre cette page »: they follow it, the page says so (the button
    pressed); pressed again, they no longer follow it."""
    page, reader = wiki["page"], wiki["reader"]
    client.force_login(reader)
    html = client.get(page.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in html
    assert "Suivre cette page" in html

    answer = client.post(follow_url(page), follow=True)
    assert answer.redirect_chain[-1][0] == page.get_absolute_url()
    assert content.is_following(reader, page)
    html = answer.content.decode()
    assert "Vous suivez cette page : ses modifications vous seront notifiées." in html
    assert 'aria-pressed="true"' in html
    assert "Suivie : ne plus suivre cette page" in html

    answer = client.post(follow_url(page), follow=True)
    assert not content.is_following(reader, page)
    assert "Vous ne suivez plus cette page." in answer.content.decode()


def test_the_button_goes_back_to_a_local_next_only(client, wiki):
    """``next`` brings back to a page of the site; another site's address is ignored."""
    page = wiki["page"]
    client.force_login(wiki["reader"])
    answer = client.post(follow_url(page), {"next": "/communautes/"})
    assert answer.status_code == 302 and answer["Location"] == "/communautes/"
    answer = client.post(follow_url(page), {"next": "https://evil.example/"})
    assert answer["Location"] == page.get_absolute_url()


def test_an_outsider_of_a_secret_community_cannot_follow(client, wiki):
    """The secret community's page answers 404 and nothing is written."""
    client.force_login(wiki["outsider"])
    assert client.post(follow_url(wiki["page"])).status_code == 404
    assert not content.is_following(wiki["outsider"], wiki["page"])


def test_anonymous_is_sent_to_sign_in_and_get_is_refused(client, wiki):
    """Anonymous: to the sign-in page, nothing written; a GET is not a toggle (405)."""
    answer = client.post(follow_url(wiki["page"]))
    assert answer.status_code == 302 and "connexion" in answer["Location"]
    assert content.followers(wiki["page"]) == [wiki["author"].pk]
    client.force_login(wiki["reader"])
    assert client.get(follow_url(wiki["page"])).status_code == 405


def test_a_hidden_page_cannot_be_followed_by_a_member(client, wiki):
    """A hidden page is gone for members: its follow address answers 404."""
    content_set_hidden(content=wiki["page"], actor=wiki["animator"], hidden=True)
    client.force_login(wiki["reader"])
    assert client.post(follow_url(wiki["page"])).status_code == 404
    assert not content.is_following(wiki["reader"], wiki["page"])


def test_the_service_refuses_a_page_the_agent_cannot_read(wiki):
    """``following.follow`` asks the policy: an outsider of a secret community is refused."""
    with pytest.raises(following.FollowRefused):
        following.follow(agent=wiki["outsider"], page=wiki["page"])
    with pytest.raises(TypeError):
        following.follow(agent=wiki["reader"], page=wiki["community"])


def test_creators_and_editors_follow_without_asking(wiki):
    """Who creates a page follows it; who saves a revision of it follows it from then on; an
    unfollow is respected until their next edit."""
    page = wiki["page"]
    assert following.is_following(wiki["author"], page)
    assert not following.is_following(wiki["reader"], page)
    edit(page, wiki["reader"], "Le planning des astreintes.")
    assert following.is_following(wiki["reader"], page)
    following.unfollow(agent=wiki["author"], page=page)
    assert sorted(content.followers(Page.objects.get(pk=page.pk))) == [wiki["reader"].pk]
