"""Real processes for the integration and browser tests: ``manage.py`` commands and Daphne.

Shared by tests/integration/ and tests/e2e/. Every process is started the way a developer starts
it (``make migrate``, ``make demo``, ``make run``), with an environment of the test's own: the
caller's DATABASE_URL, REDIS_URL and the like never leak into it.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import port_for

ROOT = Path(__file__).resolve().parents[2]
# The interpreter running pytest is the project's virtual environment's.
PYTHON = sys.executable

# Variables that would point a child process at another database, Redis, search engine or
# mailer than the test's own, or relax Django's checks inside the server under test.
_SCRUBBED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "MAILLAGE_VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def free_port():
    """A TCP port nobody listens on right now."""
    return port_for.select_random()


def django_env(settings, **variables):
    """The environment of a child Django process: ``settings`` module plus ``variables``."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(DJANGO_SETTINGS_MODULE=settings, PYTHONUNBUFFERED="1")
    env.update({key: str(value) for key, value in variables.items()})
    return env


def manage(*args, env, timeout=180):
    """Run ``manage.py *args``; return its standard output, or fail the test with its output."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result.stdout


def django_shell(code, *, env):
    """Run Python ``code`` in ``manage.py shell`` and return what it printed, stripped."""
    return manage("shell", "--no-imports", "-c", code, env=env).strip()


_migrated_sqlite = {}


def migrated_sqlite_database(path, tmp_path_factory):
    """Copy into ``path`` an SQLite database on which every migration ran.

    ``manage.py migrate`` (reference data and Wagtail home page included) runs once per test
    session; each caller gets a copy of its result.
    """
    if "template" not in _migrated_sqlite:
        folder = tmp_path_factory.mktemp("migrated-sqlite")
        template = folder / "template.sqlite3"
        manage(
            "migrate",
            "--noinput",
            env=django_env(
                "maillage.settings.dev",
                DATABASE_URL=f"sqlite:///{template}",
                MAILLAGE_VAR_DIR=folder,
            ),
        )
        # WAL mode: fold the write-ahead log into the file so that one file is a whole copy.
        with closing(sqlite3.connect(template)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _migrated_sqlite["template"] = template
    shutil.copyfile(_migrated_sqlite["template"], path)
    return path


def get_json(url, timeout=10):
    """GET ``url``; return (status, decoded JSON body), 4xx and 5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


class Daphne:
    """``python -m daphne … maillage.asgi:application`` as ``make run`` starts it."""

    def __init__(self, *, env, log_path, host="127.0.0.1"):
        self.env = env
        self.host = host
        self.port = free_port()
        self.log_path = Path(log_path)
        self.process = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self, timeout=60):
        """Start the server and wait until /healthz answers (whatever its status)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [
                    PYTHON,
                    "-m",
                    "daphne",
                    "-b",
                    self.host,
                    "-p",
                    str(self.port),
                    "--proxy-headers",
                    "maillage.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Daphne exited with {self.process.returncode} before answering:\n{self.log()}"
                )
            try:
                get_json(f"{self.url}/healthz", timeout=5)
                return self
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"Daphne did not answer on {self.url} within {timeout} s:\n{self.log()}"
                    ) from None
                time.sleep(0.2)

    def stop(self):
        """Stop the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self, last=4000):
        """The end of the server's output, to explain a failure."""
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def passed_count(output):
    """The number of tests a pytest run's output reports as passed."""
    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def pytest_on_postgresql(server, suites, *, dbname, var_dir, timeout=900):
    """Run test files of the fast suite again in a child pytest against ``server`` (pytest-django
    creates and drops its own test database there); fail with the child's output, else return it.
    """
    url = f"postgres://{server.user}@{server.host}:{server.port}/{dbname}"
    env = django_env("maillage.settings.test", DATABASE_URL=url, MAILLAGE_VAR_DIR=var_dir)
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--create-db", *suites],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"{summary}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    assert "passed" in summary and "failed" not in summary, summary
    # The header printed by tests/conftest.py names the engine the child ran on.
    assert "database: django.db.backends.postgresql" in result.stdout
    return result.stdout
