"""The OpenSearch node fixture, a pytest plugin that tests/conftest.py registers so that every
test folder can ask for it.

``opensearch_url`` is started once per session, on first use only (bin/opensearch-node:
assembled from Maven Central into the cache the first time), or taken from ``OPENSEARCH_URL``.
"""

import pytest

from tests.integration.servers import start_opensearch


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory):
    """The URL of a real single-node OpenSearch 2.19.6 (``http://127.0.0.1:<port>``)."""
    with start_opensearch(tmp_path_factory) as url:
        yield url
