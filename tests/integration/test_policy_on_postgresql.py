"""The permission policy and the communities' services on a real PostgreSQL.

The querysets of the policy (EXISTS subqueries), the row locks of the services and the unique
constraints behave differently across database engines: the same test files that run on SQLite
in the fast suite run again here, in a child pytest, against the PostgreSQL server started by
tests/integration/conftest.py (pytest-django creates and drops its own test database there).
"""

import subprocess

import pytest

from tests.integration.servers import PYTHON, ROOT, django_env

pytestmark = pytest.mark.integration

SUITES = [
    "tests/communities/test_permissions.py",
    "tests/communities/test_services.py",
    "tests/communities/test_secret_leak.py",
    # Contact-detail privacy (EXISTS in SQL) and endorsements (the unique constraint decides).
    "tests/directory/test_privacy.py",
    "tests/directory/test_endorsements.py",
    # The « whom to meet » ranking is hand-assembled SQL: it must run on both engines.
    "tests/directory/test_suggestions.py",
    "tests/directory/test_org_pages.py",
]


def test_policy_and_services_pass_on_postgresql(postgresql_server, tmp_path):
    """The permission matrix, the services and the secret-leak tests all pass on PostgreSQL."""
    url = (
        f"postgres://{postgresql_server.user}@{postgresql_server.host}:"
        f"{postgresql_server.port}/maillage_policy"
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
    # The header printed by tests/conftest.py names the engine the child ran on.
    assert "database: django.db.backends.postgresql" in result.stdout
