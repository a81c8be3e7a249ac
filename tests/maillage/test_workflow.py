"""The workflow helper (``maillage.workflow``), on the report's workflow (open → dismissed) and on
a workflow declared here over the same table, to pin each rule."""

import pytest

from communities.content import moderation
from communities.models import AuditLog, Report
from maillage.workflow import Transition, TransitionRefused, Workflow
from tests.communities.content_helpers import build_world, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    world = build_world()
    made = moderation.report_create(agent=world.member, content=world.comment, reason="Hors sujet")
    made.world = world
    return made


def test_the_report_workflow_checks_writes_audits_and_notifies_on_commit(
    report, django_capture_on_commit_callbacks
):
    """Dismissing: the state, who and when, one audit line, and the notifications of the report
    withdrawn once committed."""
    animator = report.world.animator
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moderation.report_dismiss(report=report, actor=animator, reason="Conforme")
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert report.handled_by == animator and report.handled_at is not None
    line = AuditLog.objects.get(action="report_dismissed")
    assert (line.actor, line.reason) == (animator, "Conforme")
    assert callbacks  # the notify hook ran after commit


def test_available_moves_follow_the_actor_and_the_state(report):
    """The animation may dismiss an open report; a member may not; a dismissed one has no move."""
    world = report.world
    workflow = moderation.REPORT_WORKFLOW
    assert [m.target for m in workflow.available(report, world.animator)] == ["dismissed"]
    assert workflow.available(report, world.member) == []
    moderation.report_dismiss(report=report, actor=world.animator)
    assert workflow.available(fresh(report), world.animator) == []


def _workflow(calls):
    def allowed(actor, obj):
        return actor.is_platform_admin

    return Workflow(
        transitions=[
            Transition(
                "open",
                "hidden",
                allowed=allowed,
                audit="hidden",
                reason_required=True,
                notification="content_hidden",
            ),
            Transition(("open", "hidden"), "dismissed", allowed=allowed),
        ],
        audit=lambda obj, actor, move, reason: calls.append(("audit", move.target, reason)),
        notify=lambda obj, actor, move, reason: calls.append(
            ("notify", move.target, move.notification)
        ),
    )


def test_refusals_say_why_in_french(report, django_capture_on_commit_callbacks):
    """No such move, not allowed, reason missing: refused, nothing written, nobody notified."""
    calls = []
    workflow = _workflow(calls)
    admin = report.world.admin
    with pytest.raises(TransitionRefused, match="Ce changement d'état n'est pas possible."):
        workflow.transition(report, "open", actor=admin)
    with pytest.raises(TransitionRefused, match="Vous ne pouvez pas faire ce changement."):
        workflow.transition(report, "hidden", actor=report.world.member, reason="x")
    with pytest.raises(TransitionRefused, match="Indiquez le motif de ce changement."):
        workflow.transition(report, "hidden", actor=admin, reason="  ")
    assert fresh(report).status == "open"
    assert calls == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(report, "hidden", actor=admin, reason="Doublon")
    # The hook is told the move, with the notification kind it declares.
    assert calls == [("audit", "hidden", "Doublon"), ("notify", "hidden", "content_hidden")]
    assert fresh(report).status == "hidden"


def test_a_move_made_meanwhile_by_someone_else_is_refused(report):
    """Two animators answering at once: the second finds the row moved and is refused."""
    calls = []
    workflow = _workflow(calls)
    stale = Report.objects.get(pk=report.pk)
    Report.objects.filter(pk=report.pk).update(status="dismissed")
    with pytest.raises(TransitionRefused, match="Ce contenu a déjà changé d'état."):
        workflow.transition(stale, "hidden", actor=report.world.admin, reason="Doublon")
    assert fresh(report).status == "dismissed"


def test_two_moves_between_the_same_states_are_a_declaration_error():
    """A workflow is a list of distinct moves."""
    with pytest.raises(ValueError, match="Two transitions"):
        Workflow(
            transitions=[
                Transition("a", "b", allowed=lambda actor, obj: True),
                Transition(("a", "c"), "b", allowed=lambda actor, obj: True),
            ]
        )
