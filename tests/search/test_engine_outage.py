"""The engine down or frozen: every call says ``SearchUnavailable`` within the timeout, what
changed stays queued (``PendingIndex``), and the queue is indexed once the engine is back.

On a closed port, and on a real node of this module's own, OpenSearch then Elasticsearch: frozen
with SIGSTOP (a slow engine: the client's timeout), then stopped and started again on the same
data."""

import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.utils import timezone

from directory.models import Region
from search import registry
from search.backends import SearchUnavailable, register_documents
from search.backends.engine import ElasticsearchBackend, OpenSearchBackend
from search.documents import Document
from search.indexing import drain, queue
from search.models import PendingIndex
from search.registry import SearchType
from tests.integration.servers import ElasticsearchNode, OpenSearchNode, free_port
from tests.search.contract import ask, doc, found

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TIMEOUT = 1.0
# What « at once » allows beyond the client's timeout.
SLACK = 1.0
TYPE = "outage_region"


def region_document(region):
    return Document(
        type=TYPE,
        id=region.pk,
        title=f"Région {region.name}",
        body=f"Les services de l'État en région {region.name}.",
        url=f"/regions/{region.code}/",
        access=frozenset({"internal"}),
        date=timezone.now(),
        region=region.code,
    )


@pytest.fixture
def region_type(monkeypatch):
    """A searchable type of the test's own (the regions, present after migrating), known to
    the registry for the test only: indexing reads it, no signal is wired."""
    monkeypatch.setitem(
        registry._types,
        TYPE,
        SearchType(
            name=TYPE,
            label="Région",
            model=Region,
            queryset=lambda: Region.objects.all(),
            document=region_document,
        ),
    )
    return TYPE


def queue_regions(codes):
    """PendingIndex rows for the regions ``codes``, as the on-commit side effects write them."""
    regions = list(Region.objects.filter(code__in=codes))
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(type=TYPE, object_id=region.pk, queued_at=now) for region in regions]
    )
    return regions


@contextmanager
def answers_within(seconds):
    """The block raises SearchUnavailable, in less than ``seconds``."""
    started = time.monotonic()
    with pytest.raises(SearchUnavailable):
        yield
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"SearchUnavailable after {elapsed:.1f} s"


def every_call(backend, *, rebuild=True):
    """Each operation of a backend, ready to call (a rebuild's requests may take minutes: a
    frozen engine keeps it waiting that long)."""
    calls = {
        "search": lambda: backend.search(ask("réunion")),
        "upsert": lambda: backend.upsert([doc(1, "Réunion")]),
        "delete": lambda: backend.delete([("wiki_page", 1)]),
        "count": backend.count,
        "clear": backend.clear,
        "refresh": backend.refresh,
    }
    if rebuild:
        calls["rebuild"] = lambda: backend.rebuild(iter([[doc(1, "Réunion")]]))
    return calls


@pytest.fixture(params=["opensearch", "elasticsearch"])
def engine_class(request):
    """Each engine's backend (Elasticsearch's when its client is installed)."""
    if request.param == "elasticsearch":
        pytest.importorskip("elasticsearch", reason="pip install 'maillage[elasticsearch]'")
        return ElasticsearchBackend
    return OpenSearchBackend


def test_a_closed_port_is_unavailable_at_once(region_type, engine_class):
    """Nobody listening: every call raises SearchUnavailable at once (whichever client), and
    draining the queue keeps its rows."""
    backend = engine_class(
        url=f"http://127.0.0.1:{free_port()}", index="maillage-outage", timeout=TIMEOUT
    )
    for _name, call in every_call(backend).items():
        with answers_within(TIMEOUT + SLACK):
            call()
    queue_regions(["53", "28"])
    with answers_within(SLACK):
        drain(backend=backend)
    assert PendingIndex.objects.count() == 2


def test_saving_goes_on_while_the_engine_is_down(
    region_type, settings, caplog, django_capture_on_commit_callbacks
):
    """With the configured engine down, queueing a change (what saving content does on
    commit) runs the indexing task, which says the engine is unavailable and raises nothing;
    the row waits for the engine."""
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_ENGINE_URL = f"http://127.0.0.1:{free_port()}"
    settings.SEARCH_TIMEOUT = TIMEOUT
    # The backend made of these settings, not one cached by an earlier test.
    register_documents("opensearch", OpenSearchBackend)
    try:
        region = Region.objects.get(code="53")
        with django_capture_on_commit_callbacks(execute=True):
            queue([(TYPE, region.pk)])
        assert list(PendingIndex.objects.values_list("type", "object_id")) == [(TYPE, region.pk)]
        assert "the index is unavailable" in caplog.text
    finally:
        register_documents("opensearch", OpenSearchBackend)


# --- a real node, frozen then stopped -----------------------------------------------------------


NODES = {
    "opensearch": (OpenSearchNode, OpenSearchBackend),
    "elasticsearch": (ElasticsearchNode, ElasticsearchBackend),
}


@pytest.fixture(scope="module", params=list(NODES))
def node(request, tmp_path_factory):
    """A node of this module's own, of each engine: the tests freeze and stop it."""
    node_class, _backend_class = NODES[request.param]
    folder = tmp_path_factory.mktemp(f"{request.param}-outage")
    node = node_class(data_dir=folder / "node", log_path=folder / "node.log", heap="256m")
    node.engine = request.param
    node.start()
    yield node
    if node.process is not None and node.process.poll() is None:
        os.kill(node.node_pid, signal.SIGCONT)
    node.stop()


@pytest.fixture
def engine(node):
    backend = NODES[node.engine][1](
        url=node.url, index="maillage-outage", timeout=TIMEOUT, refresh=True
    )
    if node.engine == "elasticsearch":
        # No reindex module on bin/elasticsearch-node's node, hence no clear().
        backend.drop()
    else:
        backend.clear()
    return backend


@contextmanager
def frozen(node):
    """The node's JVM stopped (SIGSTOP): connections open, nothing answers."""
    pid = node.node_pid
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_frozen_node_times_out_and_the_queue_waits(node, engine, region_type):
    """A node that accepts connections but does not answer: searching and indexing raise
    SearchUnavailable after the timeout, not later; the queue keeps its rows and is indexed
    when the node answers again."""
    bretagne, normandie = queue_regions(["53", "28"])
    with frozen(node):
        for _name, call in every_call(engine, rebuild=False).items():
            with answers_within(TIMEOUT + SLACK):
                call()
        with answers_within(TIMEOUT + SLACK):
            drain(backend=engine)
        assert PendingIndex.objects.count() == 2
    assert drain(backend=engine) == 2
    assert PendingIndex.objects.count() == 0
    # (What timed out may still have been done once the node woke up — the clear() above —
    # so only the queue's documents are checked.)
    assert found(engine, "services région") == {
        f"{TYPE}:{bretagne.pk}",
        f"{TYPE}:{normandie.pk}",
    }


def test_a_stopped_node_then_back(node, engine, region_type):
    """The node stopped: every call is unavailable at once and the queue waits; started again
    on the same data, it has kept what it had and drain() indexes what was queued meanwhile."""
    engine.upsert([doc(1, "Réunion")])
    node.stop()
    try:
        (bretagne,) = queue_regions(["53"])
        for _name, call in every_call(engine).items():
            with answers_within(SLACK):
                call()
        with answers_within(SLACK):
            drain(backend=engine)
        assert PendingIndex.objects.count() == 1
    finally:
        node.start()
    assert drain(backend=engine) == 1
    assert PendingIndex.objects.count() == 0
    assert found(engine, "bretagne") == {f"{TYPE}:{bretagne.pk}"}
    assert found(engine, "réunion") == {"wiki_page:1"}
