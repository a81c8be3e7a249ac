"""The evaluation grid's weights (§7.5): equal by default, set per call by its managers, used
by the experts' weighted mean, frozen once an expert has evaluated."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls import services
from calls.models import CallRole, Criterion, Dossier, ExpertAssignment, Score
from tests.calls.factories import DossierFactory, at_state, grant
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_a_manager_weights_the_criteria_and_the_mean_follows(client):
    """Weights 3 and 1: an expert's 5 and 1 give a mean of 4, not 3."""
    dossier = DossierFactory()
    call = dossier.call
    manager = grant(call, CallRole.Role.MANAGER)
    first, second = services.scored_criteria(call)
    client.force_login(manager)
    url = reverse("calls:grid", args=[call.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="weight_{first.pk}"' in page.content.decode()
    response = client.post(url, {f"weight_{first.pk}": "3", f"weight_{second.pk}": "1"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.weight == Decimal("3")
    assignment = ExpertAssignment.objects.create(dossier=dossier, expert=AgentFactory())
    Score.objects.create(assignment=assignment, criterion=first, score=5)
    Score.objects.create(assignment=assignment, criterion=second, score=1)
    assert services.weighted_mean(assignment) == Decimal("4.00")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("abc", "1"), "Saisissez un nombre"),
        (("150", "1"), "Un poids va de 0 à 100."),
        (("0", "0"), "Au moins un critère doit peser plus que 0."),
    ],
)
def test_bad_weights_are_refused_in_french_and_nothing_changes(client, values, message):
    dossier = DossierFactory()
    call = dossier.call
    manager = grant(call, CallRole.Role.MANAGER)
    first, second = services.scored_criteria(call)
    client.force_login(manager)
    response = client.post(
        reverse("calls:grid", args=[call.slug]),
        {f"weight_{first.pk}": values[0], f"weight_{second.pk}": values[1]},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert set(Criterion.objects.filter(call=call).values_list("weight", flat=True)) == {
        Decimal("1")
    }


def test_the_grid_is_frozen_once_an_expert_has_evaluated(client):
    dossier = at_state(DossierFactory(), Dossier.State.EVALUATION)
    call = dossier.call
    manager = grant(call, CallRole.Role.MANAGER)
    ExpertAssignment.objects.create(
        dossier=dossier, expert=AgentFactory(), opinion="Bien", submitted_at=timezone.now()
    )
    first, second = services.scored_criteria(call)
    client.force_login(manager)
    response = client.post(
        reverse("calls:grid", args=[call.slug]),
        {f"weight_{first.pk}": "2", f"weight_{second.pk}": "1"},
    )
    assert response.status_code == 400
    assert "ne change plus" in response.content.decode()


def test_only_managers_reach_the_grid(client):
    """An agent who reads the call gets 403; one of another call's managers too."""
    call = DossierFactory().call
    other_manager = grant(DossierFactory().call, CallRole.Role.MANAGER)
    for agent in (AgentFactory(), other_manager):
        client.force_login(agent)
        assert client.get(reverse("calls:grid", args=[call.slug])).status_code == 403
