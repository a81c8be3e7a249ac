"""Reporting and moderation, for every kind of community content (``register_content``): a
member reports, the animators hide or restore (what hangs below goes with it, the activity lines
too, the content's app is told through ``on_hidden``), or dismiss the report; every action goes
to the audit log.

A report's life is a workflow (``maillage.workflow``): open, then dismissed — or closed as
« hidden » when its content is hidden.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.content import audit
from communities.content import registry as content_registry
from communities.errors import CommunityError
from communities.models import Report
from communities.permissions import abilities
from maillage.workflow import Transition, TransitionRefused, Workflow
from notifications.services import notify, withdraw_on_commit


def _check(allowed, message):
    if not allowed:
        raise CommunityError(message)


def _animator_ids(community):
    from communities.models import Membership

    return Membership.objects.filter(
        community=community,
        state=Membership.State.ACTIVE,
        role=Membership.Role.ANIMATOR,
    ).values_list("agent_id", flat=True)


def _handled(report, actor, reason):
    report.handled_by, report.handled_at = actor, timezone.now()


def _audit_report(report, actor, move, reason):
    audit.record(
        community=report.community,
        actor=actor,
        action=move.audit,
        target=report.content,
        reason=reason,
    )


def _withdraw_report_notifications(report, actor, move, reason):
    withdraw_on_commit(targets=[report])


REPORT_WORKFLOW = Workflow(
    state_field="status",
    transitions=[
        Transition(
            Report.Status.OPEN,
            Report.Status.DISMISSED,
            allowed=lambda actor, report: abilities(actor, report.community).can_moderate,
            label=_("Classer sans suite"),
            audit="report_dismissed",
            effect=_handled,
        ),
    ],
    audit=_audit_report,
    notify=_withdraw_report_notifications,
)


def report_create(*, agent, content, reason):
    """Report a piece of content to its community's animators."""
    community = content.community
    _check(abilities(agent, community).can_report, _("Seuls les membres signalent un contenu."))
    reason = reason.strip()
    _check(bool(reason), _("Indiquez le motif du signalement."))
    with transaction.atomic():
        report = Report.objects.create(
            community=community,
            content_type=content_registry.content_type_of(content),
            object_id=content.pk,
            reporter=agent,
            reason=reason,
        )
        label, _text = content_registry.describe(content)
        notify(
            "report",
            _animator_ids(community),
            target=report,
            community=community,
            actor=agent,
            # The label's gender is not known (« annonce », « commentaire »): no article.
            summary=_("Contenu signalé dans « %(community)s » (%(label)s)")
            % {"label": label, "community": community.name},
            url=reverse("communities:moderation", args=[community.slug]),
        )
    return report


def content_set_hidden(*, content, actor, hidden, reason=""):
    """Hide or restore a piece of content; its reports are closed and the action audited."""
    from communities.models import Activity

    community = content.community
    _check(abilities(actor, community).can_moderate, _("Seule l'animation modère."))
    if content.is_hidden == hidden:
        raise CommunityError(
            _("Ce contenu est déjà masqué.") if hidden else _("Ce contenu n'est pas masqué.")
        )
    content_type = content_registry.content_type_of(content)
    with transaction.atomic():
        content.is_hidden = hidden
        content.save(update_fields=["is_hidden"])
        Activity.objects.filter(content_type=content_type, object_id=content.pk).update(
            is_hidden=hidden
        )
        # What hangs below it (the comments of an announcement) leaves the streams with it.
        for child_type, child_ids in content_registry.dependents(content):
            Activity.objects.filter(content_type=child_type, object_id__in=child_ids).update(
                is_hidden=hidden
            )
        if hidden:
            reports = Report.objects.filter(content_type=content_type, object_id=content.pk)
            # The notifications of the content and of its reports, closed below.
            withdraw_on_commit(targets=[content, *reports])
            reports.filter(status=Report.Status.OPEN).update(
                status=Report.Status.HIDDEN, handled_by=actor, handled_at=timezone.now()
            )
        audit.record(
            community=community,
            actor=actor,
            action="hidden" if hidden else "restored",
            target=content,
            reason=reason,
        )
        kind = content_registry.kind_of(content)
        if kind is not None and kind.on_hidden is not None:
            # The content's own app tells its readers (the chat republishes the message).
            transaction.on_commit(lambda: kind.on_hidden(content, hidden))
    return content


def report_dismiss(*, report, actor, reason=""):
    _check(abilities(actor, report.community).can_moderate, _("Seule l'animation modère."))
    _check(report.status == Report.Status.OPEN, _("Ce signalement a déjà été traité."))
    try:
        REPORT_WORKFLOW.transition(report, Report.Status.DISMISSED, actor=actor, reason=reason)
    except TransitionRefused as refused:  # answered by someone else meanwhile
        raise CommunityError(str(refused)) from None
    return report
