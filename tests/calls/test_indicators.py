"""The follow-up indicators' rules (R59, ``calls.indicators``): the due dates (month ends
clamped, bounded by the convention's end), the values (a date not in the schedule, a date not
come yet, a reviewed value frozen, bad numbers), the definition (targets per milestone, a
milestone of another dossier, the deletion of an indicator with values), who may do what written
out as a matrix on the services, and the late values read in a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls import indicators
from calls.models import Dossier, DossierEvent, Indicator, IndicatorTarget, IndicatorValue
from calls.services import CallError
from tests.calls.factories import at_state
from tests.calls.follow_up_factories import running_project, selected_project
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
D = datetime.date
TODAY = D(2027, 6, 15)
JAN31 = D(2027, 1, 31)


def _indicator(project, *, first=JAN31, months=1, label="Agents inscrits", **fields):
    return Indicator.objects.create(
        dossier=project.dossier,
        label=label,
        unit=fields.pop("unit", "agents"),
        baseline=fields.pop("baseline", Decimal("10")),
        frequency_months=months,
        first_due_on=first,
        **fields,
    )


def _save(project, actor=None, **fields):
    arguments = {
        "label": "Agents inscrits",
        "unit": "agents",
        "baseline": Decimal("10"),
        "frequency_months": 3,
        "first_due_on": D(2027, 3, 31),
        "targets": {},
    }
    arguments.update(fields)
    return indicators.indicator_save(
        actor=actor or project.lead, dossier=project.dossier, **arguments
    )


@pytest.fixture
def project():
    return running_project(starts_on=D(2027, 1, 1), months=24)


# --- the due dates ------------------------------------------------------------------------------


def test_due_dates_clamp_month_ends_and_keep_the_first_day():
    """Monthly from 31 January: 28 February (29 in a leap year), then 31 March again (counted
    from the first date, not from the previous one)."""
    assert indicators.schedule(D(2027, 1, 31), 1, until=D(2027, 5, 31)) == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]
    assert indicators.schedule(D(2028, 1, 31), 1, until=D(2028, 3, 1))[1] == D(2028, 2, 29)


def test_due_dates_stop_at_the_conventions_end(project):
    """Quarterly from 31 March 2027 on a convention ending 1 January 2029: eight dates, the
    last 31 December 2028."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    dates = indicators.due_dates(indicator)
    assert dates[0] == D(2027, 3, 31)
    assert dates[1] == D(2027, 6, 30)
    assert dates[-1] == D(2028, 12, 31)
    assert len(dates) == 8
    assert indicators.due_dates(indicator, until=D(2027, 7, 1)) == [D(2027, 3, 31), D(2027, 6, 30)]


def test_yearly_due_dates_on_29_february():
    """A yearly indicator first due on 29 February falls on 28 February the next years."""
    assert indicators.schedule(D(2028, 2, 29), 12, until=D(2030, 3, 1)) == [
        D(2028, 2, 29),
        D(2029, 2, 28),
        D(2030, 2, 28),
    ]


# --- defining indicators ------------------------------------------------------------------------


def test_indicator_save_with_targets_per_milestone(project):
    """An indicator is saved with a target at each milestone given (one left out has none), and
    an audit line."""
    halfway, end = project.dossier.milestones.order_by("due_on")
    indicator = _save(project, targets={halfway.pk: Decimal("50"), end.pk: None})
    assert indicator.label == "Agents inscrits"
    assert dict(IndicatorTarget.objects.values_list("milestone_id", "value")) == {
        halfway.pk: Decimal("50.00")
    }
    indicator = _save(project, indicator=indicator, targets={end.pk: "120,5"})
    assert dict(IndicatorTarget.objects.values_list("milestone_id", "value")) == {
        end.pk: Decimal("120.50")
    }
    assert DossierEvent.objects.filter(action="indicator_saved").count() == 2


def test_a_milestone_of_another_dossier_is_not_found(project):
    """A target on another dossier's milestone: refused as not found, nothing saved."""
    other = running_project()
    foreign = other.dossier.milestones.first()
    with pytest.raises(CallError) as error:
        _save(project, targets={foreign.pk: Decimal("3")})
    assert error.value.code == "not_found"
    assert not Indicator.objects.exists()


def test_an_indicator_of_another_dossier_is_not_found(project):
    """Changing another dossier's indicator through this one: not found."""
    other = running_project()
    foreign = _indicator(other)
    with pytest.raises(CallError) as error:
        _save(project, indicator=foreign, label="Détourné")
    assert error.value.code == "not_found"
    foreign.refresh_from_db()
    assert foreign.label == "Agents inscrits"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": "  "}, "libellé"),
        ({"label": "x" * 201}, "limité à 200"),
        ({"baseline": "beaucoup"}, "référence doit être un nombre"),
        ({"baseline": "NaN"}, "référence doit être un nombre"),
        ({"baseline": "1e20"}, "référence doit être un nombre"),
        ({"frequency_months": 5}, "fréquence"),
        ({"first_due_on": "2027-02-30"}, "première échéance"),
        ({"first_due_on": D(2030, 1, 1)}, "fin du projet"),
    ],
)
def test_bad_definitions_are_refused_in_french(project, fields, message):
    """A blank or long label, a non-numeric baseline, an unknown frequency, a malformed date,
    a first due date after the project's end: refused with a French message, nothing saved."""
    with pytest.raises(CallError) as error:
        _save(project, **fields)
    assert message in str(error.value)
    assert error.value.code == "invalid"
    assert not Indicator.objects.exists()


def test_deleting_an_indicator_with_values_is_refused(project):
    """An indicator with a value stays (French refusal); one without is deleted."""
    kept = _indicator(project)
    IndicatorValue.objects.create(indicator=kept, due_on=D(2027, 1, 31), value=Decimal("3"))
    with pytest.raises(CallError) as error:
        indicators.indicator_delete(actor=project.lead, dossier=project.dossier, indicator=kept)
    assert "ne peut plus être supprimé" in str(error.value)
    assert Indicator.objects.filter(pk=kept.pk).exists()
    gone = _indicator(project, label="Réunions")
    indicators.indicator_delete(actor=project.lead, dossier=project.dossier, indicator=gone)
    assert not Indicator.objects.filter(pk=gone.pk).exists()


def test_the_schedule_is_frozen_once_values_are_entered(project):
    """The frequency of an indicator with a value no longer changes (its label does)."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    IndicatorValue.objects.create(indicator=indicator, due_on=D(2027, 3, 31), value=Decimal("3"))
    with pytest.raises(CallError):
        _save(project, indicator=indicator, frequency_months=1)
    _save(project, indicator=indicator, label="Agents actifs")
    indicator.refresh_from_db()
    assert (indicator.label, indicator.frequency_months) == ("Agents actifs", 3)


# --- entering and reviewing values --------------------------------------------------------------


def _enter(project, indicator, due_on, value="12", actor=None, today=TODAY, comment=""):
    return indicators.indicator_value_enter(
        actor=actor or project.team,
        dossier=project.dossier,
        indicator=indicator,
        due_on=due_on,
        value=value,
        comment=comment,
        today=today,
    )


def test_a_value_for_a_date_not_in_the_schedule_is_refused(project):
    """15 April is not a due date of a quarterly indicator from 31 March: French refusal."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    with pytest.raises(CallError) as error:
        _enter(project, indicator, D(2027, 4, 15))
    assert "n'est pas une échéance" in str(error.value)
    assert not IndicatorValue.objects.exists()


def test_values_for_dates_come_and_the_next_one_only(project):
    """On 15 June, the 31 March and 30 June values may be entered (the next upcoming one), not
    the 30 September one."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    _enter(project, indicator, D(2027, 3, 31))
    _enter(project, indicator, D(2027, 6, 30))
    with pytest.raises(CallError) as error:
        _enter(project, indicator, D(2027, 9, 30))
    assert "pas encore ouverte" in str(error.value)
    assert IndicatorValue.objects.count() == 2


def test_a_value_is_edited_until_reviewed_then_frozen(project):
    """The team changes its value until the SGAR officer reviews it; then it is refused."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    value = _enter(project, indicator, D(2027, 3, 31), "12")
    _enter(project, indicator, D(2027, 3, 31), "13,5", comment="Corrigé")
    value.refresh_from_db()
    assert (value.value, value.comment) == (Decimal("13.50"), "Corrigé")
    sgar = AgentFactory(sgar=True)
    indicators.indicator_value_review(
        actor=sgar, dossier=project.dossier, value=value, comment="Conforme au rapport."
    )
    value.refresh_from_db()
    assert value.reviewed_by == sgar and value.review_comment == "Conforme au rapport."
    with pytest.raises(CallError) as error:
        _enter(project, indicator, D(2027, 3, 31), "99")
    assert "examinée" in str(error.value)
    value.refresh_from_db()
    assert value.value == Decimal("13.50")
    assert DossierEvent.objects.filter(action="indicator_value_reviewed").count() == 1


@pytest.mark.parametrize("bad", ["douze", "", "1,2,3", "Infinity", "1" * 20])
def test_a_non_numeric_value_is_refused(project, bad):
    """A value that is not a number (or too large): French refusal, nothing saved."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    with pytest.raises(CallError) as error:
        _enter(project, indicator, D(2027, 3, 31), bad)
    assert "nombre" in str(error.value)
    assert not IndicatorValue.objects.exists()


def test_a_value_of_another_dossier_is_not_reviewed_here(project):
    """Reviewing another dossier's value through this dossier: not found."""
    other = running_project()
    value = IndicatorValue.objects.create(
        indicator=_indicator(other), due_on=D(2027, 1, 31), value=Decimal("1")
    )
    with pytest.raises(CallError) as error:
        indicators.indicator_value_review(
            actor=project.manager, dossier=project.dossier, value=value
        )
    assert error.value.code == "not_found"


# --- who may do what: the matrix on the services --------------------------------------------------

WHO = ["lead", "sponsor", "team", "partner", "manager", "cdc", "sgar", "outsider"]
# While the project runs (« en cours »).
MATRIX = """
ability  lead sponsor team partner manager cdc sgar outsider
define   yes  yes     no   no      yes     no  no   no
enter    yes  yes     yes  no      no      no  no   no
review   no   no      no   no      yes     no  yes  no
read     yes  yes     yes  no      yes     yes yes  no
"""


def _matrix():
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header = lines[0][1:]
    return [
        (ability, who, answer == "yes")
        for ability, *answers in lines[1:]
        for who, answer in zip(header, answers, strict=True)
    ]


def person(project, who):
    if who == "sgar":
        return AgentFactory(sgar=True)
    return getattr(project, who)


def _try(ability, project, actor, indicator):
    if ability == "define":
        _save(project, actor=actor, label="Défini")
    elif ability == "enter":
        _enter(project, indicator, D(2027, 3, 31), actor=actor)
    elif ability == "review":
        value = IndicatorValue.objects.create(
            indicator=indicator, due_on=D(2027, 6, 30), value=Decimal("1")
        )
        indicators.indicator_value_review(actor=actor, dossier=project.dossier, value=value)
    else:
        from calls.permissions import dossier_abilities

        if not dossier_abilities(actor, project.dossier).can_read_follow_up:
            raise CallError("", "forbidden")


@pytest.mark.parametrize(("ability", "who", "allowed"), _matrix())
def test_who_may_do_what_on_the_services(project, ability, who, allowed):
    """Each cell of the matrix: the service does it, or refuses as forbidden."""
    indicator = _indicator(project, first=D(2027, 3, 31), months=3)
    actor = person(project, who)
    if allowed:
        _try(ability, project, actor, indicator)
    else:
        with pytest.raises(CallError) as error:
            _try(ability, project, actor, indicator)
        assert error.value.code == "forbidden"


def test_indicators_are_defined_while_laureate_not_once_closed():
    """The lead defines indicators of a laureate project (before the convention is signed);
    values are entered only while it runs; nothing is defined once it is closed."""
    project = selected_project()
    indicator = _save(project, first_due_on=D(2027, 3, 31))
    with pytest.raises(CallError) as error:
        _enter(project, indicator, D(2027, 3, 31), actor=project.lead)
    assert error.value.code == "forbidden"
    project.dossier = at_state(project.dossier, S.CLOSED)
    with pytest.raises(CallError):
        _save(project, label="Trop tard")


# --- late values --------------------------------------------------------------------------------


def test_late_values_are_the_passed_due_dates_without_a_value(project):
    """On 15 June: 31 January… 31 May are due; those without a value are late; 15 June itself
    (a due date of another indicator) is not late yet."""
    monthly = _indicator(project, first=D(2027, 1, 31), months=1)
    today_due = _indicator(project, first=D(2027, 6, 15), months=12, label="Annuel")
    IndicatorValue.objects.create(indicator=monthly, due_on=D(2027, 2, 28), value=Decimal("1"))
    late = indicators.late_for(project.dossier, TODAY)
    assert [(indicator.pk, day) for indicator, day in late] == [
        (monthly.pk, D(2027, 1, 31)),
        (monthly.pk, D(2027, 3, 31)),
        (monthly.pk, D(2027, 4, 30)),
        (monthly.pk, D(2027, 5, 31)),
    ]
    assert today_due.pk not in {indicator.pk for indicator, _day in late}


def test_nothing_is_late_before_the_project_runs_or_once_closed():
    """A laureate not yet signed and a closed project have nothing late."""
    project = running_project(starts_on=D(2027, 1, 1))
    _indicator(project, first=D(2027, 1, 31))
    assert indicators.late_for(project.dossier, TODAY)
    project.dossier = at_state(project.dossier, S.CLOSED)
    assert indicators.late_for(project.dossier, TODAY) == []
    laureate = selected_project()
    _indicator(laureate, first=D(2027, 1, 31))
    assert indicators.late_for(laureate.dossier, TODAY) == []


def test_late_by_dossier_costs_the_same_queries_for_1_or_6_dossiers():
    """The follow-up board reads every project's late values in at most 3 queries, whatever
    their number."""
    projects = [running_project(starts_on=D(2027, 1, 1)) for _ in range(6)]
    for project in projects:
        _indicator(project, first=D(2027, 1, 31))
        _indicator(project, first=D(2027, 3, 31), months=3, label="Trimestriel")
    counts = []
    for size in (1, 6):
        ids = [project.dossier.pk for project in projects[:size]]
        with CaptureQueriesContext(connection) as queries:
            late = indicators.late_by_dossier(ids, TODAY)
        counts.append(len(queries))
        assert set(late) == set(ids)
        assert all(len(pairs) == 5 + 1 for pairs in late.values())
    assert counts[0] == counts[1] <= 3


def test_deleting_an_indicator_is_in_the_audit_trail(project):
    """The deletion of an indicator leaves its own line (« indicator_deleted », with its label)
    in the dossier's trail."""
    gone = _indicator(project, label="Réunions du réseau")
    indicators.indicator_delete(actor=project.lead, dossier=project.dossier, indicator=gone)
    event = DossierEvent.objects.get(action="indicator_deleted")
    assert (event.dossier_id, event.actor, event.comment) == (
        project.dossier.pk,
        project.lead,
        "Réunions du réseau",
    )
