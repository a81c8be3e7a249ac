"""The plumbing of ``--directory-engine``: the option, the child run's command, the node's
environment and the engine's column in the side-by-side table."""

import json
import os
from contextlib import contextmanager

from bench import __main__ as bench_main
from bench import directory


def test_the_directory_stays_on_the_database_by_default():
    assert bench_main.parse_args([]).directory_engine == "database"
    args = bench_main.parse_args(["--only", "directory", "--directory-engine", "opensearch"])
    assert args.directory_engine == "opensearch"


def test_the_postgresql_child_is_asked_for_the_engine(monkeypatch, tmp_path):
    commands = []

    class Server:
        version = "15"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def create_database(self, name):
            return f"postgres://127.0.0.1/{name}"

    def fake_run(command, **kwargs):
        commands.append(command)
        path = command[command.index("--json") + 1]
        report = {"engine": "PostgreSQL", "rows": [], "more": [{"engine": "OpenSearch"}]}
        with open(path, "w") as out:
            json.dump(report, out)

        class Done:
            returncode = 0

        return Done()

    monkeypatch.setattr("bench.postgresql.ThrowAwayPostgreSQL", Server)
    monkeypatch.setattr(bench_main.subprocess, "run", fake_run)
    args = bench_main.parse_args(
        ["--only", "directory", "--directory-engine", "opensearch", "--search-heap", "1g"]
    )
    report = bench_main._directory_on_postgresql(args, tmp_path)
    command = commands[0]
    assert command[command.index("--directory-engine") + 1] == "opensearch"
    assert command[command.index("--search-heap") + 1] == "1g"
    assert report["more"] == [{"engine": "OpenSearch"}]


def test_the_node_is_started_only_where_the_directory_is_measured(monkeypatch, tmp_path):
    started = []

    @contextmanager
    def fake_node(engines, workdir, args):
        started.append(engines)
        yield "http://127.0.0.1:9999"

    monkeypatch.setattr("bench.search._opensearch", fake_node)
    for name in ("OPENSEARCH_URL", "SEARCH_BACKEND"):
        # Set then removed: what the test sets in the environment is undone after it.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    # The default run on SQLite leaves the engine to its child on PostgreSQL.
    parent = bench_main.parse_args(["--only", "directory", "--directory-engine", "opensearch"])
    with bench_main._directory_engine_node(parent, ["directory"], tmp_path):
        pass
    assert started == []
    child = bench_main.parse_args(
        ["--only", "directory", "--directory-engine", "opensearch", "--database", "postgres://x"]
    )
    with bench_main._directory_engine_node(child, ["directory"], tmp_path):
        assert os.environ["OPENSEARCH_URL"] == "http://127.0.0.1:9999"
        # The database's figures first: the benchmark switches to the engine itself.
        assert os.environ["SEARCH_BACKEND"] == "database"
    assert started == [["opensearch"]]


def _row(name, p50, p95, queries):
    return {"name": name, "p50": p50, "p95": p95, "queries": queries, "results": 10}


def test_the_engine_has_its_column_and_its_target(capsys):
    base = directory.BASELINE
    reports = [
        {
            "engine": "PostgreSQL",
            "agents": 82000,
            "load": 1.0,
            "rows": [_row(base, 2, 3, 2), _row("API : vide", 60, 90, 8)],
        },
        {
            "engine": "OpenSearch",
            "agents": 82000,
            "load": 1.0,
            "rows": [_row(base, 2, 3, 2), _row("API : vide", 30, 60, 7)],
        },
    ]
    directory.print_comparison(reports)
    out = capsys.readouterr().out
    assert "OpenSearch p50" in out
    assert "8/7" in out  # each engine's SQL queries when they differ
    assert "Objectif p95 < 100 ms sur PostgreSQL : atteint" in out
    assert "Objectif p95 < 50 ms sur OpenSearch : MANQUÉ" in out
