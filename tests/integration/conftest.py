"""Real servers for the integration tests: PostgreSQL (pytest-postgresql's executor and janitor)
and Redis (pytest-redis's ``redis_proc`` factory), each on a free port of 127.0.0.1.

Neither depends on a system-wide service: the PostgreSQL packages' own cluster (port 5432), if
any, is left alone.
"""

import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor
from pytest_redis import factories as redis_factories

from tests.integration.servers import free_port

# --- Redis -----------------------------------------------------------------------------------
REDIS_SERVER = (
    "/usr/bin/redis-server"
    if os.path.exists("/usr/bin/redis-server")
    else (shutil.which("redis-server") or "redis-server")
)
# port=None: a random free port.
redis_server = redis_factories.redis_proc(executable=REDIS_SERVER, port=None)


@pytest.fixture(scope="session")
def redis_url(redis_server):
    return f"redis://{redis_server.host}:{redis_server.port}/0"


# --- PostgreSQL ------------------------------------------------------------------------------
def _pg_ctl(config):
    """pg_ctl from --postgresql-exec, else the newest /usr/lib/postgresql/<version>/bin (the one
    bin/system-packages checks for), else the PATH."""
    chosen = config.getoption("postgresql_exec", default=None)
    if chosen:
        return chosen
    installed = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if installed:
        return max(installed, key=lambda path: int(Path(path).parent.parent.name))
    found = shutil.which("pg_ctl")
    if found is None:
        pytest.fail("pg_ctl not found: install PostgreSQL (bin/system-packages --check).")
    return found


def _unprivileged_account():
    """The system account the PostgreSQL server runs as when the tests run as root.

    initdb and pg_ctl refuse to run as root ("cannot be run as root"), and CI runs the tests
    as root. So, as root, every pg_ctl call goes through ``runuser -u <account>`` with a data
    folder owned by that account: ``postgres``, which the Debian package creates, or else
    ``nobody``, which every system has. As another user, pg_ctl runs as that user.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("Running as root, but neither a 'postgres' nor a 'nobody' account exists.")


@pytest.fixture(scope="session")
def postgresql_server(request):
    """A PostgreSQL server of its own (initdb in a temporary folder, trust authentication).

    pytest-postgresql's ``postgresql_proc`` factory cannot serve here: it puts the data folder
    under pytest's base temporary folder, which is private to root (mode 0700), so the
    unprivileged account the server must run as cannot reach it. Its executor and janitor do
    the work instead, on a folder that account owns, outside pytest's.
    """
    pg_ctl = _pg_ctl(request.config)
    account = _unprivileged_account()
    data_root = Path(tempfile.mkdtemp(prefix="maillage-postgresql-"))
    wrapper_dir = None
    executable = pg_ctl
    if account is not None:
        os.chown(data_root, account.pw_uid, account.pw_gid)
        # The wrapper lives in a folder of root's own: the server's account must not be able
        # to change what root runs.
        wrapper_dir = Path(tempfile.mkdtemp(prefix="maillage-pg-ctl-"))
        wrapper = wrapper_dir / "pg_ctl"
        wrapper.write_text(
            "#!/bin/sh\n"
            "# pg_ctl as the unprivileged account, from a folder it may enter.\n"
            f"cd {shlex.quote(str(data_root))} || exit 1\n"
            f'exec runuser -u {shlex.quote(account.pw_name)} -- {shlex.quote(pg_ctl)} "$@"\n'
        )
        wrapper.chmod(0o755)
        executable = str(wrapper)

    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=free_port(),
        datadir=str(data_root / "data"),
        unixsocketdir=str(data_root),
        logfile=str(data_root / "postgresql.log"),
        startparams="-w",
        dbname="maillage",
        user="postgres",
        # A throw-away cluster: no need to survive a power cut, and migrations run faster.
        postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        timeout=120,
    )
    try:
        try:
            executor.start()
        except Exception as error:
            log = data_root / "postgresql.log"
            text = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
            raise RuntimeError(f"PostgreSQL did not start ({pg_ctl}):\n{text}") from error
        yield executor
    finally:
        try:
            if executor.running():
                executor.stop()
        except (subprocess.SubprocessError, OSError) as error:
            print(f"PostgreSQL did not stop cleanly: {error}")  # noqa: T201
        shutil.rmtree(data_root, ignore_errors=True)
        if wrapper_dir is not None:
            shutil.rmtree(wrapper_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def postgresql_database_url(postgresql_server):
    """An empty database on that server, dropped after the module: its DATABASE_URL."""
    janitor = DatabaseJanitor(
        user=postgresql_server.user,
        host=postgresql_server.host,
        port=postgresql_server.port,
        dbname="maillage_integration",
        password=None,
    )
    janitor.drop()  # left over by an interrupted run against the same server: start clean
    with janitor:
        yield (
            f"postgres://{postgresql_server.user}@{postgresql_server.host}:"
            f"{postgresql_server.port}/maillage_integration"
        )
