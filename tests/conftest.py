import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings

from tests.factories import AgentFactory
from tests.personas import Personas

# The OpenSearch node (``opensearch_url``), for any test folder.
pytest_plugins = ["tests.engine"]

PASSWORD = "maillage-demo"


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and lockouts live in the cache and the database: start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def agent(db):
    return AgentFactory(email="agent@dreal.gouv.fr", first_name="Anne", last_name="Martin")


@pytest.fixture
def other_agent(db):
    return AgentFactory(email="autre@ddt.gouv.fr", first_name="Bruno", last_name="Durand")


@pytest.fixture
def platform_admin(db):
    return AgentFactory(email="admin@sgar.gouv.fr", platform_admin=True)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def make_personas(db):
    """``make_personas(private_listed=True)`` (``CommunityFactory`` traits; an open community by
    default) or ``make_personas(community=…)``: a ``tests.personas.Personas``, one agent per state
    towards that community, for the permission matrices."""
    return Personas


@pytest.fixture
def personas(make_personas):
    """The ``tests.personas.Personas`` of a fresh open community (every tool on)."""
    return make_personas()


@dataclass
class CapturedEffects:
    """What ran on commit inside one ``capture_effects()`` block (``maillage.effects``)."""

    published: list = field(default_factory=list)  # (group, event)
    mailed: list = field(default_factory=list)  # {"to", "template", "context"}
    indexed: list = field(default_factory=list)  # the objects
    failed: list = field(default_factory=list)  # (name, exception)

    def mailed_to(self, address):
        return [mail for mail in self.mailed if mail["to"] == address]


@pytest.fixture
def capture_effects(django_capture_on_commit_callbacks):
    """``with capture_effects() as effects: …``: what the block queues on commit runs when it
    ends, as after a real commit, and ``effects`` lists the side effects that ran
    (``maillage.effects``: events published, e-mails queued, objects indexed). Nothing is faked:
    the events reach the channel layer, the e-mails the test outbox. An effect that failed fails
    the test, unless the test cleared ``effects.failed``."""
    from maillage import effects as kernel

    captures = []

    @contextmanager
    def capture():
        captured = CapturedEffects()
        captures.append(captured)

        def listener(what, details):
            if what == "published":
                captured.published.append((details["group"], details["event"]))
            elif what == "mailed":
                captured.mailed.append(details)
            elif what == "indexed":
                captured.indexed.append(details["obj"])
            elif what == "failed":
                captured.failed.append((details["name"], details["error"]))

        with kernel.listening(listener), django_capture_on_commit_callbacks(execute=True):
            yield captured

    yield capture
    assert [failure for captured in captures for failure in captured.failed] == []


def pytest_configure(config):
    """The suite searches on the database whatever the shell exports: an ``OPENSEARCH_URL`` (or
    ``SEARCH_URL``, ``ELASTICSEARCH_URL``, ``SEARCH_BACKEND``) left in a developer's environment
    would send every search of the in-process tests to that node. The engine's tests name their
    node themselves (``opensearch_url``, which the variable still selects, tests/engine.py), and
    the servers the integration tests start get a scrubbed environment of their own."""
    settings.SEARCH_ENGINE = "database"
    settings.SEARCH_ENGINE_URL = ""
    settings.SEARCH_BACKEND = "database"


def pytest_report_header(config):
    return (
        f"settings: {settings.SETTINGS_MODULE}, database: {settings.DATABASES['default']['ENGINE']}"
    )
