"""A laureate's pages once its convention is signed: its public page stays (until and after its
close), the evaluation page still shows the decision, and its community can still be created."""

from html import unescape

import pytest
from django.urls import reverse

from calls.models import Dossier
from tests.calls.factories import at_state
from tests.calls.follow_up_factories import running_project

pytestmark = pytest.mark.django_db

S = Dossier.State


@pytest.mark.parametrize("state", [S.IN_PROGRESS, S.FINAL_REPORT, S.CLOSED])
def test_the_public_page_stays_after_the_selection(client, state):
    """The project's public page answers, signed out, in every state after « lauréat »."""
    project = running_project()
    dossier = at_state(project.dossier, state)
    response = client.get(reverse("calls:project", args=[dossier.pk]))
    assert response.status_code == 200
    assert dossier.title in unescape(response.content.decode())


@pytest.mark.parametrize("state", [S.NOT_SELECTED, S.DRAFT, S.AUDITION])
def test_the_public_page_is_only_a_laureates(client, state):
    """A dossier never selected has no public page."""
    project = running_project()
    dossier = at_state(project.dossier, state)
    assert client.get(reverse("calls:project", args=[dossier.pk])).status_code == 404


def test_the_evaluation_page_keeps_the_decision_of_a_running_project(client):
    """After the convention, the evaluation page still says « lauréat » with the grant."""
    project = running_project()
    client.force_login(project.manager)
    response = client.get(reverse("calls:evaluation", args=[project.call.slug, project.dossier.pk]))
    page = unescape(response.content.decode())
    assert 'data-testid="decision-summary"' in page
    assert "Décision du comité de pilotage : lauréat" in page
    assert 'data-testid="decision-amount"' in page
    assert 'data-testid="community-form"' in page
