"""What the people of a project hear after the decision: the team of each move, in words that
say the move (a returned report is not a convention signed), and the call's managers of a final
report waiting for their review."""

import pytest

from calls import follow_up
from calls.models import CallRole, Dossier
from notifications.models import Notification
from tests.calls import samples
from tests.calls.factories import grant
from tests.calls.follow_up_factories import running_project

pytestmark = pytest.mark.django_db


def _summaries(agent):
    return list(
        Notification.objects.filter(recipient=agent, kind="call_dossier").values_list(
            "summary", flat=True
        )
    )


def test_the_managers_hear_of_the_final_report_and_the_team_of_its_return(
    django_capture_on_commit_callbacks,
):
    """A final report submitted: the team and the call's named managers are told; returned: the
    team is told it is returned (not « convention signée »), the managers are not told again."""
    project = running_project()
    other_manager = grant(project.call, CallRole.Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up.report_submit(
            actor=project.lead,
            dossier=project.dossier,
            kind="final",
            upload=samples.upload("rapport.pdf", samples.pdf()),
        )
    submitted = f"Le rapport final du projet « {project.dossier} » est remis."
    assert _summaries(project.team) == [submitted]
    assert _summaries(other_manager) == [submitted]
    assert _summaries(project.lead) == []  # the actor is not told of their own act
    dossier = Dossier.objects.get(pk=project.dossier.pk)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up.report_return(
            actor=project.manager, dossier=dossier, reason="Il manque le bilan financier."
        )
    returned = f"Le rapport final du projet « {project.dossier} » est renvoyé à l'équipe."
    assert _summaries(project.lead) == [returned]
    assert returned in _summaries(project.team)
    assert not any("convention" in summary for summary in _summaries(project.team))
    assert _summaries(other_manager) == [submitted]
