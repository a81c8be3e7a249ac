"""Query plans and cached counts on a real PostgreSQL.

Some tests pin how PostgreSQL's planner reads a query (an index, no sort, no scan of a whole
table) and are skipped on SQLite; the directory's cached counts are keyed on the counting
queries' SQL, which PostgreSQL writes differently. Their files run again here, in a child pytest,
against the PostgreSQL server started by tests/integration/conftest.py.
"""

import pytest

from tests.integration.servers import passed_count, pytest_on_postgresql

pytestmark = pytest.mark.integration

SUITES = [
    # A long topic's first page through the (topic, number) index.
    "tests/forums/test_query_counts.py",
    "tests/directory/test_whole_counts.py",
    # A skill filter through the GIN index of the stored tags; the tags kept on PostgreSQL too.
    "tests/directory/test_facet_tags.py",
]


def test_query_plans_pass_on_postgresql(postgresql_server, tmp_path):
    """The planner tests run (none skipped) and pass, and so do the cached counts' tests."""
    output = pytest_on_postgresql(
        postgresql_server, SUITES, dbname="maillage_plans", var_dir=tmp_path
    )
    # The suites ran there in full, the PostgreSQL-only test included.
    assert passed_count(output) >= 26, output[-2000:]
    assert "skipped" not in output.strip().splitlines()[-1], output[-2000:]
