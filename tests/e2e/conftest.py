"""Browser tests: the platform served by a real Daphne process, driven by the system Chromium.

Playwright's sync API is used directly, never pytest-playwright's browser fixtures, so that no
browser is ever downloaded: Chromium is the Debian package's (/usr/bin/chromium). The fixtures
are named ``chromium`` and ``web_page`` so as not to shadow pytest-playwright's.

On failure, a screenshot of the page goes to test-results/<test name>.png (git-ignored).
"""

import contextlib
import os
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.integration.servers import (
    PYTHON,
    ROOT,
    Daphne,
    django_env,
    get_json,
    manage,
    migrated_sqlite_database,
)

CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "test-results"
TIMEOUT_MS = 30_000  # generous: CI machines are shared and Daphne runs beside the browser
expect.set_options(timeout=TIMEOUT_MS)

_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, for the page fixture to see a failure."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@contextlib.contextmanager
def task_worker(env, log_path):
    """The background-task worker beside the server, as ``make run`` starts it (the search's
    indexing, e-mails…); stopped with it."""
    with open(log_path, "w") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


@pytest.fixture(scope="package")
def maillage_server(request, tmp_path_factory):
    """Daphne serving maillage.asgi:application (as ``make run`` does) with the demo data and
    the background-task worker; its base URL.

    The embedded default: a migrated temporary SQLite database, the in-memory channel layer, the
    database's search. With ``MAILLAGE_E2E_STACK=scale-out`` (``make test-e2e-scale-out``), the
    same browser tests run on the scale-out stack instead: a throw-away PostgreSQL server, a
    Redis (channel layer and cache), both started here from the installed binaries, and the
    session's OpenSearch node for the search."""
    folder = tmp_path_factory.mktemp("e2e")
    with contextlib.ExitStack() as stack:
        if os.environ.get("MAILLAGE_E2E_STACK", "embedded") == "scale-out":
            from bench.chat import Redis
            from bench.postgresql import ThrowAwayPostgreSQL

            redis_server = stack.enter_context(Redis(folder))
            postgresql = stack.enter_context(ThrowAwayPostgreSQL())
            variables = {
                "DATABASE_URL": postgresql.create_database("maillage_e2e"),
                "REDIS_URL": redis_server.url,
                "OPENSEARCH_URL": request.getfixturevalue("opensearch_url"),
                # An index of this package's own on the session's node.
                "SEARCH_INDEX": f"maillage-e2e-{folder.name.lower()}",
            }
            env = django_env("maillage.settings.dev", MAILLAGE_VAR_DIR=folder, **variables)
            manage("migrate", "--noinput", env=env, timeout=600)
        else:
            database = migrated_sqlite_database(folder / "e2e.sqlite3", tmp_path_factory)
            env = django_env(
                "maillage.settings.dev",
                DATABASE_URL=f"sqlite:///{database}",
                # Uploaded photos and e-mail files go to the temporary folder.
                MAILLAGE_VAR_DIR=folder,
            )
        manage("load_demo_data", env=env)
        stack.enter_context(task_worker(env, folder / "worker.log"))
        with Daphne(env=env, log_path=folder / "daphne.log") as server:
            status, body = get_json(f"{server.url}/healthz")
            assert status == 200, f"/healthz: {body}\n{server.log()}"
            yield server.url


@pytest.fixture(scope="package")
def chromium():
    """The system Chromium, headless, for the browser tests.

    Package scope, not session: while Playwright's sync API runs, the main thread has a running
    asyncio loop, which breaks ``asyncio.run`` and makes Django refuse database access
    (SynchronousOnlyOperation) in every test after. It must stop with the last browser test.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run bin/system-packages --check.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _browser_page(request, chromium, base_url, *, screenshot_suffix=""):
    """A page in a fresh browser context (no cookies), relative URLs on ``base_url``; a
    screenshot goes to test-results/ when the test fails."""
    context = chromium.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name) + screenshot_suffix
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
            print(f"No screenshot for {name}: {error}")  # noqa: T201
    context.close()


@pytest.fixture
def web_page(request, chromium, maillage_server):
    """A page in a fresh browser context (no cookies), with relative URLs on the server."""
    yield from _browser_page(request, chromium, maillage_server)


@pytest.fixture
def second_page(request, chromium, maillage_server):
    """A page in a second, separate browser context: another person on another computer."""
    yield from _browser_page(request, chromium, maillage_server, screenshot_suffix="-second")
