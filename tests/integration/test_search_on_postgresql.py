"""The directory's search on a real PostgreSQL.

The database backend relies on behaviour that differs across engines: ``LIKE`` case rules,
``STRPOS`` for relevance, a UNION of reference tables, GROUP BY with CASE. The same test files
that run on SQLite in the fast suite run again here, in a child pytest, against the PostgreSQL
server started by tests/integration/conftest.py.
"""

import pytest

from tests.integration.servers import passed_count, pytest_on_postgresql

pytestmark = pytest.mark.integration

SUITES = ["tests/search", "tests/directory/test_search.py"]


def test_search_passes_on_postgresql(postgresql_server, tmp_path):
    """The search API and the search page tests all pass on PostgreSQL."""
    output = pytest_on_postgresql(
        postgresql_server, SUITES, dbname="maillage_search", var_dir=tmp_path
    )
    # The suites ran there in full: no file skipped or collected empty.
    assert passed_count(output) >= 90, output[-2000:]
