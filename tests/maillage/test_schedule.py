"""The periodic jobs' registry and ``manage.py scheduler``: each job runs at its turn, a failing
job does not stop the others, the apps' jobs are registered, and the digests go out through it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from maillage import schedule

NOW = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the platform's restored afterwards."""
    monkeypatch.setattr(schedule, "_jobs", {})
    return schedule


def test_a_job_runs_then_waits_for_its_turn(registry):
    """A job runs at the first tick, not again before ``every`` seconds, then again."""
    runs = []
    registry.register("t.job", lambda now: runs.append(now) or 1, every=60)
    last = {}
    assert registry.run_due(NOW, last) == {"t.job": 1}
    assert registry.run_due(NOW + datetime.timedelta(seconds=59), last) == {}
    assert registry.run_due(NOW + datetime.timedelta(seconds=60), last) == {"t.job": 1}
    assert runs == [NOW, NOW + datetime.timedelta(seconds=60)]


def test_a_failing_job_does_not_stop_the_others(registry, caplog):
    """A job raising is logged and reported as None; the next job still runs."""

    def broken(now):
        raise RuntimeError("boom")

    registry.register("a.broken", broken)
    registry.register("b.fine", lambda now: 3)
    results = registry.run_due(NOW, {})
    assert results == {"a.broken": None, "b.fine": 3}
    assert "a.broken" in caplog.text


def test_registering_a_name_again_replaces_the_job(registry):
    """One job per name: the last registration wins."""
    registry.register("t.job", lambda now: 1)
    registry.register("t.job", lambda now: 2, every=10)
    assert [job.name for job in registry.jobs()] == ["t.job"]
    assert registry.run_due(NOW, {}) == {"t.job": 2}


def test_the_apps_register_their_jobs():
    """The digests and the calls' follow-up jobs are registered by their apps."""
    names = {job.name for job in schedule.jobs()}
    assert {
        "notifications.digests",
        "calls.indicator_reminders",
        "calls.retention_purge",
    } <= names


def test_the_command_runs_only_the_jobs_asked(registry):
    """``--only`` runs the named job once and leaves the others alone."""
    ran = []
    registry.register("t.first", lambda now: ran.append("first") or 1)
    registry.register("t.second", lambda now: ran.append("second") or 1)
    out = StringIO()
    call_command("scheduler", "--once", "--only", "t.second", stdout=out)
    assert ran == ["second"]
    assert "t.second : 1" in out.getvalue()


def test_the_command_refuses_an_unknown_job(registry):
    """An unknown job's name is said, and nothing runs."""
    ran = []
    registry.register("t.first", lambda now: ran.append(1) or 1)
    err = StringIO()
    call_command("scheduler", "--once", "--only", "t.nope", stderr=err)
    assert ran == []
    assert "t.nope" in err.getvalue()


@pytest.mark.django_db
def test_the_digests_go_out_through_the_scheduler(
    django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    """A notification waiting for the daily digest is e-mailed once the scheduler's job has
    queued its digest after 07:00 (the worker runs it at once in the tests), and only once,
    however many times the scheduler runs."""
    from notifications.models import DigestDelivery, Email
    from tests.factories import (
        AgentFactory,
        AnnouncementFactory,
        CommunityFactory,
        MembershipFactory,
    )
    from tests.notifications.conftest import local, make_notification

    community = CommunityFactory(name="Eau potable")
    anne = AgentFactory(email="anne@ddtm.gouv.fr")
    MembershipFactory(community=community, agent=anne)
    announcement = AnnouncementFactory(community=community)
    make_notification(
        anne,
        "announcement",
        announcement,
        created_at=local(2026, 3, 26, 10, 0),
        email=Email.DAILY,
        community=community,
        summary="Point d'étape",
    )
    time_machine.move_to(local(2026, 3, 27, 7, 5), tick=False)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "scheduler", "--once", "--only", "notifications.digests", stdout=StringIO()
            )
    assert DigestDelivery.objects.filter(agent=anne).count() == 1
    assert [message.to for message in mailoutbox] == [[anne.email]]
