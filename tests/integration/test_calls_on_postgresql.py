"""The calls for projects on a real PostgreSQL: the same test files that run on SQLite in the
fast suite (the permission matrix and its querysets, the services with their row locks, the
pages, the demo) run again here, in a child pytest, against the PostgreSQL server started by
tests/integration/conftest.py."""

import pytest

from tests.integration.servers import passed_count, pytest_on_postgresql

pytestmark = pytest.mark.integration

SUITES = ["tests/calls"]


def test_calls_pass_on_postgresql(postgresql_server, tmp_path):
    """Every test of the calls passes on PostgreSQL, none skipped."""
    output = pytest_on_postgresql(
        postgresql_server, SUITES, dbname="maillage_calls", var_dir=tmp_path
    )
    assert passed_count(output) >= 300, output[-3000:]
    assert " skipped" not in output.splitlines()[-1], output[-3000:]
