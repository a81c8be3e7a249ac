from collections import Counter
from io import StringIO

import pytest

from bench.forum_generator import check_invariants
from bench.generate_forums import generate, parse_args
from communities.models import Community, Membership
from forums.models import Category, Post, PostVote, Topic, TopicRead

pytestmark = pytest.mark.django_db

SMALL = [
    "--communities", "6", "--topics", "120", "--posts", "1500", "--agents", "80",
    "--long-topics", "2", "--long-replies", "300",
]  # fmt: skip


@pytest.fixture
def generated():
    out = StringIO()
    made = generate(parse_args(SMALL), stdout=out)
    return made, out.getvalue()


def test_generator_makes_what_it_reports(generated):
    """6 communities, 120 topics, 1,500 posts: in the database and said on the output."""
    made, output = generated
    communities = Community.objects.filter(forum_topics__isnull=False).distinct()
    assert communities.count() == 6
    assert Topic.objects.count() == made["topics"] == 120
    assert Post.objects.count() == made["posts"] == 1500
    assert "120 sujets, 1500 messages" in output
    assert f"/communautes/{made['community']}/forum/" in output


def test_generated_forums_keep_the_models_invariants(generated):
    """Numbers 1..last_number without gaps, reply and vote counters, last post, solutions,
    communities and the categories' counters all agree with the rows."""
    assert check_invariants() == []


def test_invariants_check_catches_a_gap_and_a_wrong_counter(generated):
    """The check can fail: a missing post number and a wrong reply count are both reported."""
    made, _output = generated
    topic = Topic.objects.get(pk=made["long_topic"])
    Post.objects.filter(topic=topic, number=7).delete()
    other = Topic.objects.exclude(pk=topic.pk).filter(reply_count__gt=0).first()
    Topic.objects.filter(pk=other.pk).update(reply_count=other.reply_count + 1)
    problems = " ".join(check_invariants())
    assert f"sujet {topic.pk} :" in problems
    assert f"sujet {other.pk} :" in problems


def test_activity_is_zipf_like_with_long_topics_in_the_busiest_community(generated):
    """The busiest community has the most topics and a help-forum question of exactly the
    long length; some topics have no reply; questions have solutions; posts have votes."""
    made, _output = generated
    per_community = Counter(Topic.objects.values_list("community__slug", flat=True))
    assert per_community.most_common(1)[0][0] == made["community"]
    long_topic = Topic.objects.select_related("category").get(pk=made["long_topic"])
    assert long_topic.community.slug == made["community"]
    assert long_topic.category.is_help and long_topic.is_question
    assert long_topic.last_number == 301
    assert Topic.objects.filter(last_number=301).count() == 2
    assert Topic.objects.filter(reply_count=0).exists()
    assert Topic.objects.exclude(solution=None).exists()
    assert PostVote.objects.exists()
    assert Category.objects.filter(community__slug=made["community"], is_help=True).count() >= 1


def test_posts_are_in_french_about_the_communities_subject(generated):
    """Bodies are sentences of French prose (accents, « ? »), not placeholders."""
    bodies = list(Post.objects.values_list("body", flat=True)[:200])
    assert all(len(body) > 10 and "{" not in body for body in bodies)
    assert any("é" in body for body in bodies)
    assert any("?" in body for body in bodies)


def test_measured_agent_is_a_member_with_unread_topics(generated):
    """The measured agent is an active member who accepted the charter of the busiest
    community, has read some of its topics fully, some in part, and not others."""
    made, _output = generated
    community = Community.objects.get(slug=made["community"])
    membership = Membership.objects.get(community=community, agent_id=made["viewer"])
    assert membership.state == Membership.State.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert membership.charter_accepted_id == community.current_charter_id
    topics = Topic.objects.filter(community=community)
    reads = dict(
        TopicRead.objects.filter(agent_id=made["viewer"], topic__community=community).values_list(
            "topic_id", "last_read_number"
        )
    )
    last = dict(topics.values_list("pk", "last_number"))
    assert any(number == last[pk] for pk, number in reads.items())
    assert any(number < last[pk] for pk, number in reads.items())
    assert len(reads) < len(last)


def test_generator_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the generator refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SystemExit, match="interdites"):
        generate(parse_args(SMALL))
    assert not Topic.objects.exists()
    assert not Post.objects.exists()


def test_too_few_posts_is_refused_with_the_reason():
    """Fewer posts than the topics need: a French reason, nothing written."""
    with pytest.raises(SystemExit, match="ne suffisent pas"):
        generate(parse_args(["--topics", "100", "--posts", "50", "--agents", "20"]))
    assert not Topic.objects.exists()
