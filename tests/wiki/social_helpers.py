"""Helpers of the wiki's social tests (following, notifications, moderation, export, personal
data): pages made and edited through the real services (``wiki.services``), so that the receivers
under test run exactly as they do after a real save."""

import pytest

from tests.factories import MembershipFactory
from wiki import services


def member(community, agent=None, **traits):
    """An agent with a membership of ``community`` (active member unless ``traits`` say)."""
    if agent is None:
        return MembershipFactory(community=community, **traits).agent
    MembershipFactory(community=community, agent=agent, **traits)
    return agent


def create(community, author, title="Procédure de crise", body="Le texte.", **fields):
    return services.page_create(community=community, agent=author, title=title, body=body, **fields)


def edit(page, agent, body, summary="", title=None):
    """A plain edit of the page's current revision; the revision written."""
    page.refresh_from_db()
    saved = services.page_save(
        page=page,
        agent=agent,
        title=title or page.title,
        body=body,
        summary=summary,
        base_number=page.last_number,
    )
    return saved.revision


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): …``: what the block queues on commit (the fan-out) runs when it
    ends, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def no_failed_tasks():
    """Fail the test if the fan-out task failed (the immediate backend records it silently)."""
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
