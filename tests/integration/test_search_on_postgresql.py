"""The directory's search on a real PostgreSQL.

The database backend relies on behaviour that differs across engines: ``LIKE`` case rules,
``STRPOS`` for relevance, a UNION of reference tables, GROUP BY with CASE. The same test files
that run on SQLite in the fast suite run again here, in a child pytest, against the PostgreSQL
server started by tests/integration/conftest.py.
"""

import subprocess

import pytest

from tests.integration.servers import PYTHON, ROOT, django_env

pytestmark = pytest.mark.integration

SUITES = ["tests/search", "tests/directory/test_search.py"]


def test_search_passes_on_postgresql(postgresql_server, tmp_path):
    """The search API and the search page tests all pass on PostgreSQL."""
    url = (
        f"postgres://{postgresql_server.user}@{postgresql_server.host}:"
        f"{postgresql_server.port}/maillage_search"
    )
    env = django_env("maillage.settings.test", DATABASE_URL=url, MAILLAGE_VAR_DIR=tmp_path)
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--create-db", *SUITES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"{summary}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    assert "passed" in summary and "failed" not in summary
    assert "database: django.db.backends.postgresql" in result.stdout
