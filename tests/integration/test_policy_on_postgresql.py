"""The permission policy and the communities' services on a real PostgreSQL.

The querysets of the policy (EXISTS subqueries), the row locks of the services and the unique
constraints behave differently across database engines: the same test files that run on SQLite
in the fast suite run again here, in a child pytest, against the PostgreSQL server started by
tests/integration/conftest.py (pytest-django creates and drops its own test database there).
"""

import pytest

from tests.integration.servers import passed_count, pytest_on_postgresql

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
    # The chat's row lock on the room, UPDATE … RETURNING and the read-position upsert.
    "tests/chat/test_services.py",
    "tests/chat/test_permissions.py",
]


def test_policy_and_services_pass_on_postgresql(postgresql_server, tmp_path):
    """The permission matrix, the services and the secret-leak tests all pass on PostgreSQL."""
    output = pytest_on_postgresql(
        postgresql_server, SUITES, dbname="maillage_policy", var_dir=tmp_path
    )
    # The suites ran there in full: no file skipped or collected empty.
    assert passed_count(output) >= 752, output[-2000:]
