"""Following topics and categories: the generic « suivre » of the content contract, refused on
what the agent may not read, and kept by the receivers (authors and repliers follow)."""

import pytest

from communities.content import services as content
from forums import following
from tests.factories import AgentFactory, CommunityFactory
from tests.forums.social_helpers import category, member, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret():
    community = CommunityFactory(private_secret=True)
    author = member(community)
    return community, start_topic(category(community), author)


def test_author_and_repliers_follow_the_topic(secret):
    """Opening a topic follows it; replying to it too; a reader who only reads does not."""
    community, topic = secret
    replier, reader = member(community), member(community)
    reply(topic, replier)
    assert set(content.followers(topic)) == {topic.author_id, replier.pk}
    assert not following.is_following(reader, topic)


def test_follow_and_unfollow_a_topic_and_a_category(secret):
    """A member follows then stops following a topic and a category; following twice is
    following once."""
    community, topic = secret
    agent = member(community)
    for target in (topic, topic.category):
        following.follow(agent=agent, target=target)
        following.follow(agent=agent, target=target)
        assert content.followers(target).count(agent.pk) == 1
        assert following.toggle(agent=agent, target=target) is False
        assert not following.is_following(agent, target)
        assert following.toggle(agent=agent, target=target) is True


@pytest.mark.parametrize("who", ["outsider", "banned", "requested"])
def test_who_may_not_read_may_not_follow(secret, who):
    """An outsider, a banned member or a pending request of a secret community follows
    nothing of its forum: refused as not found."""
    community, topic = secret
    agent = AgentFactory() if who == "outsider" else member(community, **{who: True})
    for target in (topic, topic.category):
        with pytest.raises(following.FollowRefused) as refused:
            following.follow(agent=agent, target=target)
        assert refused.value.code == "not_found"
        assert not following.is_following(agent, target)


def test_only_topics_and_categories_are_followed(secret):
    """Following anything else through the forums is a programming error."""
    community, _topic = secret
    with pytest.raises(TypeError):
        following.follow(agent=member(community), target=community)


def test_a_hidden_topic_cannot_be_followed_by_a_member(secret):
    """A hidden topic is not readable by members: no follow."""
    community, topic = secret
    topic.is_hidden = True
    topic.save(update_fields=["is_hidden"])
    with pytest.raises(following.FollowRefused):
        following.follow(agent=member(community), target=topic)
