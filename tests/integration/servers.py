"""Real processes for the integration and browser tests: ``manage.py`` commands, Daphne, nginx,
an OpenSearch node, an Elasticsearch node.

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
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
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
    "OPENSEARCH_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "MAILLAGE_VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_DEBUG",
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


def manage(*args, env, timeout=600):
    """Run ``manage.py *args``; return its standard output, or fail the test with its output.
    The timeout only catches a hang: every app's migrations took 3 min 18 s on a machine loaded
    by other runs, past the 180 s this used to allow."""
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


class _Server:
    """A server process of the test's own on ``host:port``, its output in ``log_path``."""

    name = "server"

    def __init__(self, *, log_path, host="127.0.0.1"):
        self.host = host
        self.port = free_port()
        self.log_path = Path(log_path)
        self.process = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def _wait_until_answering(self, timeout):
        """Wait until /healthz answers (whatever its status); stop the server and fail if not."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before answering:\n"
                    f"{self.log()}"
                )
            try:
                get_json(f"{self.url}/healthz", timeout=5)
                return self
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"{self.name} did not answer on {self.url} within {timeout} s:\n"
                        f"{self.log()}"
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


class Daphne(_Server):
    """``python -m daphne … maillage.asgi:application`` as ``make run`` and the Dockerfile start
    it: without ``--proxy-headers`` (the settings read X-Forwarded-For, maillage/net.py)."""

    name = "Daphne"

    def __init__(self, *, env, log_path, host="127.0.0.1"):
        super().__init__(log_path=log_path, host=host)
        self.env = env

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
                    "maillage.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self._wait_until_answering(timeout)


NGINX = (
    "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else (shutil.which("nginx") or "nginx")
)
NGINX_SITE = ROOT / "deploy" / "nginx.conf"

# The main configuration around deploy/nginx.conf (which docker-compose.yml mounts into the
# nginx image's http block): in the foreground, every file nginx writes in the test's folders.
NGINX_MAIN = """daemon off;
pid {folder}/nginx.pid;
error_log {log};
events {{}}
http {{
    log_format upstream '$remote_addr "$request" $status '
                        'xff="$http_x_forwarded_for" upstream=$upstream_addr';
    access_log {log} upstream;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


def nginx_site(upstreams, listen):
    """deploy/nginx.conf with its upstream's servers replaced by ``upstreams`` ("host:port")
    and its ``listen 80`` by ``listen``; fail if the file no longer has them."""
    site = NGINX_SITE.read_text()
    servers = "".join(f"    server {address};\n" for address in upstreams)
    site, replaced = re.subn(r"(?m)(^[ \t]*server web\d+:8000;\n)+", servers, site)
    assert replaced == 1, f"{NGINX_SITE}: no block of 'server webN:8000;' lines to replace"
    site, replaced = re.subn(r"(?m)^([ \t]*)listen 80;$", rf"\1listen {listen};", site)
    assert replaced == 1, f"{NGINX_SITE}: no 'listen 80;' line to replace"
    return site


class Nginx(_Server):
    """The system's nginx with the real deploy/nginx.conf in front of ``upstreams``
    ("host:port" of Daphne processes), listening on a free port of ``host``."""

    name = "nginx"

    def __init__(self, *, upstreams, log_path, host="127.0.0.1"):
        super().__init__(log_path=log_path, host=host)
        self.upstreams = list(upstreams)
        self.folder = None

    def start(self, timeout=30):
        """Start nginx and wait until /healthz answers through it (whatever its status)."""
        # Run as root, nginx's workers run as "nobody": they must reach their temporary
        # folders, which pytest's own (private to root) would forbid.
        self.folder = Path(tempfile.mkdtemp(prefix="maillage-nginx-"))
        self.folder.chmod(0o711)
        config = self.folder / "nginx.conf"
        config.write_text(
            NGINX_MAIN.format(
                folder=self.folder,
                log=self.log_path,
                site=nginx_site(self.upstreams, f"{self.host}:{self.port}"),
            )
        )
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [NGINX, "-e", str(self.log_path), "-p", str(self.folder), "-c", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self._wait_until_answering(timeout)

    def stop(self):
        """Stop nginx (fast shutdown) and remove its folder; safe to call twice."""
        super().stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def passed_count(output):
    """The number of tests a pytest run's output reports as passed."""
    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def pytest_on_postgresql(server, suites, *, dbname, var_dir, timeout=900):
    """Run test files of the fast suite again in a child pytest against ``server`` (pytest-django
    creates and drops its own test database there); fail with the child's output, else return it.
    The integration tests among them (an engine's, which do not read the database) are left to
    the main run.
    """
    url = f"postgres://{server.user}@{server.host}:{server.port}/{dbname}"
    env = django_env("maillage.settings.test", DATABASE_URL=url, MAILLAGE_VAR_DIR=var_dir)
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--create-db",
            "-m",
            "not integration",
            *suites,
        ],
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


OPENSEARCH_NODE = ROOT / "bin" / "opensearch-node"


class OpenSearchNode(_Server):
    """A single OpenSearch node of the test's own (bin/opensearch-node: the distribution
    assembled from Maven Central once, in the cache), its data in ``data_dir``."""

    name = "OpenSearch"
    script = OPENSEARCH_NODE

    def __init__(self, *, data_dir, log_path, heap="512m"):
        super().__init__(log_path=log_path)
        self.data_dir = Path(data_dir)
        self.heap = heap

    @property
    def node_pid(self):
        """The pid of the node's JVM (what SIGSTOP freezes): the process started here."""
        return self.process.pid

    def fetch(self, timeout=900):
        """Assemble the distribution unless the cache holds it (the first run downloads it)."""
        result = subprocess.run(
            [self.script, "fetch"], capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"bin/{self.script.name} fetch exited with {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )

    def start(self, timeout=180):
        """Start the node in the foreground of its own process and wait until its cluster is at
        least yellow; fail fast with the end of its log if it exits first."""
        self.fetch()
        with self.log_path.open("ab") as log:
            # bin/opensearch-node hands its process over to java (exec): the process this
            # object stops is the node's.
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [
                    self.script,
                    "start",
                    "--port",
                    str(self.port),
                    "--data",
                    str(self.data_dir),
                    "--heap",
                    self.heap,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before answering:\n"
                    f"{self.log()}"
                )
            try:
                status, answer = get_json(health, timeout=5)
                if status == 200 and answer.get("status") in {"green", "yellow"}:
                    return self
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{self.name} was not yellow on {self.url} within {timeout} s:\n{self.log()}"
                )
            time.sleep(0.25)

    def stop(self):
        """Stop the node (SIGTERM, then SIGKILL after 20 s: it flushes its shards first)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_opensearch(tmp_path_factory, heap="512m"):
    """``with start_opensearch(tmp_path_factory) as url:`` an OpenSearch node's URL: the node
    ``OPENSEARCH_URL`` names if set (left running), else a node of the block's own on a free
    port of 127.0.0.1 with a temporary data folder, stopped when the block ends."""
    return _started(OpenSearchNode, "OPENSEARCH_URL", tmp_path_factory, heap)


@contextmanager
def _started(node_class, variable, tmp_path_factory, heap):
    if os.environ.get(variable):
        yield os.environ[variable].rstrip("/")
        return
    folder = tmp_path_factory.mktemp(node_class.name.lower())
    node = node_class(
        data_dir=folder / "node", log_path=folder / f"{node_class.name.lower()}.log", heap=heap
    )
    node.start()
    try:
        yield node.url
    finally:
        node.stop()


ELASTICSEARCH_NODE = ROOT / "bin" / "elasticsearch-node"


class ElasticsearchNode(OpenSearchNode):
    """A single Elasticsearch 9 node of the test's own (bin/elasticsearch-node: assembled from
    Maven Central once, in the cache), its data in ``data_dir``. The process this object starts
    and stops is the script's, the node's parent: SIGTERM reaches the node through it, and the
    node stops by itself if its parent dies."""

    name = "Elasticsearch"
    script = ELASTICSEARCH_NODE

    @property
    def node_pid(self):
        """The pid of the node's JVM: the one child of the process started here."""
        pid = self.process.pid
        (child,) = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(child)


def start_elasticsearch(tmp_path_factory, heap="512m"):
    """``with start_elasticsearch(tmp_path_factory) as url:`` an Elasticsearch node's URL: the
    node ``ELASTICSEARCH_URL`` names if set (left running), else a node of the block's own on a
    free port of 127.0.0.1 with a temporary data folder, stopped when the block ends."""
    return _started(ElasticsearchNode, "ELASTICSEARCH_URL", tmp_path_factory, heap)
