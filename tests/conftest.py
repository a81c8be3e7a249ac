import shutil

import pytest
from django.conf import settings

from tests.factories import AgentFactory

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


def pytest_report_header(config):
    return (
        f"settings: {settings.SETTINGS_MODULE}, database: {settings.DATABASES['default']['ENGINE']}"
    )
