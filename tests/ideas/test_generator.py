"""The large idea boxes' generator (bench/ideas_generator.py, ``python -m bench.generate_ideas``)
at a small scale: what it makes, its spread, and the counters the services keep over it."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F

from bench.generate_ideas import generate, parse_args
from bench.ideas_generator import check_invariants
from communities.content.models import Subscription
from communities.models import Community, Membership
from ideas import services
from ideas.models import (
    TRENDING_DAYS,
    Idea,
    IdeaBox,
    IdeaComment,
    IdeaStatusChange,
    IdeaSupport,
    IdeaTitleWord,
)

pytestmark = pytest.mark.django_db

SMALL = [
    "--communities", "8", "--ideas", "600", "--supports", "6000", "--comments", "900",
    "--long-comments", "40", "--agents", "80",
]  # fmt: skip


@pytest.fixture
def generated():
    out = StringIO()
    made = generate(parse_args(SMALL), stdout=out)
    return made, out.getvalue()


def test_generator_makes_what_it_reports(generated):
    """8 communities with their box on, 600 ideas, 6,000 supports, 900 comments: in the
    database and said on the output."""
    made, output = generated
    communities = Community.objects.filter(ideas__isnull=False).distinct()
    assert communities.count() == 8
    assert all(c.tool_ideas for c in communities)
    assert IdeaBox.objects.filter(community__in=communities).count() == 8
    assert Idea.objects.count() == made["ideas"] == 600
    assert IdeaSupport.objects.count() == made["supports"] == 6000
    assert IdeaComment.objects.count() == made["comments"] == 900
    assert "600 idées, 6000 soutiens" in output
    assert f"/communautes/{made['community']}/idees/" in output


def test_generated_boxes_keep_the_services_counters(generated):
    """Support, trending and comment counters, merges, statuses and their history, activity,
    themes and title words all agree with the rows, as the services keep them."""
    made, _output = generated
    assert check_invariants(now=made["now"]) == []


def test_invariants_check_catches_wrong_counters_and_a_stale_status(generated):
    """The check can fail: a support added behind the counter's back, a comment count off by
    one, a status that is not the last change's and a stale title word are each reported."""
    made, _output = generated
    supported = Idea.objects.filter(support_count__gt=0).exclude(status="merged").first()
    members = Membership.objects.filter(community_id=supported.community_id).values_list(
        "agent_id", flat=True
    )
    taken = set(IdeaSupport.objects.filter(idea=supported).values_list("agent_id", flat=True))
    newcomer = next(m for m in members if m not in taken and m != supported.author_id)
    IdeaSupport.objects.create(idea=supported, agent_id=newcomer)
    commented = Idea.objects.exclude(pk=supported.pk).filter(comment_count__gt=0).first()
    Idea.objects.filter(pk=commented.pk).update(comment_count=F("comment_count") + 1)
    moved = Idea.objects.filter(status="adopted").exclude(pk__in=[supported.pk, commented.pk])
    moved = moved.first()
    Idea.objects.filter(pk=moved.pk).update(status="implemented")
    worded = Idea.objects.exclude(pk__in=[supported.pk, commented.pk, moved.pk]).first()
    IdeaTitleWord.objects.filter(idea=worded).delete()
    problems = " ".join(check_invariants(now=made["now"]))
    assert f"idée {supported.pk} : support_count" in problems
    assert f"idée {commented.pk} : comment_count" in problems
    assert f"idée {moved.pk} : statut différent" in problems
    assert f"idée {worded.pk} : mots du titre" in problems


def test_one_big_box_statuses_and_trending_are_realistic(generated):
    """The busiest box holds a fifth of the ideas at least; every status is there in sensible
    proportions (most ideas still « Nouvelle »), each non-new idea has its history; the supports
    of the last 30 days are a real subset, and the ideas sorted by trend differ from those
    sorted by supports."""
    made, _output = generated
    per_community = Counter(Idea.objects.values_list("community__slug", flat=True))
    slug, biggest = per_community.most_common(1)[0]
    assert slug == made["community"]
    assert biggest == made["big_box_ideas"] >= 120
    statuses = Counter(Idea.objects.values_list("status", flat=True))
    assert set(statuses) == set(Idea.Status.values)
    assert statuses["new"] == max(statuses.values())
    assert statuses["merged"] < statuses["new"] / 3
    changed = Idea.objects.exclude(status="new")
    assert not changed.filter(status_changes__isnull=True).exists()
    assert not Idea.objects.filter(status="adopted", answer="").exists()
    assert not Idea.objects.filter(status="rejected", answer="").exists()
    assert IdeaStatusChange.objects.filter(new="merged").exclude(target=None).exists()
    since = made["now"] - timedelta(days=TRENDING_DAYS)
    recent = IdeaSupport.objects.filter(created_at__gte=since).count()
    assert 0.02 * 6000 < recent == made["recent_supports"] < 0.4 * 6000
    oldest = IdeaSupport.objects.order_by("created_at").first().created_at
    assert made["now"] - oldest > timedelta(days=365)
    box = Idea.objects.filter(community_id=made["community_id"])
    by_supports = list(box.order_by("-support_count", "-id").values_list("pk", flat=True)[:20])
    by_trend = list(box.order_by("-recent_support_count", "-id").values_list("pk", flat=True)[:20])
    assert by_supports != by_trend


def test_measured_agent_supports_many_ideas_and_follows(generated):
    """The measured agent is an active member (not an animator) of the busiest box who supports
    many of its ideas; authors, supporters and commenters follow ideas, the long idea has its
    comments, and the texts are French."""
    made, _output = generated
    community = Community.objects.get(slug=made["community"])
    membership = Membership.objects.get(community=community, agent_id=made["viewer"])
    assert membership.role == Membership.Role.MEMBER
    assert membership.charter_accepted_id == community.current_charter_id
    supported = IdeaSupport.objects.filter(agent_id=made["viewer"], idea__community=community)
    assert supported.count() >= 20
    long_idea = Idea.objects.get(pk=made["long_idea"])
    assert long_idea.community_id == community.pk
    assert IdeaComment.objects.filter(idea=long_idea).count() == 40
    idea_type = ContentType.objects.get_for_model(Idea)
    followed = Subscription.objects.filter(content_type=idea_type)
    assert followed.filter(object_id=long_idea.pk, agent_id=long_idea.author_id).exists()
    assert followed.count() > 6000
    bodies = list(Idea.objects.values_list("body", flat=True)[:100])
    assert all("{" not in body and "Constat" in body for body in bodies)
    assert any("é" in body for body in bodies)
    titles = list(Idea.objects.values_list("title", flat=True)[:100])
    assert all(title and "{" not in title for title in titles)
    assert IdeaTitleWord.objects.filter(word__in=services.title_words(titles[0])).exists()


def test_generator_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the generator refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SystemExit, match="interdites"):
        generate(parse_args(SMALL))
    assert not Idea.objects.exists()


def test_more_supports_than_members_allow_is_refused_with_the_reason():
    """More supports than the communities' members could give: a French reason, nothing
    written."""
    args = ["--communities", "2", "--ideas", "10", "--supports", "100000", "--agents", "20"]
    with pytest.raises(SystemExit, match="soutiens sont impossibles"):
        generate(parse_args(args))
    assert not Idea.objects.exists()
