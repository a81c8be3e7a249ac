"""The idea box's writes (``ideas.services``): submitting and editing with their refusals,
supports kept exact, statuses through the workflow with their answers, the platform box, the
box's settings and the rate limits."""

import pytest
from django.core.cache import cache

from communities.models import AuditLog, Theme
from ideas import services, signals
from ideas.models import BODY_MAX, Idea, IdeaBox, IdeaStatusChange, IdeaSupport, IdeaTitleWord
from ideas.services import IdeaError
from maillage.http import Refused
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
S = Idea.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    community = CommunityFactory(open=True)
    theme = Theme.objects.create(name="Eau des idées", slug="eau-des-idees")
    community.themes.add(theme)
    return {
        "community": community,
        "theme": theme,
        "animator": MembershipFactory(community=community, animator=True).agent,
        "member": MembershipFactory(community=community).agent,
        "other": MembershipFactory(community=community).agent,
    }


def _idea(world, author=None, **kwargs):
    return services.idea_submit(
        community=world["community"],
        agent=author or world["member"],
        title=kwargs.pop("title", "Un guichet unique de l'eau"),
        body=kwargs.pop("body", "Un seul interlocuteur pour les usagers."),
        **kwargs,
    )


class Received:
    def __init__(self, signal):
        self.calls = []
        self.signal = signal

    def __call__(self, sender, signal=None, **kwargs):
        self.calls.append(kwargs)

    def __enter__(self):
        self.signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self)


# --- submitting -------------------------------------------------------------------------------


def test_a_member_submits_an_idea_with_a_theme_and_its_title_words(world):
    with Received(signals.idea_submitted) as received:
        idea = _idea(world, themes=[world["theme"].pk])
    assert idea.status == S.NEW and idea.support_count == 0
    assert list(idea.themes.all()) == [world["theme"]]
    assert received.calls == [{"idea": idea}]
    assert set(IdeaTitleWord.objects.filter(idea=idea).values_list("word", flat=True)) == {
        "guichet",
        "unique",
        "eau",
    }
    assert IdeaBox.objects.filter(community=world["community"]).count() == 1


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("   ", "Un texte", "Donnez un titre"),
        ("x" * 151, "Un texte", "150 caractères"),
        ("Un titre", "", "Décrivez"),
        ("Un titre", "x" * (100 * 1024), "10\u202f000 caractères"),
    ],
)
def test_bad_texts_are_refused_in_french_and_nothing_is_written(world, title, body, message):
    with pytest.raises(IdeaError) as refused:
        _idea(world, title=title, body=body)
    assert message in str(refused.value)
    assert refused.value.status == 400
    assert not Idea.objects.exists()


def test_a_body_at_the_limit_is_accepted(world):
    assert _idea(world, body="x" * BODY_MAX).body == "x" * BODY_MAX


def test_a_forged_theme_of_another_community_is_refused(world):
    foreign = Theme.objects.create(name="Thème d'ailleurs", slug="theme-ailleurs")
    for themes in ([foreign.pk], ["abc"], [999999]):
        with pytest.raises(IdeaError, match="thématiques de la communauté"):
            _idea(world, themes=themes)
    assert not Idea.objects.exists()


def test_outsiders_and_members_without_the_charter_do_not_submit(world):
    outsider = AgentFactory()
    with pytest.raises(IdeaError, match="Seuls les membres"):
        _idea(world, author=outsider)
    world["community"].tool_ideas = False
    world["community"].save()
    with pytest.raises(IdeaError) as refused:
        _idea(world)
    assert refused.value.status == 404


def test_a_box_for_animators_only_refuses_the_members(world):
    services.box_settings_save(
        community=world["community"],
        actor=world["animator"],
        intro="Proposez **ici**.",
        who_may_submit=IdeaBox.Submitters.ANIMATORS,
    )
    with pytest.raises(IdeaError, match="seule l'animation propose"):
        _idea(world)
    assert _idea(world, author=world["animator"]).pk
    assert AuditLog.objects.filter(action="idea_box_settings").count() == 1


def test_box_settings_are_the_animators_and_checked(world):
    with pytest.raises(IdeaError, match="Seule l'animation"):
        services.box_settings_save(community=world["community"], actor=world["member"], intro="x")
    with pytest.raises(IdeaError, match="Choisissez"):
        services.box_settings_save(
            community=world["community"], actor=world["animator"], who_may_submit="everyone"
        )
    with pytest.raises(IdeaError, match="5\u202f000"):
        services.box_settings_save(
            community=world["community"], actor=world["animator"], intro="x" * 5001
        )


def test_submitting_is_rate_limited_and_says_so_in_french(world):
    for n in range(services.SUBMIT_LIMIT[0]):
        _idea(world, title=f"Idée {n}")
    with pytest.raises(Refused) as refused:
        _idea(world, title="Une de trop")
    assert refused.value.status == 429
    assert "patientez" in str(refused.value)
    assert Idea.objects.count() == services.SUBMIT_LIMIT[0]


# --- editing ----------------------------------------------------------------------------------


def test_the_author_edits_while_new_and_not_after_the_study_starts(world):
    idea = _idea(world)
    services.idea_edit(idea=idea, agent=world["member"], title="Guichet de l'eau", body="Mieux.")
    idea.refresh_from_db()
    assert idea.title == "Guichet de l'eau" and idea.edited_at is not None
    assert not AuditLog.objects.filter(action="idea_edited").exists()
    assert set(IdeaTitleWord.objects.filter(idea=idea).values_list("word", flat=True)) == {
        "guichet",
        "eau",
    }
    services.idea_set_status(idea=idea, actor=world["animator"], status=S.STUDYING)
    with pytest.raises(IdeaError, match="ne se modifie plus"):
        services.idea_edit(idea=idea, agent=world["member"], title="Autre", body="Autre")
    with pytest.raises(IdeaError, match="Seule l'animation"):
        services.idea_edit(idea=idea, agent=world["other"], title="Autre", body="Autre")


def test_an_animator_edits_any_time_and_it_is_audited(world):
    idea = _idea(world)
    services.idea_set_status(idea=idea, actor=world["animator"], status=S.STUDYING)
    services.idea_edit(idea=idea, agent=world["animator"], title="Titre corrigé", body="Texte")
    line = AuditLog.objects.get(action="idea_edited")
    assert line.target_agent == world["member"] and line.reason == "Titre corrigé"


# --- supports ---------------------------------------------------------------------------------


def test_a_support_counts_once_and_is_withdrawn(world):
    idea = _idea(world)
    with Received(signals.idea_supported) as received:
        assert services.support_toggle(idea=idea, agent=world["other"]) is True
        # A double click (« support » again) changes nothing.
        assert services.support_toggle(idea=idea, agent=world["other"], support=True) is True
    assert idea.support_count == 1 and idea.recent_support_count == 1
    assert received.calls == [{"idea": idea, "agent": world["other"]}]
    assert services.support_toggle(idea=idea, agent=world["other"]) is False
    assert services.support_toggle(idea=idea, agent=world["other"], support=False) is False
    idea.refresh_from_db()
    assert idea.support_count == 0 and idea.recent_support_count == 0
    assert not IdeaSupport.objects.exists()


def test_the_author_does_not_support_their_own_idea(world):
    idea = _idea(world)
    with pytest.raises(IdeaError, match="votre propre idée"):
        services.support_toggle(idea=idea, agent=world["member"])


def test_a_closed_idea_takes_no_support(world):
    idea = _idea(world)
    services.idea_set_status(idea=idea, actor=world["animator"], status=S.REJECTED, answer="Non.")
    with pytest.raises(IdeaError, match="close"):
        services.support_toggle(idea=idea, agent=world["other"])


def test_withdrawing_an_old_support_leaves_the_trending_count(world):
    from datetime import timedelta

    from django.utils import timezone

    idea = _idea(world)
    services.support_toggle(idea=idea, agent=world["other"])
    services.support_toggle(idea=idea, agent=world["animator"])
    IdeaSupport.objects.filter(agent=world["other"]).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    assert services.refresh_trending(world["community"]) == 1
    idea.refresh_from_db()
    assert (idea.support_count, idea.recent_support_count) == (2, 1)
    services.support_toggle(idea=idea, agent=world["other"])
    idea.refresh_from_db()
    assert (idea.support_count, idea.recent_support_count) == (1, 1)


# --- statuses ---------------------------------------------------------------------------------


def test_statuses_move_with_their_answers_and_history(world, django_capture_on_commit_callbacks):
    idea = _idea(world)
    animator = world["animator"]
    with (
        Received(signals.idea_status_changed) as received,
        django_capture_on_commit_callbacks(execute=True),
    ):
        change = services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    assert (change.old, change.new, change.actor) == (S.NEW, S.STUDYING, animator)
    assert received.calls == [{"idea": idea, "change": change}]
    with pytest.raises(IdeaError, match="obligatoire"):
        services.idea_set_status(idea=idea, actor=animator, status=S.ADOPTED, answer="  ")
    services.idea_set_status(idea=idea, actor=animator, status=S.ADOPTED, answer="Bonne idée.")
    idea.refresh_from_db()
    assert idea.status == S.ADOPTED and idea.answer == "Bonne idée."
    assert idea.answered_by == animator and idea.status_changed_at is not None
    services.idea_set_status(idea=idea, actor=animator, status=S.IMPLEMENTED)
    idea.refresh_from_db()
    assert idea.answer == "Bonne idée."  # no new answer: the last one stays
    assert list(IdeaStatusChange.objects.filter(idea=idea).values_list("old", "new")) == [
        (S.NEW, S.STUDYING),
        (S.STUDYING, S.ADOPTED),
        (S.ADOPTED, S.IMPLEMENTED),
    ]
    assert list(
        AuditLog.objects.filter(object_id=idea.pk).order_by("pk").values_list("action", flat=True)
    ) == ["idea_studying", "idea_adopted", "idea_implemented"]


def test_rejecting_and_reexamining_need_an_answer(world):
    idea = _idea(world)
    animator = world["animator"]
    with pytest.raises(IdeaError, match="obligatoire"):
        services.idea_set_status(idea=idea, actor=animator, status=S.REJECTED)
    services.idea_set_status(idea=idea, actor=animator, status=S.REJECTED, answer="Hors champ.")
    with pytest.raises(IdeaError, match="obligatoire"):
        services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING)
    services.idea_set_status(idea=idea, actor=animator, status=S.STUDYING, answer="Revoyons.")
    idea.refresh_from_db()
    assert idea.status == S.STUDYING and idea.answer == "Revoyons."


@pytest.mark.parametrize("status", [S.IMPLEMENTED, S.ADOPTED, S.MERGED, "done", "", None])
def test_a_move_that_does_not_exist_is_refused_in_french(world, status):
    idea = _idea(world)
    with pytest.raises(IdeaError) as refused:
        services.idea_set_status(
            idea=idea, actor=world["animator"], status=status, answer="Réponse"
        )
    assert refused.value.status == 400
    assert "ne passe pas" in str(refused.value) or "n'existe pas" in str(refused.value)
    idea.refresh_from_db()
    assert idea.status == S.NEW and not IdeaStatusChange.objects.exists()


def test_members_do_not_move_statuses_and_long_answers_are_refused(world):
    idea = _idea(world)
    with pytest.raises(IdeaError, match="Seule l'animation"):
        services.idea_set_status(idea=idea, actor=world["other"], status=S.STUDYING)
    with pytest.raises(IdeaError, match="5\u202f000"):
        services.idea_set_status(
            idea=idea, actor=world["animator"], status=S.REJECTED, answer="x" * 5001
        )


def test_the_trending_recount_rewrites_only_the_counts_that_changed(world):
    from datetime import timedelta

    from django.utils import timezone

    stale, steady = _idea(world), _idea(world, title="Une autre idée bien distincte")
    for idea in (stale, steady):
        services.support_toggle(idea=idea, agent=world["other"])
    IdeaSupport.objects.filter(idea=stale).update(created_at=timezone.now() - timedelta(days=40))
    assert services.refresh_trending(world["community"]) == 1  # « steady » is left as it is
    assert services.refresh_trending(world["community"]) == 0


def test_the_trending_list_queues_the_recount_once_an_hour_for_the_worker(world, monkeypatch):
    from django.core.cache import cache

    from ideas import selectors, tasks

    queued, task = [], tasks.refresh_box_trending

    class Recorded:
        def enqueue(self, **kwargs):
            queued.append(kwargs)

    monkeypatch.setattr(tasks, "refresh_box_trending", Recorded())
    cache.delete(f"ideas:trending:{world['community'].pk}")
    selectors.maybe_refresh_trending(world["community"])
    selectors.maybe_refresh_trending(world["community"])
    assert queued == [{"community_id": world["community"].pk}]
    # The task itself recounts the box.
    assert task.call(community_id=world["community"].pk) == 0
    assert task.call(community_id=0) is None
