"""The notifications of the calls for projects, registered with the notifications from
``calls.registrations``: a dossier's move (deposit, screening, decision) for its members, an
expert's information request for the team, an indicator's value missing at its due date for the
team of a running project. Each is checked against what the recipient may read now
(``calls.permissions``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from calls.models import Dossier, DossierMember, InformationRequest
from notifications import kinds
from notifications.models import Email
from notifications.services import notify

S = Dossier.State

MOVES = {
    S.DEPOSITED: _lazy("Le dossier « %(dossier)s » est déposé."),
    S.INELIGIBLE: _lazy("Le dossier « %(dossier)s » est déclaré irrecevable."),
    S.EVALUATION: _lazy("Le dossier « %(dossier)s » est transmis aux experts."),
    S.REFERRED: _lazy("Le dossier « %(dossier)s » est soumis au Premier ministre."),
    S.SELECTED: _lazy("Le projet « %(dossier)s » est lauréat de l'appel."),
    S.NOT_SELECTED: _lazy("Le projet « %(dossier)s » n'est pas retenu."),
    S.PROMISING: _lazy("Le projet « %(dossier)s » n'est pas retenu, mais jugé prometteur."),
    S.AUDITION: _lazy("Le dossier « %(dossier)s » est présélectionné pour une audition."),
    S.IN_PROGRESS: _lazy("La convention du projet « %(dossier)s » est signée."),
    S.FINAL_REPORT: _lazy("Le rapport final du projet « %(dossier)s » est remis."),
    S.CLOSED: _lazy("Le projet « %(dossier)s » est clos après sa revue finale."),
}


def _readers(agents, dossier, ability="can_read"):
    """The ids of ``agents`` who may read ``dossier`` (or have its ``ability``): their roles on
    it and on its call read in three queries for all of them, remembered in a policy scope, then
    the dossier's own abilities asked for each (``calls.permissions``: one rule, no second
    copy)."""
    from calls.models import CallRole, ExpertAssignment
    from calls.permissions import dossier_abilities
    from maillage import policy

    ids = [agent.pk for agent in agents]
    members = dict(
        DossierMember.objects.filter(dossier=dossier, agent__in=ids).values_list("agent", "role")
    )
    roles = {pk: set() for pk in ids}
    for agent_id, role in CallRole.objects.filter(
        call_id=dossier.call_id, agent__in=ids
    ).values_list("agent", "role"):
        roles[agent_id].add(role)
    experts = set(
        ExpertAssignment.objects.filter(dossier=dossier, expert__in=ids).values_list(
            "expert", flat=True
        )
    )
    with policy.scope():
        for pk in ids:
            policy.remember(("calls:member", pk, dossier.pk), members.get(pk))
            policy.remember(("calls:roles", pk, dossier.call_id), frozenset(roles[pk]))
            policy.remember(("calls:expert", pk, dossier.pk), pk in experts)
        return {agent.pk for agent in agents if getattr(dossier_abilities(agent, dossier), ability)}


def _dossier_visible(agents, dossier):
    return _readers(agents, dossier)


def _request_visible(agents, request):
    return _readers(agents, request.dossier)


def _reminder_visible(agents, reminder):
    return _readers(agents, reminder.indicator.dossier, "can_read_follow_up")


# Moves whose message is not their target's: a final report returned lands on « en cours »
# again, which is not a convention signed.
MOVES_BY_ACTION = {
    "final_report_returned": _lazy(
        "Le rapport final du projet « %(dossier)s » est renvoyé à l'équipe."
    ),
}
# Moves the call's named managers hear of too: what waits for them.
FOR_MANAGERS = {S.FINAL_REPORT}


def dossier_moved(dossier, actor, move):
    """After a move has committed: its members hear of it (and the call's managers of a final
    report to review)."""
    from calls.models import CallRole

    message = MOVES_BY_ACTION.get(move.audit) or MOVES.get(move.target)
    if message is None:
        return
    recipients = set(DossierMember.objects.filter(dossier=dossier).values_list("agent", flat=True))
    if move.target in FOR_MANAGERS and move.audit not in MOVES_BY_ACTION:
        recipients |= set(
            CallRole.objects.filter(
                call_id=dossier.call_id, role=CallRole.Role.MANAGER
            ).values_list("agent", flat=True)
        )
    notify(
        "call_dossier",
        sorted(recipients),
        target=dossier,
        actor=actor,
        summary=str(message) % {"dossier": dossier},
        url=dossier.get_absolute_url(),
    )


def audition_scheduled(audition, actor):
    """After an audition is set or changed: the team hears of its date, place and link (the
    audition's page has them)."""
    from calls import deadlines

    dossier = audition.dossier
    team = DossierMember.objects.filter(
        dossier=dossier,
        role__in=[DossierMember.Role.SPONSOR, DossierMember.Role.LEAD, DossierMember.Role.TEAM],
    ).values_list("agent", flat=True)
    notify(
        "call_dossier",
        list(team),
        target=dossier,
        actor=actor,
        summary=_("L'audition du dossier « %(dossier)s » est fixée au %(when)s.")
        % {"dossier": dossier, "when": deadlines.french_datetime(audition.scheduled_at)},
        url=reverse("calls:audition", args=[dossier.call.slug, dossier.pk]),
    )


def request_sent(request: InformationRequest, actor):
    dossier = request.dossier
    team = DossierMember.objects.filter(
        dossier=dossier,
        role__in=[DossierMember.Role.SPONSOR, DossierMember.Role.LEAD, DossierMember.Role.TEAM],
    ).values_list("agent", flat=True)
    notify(
        "call_request",
        list(team),
        target=request,
        actor=actor,
        summary=_("Un expert demande un complément sur le dossier « %(dossier)s ».")
        % {"dossier": dossier},
        url=dossier.get_absolute_url(),
    )


def indicator_due(reminder, indicator, due_on, recipients):
    """A value of ``indicator`` missing at ``due_on``: the team hears of it, with the link to
    the project's indicators (``calls.indicators.reminders_tick``)."""
    from django.urls import reverse

    from maillage.french import long_date

    dossier = indicator.dossier
    notify(
        "call_indicator_due",
        list(recipients),
        target=reminder,
        summary=_(
            "Projet « %(dossier)s » : la valeur de l'indicateur « %(indicator)s » attendue le "
            "%(date)s n'est pas saisie."
        )
        % {"dossier": dossier, "indicator": indicator.label, "date": long_date(due_on)},
        url=reverse("calls:indicators", args=[dossier.call.slug, dossier.pk]),
    )


def register():
    kinds.register(
        "call_dossier",
        label=_lazy("Dossiers d'appels à projets"),
        description=_lazy(
            "Un dossier dont vous faites partie est déposé, transmis aux experts ou reçoit la "
            "décision du comité de pilotage."
        ),
        visible_many=_dossier_visible,
        default_email=Email.IMMEDIATE,
        order=75,
        related=("call",),
    )
    kinds.register(
        "call_request",
        label=_lazy("Demandes de complément"),
        description=_lazy(
            "Un expert demande un complément d'information sur un dossier de votre équipe."
        ),
        visible_many=_request_visible,
        default_email=Email.IMMEDIATE,
        order=76,
        related=("dossier", "dossier__call"),
    )
    kinds.register(
        "call_indicator_due",
        label=_lazy("Indicateurs de suivi en retard"),
        description=_lazy(
            "La valeur d'un indicateur de suivi d'un projet de votre équipe n'est pas saisie à "
            "sa date d'échéance."
        ),
        visible_many=_reminder_visible,
        default_email=Email.IMMEDIATE,
        order=77,
        related=("indicator__dossier__call",),
    )
