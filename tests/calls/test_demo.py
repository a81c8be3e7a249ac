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
    assert load_demo_calls() == 3
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
    assert Call.objects.count() == 3
