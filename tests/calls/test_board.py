"""The follow-up board's rows (``calls.board``): who sees which projects (the matrix written
out), the states on it, the next tranche and the step it reached, the late indicators, the next
review, the counts and the filters."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from calls import board as boards
from calls.models import CallRole, Dossier, DossierMember, Indicator, Tranche
from directory.models import Region
from tests.calls.factories import CallFactory, add_member, at_state, grant
from tests.calls.follow_up_factories import running_project, selected_project
from tests.factories import AgentFactory, ExternalAgentFactory

try:  # written at the same time as the board: its rows need both
    from calls import follow_up as _follow_up
    from calls import indicators as _indicators

    LANDED = hasattr(_indicators, "late_by_dossier") and hasattr(_follow_up, "next_reviews")
except ImportError:
    LANDED = False

needs_follow_up = pytest.mark.skipif(
    not LANDED, reason="calls.indicators.late_by_dossier / calls.follow_up.next_reviews missing"
)

pytestmark = pytest.mark.django_db

S = Dossier.State
R = CallRole.Role
TODAY = date(2026, 7, 15)


def region(code):
    return Region.objects.get(code=code)


def move(project, *, region_code=None, state=None):
    if region_code is not None:
        Dossier.objects.filter(pk=project.dossier.pk).update(region=region(region_code))
    if state is not None:
        project.dossier = at_state(project.dossier, state)
    project.dossier.refresh_from_db()
    return project


@pytest.fixture
def world():
    """Two national calls and a regional call of Normandie, five projects and the people:

    - national: p1 « en cours » in Bretagne, p2 « lauréat » in Normandie, p4 not selected
      in Bretagne (never on a board);
    - regional (Normandie): p3 « rapport final remis », its sponsor in Bretagne;
    - other (national): p5 « clos » in Normandie.
    """
    p1 = running_project(starts_on=date(2026, 1, 1), months=24)
    national = p1.call
    p2 = move(selected_project(national), region_code="28")
    p4 = move(selected_project(national), state=S.NOT_SELECTED)
    regional = CallFactory(scope="regional", region=region("28"))
    # Carried by the préfet of Bretagne on Normandie's call: seen through the call.
    p3 = move(running_project(regional, starts_on=date(2026, 1, 1)), state=S.FINAL_REPORT)
    other = CallFactory()
    p5 = move(running_project(other, starts_on=date(2024, 1, 1)), region_code="28")
    p5 = move(p5, state=S.CLOSED)
    committee = grant(national, R.COMMITTEE)
    people = {
        "admin": AgentFactory(platform_admin=True),
        "manager": p1.manager,  # manager of the national call
        "regional_sgar": AgentFactory(role="sgar", sgar_region=region("28")),
        "region_sgar": AgentFactory(sgar=True),  # Bretagne: p1's region, on a national call
        "other_sgar": AgentFactory(
            role="sgar", sgar_region=Region.objects.exclude(code__in=["53", "28"]).first()
        ),
        "cdc": p1.cdc,  # CDC of the national call
        "committee": committee,
        "lead": p1.lead,
        "outsider": p1.outsider,
        "partner": add_member(p1.dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER),
    }
    projects = {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}
    return projects, people


# Which projects each person's board shows; « 403 »: no board at all.
BOARD_MATRIX = """
admin          p1 p2 p3 p5
manager        p1 p2
regional_sgar  p2 p3 p5
region_sgar    p1 p3
other_sgar     .
cdc            p1 p2
committee      403
lead           403
outsider       403
partner        403
"""


def matrix():
    for line in BOARD_MATRIX.strip().splitlines():
        person, *cells = line.split()
        if cells == ["403"]:
            yield person, None
        else:
            yield person, {cell for cell in cells if cell != "."}


def names(projects, ids):
    by_id = {project.dossier.pk: name for name, project in projects.items()}
    return {by_id[pk] for pk in ids}


@pytest.mark.parametrize(("person", "expected"), list(matrix()))
def test_who_sees_which_projects(world, person, expected):
    """The written matrix, on ``may_see_board`` and ``board_projects``: administrators every
    project, a call's managers and CDC their call's, a regional call's SGAR officer that call's
    and every project of their region, another SGAR officer an empty board; a project's team,
    the committee, an outsider and an external partner no board."""
    projects, people = world
    agent = people[person]
    assert boards.may_see_board(agent) == (expected is not None)
    shown = names(projects, boards.board_projects(agent).values_list("pk", flat=True))
    assert shown == (expected or set())


@needs_follow_up
@pytest.mark.parametrize(("person", "expected"), list(matrix()))
def test_the_rows_follow_the_matrix(world, person, expected):
    """``board_rows`` gives the same projects, each once."""
    projects, people = world
    rows = boards.board_rows(people[person], today=TODAY)
    ids = [row.dossier.pk for row in rows]
    assert len(ids) == len(set(ids))
    assert names(projects, ids) == (expected or set())


def test_the_board_stays_within_what_the_policy_reads(world):
    """Every project on a board is one ``dossiers_readable_by`` gives its viewer."""
    from calls.permissions import dossiers_readable_by

    _projects, people = world
    for agent in people.values():
        shown = set(boards.board_projects(agent).values_list("pk", flat=True))
        assert shown <= set(dossiers_readable_by(agent).values_list("pk", flat=True))


def test_a_closed_account_has_no_board(world):
    """An account closed or inactive loses its board."""
    _projects, people = world
    admin = people["admin"]
    admin.is_active = False
    assert not boards.may_see_board(admin)
    assert not boards.board_projects(admin).exists()


def test_the_steps_of_a_tranche():
    """The step reached is the last dated one; before, « payable » once the conditions are
    met, else « conditions à remplir »."""
    tranche = Tranche(number=1, amount=Decimal("100"))
    assert boards.step_label(tranche) == "Conditions à remplir"
    tranche.payable_at = timezone.now()
    assert boards.step_label(tranche) == "Payable, en attente du versement de la CDC"
    assert boards.tranche_awaits_step(tranche)
    tranche.cdc_paid_on = TODAY
    assert boards.step_label(tranche) == "versement de la CDC au fonds de concours"
    tranche.revenue_order_on = TODAY
    tranche.credits_opened_on = TODAY
    assert boards.step_label(tranche) == "crédits ouverts par arrêté"
    tranche.distributed_on = TODAY
    assert not boards.tranche_awaits_step(tranche)


def add_tranches(dossier):
    """Tranche 1 distributed, tranche 2 payable and paid by the CDC, tranche 3 waiting."""
    Tranche.objects.create(
        dossier=dossier,
        number=1,
        amount=Decimal("80"),
        planned_on=date(2026, 2, 1),
        payable_at=timezone.now(),
        cdc_paid_on=date(2026, 2, 1),
        revenue_order_on=date(2026, 2, 5),
        credits_opened_on=date(2026, 2, 10),
        distributed_on=date(2026, 2, 15),
    )
    Tranche.objects.create(
        dossier=dossier,
        number=2,
        amount=Decimal("70.5"),
        planned_on=date(2026, 9, 1),
        payable_at=timezone.now(),
        cdc_paid_on=date(2026, 7, 1),
    )
    Tranche.objects.create(
        dossier=dossier, number=3, amount=Decimal("49.5"), planned_on=date(2027, 6, 1)
    )


@needs_follow_up
def test_a_row_says_the_next_tranche_the_late_indicators_and_the_next_review(world):
    """p1's row: tranche 2 (the first not distributed) with its amount, date and the CDC's
    payment as its step; two values of a quarterly indicator missing (31 March, 30 June); the
    final report due at the convention's end. The counts add the rows up."""
    projects, people = world
    p1 = projects["p1"].dossier
    add_tranches(p1)
    Indicator.objects.create(
        dossier=p1,
        label="Agents inscrits",
        baseline=Decimal("0"),
        frequency_months=3,
        first_due_on=date(2026, 3, 31),
    )
    found = boards.board(people["manager"], today=TODAY)
    row = next(row for row in found.rows if row.dossier.pk == p1.pk)
    assert row.next_tranche.number == 2
    assert row.next_tranche.amount == Decimal("70.5")
    assert row.next_tranche_step == "versement de la CDC au fonds de concours"
    assert row.tranches_awaiting == 1
    assert row.late_count == 2
    assert row.oldest_late == date(2026, 3, 31)
    label, due = row.next_review
    assert due == date(2028, 1, 1)
    assert "Rapport final" in str(label)
    assert found.project_count == 2
    assert found.late_count == 2
    assert found.awaiting_count == 1
    other = next(row for row in found.rows if row.dossier.pk != p1.pk)
    assert other.next_tranche is None and other.late_count == 0


@needs_follow_up
def test_the_filters_by_region_and_call(world):
    """``region`` keeps the projects of that region, ``call`` those of that call, both
    together their intersection; the choices list the regions and calls of the viewer's
    projects, whatever the filters."""
    projects, people = world
    admin = people["admin"]
    normandie = region("28").pk
    national = projects["p1"].call.pk
    ids = lambda rows: names(projects, [row.dossier.pk for row in rows])  # noqa: E731
    assert ids(boards.board_rows(admin, region=normandie, today=TODAY)) == {"p2", "p5"}
    assert ids(boards.board_rows(admin, call=national, today=TODAY)) == {"p1", "p2"}
    both = boards.board_rows(admin, region=normandie, call=national, today=TODAY)
    assert ids(both) == {"p2"}
    assert boards.board_rows(admin, region=999_999, today=TODAY) == []
    found = boards.board(people["manager"], region=normandie, today=TODAY)
    assert {pk for pk, _name in found.regions} == {region("53").pk, normandie}
    assert {pk for pk, _title in found.calls} == {national}


@needs_follow_up
def test_a_filter_never_widens_the_board(world):
    """A manager filtering on another call's id sees nothing of it."""
    projects, people = world
    other = projects["p5"].call.pk
    assert boards.board_rows(people["manager"], call=other, today=TODAY) == []


@needs_follow_up
def test_the_export_rows(world):
    """The export has a row per project, its cells in the headers' order, typed."""
    projects, people = world
    add_tranches(projects["p1"].dossier)
    rows = boards.board_rows(people["manager"], call=projects["p1"].call.pk, today=TODAY)
    cells = list(boards.export_rows(rows))
    assert len(cells) == 2
    assert all(len(line) == len(boards.EXPORT_HEADERS) for line in cells)
    first = next(line for line in cells if line[0] == projects["p1"].dossier.title)
    assert first[3] == "Bretagne"
    assert first[5] == 2 and first[6] == Decimal("70.5") and first[7] == date(2026, 9, 1)


def test_a_project_leaving_the_followed_states_leaves_the_board(world):
    """Back to a non-selected state (a data fix), a project is no longer on any board."""
    projects, people = world
    p2 = projects["p2"]
    at_state(p2.dossier, S.NOT_SELECTED)
    assert p2.dossier.pk not in boards.board_projects(people["admin"]).values_list("pk", flat=True)
