"""The follow-up board of the selected projects (« Suivi des projets », ``calls:board``): every
project from « lauréat » to « clos » its viewer follows, with its next tranche, its late
indicators and its next review or report.

Who sees which projects (on top of ``calls.permissions.dossiers_readable_by``):

- the platform administrators: every project;
- a call's managers (``CallRole`` manager): the projects of their calls; a regional call's SGAR
  officers: the projects of that call;
- the CDC (``CallRole`` cdc): the projects of the calls where they hold the role;
- every SGAR officer: the projects of their region, whatever the call.

Anyone else (a project's team, an expert, a committee member, an external partner) has no board:
``may_see_board`` is False and the page answers 403.

The rows are read in a fixed number of queries whatever the number of projects: the projects
with their call, region and convention, their tranches not yet distributed, then one call each
to ``calls.indicators.late_by_dossier`` and ``calls.follow_up.next_reviews``.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from calls.models import Call, CallRole, Dossier, Tranche
from calls.permissions import FOLLOWED, dossiers_readable_by
from directory.roles import principal

R = CallRole.Role
# The roles on a call that open the board on its projects.
BOARD_ROLES = (R.MANAGER, R.CDC)


def may_see_board(agent):
    """A platform administrator, an SGAR officer, or an agent managing a call or holding its
    CDC role."""
    if not (agent and agent.is_authenticated and agent.is_active and not agent.is_closed):
        return False
    who = principal(agent)
    if who.is_external:
        return False
    if who.is_platform_admin or who.sgar_region_id is not None:
        return True
    return CallRole.objects.filter(agent=agent, role__in=BOARD_ROLES).exists()


def board_projects(agent):
    """The projects on ``agent``'s board, as a queryset (no order, no joins)."""
    if not may_see_board(agent):
        return Dossier.objects.none()
    who = principal(agent)
    followed = Dossier.objects.filter(
        state__in=FOLLOWED, pk__in=dossiers_readable_by(agent).values("pk")
    )
    if who.is_platform_admin:
        return followed
    scope = Q(call__roles__agent=agent, call__roles__role__in=BOARD_ROLES)
    region = who.sgar_region_id
    if region is not None:
        scope |= Q(call__scope=Call.Scope.REGIONAL, call__region_id=region) | Q(region_id=region)
    return followed.filter(pk__in=Dossier.objects.filter(scope).values("pk"))


def step_label(tranche):
    """Where ``tranche`` is in its funding chain: the last of its four dated steps, or
    « payable » once its conditions are met, or « conditions à remplir »."""
    for step in reversed(Tranche.STEPS):
        if getattr(tranche, step) is not None:
            return str(Tranche._meta.get_field(step).verbose_name)
    if tranche.payable_at is not None:
        return "Payable, en attente du versement de la CDC"
    return "Conditions à remplir"


def tranche_awaits_step(tranche):
    """Made payable, its distribution to the préfet's BOP not yet done."""
    return tranche.payable_at is not None and tranche.distributed_on is None


@dataclass
class Row:
    """A project on the board."""

    dossier: Dossier
    # The first tranche not yet distributed, or None.
    next_tranche: Tranche | None
    next_tranche_step: str
    tranches_awaiting: int
    # The late indicators: (indicator, due date), oldest first.
    late: list = field(default_factory=list)
    # (label, date) of the next review or report due, or None.
    next_review: tuple | None = None

    @property
    def late_count(self):
        return len(self.late)

    @property
    def oldest_late(self):
        return min((due for _indicator, due in self.late), default=None)


@dataclass
class Board:
    rows: list
    # The filters' choices: the regions and calls of the viewer's projects, [(id, name)].
    regions: list
    calls: list

    @property
    def project_count(self):
        return len(self.rows)

    @property
    def late_count(self):
        return sum(row.late_count for row in self.rows)

    @property
    def awaiting_count(self):
        return sum(row.tranches_awaiting for row in self.rows)


def board_rows(agent, *, region=None, call=None, today):
    """The rows of ``agent``'s board (``Row``), filtered by the project's region id and the
    call's id (None: all), by region, call and title; ``today`` (a ``date``) dates the late
    indicators and the next reviews."""
    projects = board_projects(agent)
    if region is not None:
        projects = projects.filter(region_id=region)
    if call is not None:
        projects = projects.filter(call_id=call)
    dossiers = list(
        projects.select_related("call", "region", "convention")
        .prefetch_related(
            Prefetch(
                "tranches",
                queryset=Tranche.objects.filter(distributed_on__isnull=True).order_by("number"),
                to_attr="open_tranches",
            )
        )
        .order_by("region__name", "call__title", "title", "id")
    )
    if not dossiers:
        return []
    from calls.follow_up import next_reviews
    from calls.indicators import late_by_dossier

    late = late_by_dossier([dossier.pk for dossier in dossiers], today)
    reviews = next_reviews(dossiers, today)
    rows = []
    for dossier in dossiers:
        tranches = dossier.open_tranches
        first = tranches[0] if tranches else None
        rows.append(
            Row(
                dossier=dossier,
                next_tranche=first,
                next_tranche_step=step_label(first) if first else "",
                tranches_awaiting=sum(1 for tranche in tranches if tranche_awaits_step(tranche)),
                late=sorted(late.get(dossier.pk, []), key=lambda pair: pair[1]),
                next_review=reviews.get(dossier.pk),
            )
        )
    return rows


def board(agent, *, region=None, call=None, today=None):
    """The whole board: its rows and the filters' choices (the regions and calls of every
    project the agent follows, whatever the filters)."""
    today = today or timezone.localdate()
    everything = board_projects(agent)
    regions = list(
        everything.order_by("region__name").values_list("region_id", "region__name").distinct()
    )
    calls = list(
        everything.order_by("call__title").values_list("call_id", "call__title").distinct()
    )
    return Board(
        rows=board_rows(agent, region=region, call=call, today=today),
        regions=regions,
        calls=calls,
    )


EXPORT_HEADERS = [
    "Projet",
    "Acronyme",
    "Appel",
    "Région",
    "État",
    "Prochaine tranche",
    "Montant (k€)",
    "Date prévue",
    "Étape atteinte",
    "Indicateurs en retard",
    "Plus ancienne échéance en retard",
    "Prochaine revue ou rapport",
    "Échéance",
]


def export_rows(rows):
    """The board's rows as spreadsheet cells (``EXPORT_HEADERS``)."""
    for row in rows:
        dossier, tranche = row.dossier, row.next_tranche
        review = row.next_review
        yield [
            dossier.title,
            dossier.acronym,
            dossier.call.title,
            dossier.region.name,
            dossier.get_state_display(),
            tranche.number if tranche else None,
            tranche.amount if tranche else None,
            tranche.planned_on if tranche else None,
            row.next_tranche_step,
            row.late_count,
            row.oldest_late,
            str(review[0]) if review else "",
            review[1] if review else None,
        ]
