"""The calls' demo: the 2016 call closed with dossiers in every state and its laureate's
community, a current call with the demo agent's draft; loading twice changes nothing."""

import pytest

from calls.demo import CURRENT, HISTORIC, REGIONAL, load_demo_calls
from calls.models import Call, Dossier
from directory.demo import load_demo_agents

pytestmark = pytest.mark.django_db

S = Dossier.State


def test_the_demo_replays_2016_and_opens_a_current_call():
    """Every final state of 2016 is there, the laureate has its community with its team
    invited, and the current call's first wave is open with the demo agent's draft."""
    load_demo_agents()
    assert load_demo_calls() == 6
    historic = Call.objects.get(slug=HISTORIC)
    assert historic.is_historic and historic.is_published
    states = set(historic.dossiers.values_list("state", flat=True))
    assert {S.SELECTED, S.NOT_SELECTED, S.PROMISING, S.INELIGIBLE, S.REFERRED} <= states
    laureate = historic.dossiers.get(state=S.SELECTED, acronym="ADS-BZH")
    assert laureate.community is not None
    assert laureate.community.memberships.filter(state="invited").exists()
    assert laureate.events.filter(action="dossier_selected").exists()
    second = historic.dossiers.exclude(pk=laureate.pk).get(state=S.SELECTED)
    assert second.community is None  # its managers create it
    promising = historic.dossiers.get(state=S.PROMISING)
    assert promising.members.filter(agent__email="agent@demo.gouv.fr", role="lead").exists()
    current = Call.objects.get(slug=CURRENT)
    draft = current.dossiers.get(state=S.DRAFT)
    assert draft.members.filter(agent__email="agent@demo.gouv.fr", role="lead").exists()
    assert current.questions.exclude(answer="").exists()
    assert current.questions.filter(answer="").exists()
    assert current.dossiers.filter(state=S.DEPOSITED).exists()
    evaluated = current.dossiers.get(state=S.EVALUATION)
    assert evaluated.assignments.filter(expert__email="animateur@demo.gouv.fr").exists()
    assert evaluated.requests.filter(answered_at=None).exists()
    regional = Call.objects.get(slug=REGIONAL)
    assert not regional.is_published and regional.region.code == "53"
    assert load_demo_calls() == 0
    assert Call.objects.count() == 6


def test_the_demo_follows_the_2025_laureates_and_auditions_a_lab(
    django_capture_on_commit_callbacks,
):
    """The 2025 call's four laureates stand at each step after the decision — running with a
    late indicator the scheduler reminds its team of (the demo agent among them), selected with
    its convention in preparation, final report submitted, closed with its featured story — and
    the labs call has a shortlisted candidate with its audition scheduled."""
    from django.utils import timezone

    from calls.demo_follow_up import FOLLOW_UP, LABS
    from calls.indicators import late_for, reminders_tick
    from calls.stories import region_section
    from directory.models import Agent, Region
    from notifications.models import Notification

    load_demo_agents()
    load_demo_calls()
    call = Call.objects.get(slug=FOLLOW_UP)
    states = dict(call.dossiers.values_list("acronym", "state"))
    assert states == {
        "RH-BZH": S.IN_PROGRESS,
        "MOBIL-BZH": S.SELECTED,
        "FORM-NORM": S.FINAL_REPORT,
        "CARTO-BZH": S.CLOSED,
    }
    running = call.dossiers.get(acronym="RH-BZH")
    assert running.convention.is_signed
    first = running.tranches.get(number=1)
    assert first.distributed_on is not None and first.bop
    assert running.tranches.get(number=2).distributed_on is None
    today = timezone.localdate()
    assert len(late_for(running, today)) == 1
    agent = Agent.objects.get(email="agent@demo.gouv.fr")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_tick(timezone.now()) >= 1
    assert Notification.objects.filter(recipient=agent, kind="call_indicator_due").exists()
    assert call.dossiers.get(acronym="CARTO-BZH").reviews.filter(kind="final").exists()
    sgar = Agent.objects.get(email="sgar.bretagne@demo.gouv.fr")
    featured = region_section(sgar, Region.objects.get(code="53"))
    assert featured and "Des cartes partagées en une journée" in [
        story.title for story in (featured["stories"] if isinstance(featured, dict) else featured)
    ]
    labs = Call.objects.get(slug=LABS)
    assert labs.kind == Call.Kind.LABS and labs.audition and labs.waves.count() == 1
    candidate = labs.dossiers.get(acronym="LAB-BZH")
    assert candidate.state == S.AUDITION
    assert candidate.audition.video_url.startswith("https://")
    assert candidate.members.filter(agent=agent).exists()
    from calls.demo_follow_up import LABS_RUNNING
    from calls.follow_up import next_reviews

    lab = Call.objects.get(slug=LABS_RUNNING).dossiers.get(acronym="LAB-OCC")
    assert lab.state == S.IN_PROGRESS and lab.call.follow_up == "annual"
    assert set(lab.reviews.values_list("kind", flat=True)) == {"interim", "annual"}
    label, due = next_reviews([lab], today)[lab.pk]
    assert f"Rapport annuel {today.year}" in label and due.year == today.year + 1
