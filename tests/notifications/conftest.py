"""Shared helpers of the notifications tests.

- ``deliver(kind, recipients, target, …)`` runs the fan-out synchronously (``services.deliver``),
  as the background task does after the event's transaction commits;
- ``notifications_of(agent)`` lists the kinds an agent was notified of;
- ``make_notification(…)`` writes one notification row with an explicit ``created_at`` (the
  digests' tests use it with a fake clock);
- ``local(…)`` is an aware datetime in ``settings.TIME_ZONE``;
- ``session_headers(agent)`` are WebSocket handshake headers with a real session cookie.

Nothing here is autouse.
"""

from datetime import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from notifications import services
from notifications.models import Email, Notification

WS_HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def deliver(kind, recipients, target, *, community=None, actor=None, summary=None, url="/"):
    """The synchronous fan-out of one event (what the ``fan_out`` task runs)."""
    return services.deliver(
        kind=kind,
        recipient_ids=sorted({getattr(r, "pk", r) for r in recipients}),
        target_type_id=ContentType.objects.get_for_model(target).pk,
        target_id=target.pk,
        community_id=getattr(community, "pk", community),
        actor_id=getattr(actor, "pk", None),
        summary=summary or f"Événement {kind}",
        url=url,
    )


def notifications_of(agent, kind=None):
    qs = Notification.objects.filter(recipient=agent)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("kind", flat=True))


def local(*args):
    """``local(2026, 3, 26, 10, 0)``: that wall-clock time in settings.TIME_ZONE."""
    return timezone.make_aware(datetime(*args))


def make_notification(
    agent, kind, target, *, created_at, email=Email.DAILY, community=None, summary, in_app=True
):
    return Notification.objects.create(
        recipient=agent,
        kind=kind,
        summary=summary,
        url=f"/cible/{summary}/",
        community=community,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        created_at=created_at,
        in_app=in_app,
        email=email,
    )


def session_headers(agent):
    """Handshake headers carrying the session cookie of the agent, signed in for real."""
    client = Client()
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [*WS_HEADERS, (b"cookie", f"{cookie.key}={cookie.value}".encode())]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): …``: what the block queues on commit (the notifications' fan-out,
    the digests) runs when the block ends, as after a real commit."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def no_failed_tasks():
    """Fail the test if a background task failed: the immediate backend records a failure without
    raising, so a crash of the fan-out would otherwise look like "nobody was notified"."""
    from django.tasks.base import TaskResultStatus
    from django.tasks.signals import task_finished

    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result)

    task_finished.connect(record, weak=False)
    yield failures
    task_finished.disconnect(record)
    assert [(f.task.name, f.errors[-1].traceback) for f in failures] == []
