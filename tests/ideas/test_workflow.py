"""The statuses of an idea through the platform's workflow helper (``ideas.workflow``): the moves
declared, who sees which, the answers they require, two animators answering at once, and the
notification sent only once the move has committed."""

import pytest
from django.core.cache import cache
from django.db import transaction

from ideas import services, signals, workflow
from ideas.models import Idea, IdeaStatusChange
from ideas.services import IdeaError
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
S = Idea.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def world():
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    animator = MembershipFactory(community=community, animator=True).agent
    idea = services.idea_submit(community=community, agent=member, title="Idée", body="Texte")
    return community, member, animator, idea


def test_the_moves_are_those_of_the_issue():
    """nouvelle → à l'étude → retenue* → mise en œuvre; nouvelle or à l'étude → non retenue*;
    non retenue → à l'étude* (« Réexaminer »); * with an answer. Nothing else, nothing into
    « fusionnée »."""
    moves = {(m.source, m.target, m.reason_required) for m in workflow.TRANSITIONS}
    assert moves == {
        (S.NEW, S.STUDYING, False),
        (S.NEW, S.REJECTED, True),
        (S.STUDYING, S.ADOPTED, True),
        (S.STUDYING, S.REJECTED, True),
        (S.ADOPTED, S.IMPLEMENTED, False),
        (S.REJECTED, S.STUDYING, True),
    }
    assert all(isinstance(m.source, str) for m in workflow.TRANSITIONS)  # one source each
    assert {str(m.label) for m in workflow.TRANSITIONS if m.target == S.STUDYING} == {
        "Mettre à l'étude",
        "Réexaminer",
    }


def test_the_buttons_offered_follow_the_status_and_the_person(world):
    _community, member, animator, idea = world
    assert [m.target for m in workflow.moves_for(idea, animator)] == [S.STUDYING, S.REJECTED]
    assert workflow.moves_for(idea, member) == []
    services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    assert [m.target for m in workflow.moves_for(idea, animator)] == [S.ADOPTED, S.REJECTED]
    assert workflow.answer_required(idea, S.ADOPTED)
    assert not workflow.answer_required(idea, S.IMPLEMENTED)  # no such move from here


def test_the_second_of_two_simultaneous_answers_is_refused(world):
    """Both animators loaded the idea « nouvelle »; the second move finds it moved already."""
    community, _member, animator, idea = world
    other = MembershipFactory(community=community, animator=True).agent
    stale = Idea.objects.get(pk=idea.pk)
    services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    with pytest.raises(IdeaError, match="déjà changé"):
        services.idea_set_status(idea=stale, actor=other, status=S.STUDYING)
    assert IdeaStatusChange.objects.filter(idea=idea).count() == 1


def test_the_notification_waits_for_the_commit(world, django_capture_on_commit_callbacks):
    _community, _member, animator, idea = world
    received = []

    def listener(sender, idea, change, **kwargs):
        received.append((idea.status, change.new))

    signals.idea_status_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
            assert received == []
        for callback in callbacks:
            callback()
        assert received == [(S.STUDYING, S.STUDYING)]
        # A move rolled back notifies nobody.
        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    services.idea_set_status(
                        idea=idea, actor=animator, status=S.ADOPTED, answer="Oui."
                    )
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert received == []
        idea.refresh_from_db()
        assert idea.status == S.STUDYING and idea.answer == ""
    finally:
        signals.idea_status_changed.disconnect(listener)


def test_an_archived_community_moves_nothing(world):
    from django.utils import timezone

    community, _member, animator, idea = world
    community.archived_at = timezone.now()
    community.save()
    with pytest.raises(IdeaError, match="archivée"):
        services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
