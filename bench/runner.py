"""A small harness: run a request many times in-process, report p50/p95/p99 and query counts."""

import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def measure(name, func, *, iterations=200, warmup=10, budget_seconds=None, min_iterations=20):
    """Time ``func`` ``iterations`` times after ``warmup`` calls, and count its SQL queries.

    With ``budget_seconds``, stop earlier once that much time went by and at least
    ``min_iterations`` ran: slow requests get fewer samples, so the run stays short.
    """
    for _ in range(warmup):
        func()
    timings = []
    with CaptureQueriesContext(connection) as captured:
        reset_queries()
        start_queries = len(captured)
        func()
        queries = len(captured) - start_queries
    deadline = None if budget_seconds is None else time.perf_counter() + budget_seconds
    for _ in range(iterations):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
        if deadline is not None and len(timings) >= min_iterations and started > deadline:
            break
    timings.sort()
    return {
        "name": name,
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "mean": statistics.fmean(timings),
        "rps": 1000 / statistics.fmean(timings),
        "queries": queries,
        "iterations": len(timings),
    }


def print_table(title, rows, baseline_name):
    baseline = next(row for row in rows if row["name"] == baseline_name)
    width = max(34, *(len(row["name"]) + 2 for row in rows))
    print(f"\n{title}")
    header = f"{'requête':<{width}}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'requêtes SQL':>14}{'× base p50':>12}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['name']:<{width}}{row['p50']:>9.2f}{row['p95']:>9.2f}{row['p99']:>9.2f}"
            f"{row['rps']:>9.0f}{row['queries']:>14}{row['p50'] / baseline['p50']:>12.1f}"
        )
