"""The search engine node fixtures, a pytest plugin that tests/conftest.py registers so that
every test folder can ask for them.

``opensearch_url`` and ``elasticsearch_url`` are each started once per session, on first use
only (bin/opensearch-node, bin/elasticsearch-node: assembled from Maven Central into the cache
the first time), or taken from ``OPENSEARCH_URL`` / ``ELASTICSEARCH_URL``.
"""

import pytest

from tests.integration.servers import start_elasticsearch, start_opensearch


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory):
    """The URL of a real single-node OpenSearch 2.19.6 (``http://127.0.0.1:<port>``)."""
    with start_opensearch(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def elasticsearch_url(tmp_path_factory):
    """The URL of a real single-node Elasticsearch 9.5.3 (``http://127.0.0.1:<port>``)."""
    with start_elasticsearch(tmp_path_factory) as url:
        yield url
