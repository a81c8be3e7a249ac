"""The frame of a benchmark on generated data (forums, wiki, documents): generate, analyse and
check the data, then measure pages next to the minimal-view baseline (p50/p95/p99, SQL queries
per request) and print the French table with the target's verdict.

The throw-away PostgreSQL server is started by the parent run (``python -m bench``, see
bench/__main__.py and bench/postgresql.py); these helpers run in the child, on that server::

    made, problems = generate_and_check(lambda: generate_x(...), check_invariants, summary)
    client = signed_in(made["viewer"])
    scenarios = [("accueil", get(client, url)), ...]
    rows, load = measure_scenarios(client, scenarios, notes=notes, explain=explain)
    print_report(f"X (PostgreSQL, … {load_text(load)})", rows, "à N …", notes)
"""

import logging
import os
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.runner import measure

BASELINE = "base : vue Django minimale"
BASELINE_URL = "/__bench__/baseline"
TARGET_MS = 150
ITERATIONS, MIN_ITERATIONS, BUDGET_SECONDS, WARMUP = 100, 15, 4.0, 3


def generate_and_check(generate, check_invariants, summary):
    """Run ``generate()`` (a dict with its ``seconds``), VACUUM ANALYZE as autovacuum would soon
    after a bulk load, then ``check_invariants()``; print ``summary(made, checked_seconds)`` and
    every problem. Return ``(made, problems)``."""
    # One line per background task (the notifications' fan-out after each write) would drown
    # the figures.
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    started = time.perf_counter()
    made = generate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    problems = check_invariants()
    print(summary(made, time.perf_counter() - started - made["seconds"]))
    for problem in problems:
        print(f"  ! invariant : {problem}")
    return made, problems


def signed_in(agent_pk):
    """A test client signed in as the agent ``agent_pk``."""
    from directory.models import Agent

    client = Client()
    client.force_login(Agent.objects.get(pk=agent_pk))
    return client


def get(client, url):
    """A request that GETs ``url`` and expects a 200."""

    def request():
        response = client.get(url)
        assert response.status_code == 200, f"{url} répond {response.status_code}"

    return request


def measure_scenarios(client, scenarios, *, notes, explain=False):
    """Measure the baseline, then each ``(name, request)`` of ``scenarios`` that answers as
    expected once (else a note says why it was not measured); with ``explain``, print the plans
    of the slowest queries of every page that misses the target. Return ``(rows, load)``, the
    load being the machine's load average over the measures."""
    load_before = os.getloadavg()[0]
    rows = [measure(BASELINE, get(client, BASELINE_URL), iterations=200, warmup=10)]
    for name, request in scenarios:
        try:
            request()
        except AssertionError as error:
            notes.append(f"« {name} » : {error}, non mesurée")
            continue
        row = measure(
            name,
            request,
            iterations=ITERATIONS,
            warmup=WARMUP,
            budget_seconds=BUDGET_SECONDS,
            min_iterations=MIN_ITERATIONS,
        )
        rows.append(row)
        if explain and row["p95"] >= TARGET_MS and connection.vendor == "postgresql":
            explain_request(name, request)
    load = (load_before + os.getloadavg()[0]) / 2
    return rows, load


def load_text(load):
    """The end of a table's title: how busy the machine was."""
    return f"en processus ; charge de la machine {load:.1f} pour {os.cpu_count()} cœurs"


def print_report(title, rows, scale, notes):
    """The table, its verdict « à ``scale`` » and the notes."""
    print_table(title, rows, scale)
    for note in notes:
        print(f"  ! {note}")


def print_table(title, rows, scale):
    """The benchmarks' French table, with the target's verdict."""
    baseline = next(row for row in rows if row["name"] == BASELINE)
    width = max(34, *(len(row["name"]) + 2 for row in rows))
    print(f"\n{title}")
    header = (
        f"{'requête':<{width}}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}"
        f"{'requêtes SQL':>14}{'× base p50':>12}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['name']:<{width}}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}"
            f"{row['rps']:>9.0f}{row['queries']:>14}{row['p50'] / baseline['p50']:>12.0f}"
        )
    slow = [f"{row['name']} ({row['p95']:.0f} ms)" for row in rows if row["p95"] >= TARGET_MS]
    verdict = "atteint" if not slow else "MANQUÉ pour :\n    " + "\n    ".join(slow)
    print(f"\nObjectif p95 < {TARGET_MS} ms {scale} : {verdict}")


def explain_request(name, request, top=3):
    """Print the slowest queries of one ``request`` with their plans."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        request()
    elapsed = (time.perf_counter() - started) * 1000
    in_sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print(
        f"\n— « {name} » : {elapsed:.0f} ms dont {in_sql:.0f} ms en SQL pour {len(captured)} "
        f"requêtes ; les {top} plus lentes —"
    )
    with connection.cursor() as cursor:
        for query in slowest[:top]:
            sql = query["sql"]
            print(f"\n{float(query['time']) * 1000:.1f} ms : {sql[:600]}")
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(f"    {line}")
