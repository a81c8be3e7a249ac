"""Run the benchmarks on throw-away databases with the demo data.

make bench            # or: .venv/bin/python -m bench
python -m bench --only directory --agents 2000      # a quick run of one benchmark
python -m bench --only directory --directory-engine opensearch   # its searches on the engine too
python -m bench --only chat --chat-agents 50        # the chat benchmark alone, smaller
python -m bench --only forums --forum-posts 100000  # the forums benchmark, smaller
python -m bench --only wiki --wiki-pages 2000 --wiki-revisions 10000   # the wiki's, smaller
python -m bench --only documents --documents-files 2000                # the library's, smaller
python -m bench --only ideas --ideas-count 10000 --ideas-supports 200000  # the idea boxes', smaller
python -m bench --only search --search-documents 200000   # the search over everything, smaller

The pages run on SQLite. The directory benchmark runs on SQLite in this process, then on a
throw-away PostgreSQL server (bench/postgresql.py) in a child process, ``python -m bench --only
directory --database postgres://…``, so that Django reads its settings afresh; the figures of both
are then printed side by side. With ``--directory-engine opensearch`` the PostgreSQL run also starts
an OpenSearch node (bench/search.py's, or the one ``OPENSEARCH_URL`` names), rebuilds the index and
measures the same searches with ``SEARCH_BACKEND = "engine"`` (bench/directory_engine.py), printed
as a third column. The chat benchmark (bench/chat.py) starts its own servers (Daphne,
Redis, PostgreSQL, a minimal broadcast server) and a load generator, each in a process of its own.
The forums benchmark (bench/forums.py) runs on a throw-away PostgreSQL only, in a child process
``python -m bench --only forums --database postgres://…``. So do the wiki's (bench/wiki.py) and
the document library's (bench/documents.py) and the idea boxes' (bench/ideas.py), each on a
server of its own. The search benchmark (bench/search.py) runs on a throw-away PostgreSQL and an
OpenSearch node of its own, both backends in one child process.
"""

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCHMARKS = ("pages", "directory", "chat", "forums", "wiki", "documents", "ideas", "search")
ON_POSTGRESQL_ONLY = ("wiki", "documents", "ideas")
ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="repeatable")
    parser.add_argument(
        "--agents", type=int, default=20000, help="agents of the directory benchmark"
    )
    parser.add_argument(
        "--database",
        help="a DATABASE_URL to run on instead of a throw-away SQLite file (PostgreSQL: no "
        "second engine is started then)",
    )
    parser.add_argument(
        "--no-postgresql", action="store_true", help="the directory benchmark on SQLite only"
    )
    parser.add_argument("--json", help="write the directory benchmark's report to this file")
    parser.add_argument(
        "--directory-engine",
        choices=("database", "opensearch"),
        default="database",
        help="opensearch: also measure the directory's searches on an OpenSearch node, after the "
        "database, on PostgreSQL (or on --database); the node's heap is --search-heap",
    )
    parser.add_argument(
        "--chat-agents", type=int, default=200, help="agents connected in the chat benchmark"
    )
    parser.add_argument(
        "--chat-rate", type=float, default=50.0, help="messages per second sent in all (chat)"
    )
    parser.add_argument(
        "--chat-readers",
        type=int,
        default=0,
        help="agents who report their read position as the browser does (chat)",
    )
    parser.add_argument(
        "--chat-seconds", type=float, default=10.0, help="measured seconds, after warm-up (chat)"
    )
    parser.add_argument(
        "--forum-posts", type=int, default=1_000_000, help="posts of the forums benchmark"
    )
    parser.add_argument(
        "--forum-topics", type=int, default=None, help="topics (forums; default: posts / 20)"
    )
    parser.add_argument("--forum-communities", type=int, default=500, help="communities (forums)")
    parser.add_argument(
        "--forum-explain",
        action="store_true",
        help="EXPLAIN ANALYZE the slowest queries of the forum pages that miss their target",
    )
    parser.add_argument("--wiki-pages", type=int, default=20_000, help="pages (wiki)")
    parser.add_argument("--wiki-revisions", type=int, default=100_000, help="revisions (wiki)")
    parser.add_argument(
        "--wiki-long-revisions", type=int, default=1000, help="revisions of the long page (wiki)"
    )
    parser.add_argument(
        "--documents-files", type=int, default=10_000, help="files of the big folder (documents)"
    )
    parser.add_argument("--ideas-count", type=int, default=100_000, help="ideas (ideas)")
    parser.add_argument("--ideas-supports", type=int, default=2_000_000, help="supports (ideas)")
    parser.add_argument(
        "--search-documents", type=int, default=1_000_000, help="documents indexed (search)"
    )
    parser.add_argument(
        "--search-runs", type=int, default=100, help="runs of each search measured (search)"
    )
    parser.add_argument(
        "--search-engine",
        choices=("database", "opensearch"),
        action="append",
        help="the backends measured (search; repeatable, default both)",
    )
    parser.add_argument("--search-heap", default="2g", help="the OpenSearch node's heap (search)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN ANALYZE the slowest queries of the wiki, documents and ideas pages and of "
        "the directory's searches that miss their target",
    )
    return parser.parse_args(argv)


# Set in the environment of a benchmark run on a throw-away PostgreSQL by the parent run.
CHILD = "MAILLAGE_BENCH_CHILD"


def main(argv=None):
    args = parse_args(argv)
    selected = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    try:
        os.environ["DATABASE_URL"] = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["MAILLAGE_VAR_DIR"] = str(workdir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.test")
        os.environ["LOG_LEVEL"] = "WARNING"  # one log line per request would drown the figures
        sys.path.insert(0, str(ROOT))
        forums_here = "forums" in selected and (args.database or "").startswith("postgres")
        tools_here = (args.database or "").startswith("postgres") and any(
            tool in selected for tool in ON_POSTGRESQL_ONLY
        )
        if "pages" in selected or "directory" in selected or forums_here or tools_here:
            with _directory_engine_node(args, selected, workdir):
                _in_process(args, selected, workdir)
        if "forums" in selected and not forums_here:
            _forums_on_postgresql(args, workdir)
        for tool in ON_POSTGRESQL_ONLY:
            if tool in selected and not tools_here:
                _tool_on_postgresql(tool, args)
        if "search" in selected:
            from bench import search

            search.main(args, workdir)
        if "chat" in selected:
            from bench import chat

            chat.run(
                agents=args.chat_agents,
                rate=args.chat_rate,
                seconds=args.chat_seconds,
                readers=args.chat_readers,
                workdir=workdir / "chat",
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not os.environ.get(CHILD):
        print(f"\nBenchmarks terminés en {time.perf_counter() - started:.0f} s.")


def _in_process(args, selected, workdir):
    """The pages and directory benchmarks, in this process, on the demo data."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    # One line per background task (the demo data's and the benchmarks' notifications) would
    # drown the figures.
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    if args.directory_engine != "database":
        # The client logs every 404 (« no alias yet ») as a warning: noise among the figures.
        logging.getLogger("opensearch").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo_data", stdout=devnull)

    if "pages" in selected:
        from bench import pages

        pages.run()

    if "directory" in selected:
        from bench import directory

        on_engine = args.directory_engine != "database" and _directory_engine_here(args)
        report = directory.run(
            agents=args.agents, engine=engine, search_engine=on_engine, explain=args.explain
        )
        if args.json:
            Path(args.json).write_text(json.dumps(report))
        reports = [report, *report.pop("more", [])]
        if engine == "SQLite" and not args.database and not args.no_postgresql:
            other = _directory_on_postgresql(args, workdir)
            if other is not None:
                reports += [other, *other.pop("more", [])]
        # A child run's parent prints its figures with its own.
        if not args.json or (len(reports) > 1 and not os.environ.get(CHILD)):
            directory.print_comparison(reports)

    if "forums" in selected and engine == "PostgreSQL":
        from bench import forums

        forums.run(
            communities=args.forum_communities,
            topics=args.forum_topics,
            posts=args.forum_posts,
            explain=args.forum_explain,
        )

    if "wiki" in selected and engine == "PostgreSQL":
        from bench import wiki

        wiki.run(
            pages=args.wiki_pages,
            revisions=args.wiki_revisions,
            long_revisions=args.wiki_long_revisions,
            explain=args.explain,
        )

    if "documents" in selected and engine == "PostgreSQL":
        from bench import documents

        documents.run(files=args.documents_files, explain=args.explain)

    if "ideas" in selected and engine == "PostgreSQL":
        from bench import ideas

        ideas.run(ideas=args.ideas_count, supports=args.ideas_supports, explain=args.explain)


def _directory_engine_here(args):
    """Whether this process measures the directory on the engine: the run on ``--database`` (the
    child on PostgreSQL) or on SQLite alone; the default SQLite run leaves it to its child."""
    return bool(args.database) or args.no_postgresql


@contextmanager
def _directory_engine_node(args, selected, workdir):
    """With ``--directory-engine opensearch``, where this process measures it: an OpenSearch node
    for the run (bench/search.py's, or ``OPENSEARCH_URL``'s) in the settings' environment, and
    the directory's search on the database until the benchmark switches it."""
    if (
        "directory" not in selected
        or args.directory_engine == "database"
        or not _directory_engine_here(args)
    ):
        yield
        return
    from bench.search import _opensearch

    with _opensearch(["opensearch"], workdir, args) as url:
        if url:
            os.environ["OPENSEARCH_URL"] = url
            os.environ["SEARCH_BACKEND"] = "database"
        yield


def _directory_on_postgresql(args, workdir):
    """Run the directory benchmark in a child process on a throw-away PostgreSQL server."""
    from bench.postgresql import PostgreSQLUnavailable, ThrowAwayPostgreSQL

    try:
        with ThrowAwayPostgreSQL() as server:
            url = server.create_database("maillage_bench")
            print(f"\nPostgreSQL {server.version} jetable sur {url}")
            report_path = workdir / "postgresql.json"
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("DATABASE_URL", "MAILLAGE_VAR_DIR")
            }
            env["PYTHONUNBUFFERED"] = "1"
            env[CHILD] = "1"  # the parent run prints the total time
            result = subprocess.run(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "bench",
                    "--only",
                    "directory",
                    "--agents",
                    str(args.agents),
                    "--database",
                    url,
                    "--json",
                    str(report_path),
                    "--directory-engine",
                    args.directory_engine,
                    "--search-heap",
                    args.search_heap,
                    *(["--explain"] if args.explain else []),
                ],
                cwd=ROOT,
                env=env,
                check=False,
            )
            if result.returncode != 0 or not report_path.exists():
                print(f"\nLe banc PostgreSQL a échoué (code {result.returncode}).")
                return None
            return json.loads(report_path.read_text())
    except PostgreSQLUnavailable as error:
        print(f"\nPostgreSQL indisponible, banc SQLite seulement : {error}")
        return None


def _forums_on_postgresql(args, workdir):
    """Run the forums benchmark in a child process on a throw-away PostgreSQL server."""
    from bench.postgresql import PostgreSQLUnavailable, ThrowAwayPostgreSQL

    try:
        with ThrowAwayPostgreSQL() as server:
            url = server.create_database("maillage_bench_forums")
            print(f"\nForums : PostgreSQL {server.version} jetable sur {url}")
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("DATABASE_URL", "MAILLAGE_VAR_DIR")
            }
            env["PYTHONUNBUFFERED"] = "1"
            env[CHILD] = "1"  # the parent run prints the total time
            command = [sys.executable, "-m", "bench", "--only", "forums", "--database", url]
            command += ["--forum-posts", str(args.forum_posts)]
            command += ["--forum-communities", str(args.forum_communities)]
            if args.forum_topics:
                command += ["--forum-topics", str(args.forum_topics)]
            if args.forum_explain:
                command.append("--forum-explain")
            result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
            if result.returncode != 0:
                print(f"\nLe banc des forums a échoué (code {result.returncode}).")
    except PostgreSQLUnavailable as error:
        print(f"\nPostgreSQL indisponible, pas de banc des forums : {error}")


def _tool_on_postgresql(tool, args):
    """Run the wiki's or the library's benchmark in a child process on a throw-away PostgreSQL
    server of its own."""
    from bench.postgresql import PostgreSQLUnavailable, ThrowAwayPostgreSQL

    try:
        with ThrowAwayPostgreSQL() as server:
            url = server.create_database(f"maillage_bench_{tool}")
            print(f"\n{tool.capitalize()} : PostgreSQL {server.version} jetable sur {url}")
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("DATABASE_URL", "MAILLAGE_VAR_DIR")
            }
            env["PYTHONUNBUFFERED"] = "1"
            env[CHILD] = "1"  # the parent run prints the total time
            command = [sys.executable, "-m", "bench", "--only", tool, "--database", url]
            if tool == "wiki":
                command += ["--wiki-pages", str(args.wiki_pages)]
                command += ["--wiki-revisions", str(args.wiki_revisions)]
                command += ["--wiki-long-revisions", str(args.wiki_long_revisions)]
            elif tool == "ideas":
                command += ["--ideas-count", str(args.ideas_count)]
                command += ["--ideas-supports", str(args.ideas_supports)]
            else:
                command += ["--documents-files", str(args.documents_files)]
            if args.explain:
                command.append("--explain")
            result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
            if result.returncode != 0:
                print(f"\nLe banc « {tool} » a échoué (code {result.returncode}).")
    except PostgreSQLUnavailable as error:
        print(f"\nPostgreSQL indisponible, pas de banc « {tool} » : {error}")


if __name__ == "__main__":
    main()
