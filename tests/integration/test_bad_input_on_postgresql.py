"""Bad input on a real PostgreSQL, which refuses NUL in text (``DataError``) where SQLite stores it
silently, and cannot encode a lone surrogate: the walk of every URL pattern and form, the named
addresses that answered 500 there, and the hostile WebSocket frames run again, in a child pytest,
against the PostgreSQL server started by tests/integration/conftest.py."""

import pytest

from tests.integration.servers import passed_count, pytest_on_postgresql

pytestmark = pytest.mark.integration

SUITES = [
    "tests/maillage/test_bad_input.py",
    "tests/maillage/test_text_input.py",
    "tests/chat/test_bad_input_pages.py",
    "tests/chat/test_consumer_bad_input.py",
]


def test_bad_input_is_refused_on_postgresql(postgresql_server, tmp_path):
    """No 500 and no write of invalid text on PostgreSQL either."""
    output = pytest_on_postgresql(
        postgresql_server, SUITES, dbname="maillage_bad_input", var_dir=tmp_path
    )
    # The suites ran there in full: no file skipped or collected empty.
    assert passed_count(output) >= 53, output[-2000:]
