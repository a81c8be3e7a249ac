"""Keeping the index true (``search.indexing``): saving and deleting index on commit through the
queue and its task, an index that does not answer catches up when it is back, and a rebuild
(``manage.py search_reindex``) swaps the index without emptying it."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command

from search import backends
from search.backends import SearchUnavailable
from search.backends.database import DatabaseBackend
from search.documents import EVERYTHING
from search.indexing import count_all, drain, queue, rebuild
from search.models import PendingIndex
from search.tasks import index_pending
from tests.factories import CommunityFactory
from tests.search.contract import ask, doc, found

pytestmark = pytest.mark.django_db


class OutageBackend(DatabaseBackend):
    """The database backend, except that it does not answer while ``down`` is set: what an
    engine that is down or too slow looks like to the indexing."""

    down = False

    def _check(self):
        if type(self).down:
            raise SearchUnavailable("the index is down (test)")

    def upsert(self, documents):
        self._check()
        super().upsert(documents)

    def delete(self, keys):
        self._check()
        super().delete(keys)

    def search(self, request):
        self._check()
        return super().search(request)


@pytest.fixture
def outage(settings):
    """The index of the settings is an OutageBackend, up at first."""
    backends.register_documents("outage", OutageBackend)
    settings.SEARCH_ENGINE = "outage"
    OutageBackend.down = False
    yield OutageBackend
    OutageBackend.down = False
    backends.DOCUMENT_BACKENDS.pop("outage", None)
    backends._document_backend.cache_clear()


def everything(text):
    return found(DatabaseBackend(), text, access=EVERYTHING)


def community_key(community):
    return f"community:{community.pk}"


def test_saving_indexes_on_commit_through_the_queue(django_capture_on_commit_callbacks):
    """A community saved is queued and indexed once its transaction commits, not before; the
    queue is empty after."""
    with django_capture_on_commit_callbacks() as callbacks:
        community = CommunityFactory(name="Réseau bathymétrie")
        assert everything("bathymétrie") == set()
    assert everything("bathymétrie") == set()
    for callback in callbacks:
        callback()
    assert everything("bathymetrie") == {community_key(community)}
    assert not PendingIndex.objects.exists()


def test_a_change_replaces_the_document_and_a_removal_removes_it(
    django_capture_on_commit_callbacks, caplog
):
    """Renaming reindexes the new words only; deleting the object (and what it cascades to)
    takes it out of the index once committed, every indexer running without an error."""
    with django_capture_on_commit_callbacks(execute=True):
        community = CommunityFactory(name="Réseau bathymétrie")
    key = community_key(community)
    with django_capture_on_commit_callbacks(execute=True):
        community.name = "Réseau océanographie"
        community.save()
    assert everything("bathymétrie") == set()
    assert everything("océanographie") == {key}
    with django_capture_on_commit_callbacks(execute=True):
        community.delete()
    assert everything("océanographie") == set()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert key not in everything("réseau")


def test_drain_indexes_what_is_pending_and_removes_what_no_longer_exists(
    django_capture_on_commit_callbacks,
):
    """drain() builds the queued documents from the database; an id that is gone (or a type
    no longer registered) is deleted from the index; the rows it did are removed."""
    community = CommunityFactory(name="Réseau bathymétrie")
    backend = DatabaseBackend()
    backend.clear()
    backend.upsert(
        [
            doc(987654, "Bathymétrie fantôme", type="community"),
            doc(5, "Bathymétrie orpheline", type="retired_type"),
        ]
    )
    PendingIndex.objects.all().delete()
    now = community.created_at
    PendingIndex.objects.bulk_create(
        [
            PendingIndex(type="community", object_id=community.pk, queued_at=now),
            PendingIndex(type="community", object_id=987654, queued_at=now),
            PendingIndex(type="retired_type", object_id=5, queued_at=now),
        ]
    )
    assert drain(backend=backend, batch=2) == 3
    assert everything("bathymétrie") == {community_key(community)}
    assert not PendingIndex.objects.exists()


def test_an_index_that_does_not_answer_catches_up_when_back(
    outage, django_capture_on_commit_callbacks, caplog
):
    """While the index is down, saving still works and the rows stay queued (the task logs a
    warning); once it is back, the next run of the task indexes them."""
    outage.down = True
    with (
        caplog.at_level(logging.WARNING, logger="search.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        community = CommunityFactory(name="Réseau bathymétrie")
    assert "unavailable" in caplog.text
    assert PendingIndex.objects.filter(type="community", object_id=community.pk).exists()
    with pytest.raises(SearchUnavailable):
        drain()
    assert PendingIndex.objects.filter(type="community", object_id=community.pk).exists()
    with pytest.raises(SearchUnavailable):
        backends.document_backend().search(ask("bathymétrie", access=EVERYTHING))

    outage.down = False
    index_pending.enqueue()
    assert everything("bathymétrie") == {community_key(community)}
    assert not PendingIndex.objects.exists()


def test_queue_enqueues_the_task(django_capture_on_commit_callbacks):
    """queue() writes the rows and runs the task (at once in the tests' settings)."""
    community = CommunityFactory(name="Réseau bathymétrie")
    DatabaseBackend().clear()
    queue([("community", community.pk), ("community", community.pk)])
    assert everything("bathymétrie") == {community_key(community)}
    assert not PendingIndex.objects.exists()


def test_many_changes_wake_one_task_while_it_waits(settings):
    """With the worker's task queue (the database's), a burst of changes — a demo load, a bulk
    import — enqueues the indexing task once while the first rows wait, not once per save; a
    change after the queue was emptied wakes it again, and so does a row left too long by a task
    that died."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    communities = CommunityFactory.create_batch(3)
    DBTaskResult.objects.all().delete()
    PendingIndex.objects.all().delete()
    for community in communities:
        queue([("community", community.pk)])
    assert DBTaskResult.objects.count() == 1
    assert PendingIndex.objects.count() == 3
    drain()
    queue([("community", communities[0].pk)])
    assert DBTaskResult.objects.count() == 2
    PendingIndex.objects.update(queued_at=timezone.now() - timedelta(minutes=5))
    queue([("community", communities[1].pk)])
    assert DBTaskResult.objects.count() == 3


def test_with_tasks_run_at_once_every_change_drains(django_capture_on_commit_callbacks):
    """Where tasks run at once (no queue to share), a change is indexed at its commit even
    while an older row waits (left by an index that was down): both are done."""
    from django.utils import timezone

    waiting = CommunityFactory(name="Réseau hydrographie")
    PendingIndex.objects.create(type="community", object_id=waiting.pk, queued_at=timezone.now())
    DatabaseBackend().clear()
    with django_capture_on_commit_callbacks(execute=True):
        community = CommunityFactory(name="Réseau bathymétrie")
    assert everything("bathymetrie") == {community_key(community)}
    assert everything("hydrographie") == {community_key(waiting)}
    assert not PendingIndex.objects.exists()


def test_rebuild_keeps_the_same_documents_and_drops_the_stale_ones(
    django_capture_on_commit_callbacks,
):
    """A rebuild gives the same count and results as the index kept on commit, drops a
    document whose object is gone, and empties the queue of what was queued before it."""
    with django_capture_on_commit_callbacks(execute=True):
        communities = [CommunityFactory(name=f"Réseau bathymétrie {i}") for i in range(3)]
    backend = DatabaseBackend()
    rebuild(backend=backend)
    before = (backend.count(), everything("bathymétrie"))
    assert before[1] == {community_key(community) for community in communities}
    backend.upsert([doc(987654, "Bathymétrie fantôme", type="community")])
    PendingIndex.objects.create(
        type="community", object_id=communities[0].pk, queued_at=communities[0].created_at
    )
    seen = []
    total = rebuild(backend=backend, progress=seen.append, batch=2)
    assert (backend.count(), everything("bathymétrie")) == before
    assert total == backend.count() == seen[-1]
    assert seen == sorted(seen) and len(seen) > 1
    assert not PendingIndex.objects.exists()


def test_search_reindex_shows_its_progress(django_capture_on_commit_callbacks):
    """manage.py search_reindex rebuilds everything, a progress bar on stderr, the total on
    stdout; --batch must be positive."""
    CommunityFactory.create_batch(3)
    DatabaseBackend().clear()
    out, err = io.StringIO(), io.StringIO()
    call_command("search_reindex", batch=2, stdout=out, stderr=err)
    count = DatabaseBackend().count()
    assert count >= 3
    assert count == count_all()
    assert f"{count} documents indexés" in out.getvalue()
    assert err.getvalue().count("\r[") > 1
    assert f"{count} / {count} documents, 100 %" in err.getvalue()
    assert "documents/s" in err.getvalue()
    with pytest.raises(CommandError, match="--batch"):
        call_command("search_reindex", batch=0, stdout=out, stderr=err)


def test_search_reindex_if_outdated_leaves_the_database_index_alone():
    """The database's index is kept by its migrations: --if-outdated rebuilds nothing."""
    CommunityFactory(name="Réseau bathymétrie")
    DatabaseBackend().clear()
    out = io.StringIO()
    call_command("search_reindex", if_outdated=True, stdout=out, stderr=io.StringIO())
    assert "à jour" in out.getvalue()
    assert DatabaseBackend().count() == 0
