"""Merging a duplicate (``ideas.services.idea_merge``): supports move without counting anyone
twice, comments and followers move, the merged idea says where it went, chains end at the last
target, and every forged merge is refused in French."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone

from communities.content.models import Subscription
from communities.models import AuditLog
from ideas import selectors, services, signals
from ideas.models import Idea, IdeaComment, IdeaStatusChange, IdeaSupport, IdeaTitleWord
from ideas.services import IdeaError
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
S = Idea.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    agents = [MembershipFactory(community=community).agent for _ in range(5)]
    animator = MembershipFactory(community=community, animator=True).agent
    return community, agents, animator


def _idea(community, author, title):
    return services.idea_submit(community=community, agent=author, title=title, body="Texte")


def _follow(agent, idea):
    Subscription.objects.get_or_create(
        agent=agent, content_type=ContentType.objects.get_for_model(Idea), object_id=idea.pk
    )


def test_supports_comments_and_followers_move_once(box):
    community, (a, b, c, d, e), animator = box
    target = _idea(community, a, "Covoiturage entre agents")
    duplicate = _idea(community, d, "Covoiturage des agents")
    for agent in (b, c):
        services.support_toggle(idea=target, agent=agent)
    # b supports both (counted once), e only the duplicate, a (the target's author) the duplicate.
    for agent in (b, e, a):
        services.support_toggle(idea=duplicate, agent=agent)
    IdeaComment.objects.create(community=community, idea=duplicate, author=e, body="Oui")
    IdeaComment.objects.create(
        community=community, idea=duplicate, author=e, body="Masqué", is_hidden=True
    )
    _follow(b, target)
    _follow(b, duplicate)
    _follow(e, duplicate)
    idea_type = ContentType.objects.get_for_model(Idea)

    def followers(idea):
        return set(
            Subscription.objects.filter(content_type=idea_type, object_id=idea.pk).values_list(
                "agent_id", flat=True
            )
        )

    expected_followers = followers(target) | followers(duplicate)
    assert {b.pk, e.pk} <= expected_followers
    with _Capture() as merged:
        result = services.idea_merge(idea=duplicate, target=target, actor=animator)
    assert result.pk == target.pk
    target.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(IdeaSupport.objects.filter(idea=target).values_list("agent_id", flat=True)) == {
        b.pk,
        c.pk,
        e.pk,
    }
    assert target.support_count == 3 and target.recent_support_count == 3
    assert not IdeaSupport.objects.filter(idea=duplicate).exists()
    assert target.comment_count == 1  # the hidden one moved but is not counted
    assert IdeaComment.objects.filter(idea=target).count() == 2
    assert followers(target) == expected_followers
    assert followers(duplicate) == set()
    assert duplicate.status == S.MERGED and duplicate.merged_into_id == target.pk
    assert duplicate.support_count == 0 and duplicate.comment_count == 0
    line = IdeaStatusChange.objects.get(idea=duplicate)
    assert (line.old, line.new, line.target_id, line.actor) == (
        S.NEW,
        S.MERGED,
        target.pk,
        animator,
    )
    assert AuditLog.objects.filter(action="idea_merged", object_id=duplicate.pk).exists()
    assert merged.calls == [(duplicate.pk, target.pk, animator.pk)]
    assert not IdeaTitleWord.objects.filter(idea=duplicate).exists()


class _Capture:
    def __init__(self):
        self.calls = []

    def __call__(self, sender, idea, target, actor, **kwargs):
        self.calls.append((idea.pk, target.pk, actor.pk))

    def __enter__(self):
        signals.idea_merged.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        signals.idea_merged.disconnect(self)


def test_a_chain_of_merges_ends_at_the_last_target(box):
    community, (a, b, c, *_rest), animator = box
    first = _idea(community, a, "Première")
    second = _idea(community, b, "Deuxième")
    third = _idea(community, c, "Troisième")
    services.idea_merge(idea=first, target=second, actor=animator)
    services.idea_merge(idea=second, target=third, actor=animator)
    first.refresh_from_db()
    assert first.merged_into_id == third.pk
    assert selectors.merge_target(first).pk == third.pk
    assert selectors.merge_target(third) is None
    # A chain written by hand (older data) is followed too, and a loop leads nowhere.
    Idea.objects.filter(pk=first.pk).update(merged_into=second)
    first.refresh_from_db()
    assert selectors.merge_target(first).pk == third.pk
    Idea.objects.filter(pk=third.pk).update(status=S.MERGED, merged_into=first)
    first.refresh_from_db()
    assert selectors.merge_target(first) is None


def test_forged_merges_are_refused_in_french(box):
    community, (a, b, *_rest), animator = box
    idea = _idea(community, a, "Une idée")
    target = _idea(community, b, "Une autre")
    elsewhere_community = CommunityFactory(open=True)
    elsewhere = _idea(
        elsewhere_community, MembershipFactory(community=elsewhere_community).agent, "Ailleurs"
    )
    with pytest.raises(IdeaError, match="même boîte"):
        services.idea_merge(idea=idea, target=elsewhere, actor=animator)
    with pytest.raises(IdeaError, match="elle-même"):
        services.idea_merge(idea=idea, target=idea, actor=animator)
    with pytest.raises(IdeaError, match="Seule l'animation"):
        services.idea_merge(idea=idea, target=target, actor=b)
    services.idea_merge(idea=target, target=idea, actor=animator)
    target.refresh_from_db()
    with pytest.raises(IdeaError, match="elle-même été fusionnée"):
        services.idea_merge(idea=idea, target=target, actor=animator)
    with pytest.raises(IdeaError, match="déjà été fusionnée"):
        services.idea_merge(idea=target, target=idea, actor=animator)
    idea.refresh_from_db()
    assert idea.status == S.NEW


def test_a_merged_idea_takes_no_more_support_status_or_edit(box):
    community, (a, b, c, *_rest), animator = box
    idea = _idea(community, a, "Une idée")
    target = _idea(community, b, "Une autre")
    services.idea_merge(idea=idea, target=target, actor=animator)
    idea.refresh_from_db()
    with pytest.raises(IdeaError, match="fusionnée"):
        services.support_toggle(idea=idea, agent=c)
    with pytest.raises(IdeaError, match="fusionnée"):
        services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    with pytest.raises(IdeaError, match="fusionnée"):
        services.idea_edit(idea=idea, agent=animator, title="X", body="Y")


def test_recent_and_old_supports_are_recounted_on_the_target(box):
    from datetime import timedelta

    community, (a, b, c, *_rest), animator = box
    target = _idea(community, a, "Cible")
    duplicate = _idea(community, b, "Doublon")
    services.support_toggle(idea=duplicate, agent=c)
    IdeaSupport.objects.filter(idea=duplicate).update(
        created_at=timezone.now() - timedelta(days=45)
    )
    services.idea_merge(idea=duplicate, target=target, actor=animator)
    target.refresh_from_db()
    assert (target.support_count, target.recent_support_count) == (1, 0)
