"""A platform of a test module's own, for the browser tests whose accounts must change nothing
another browser test sees, or that run the background tasks when they want them made: Daphne on
a migrated SQLite database with the demo data, and the pages its agents browse it in.

In a test module::

    @pytest.fixture(scope="module")
    def platform(tmp_path_factory):
        yield from demo_platform(tmp_path_factory, "forum")

    asker = platform_page("asker")
"""

import contextlib
import os

import pytest

from tests.e2e.conftest import _browser_page
from tests.integration.servers import Daphne, django_env, get_json, manage, migrated_sqlite_database


class Platform:
    """The running platform: its base URL, and the environment its commands run with."""

    def __init__(self, url, env):
        self.url, self.env = url, env

    def run_tasks(self):
        """Run the queued background tasks (the notifications' fan-out, the documents'
        thumbnails and texts) once."""
        manage(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", env=self.env, timeout=300
        )


def demo_platform(tmp_path_factory, name, *, scale_out=False, **variables):
    """Yield a ``Platform``: a migrated SQLite database ``<name>.sqlite3`` in a temporary folder
    ``e2e-<name>``, the demo data loaded, one Daphne serving it whose /healthz answers 200.
    ``variables`` are more settings for its environment (``DOCUMENTS_MAX_FILE_BYTES=…``).

    ``scale_out``: when ``MAILLAGE_E2E_STACK=scale-out`` (``make test-e2e-scale-out``), a
    throw-away PostgreSQL server and a Redis instead, started here from the installed binaries,
    as the shared platform of tests/e2e/conftest.py does (a module opts in once it passes
    there)."""
    folder = tmp_path_factory.mktemp(f"e2e-{name}")
    with contextlib.ExitStack() as stack:
        if scale_out and os.environ.get("MAILLAGE_E2E_STACK", "embedded") == "scale-out":
            from bench.chat import Redis
            from bench.postgresql import ThrowAwayPostgreSQL

            redis_server = stack.enter_context(Redis(folder))
            postgresql = stack.enter_context(ThrowAwayPostgreSQL())
            env = django_env(
                "maillage.settings.dev",
                DATABASE_URL=postgresql.create_database(f"maillage_e2e_{name}"),
                REDIS_URL=redis_server.url,
                MAILLAGE_VAR_DIR=folder,
                **variables,
            )
            manage("migrate", "--noinput", env=env, timeout=600)
        else:
            database = migrated_sqlite_database(folder / f"{name}.sqlite3", tmp_path_factory)
            env = django_env(
                "maillage.settings.dev",
                DATABASE_URL=f"sqlite:///{database}",
                MAILLAGE_VAR_DIR=folder,
                **variables,
            )
        manage("load_demo_data", env=env)
        with Daphne(env=env, log_path=folder / "daphne.log") as server:
            status, body = get_json(f"{server.url}/healthz")
            assert status == 200, f"/healthz: {body}\n{server.log()}"
            yield Platform(server.url, env)


def platform_page(name, *, screenshot_suffix=None):
    """A fixture ``name``: a page in a fresh browser context on the module's ``platform``; its
    screenshot on failure ends in ``-<name>`` (or ``screenshot_suffix`` when given)."""
    suffix = f"-{name}" if screenshot_suffix is None else screenshot_suffix

    @pytest.fixture(name=name)
    def page(request, chromium, platform):
        yield from _browser_page(request, chromium, platform.url, screenshot_suffix=suffix)

    return page
