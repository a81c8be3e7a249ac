"""The directory benchmark's searches on the engine: ``SEARCH_BACKEND = "engine"`` on a real node.

``python -m bench --only directory --directory-engine opensearch`` measures, after the database
backend's figures, the same scenarios (the pages and ``search.api.search_agents``) with the
directory's search on the engine (directory/search_engine.py): the index of the search over
everything is rebuilt first (``search.indexing.rebuild``: the generated agents are bulk-created,
no signal indexed them), then ``settings.SEARCH_BACKEND`` becomes "engine" for the measures and
goes back after. The SQL queries counted per search are those the engine backend still runs on the
database (the filters' labels, the page's rows, the badges). Next to the Django baseline measured
again, the engine's own floor: ``GET /_cluster/health`` on a kept-alive connection.

Where an API search's time goes is printed too: the engine's ``took`` (its own time), the HTTP
round trip of the search request, and the rest (Python and SQL), medians over a few calls.
"""

import os
import statistics
import time

from django.conf import settings

ENGINE_LABELS = {"opensearch": "OpenSearch", "elasticsearch": "Elasticsearch"}
BREAKDOWN_CALLS = 20
# A fresh node answers its first few hundred searches slowly (the JVM compiles as it goes): every
# search is run in turn this long before anything is measured, as a node in service would be warm.
WARMUP_SECONDS, WARMUP_ROUNDS = 30.0, 30


def unavailable_reason():
    """Why the engine cannot be measured in this process, or None."""
    if not settings.SEARCH_ENGINE_URL or settings.SEARCH_ENGINE == "database":
        return "pas de moteur configuré (OPENSEARCH_URL) : l'annuaire sur la base seulement"
    return None


def run(*, scenarios, client, measure, baseline, baseline_request, agents):
    """Rebuild the index, measure every scenario with the engine backend; return the report."""
    from bench.search import _baseline
    from search.backends import document_backend
    from search.indexing import rebuild

    label = ENGINE_LABELS.get(settings.SEARCH_ENGINE, settings.SEARCH_ENGINE)
    notes = []
    started = time.perf_counter()
    indexed = rebuild()
    indexing = time.perf_counter() - started
    print(f"\n{label} : index reconstruit en {indexing:.1f} s ({indexed} documents, tous types)")

    previous = settings.SEARCH_BACKEND
    settings.SEARCH_BACKEND = "engine"
    try:
        checked = _check(scenarios, client, notes)
        rounds, seconds = _warm_up(checked)
        print(f"{label} : chauffé par {rounds} tours des recherches en {seconds:.0f} s")
        load_before = os.getloadavg()[0]
        rows = [measure(baseline, baseline_request, iterations=200, warmup=10)]
        floor_name, floor = _baseline(None, settings.SEARCH_ENGINE)
        rows.append(measure(floor_name, floor, iterations=200, warmup=10))
        for scenario, page_ok, api_ok in checked:
            total = scenario.api() if api_ok else None
            if page_ok:
                rows.append(measure(f"page : {scenario.label}", scenario.page))
            if api_ok and scenario.measure_api:
                rows.append(measure(f"API : {scenario.label}", scenario.api))
            if total is not None:
                for row in rows[-2:]:
                    if row["name"].endswith(scenario.label):
                        row["results"] = total
        load = (load_before + os.getloadavg()[0]) / 2
        breakdown = _breakdown(document_backend(), checked)
    finally:
        settings.SEARCH_BACKEND = previous
    return {
        "engine": label,
        "agents": agents,
        "indexing_seconds": indexing,
        "indexed": indexed,
        "load": load,
        "rows": rows,
        "notes": notes,
        "breakdown": breakdown,
    }


def _check(scenarios, client, notes):
    """(scenario, page answers 200, API answers) on the engine."""
    checked = []
    for scenario in scenarios:
        try:
            status = client.get(scenario.url, headers=scenario.headers).status_code
        except Exception as error:  # noqa: BLE001 - reported, the other requests still run
            status = f"{type(error).__name__}: {error}"
        page_ok = status == 200
        if not page_ok:
            notes.append(f"page « {scenario.label} » : {scenario.url} répond {status}, non mesurée")
        api_ok = scenario.kwargs is not None
        if api_ok:
            try:
                scenario.api()
            except Exception as error:  # noqa: BLE001
                notes.append(f"API « {scenario.label} » : {type(error).__name__}: {error}")
                api_ok = False
        checked.append((scenario, page_ok, api_ok))
    return checked


def _warm_up(checked):
    started = time.perf_counter()
    rounds = 0
    while rounds < WARMUP_ROUNDS and time.perf_counter() - started < WARMUP_SECONDS:
        for scenario, page_ok, api_ok in checked:
            if page_ok:
                scenario.page()
            if api_ok:
                scenario.api()
        rounds += 1
    return rounds, time.perf_counter() - started


def _breakdown(backend, checked):
    """Per API search: medians of the whole call, of the engine's ``took`` and of the HTTP
    round trip of its search requests (ms)."""
    engine_client = backend.client
    original = engine_client.search
    calls = []

    def timed(*args, **kwargs):
        started = time.perf_counter()
        answer = original(*args, **kwargs)
        calls.append((answer.get("took", 0), (time.perf_counter() - started) * 1000))
        return answer

    engine_client.search = timed
    rows = []
    try:
        for scenario, _page_ok, api_ok in checked:
            if not (api_ok and scenario.measure_api):
                continue
            whole, took, trip, requests = [], [], [], []
            for _ in range(BREAKDOWN_CALLS):
                calls.clear()
                started = time.perf_counter()
                scenario.api()
                whole.append((time.perf_counter() - started) * 1000)
                took.append(sum(call[0] for call in calls))
                trip.append(sum(call[1] for call in calls))
                requests.append(len(calls))
            rows.append(
                {
                    "name": scenario.label,
                    "api": statistics.median(whole),
                    "took": statistics.median(took),
                    "round_trip": statistics.median(trip),
                    "requests": max(requests),
                }
            )
    finally:
        del engine_client.search  # the client's own method again
    return rows


def print_breakdown(report):
    """Where an API search's time goes on the engine (medians, ms)."""
    rows = report.get("breakdown") or []
    if not rows:
        return
    width = max(len(row["name"]) for row in rows) + 2
    header = (
        f"{'recherche (API)':<{width}}{'appel':>8}{'took':>8}{'aller-retour':>14}"
        f"{'Python+SQL':>12}{'requêtes moteur':>17}"
    )
    print(f"\nAnnuaire sur {report['engine']} : où passe le temps (médianes, ms)")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['name']:<{width}}{row['api']:>8.1f}{row['took']:>8.1f}"
            f"{row['round_trip']:>14.1f}{row['api'] - row['round_trip']:>12.1f}"
            f"{row['requests']:>17}"
        )
