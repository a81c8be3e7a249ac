"""The reminder of an indicator's value missing at its due date (R59, ``calls.indicators.
reminders_tick``): sent the day after the due date (Paris time), once whatever the ticks, to the
project's team, never for a value entered in time or a closed project; and run by the platform's
scheduler under its registered name."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from calls import indicators
from calls.models import Dossier, DossierEvent, Indicator, IndicatorReminder, IndicatorValue
from notifications.models import Notification
from tests.calls.factories import at_state
from tests.calls.follow_up_factories import running_project

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime.date(2027, 3, 31)


def paris(day, hour=0, minute=5):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def plus(days):
    return DUE + datetime.timedelta(days=days)


@pytest.fixture
def project():
    project = running_project(starts_on=datetime.date(2027, 1, 1), months=24)
    project.indicator = Indicator.objects.create(
        dossier=project.dossier,
        label="Agents inscrits",
        unit="agents",
        baseline=Decimal("10"),
        frequency_months=3,
        first_due_on=DUE,
    )
    return project


def tick(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return indicators.reminders_tick(at)


def recipients(kind="call_indicator_due"):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_reminded_the_day_after_once_to_the_team(project, django_capture_on_commit_callbacks):
    """Nothing on the due date (at 23:59 in Paris), one reminder the day after (at 00:05 in
    Paris, still the due date in UTC), none again on D+2 or on another tick:
    a reminder row, an audit line and a notification to the sponsor, the lead and the team (not
    the partner, not the managers), linking to the indicators page."""
    capture = django_capture_on_commit_callbacks
    assert tick(paris(DUE, 23, 59), capture) == 0
    assert tick(paris(plus(1)), capture) == 1
    assert tick(paris(plus(1), 12), capture) == 0
    assert tick(paris(plus(2)), capture) == 0
    assert list(IndicatorReminder.objects.values_list("indicator_id", "due_on")) == [
        (project.indicator.pk, DUE)
    ]
    assert (
        DossierEvent.objects.filter(dossier=project.dossier, action="indicator_reminder").count()
        == 1
    )
    assert recipients() == {project.sponsor.pk, project.lead.pk, project.team.pk}
    notification = Notification.objects.filter(kind="call_indicator_due").first()
    assert notification.url == reverse(
        "calls:indicators", args=[project.call.slug, project.dossier.pk]
    )
    assert "Agents inscrits" in notification.summary
    assert "31 mars 2027" in notification.summary


def test_a_value_entered_in_time_sends_no_reminder(project, django_capture_on_commit_callbacks):
    """The team enters its value on the due date: no reminder the day after."""
    indicators.indicator_value_enter(
        actor=project.team,
        dossier=project.dossier,
        indicator=project.indicator,
        due_on=DUE,
        value="14",
        today=DUE,
    )
    assert tick(paris(plus(1)), django_capture_on_commit_callbacks) == 0
    assert not IndicatorReminder.objects.exists()
    assert recipients() == set()


def test_a_closed_project_is_not_reminded(project, django_capture_on_commit_callbacks):
    """A closed project's missing values: no reminder (a project whose final report is
    submitted still runs: reminded)."""
    project.dossier = at_state(project.dossier, Dossier.State.CLOSED)
    assert tick(paris(plus(1)), django_capture_on_commit_callbacks) == 0
    project.dossier = at_state(project.dossier, Dossier.State.FINAL_REPORT)
    assert tick(paris(plus(1)), django_capture_on_commit_callbacks) == 1


def test_a_reminder_already_recorded_is_not_sent_again(project, django_capture_on_commit_callbacks):
    """A reminder row written by another scheduler: this one sends nothing more."""
    IndicatorReminder.objects.create(indicator=project.indicator, due_on=DUE)
    assert tick(paris(plus(1)), django_capture_on_commit_callbacks) == 0
    assert recipients() == set()


def test_after_a_downtime_each_missing_date_is_reminded_once(
    project, django_capture_on_commit_callbacks
):
    """Two due dates passed during a downtime (31 March and 30 June, one entered): one
    reminder, for the missing one."""
    IndicatorValue.objects.create(indicator=project.indicator, due_on=DUE, value=Decimal("12"))
    assert tick(paris(datetime.date(2027, 7, 2)), django_capture_on_commit_callbacks) == 1
    assert list(IndicatorReminder.objects.values_list("due_on", flat=True)) == [
        datetime.date(2027, 6, 30)
    ]


def test_the_scheduler_runs_the_registered_tick(project, django_capture_on_commit_callbacks):
    """``manage.py scheduler --once --only calls.indicator_reminders`` sends the reminder the
    day after the due date (the job is registered under that name), and nothing a second time."""
    out = StringIO()
    with (
        time_machine.travel(paris(plus(1)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("scheduler", "--once", "--only", "calls.indicator_reminders", stdout=out)
        call_command("scheduler", "--once", "--only", "calls.indicator_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "calls.indicator_reminders : 1",
        "calls.indicator_reminders : 0",
    ]
    assert IndicatorReminder.objects.count() == 1
    assert recipients() == {project.sponsor.pk, project.lead.pk, project.team.pk}
