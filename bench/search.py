"""The search over everything at scale: 1,000,000 documents on PostgreSQL and on OpenSearch, next
to each one's baseline, in one run.

``python -m bench --only search`` starts a throw-away PostgreSQL server (bench/postgresql.py) and
an OpenSearch node (bin/opensearch-node, or the one ``OPENSEARCH_URL`` names), then runs
``python -m bench --only search --database postgres://…`` in a child process with
``OPENSEARCH_URL`` set, which migrates and, for each backend in turn:

- rebuilds the whole index from the generator (bench/search_generator.py: agents, communities,
  announcements, forum topics and replies, wiki pages, library files, ideas, chat messages),
  streamed in batches straight into ``backend.rebuild(batches)`` — the full reindex time and the
  indexing throughput (documents/s, the text's generation timed apart and left out); then 2,000
  documents upserted, what the indexing task does after a burst of saves;
- measures ``backend.search(SearchRequest)`` as the agent in 20 communities the generator plans:
  one word, two words, a phrase, a word with three facets (type, region, period), « dans cette
  communauté » (the viewer's busiest community), sort by date, the community's content without
  a word (by date), and the suggestions typed in the header (a prefix, no facets) — each run
  with another word, p50/p95/p99 over ``--search-runs`` runs, the SQL queries per search on
  the database — next to the backend's baseline measured in the same run: on the database a
  row read by its primary key, on the engine ``GET /_cluster/health`` on a kept-alive
  connection (the round trip and nothing else).

What is measured is the index, not the page: the documents are not ORM objects, so the
policy's re-check of the page's hits (search/everything.py) and the template are left out.

``--search-documents 200000`` for a shorter run; ``--search-engine database`` (or
``opensearch``) for one backend; ``--explain`` prints PostgreSQL's plans of the searches that
miss the target. ``python -m bench --only search --database sqlite:///…`` runs the database
backend on SQLite in this process (the tests do, on a few thousand documents).
"""

import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bench.runner import measure

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("database", "opensearch")
TARGET_MS = 50
RUNS = 100
BATCH = 2000
UPSERTED = 2000
# Unmeasured rounds of every search before the measures.
WARMUP_ROUNDS = 20
BUDGET_SECONDS = 30.0
HEAP = "2g"
NODE_START_SECONDS = 300


def main(args, workdir):
    """``python -m bench --only search``: in this process on ``--database``, else on a
    throw-away PostgreSQL server and an OpenSearch node, in a child process."""
    if args.database:
        _in_process(args)
        return
    from bench.postgresql import PostgreSQLUnavailable, ThrowAwayPostgreSQL

    engines = args.search_engine or list(ENGINES)
    try:
        with ThrowAwayPostgreSQL() as server, _opensearch(engines, workdir, args) as engine_url:
            url = server.create_database("maillage_bench_search")
            print(f"\nRecherche : PostgreSQL {server.version} jetable sur {url}")
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("DATABASE_URL", "MAILLAGE_VAR_DIR", "OPENSEARCH_URL", "SEARCH_URL")
            }
            env["PYTHONUNBUFFERED"] = "1"
            env["MAILLAGE_BENCH_CHILD"] = "1"  # the parent run prints the total time
            if engine_url:
                env["OPENSEARCH_URL"] = engine_url
            command = [sys.executable, "-m", "bench", "--only", "search", "--database", url]
            command += ["--search-documents", str(args.search_documents)]
            command += ["--search-runs", str(args.search_runs)]
            for engine in engines:
                if engine != "opensearch" or engine_url:
                    command += ["--search-engine", engine]
            if args.explain:
                command.append("--explain")
            result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
            if result.returncode != 0:
                print(f"\nLe banc de la recherche a échoué (code {result.returncode}).")
    except PostgreSQLUnavailable as error:
        print(f"\nPostgreSQL indisponible, pas de banc de la recherche : {error}")


def _in_process(args):
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    # The client logs every 404 (« no alias yet ») as a warning: noise among the figures.
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    engines = args.search_engine or list(ENGINES)
    if "database" in engines:
        # The engine alone reads no table: no need for the minutes the migrations take.
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"Base migrée en {time.perf_counter() - started:.0f} s.")
    if "opensearch" in engines and not settings.SEARCH_ENGINE_URL:
        print("  ! pas de nœud OpenSearch (OPENSEARCH_URL) : la base de données seule")
        engines = [engine for engine in engines if engine != "opensearch"]
    run(
        documents=args.search_documents,
        engines=engines,
        runs=args.search_runs,
        explain=args.explain,
    )


# --- the node --------------------------------------------------------------------------------


@contextmanager
def _opensearch(engines, workdir, args):
    """The URL of an OpenSearch node for the run: ``OPENSEARCH_URL``'s, else a node of the run's
    own (bin/opensearch-node, ``--search-heap`` of heap) stopped at the end; None when the
    engine is not asked for or cannot start (said)."""
    if "opensearch" not in engines:
        yield None
        return
    given = os.environ.get("OPENSEARCH_URL") or os.environ.get("SEARCH_URL")
    if given:
        yield given
        return
    node = ROOT / "bin" / "opensearch-node"
    if not node.exists():
        print("\nPas de bin/opensearch-node : le banc de la recherche sans OpenSearch.")
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = workdir / "opensearch"
    data.mkdir(parents=True, exist_ok=True)
    log_path = data / "node.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        # bin/opensearch-node hands its process over to java: this process is the node's.
        process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            # A production node's JVM (G1, both compilers), not the tests' quick one.
            [node, "start", "--port", str(port), "--data", str(data)]
            + ["--heap", args.search_heap, "--server"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.perf_counter()
        if _wait_yellow(url, process):
            print(
                f"\nRecherche : nœud OpenSearch sur {url} (tas {args.search_heap}, JVM serveur : "
                f"G1, C2), prêt en "
                f"{time.perf_counter() - started:.0f} s"
            )
            yield url
        else:
            tail = log_path.read_text(errors="replace")[-2000:]
            print(f"\nOpenSearch n'a pas démarré : le banc sans OpenSearch.\n{tail}")
            yield None
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_yellow(url, process):
    deadline = time.monotonic() + NODE_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            health = f"{url}/_cluster/health?wait_for_status=yellow&timeout=1s"
            with urllib.request.urlopen(health, timeout=5) as answer:  # noqa: S310 - loopback
                if json.loads(answer.read()).get("status") in ("green", "yellow"):
                    return True
        except (OSError, ValueError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    return False


# --- the benchmark ---------------------------------------------------------------------------


def run(
    *,
    documents=None,
    engines=ENGINES,
    runs=RUNS,
    batch=BATCH,
    explain=False,
    seed=1,
    now=None,
    budget_seconds=BUDGET_SECONDS,
):
    """Index the generated documents into each backend of ``engines`` and measure its searches;
    print the figures side by side and return the report (a dict)."""
    from django.db import connection

    from bench.search_generator import DEFAULT_DOCUMENTS, corpus

    documents = documents or DEFAULT_DOCUMENTS
    plan = corpus(documents, seed=seed, now=now)
    started = time.perf_counter()
    generated = sum(len(made) for made in plan.batches(batch))
    generation = time.perf_counter() - started
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"\n{generated} documents générés en {generation:.0f} s, sans index "
        f"({generated / max(generation, 1e-9):.0f} documents/s) : "
        + ", ".join(f"{count} {kind}" for kind, count in plan.counts.items())
    )
    viewer = plan.viewer
    print(
        f"Lecteur : agent dans {len(viewer.communities)} communautés et {len(viewer.rooms)} "
        f"salons, exclu d'une communauté ouverte ; « dans cette communauté » : "
        f"« {plan.community(plan.busiest_viewer_community).name} »"
    )
    report = {
        "documents": generated,
        "generation_seconds": generation,
        "counts": plan.counts,
        "engines": {},
    }
    for name in engines:
        label = database if name == "database" else "OpenSearch"
        try:
            backend = _backend(name)
        except Exception as error:  # noqa: BLE001 - a backend not there yet is said, not fatal
            print(f"\n  ! {label} : pas de backend « {name} » ({error!r}), non mesuré")
            continue
        report["engines"][label] = _bench_backend(
            backend,
            name,
            label,
            plan,
            runs=runs,
            batch=batch,
            generation=generation,
            explain=explain,
            budget_seconds=budget_seconds,
        )
    _print_side_by_side(report)
    return report


def _backend(name):
    from search.backends import document_backend

    return document_backend(name)


def _bench_backend(backend, name, label, plan, *, runs, batch, generation, explain, budget_seconds):
    from django.db import connection, reset_queries

    load_before = os.getloadavg()[0]
    print(f"\n{label} : reconstruction de l'index…", flush=True)
    ticks = {"last": time.perf_counter(), "done": 0}

    def progress(count):
        # A backend may say the batch's count or the running total: both end the same.
        ticks["done"] += count if count < batch * 2 else count - ticks["done"]
        now = time.perf_counter()
        if now - ticks["last"] > 60:
            ticks["last"] = now
            print(f"  … {ticks['done']} documents", flush=True)

    started = time.perf_counter()
    indexed = backend.rebuild(plan.batches(batch), progress=progress)
    rebuild = time.perf_counter() - started
    settle = 0.0
    if name == "database" and connection.vendor == "postgresql":
        from search.models import SearchDocument

        started = time.perf_counter()
        with connection.cursor() as cursor:
            # What autovacuum would do soon after a bulk load.
            cursor.execute(
                f"VACUUM ANALYZE {connection.ops.quote_name(SearchDocument._meta.db_table)}"
            )
        settle = time.perf_counter() - started
    elif name != "database":
        started = time.perf_counter()
        _merged(backend)
        settle = time.perf_counter() - started
    counted = backend.count()
    first = next(plan.batches(UPSERTED))
    started = time.perf_counter()
    backend.upsert(first)
    upsert = time.perf_counter() - started
    indexing = {
        "indexed": indexed,
        "count": counted,
        "rebuild_seconds": rebuild,
        # The text's generation is part of the rebuild (streamed): left out, when it is the
        # smaller part (on a few documents it is all of it).
        "documents_per_second": (
            counted / (rebuild - generation) if rebuild > 1.2 * generation else None
        ),
        "with_generation_per_second": counted / max(rebuild, 1e-9),
        "settle_seconds": settle,
        "upsert_seconds": upsert,
        "upserted": len(first),
        "size": _size(name),
    }
    print(
        f"{label} : {counted} documents indexés en {rebuild:.0f} s "
        f"({_rate(indexing['documents_per_second'])} documents/s hors génération, "
        f"{indexing['with_generation_per_second']:.0f} avec)"
        + (
            f", {'VACUUM ANALYZE' if name == 'database' else 'fusions de segments'} {settle:.0f} s"
            if settle
            else ""
        )
        + f" ; {len(first)} documents mis à jour (upsert) en {upsert * 1000:.0f} ms"
        + (f" ; taille {indexing['size']}" if indexing["size"] else "")
    )
    baseline = _baseline(backend, name)
    # bench.runner.measure counts the queries from the connection's log: emptied first, or what
    # the rebuild left there hides them.
    reset_queries()
    rows = [measure(baseline[0], baseline[1], iterations=max(runs, 50), warmup=10)]
    totals = {}
    # Every search once around before any is measured: the engine's JVM compiles its hot paths
    # over the first hundreds of requests, and whichever scenario came first paid for it.
    for _round in range(WARMUP_ROUNDS):
        for scenario, requests in _scenarios(plan):
            _searcher(backend, requests, totals, scenario)()
    for scenario, requests in _scenarios(plan):
        request = _searcher(backend, requests, totals, scenario)
        reset_queries()
        row = measure(
            scenario,
            request,
            iterations=runs,
            warmup=3,
            budget_seconds=budget_seconds,
            min_iterations=min(runs, 15),
        )
        row["hits"] = totals[scenario]
        rows.append(row)
        if explain and row["p95"] >= TARGET_MS and connection.vendor == "postgresql":
            _explain(scenario, request)
    load = (load_before + os.getloadavg()[0]) / 2
    return {"indexing": indexing, "rows": rows, "load": load, "baseline": baseline[0]}


def _merged(backend, timeout=600):
    """After a bulk load, wait until the engine has merged its segments (what it does on its
    own in the minutes after: measured meanwhile, searches compete with the merges)."""
    backend.client.indices.refresh(index=backend.alias)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = backend.client.indices.stats(index=backend.alias, metric="merge")
        if stats["_all"]["primaries"]["merges"]["current"] == 0:
            return
        time.sleep(1)


def _explain(name, request, top=2):
    """The plans of the slowest statements of one search: its page and its facets (a ``WITH``
    that bench.scenarios.explain_request, made for pages that may write, leaves out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request()
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print(f"\n— « {name} » : {len(captured)} requêtes SQL ; les plans des {top} plus lentes —")
    with connection.cursor() as cursor:
        for query in slowest[:top]:
            sql = query["sql"]
            print(f"\n{float(query['time']) * 1000:.1f} ms : {sql[:300]}…")
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(f"    {line[:400]}")


def _rate(value):
    return "—" if value is None else f"{value:.0f}"


def _size(name):
    from django.conf import settings
    from django.db import connection

    if name != "database":
        stats = f"{settings.SEARCH_ENGINE_URL.rstrip('/')}/{settings.SEARCH_INDEX}/_stats/store"
        try:
            with urllib.request.urlopen(stats, timeout=30) as answer:  # noqa: S310 - our node
                size = json.loads(answer.read())["_all"]["primaries"]["store"]["size_in_bytes"]
        except (OSError, ValueError, KeyError):
            return ""
        return f"{size / 2**20:.0f} MB"
    if connection.vendor != "postgresql":
        return ""
    from search.models import SearchDocument

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s))", [SearchDocument._meta.db_table]
        )
        return cursor.fetchone()[0]


def _baseline(backend, name):
    """(name, request) of the backend's floor: a row by its key, or the engine's health."""
    if name == "database":
        from search.models import SearchDocument

        pks = itertools.cycle(
            list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True)[:100]) or [0]
        )

        def read_row():
            SearchDocument.objects.filter(pk=next(pks)).values_list("pk", "title").first()

        return "base : une ligne par sa clé primaire", read_row
    from django.conf import settings

    parts = urlsplit(settings.SEARCH_ENGINE_URL)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 9200, timeout=10)

    def health():
        connection.request("GET", "/_cluster/health")
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, f"/_cluster/health répond {answer.status}"

    return "base : GET /_cluster/health", health


def _scenarios(plan):
    """(name, [SearchRequest]) of every scenario: one request per word, cycled over the runs."""
    from search.documents import SearchRequest
    from search.query import parse

    viewer, words = plan.viewer, plan.words
    common = {"access": viewer.keys, "denied": viewer.denied, "now": plan.now}
    community = str(plan.busiest_viewer_community)
    regions = plan.regions

    def each(texts, **fields):
        return [SearchRequest(query=parse(text), **common, **fields) for text in texts]

    three_facets = [
        SearchRequest(
            query=parse(word),
            filters={
                "type": ["forum_reply", "wiki_page", "document"],
                "region": [regions[index % len(regions)], regions[(index + 5) % len(regions)]],
                "period": ["annee"],
            },
            **common,
        )
        for index, word in enumerate(words.single)
    ]
    return [
        ("un mot", each(words.single)),
        ("deux mots", each(words.pairs)),
        ("une expression entre guillemets", each(words.phrases)),
        ("un mot et trois facettes", three_facets),
        (
            "« dans cette communauté »",
            each(words.single, filters={"community": [community]}),
        ),
        ("un mot, tri par date", each(words.single, sort="date")),
        (
            "la communauté sans mot, par date",
            [SearchRequest(query=parse(""), filters={"community": [community]}, **common)],
        ),
        (
            "suggestions (préfixe, sans facettes)",
            [
                SearchRequest(
                    query=parse(word[: max(3, len(word) - 2)], prefix=True),
                    facets=False,
                    limit=6,
                    **common,
                )
                for word in words.single
            ],
        ),
    ]


def _searcher(backend, requests, totals, scenario):
    """A call that runs the next request of ``requests`` (cycled); the first total is kept."""
    cycle = itertools.cycle(requests)

    def search():
        results = backend.search(next(cycle))
        totals.setdefault(scenario, results.total)

    return search


# --- the report ------------------------------------------------------------------------------


def _print_side_by_side(report):
    engines = report["engines"]
    if not engines:
        print("\nAucun backend mesuré.")
        return
    labels = list(engines)
    names = []
    for label in labels:
        for row in engines[label]["rows"]:
            if row["name"] not in names and not row["name"].startswith("base"):
                names.append(row["name"])
    width = max(38, *(len(name) + 2 for name in names))
    loads = ", ".join(f"{label} {engines[label]['load']:.1f}" for label in labels)
    print(
        f"\nRecherche sur tout ({report['documents']} documents, lecteur dans 20 communautés ; "
        f"charge de la machine {loads} pour {os.cpu_count()} cœurs)"
    )
    header = f"{'':<{width}}" + "".join(f"{'│ ' + label:<{46}} " for label in labels)
    columns = f"{'recherche':<{width}}" + "".join(
        f"│{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'SQL':>5}{'× base':>8}{'trouvés':>8} "
        for _ in labels
    )
    print(header)
    print(columns)
    print("─" * len(columns))
    by_name = {label: {row["name"]: row for row in engines[label]["rows"]} for label in labels}
    base_line = f"{'base (voir dessous)':<{width}}"
    for label in labels:
        base = by_name[label][engines[label]["baseline"]]
        base_line += (
            f"│{base['p50']:>8.2f}{base['p95']:>8.2f}{base['p99']:>8.2f}{base['queries']:>5}"
            f"{1:>8}{'':>8} "
        )
    print(base_line)
    for name in names:
        line = f"{name:<{width}}"
        for label in labels:
            row = by_name[label].get(name)
            base = by_name[label][engines[label]["baseline"]]
            if row is None:
                line += f"│{'—':>45} "
                continue
            line += (
                f"│{row['p50']:>8.1f}{row['p95']:>8.1f}{row['p99']:>8.1f}{row['queries']:>5}"
                f"{row['p50'] / base['p50']:>8.0f}{row['hits']:>8} "
            )
        print(line)
    print()
    for label in labels:
        print(f"{label} — {engines[label]['baseline']}")
    for label in labels:
        indexing = engines[label]["indexing"]
        print(
            f"{label} — reconstruction complète : {indexing['count']} documents en "
            f"{indexing['rebuild_seconds']:.0f} s, {_rate(indexing['documents_per_second'])} "
            f"documents/s hors génération du texte ({report['generation_seconds']:.0f} s) ; "
            f"upsert de {indexing['upserted']} documents en "
            f"{indexing['upsert_seconds'] * 1000:.0f} ms"
        )
    for label in labels:
        slow = [
            f"{row['name']} ({row['p95']:.0f} ms)"
            for row in engines[label]["rows"]
            if row["p95"] >= TARGET_MS and not row["name"].startswith("base")
        ]
        verdict = "atteint" if not slow else "MANQUÉ pour :\n    " + "\n    ".join(slow)
        print(
            f"{label} — objectif p95 < {TARGET_MS} ms à {report['documents']} documents : {verdict}"
        )
