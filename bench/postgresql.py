"""A throw-away PostgreSQL server for the benchmarks, started from the installed binaries.

The same recipe as the integration tests' fixture (tests/integration/conftest.py): initdb and
pg_ctl in a temporary folder through pytest-postgresql's executor, on a free port of 127.0.0.1,
as the ``postgres`` (or ``nobody``) account through ``runuser`` when run as root, since initdb
refuses to run as root. The PostgreSQL packages' own cluster, if any, is left alone. Stopped and
deleted on exit.
"""

import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path


class PostgreSQLUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start."""


def pg_ctl_path():
    """The newest /usr/lib/postgresql/<version>/bin/pg_ctl, else pg_ctl on the PATH."""
    installed = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if installed:
        return max(installed, key=lambda path: int(Path(path).parent.parent.name))
    found = shutil.which("pg_ctl")
    if found is None:
        raise PostgreSQLUnavailable("pg_ctl not found: install PostgreSQL (bin/system-packages).")
    return found


def _unprivileged_account():
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgreSQLUnavailable("Running as root, but neither 'postgres' nor 'nobody' exists.")


class ThrowAwayPostgreSQL:
    """``with ThrowAwayPostgreSQL() as server: server.database_url("maillage_bench")``."""

    def __init__(self):
        self.executor = None
        self.data_root = None
        self.wrapper_dir = None

    def __enter__(self):
        from port_for import select_random
        from pytest_postgresql.executors import PostgreSQLExecutor

        pg_ctl = pg_ctl_path()
        account = _unprivileged_account()
        self.data_root = Path(tempfile.mkdtemp(prefix="maillage-bench-postgresql-"))
        executable = pg_ctl
        if account is not None:
            os.chown(self.data_root, account.pw_uid, account.pw_gid)
            # The wrapper lives in a folder of root's own: the server's account must not be able
            # to change what root runs.
            self.wrapper_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-pg-ctl-"))
            wrapper = self.wrapper_dir / "pg_ctl"
            wrapper.write_text(
                "#!/bin/sh\n"
                f"cd {shlex.quote(str(self.data_root))} || exit 1\n"
                f'exec runuser -u {shlex.quote(account.pw_name)} -- {shlex.quote(pg_ctl)} "$@"\n'
            )
            wrapper.chmod(0o755)
            executable = str(wrapper)
        self.executor = PostgreSQLExecutor(
            executable=executable,
            host="127.0.0.1",
            port=select_random(),
            datadir=str(self.data_root / "data"),
            unixsocketdir=str(self.data_root),
            logfile=str(self.data_root / "postgresql.log"),
            startparams="-w",
            dbname="maillage",
            user="postgres",
            # Durability off, as in the integration tests: it speeds up the bulk load and the
            # migrations; the measured requests only read.
            postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            timeout=120,
        )
        try:
            self.executor.start()
        except Exception as error:
            log = self.data_root / "postgresql.log"
            text = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
            self.__exit__(None, None, None)
            raise PostgreSQLUnavailable(f"PostgreSQL did not start ({pg_ctl}):\n{text}") from error
        return self

    @property
    def version(self):
        return str(self.executor.version)

    def create_database(self, name):
        """Create an empty database ``name``; return its DATABASE_URL."""
        import time

        import psycopg
        from psycopg import sql

        for attempt in range(60):
            # pg_ctl -w may return while the server still answers « starting up ».
            try:
                connection = psycopg.connect(
                    host=self.executor.host,
                    port=self.executor.port,
                    user=self.executor.user,
                    dbname="postgres",
                    autocommit=True,
                )
                break
            except psycopg.OperationalError as error:
                if "starting up" not in str(error) or attempt == 59:
                    raise
                time.sleep(0.5)
        with connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"postgres://{self.executor.user}@{self.executor.host}:{self.executor.port}/{name}"

    def __exit__(self, *exc_info):
        try:
            if self.executor is not None and self.executor.running():
                self.executor.stop()
        except (subprocess.SubprocessError, OSError) as error:
            print(f"PostgreSQL did not stop cleanly: {error}")  # noqa: T201
        if self.data_root is not None:
            shutil.rmtree(self.data_root, ignore_errors=True)
        if self.wrapper_dir is not None:
            shutil.rmtree(self.wrapper_dir, ignore_errors=True)
