"""The directory benchmark: typical faceted searches at 20,000 agents, next to the baseline.

Each search is measured twice: through the real page (GET /annuaire/?… with the Django test client,
signed in, full page or htmx fragment) and through ``search.api.search_agents`` directly. The
database first gets a small generated directory (``SMALL_AGENTS`` agents over every service) on
which the query counts are taken, then the rest of the agents: a search whose query count differs
between the two sizes is flagged, since the count of a search page must not grow with the data.

``run()`` returns a report (engine, rows, notes) that ``bench/__main__.py`` prints side by side
with the other engine's. With ``search_engine=True`` (``--directory-engine opensearch``) the same
scenarios are then measured with the directory's search on the engine (bench/directory_engine.py),
whose report comes under the key "more".
"""

import os
import time

from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.generator import generate_directory
from bench.runner import measure, print_table
from directory.models import Agent, Department, Ministry, Region, ServiceKind

BASELINE = "base : vue Django minimale"
SMALL_AGENTS = 300
# p95 targets of the searches (pages and API), ms: the database's on PostgreSQL, the engine's.
TARGETS = {"PostgreSQL": 100, "OpenSearch": 50, "Elasticsearch": 50}
SERVICES = 2000
# Slow requests get fewer samples (at least MIN_ITERATIONS) so that `make bench` stays short.
ITERATIONS, MIN_ITERATIONS, BUDGET_SECONDS, WARMUP = 100, 15, 3.0, 2

# (label, GET parameters, htmx fragment?) — what people do on the directory page. Facet values are
# written as codes and names, and turned into the spelling the search API keeps (_facet_value).
SCENARIOS = [
    ("vide (facettes seules)", {}, False),
    ("texte « urbanisme »", {"q": "urbanisme"}, False),
    ("nom sans accent « lefevre »", {"q": "lefevre"}, False),
    ("deux mots « police eau »", {"q": "police eau"}, False),
    ("compétence « marchés publics »", {"skill": ["marchés publics"]}, False),
    ("région Bretagne + ministère Écologie", {"region": ["53"], "ministry": ["ecologie"]}, False),
    ("« eau » + Finistère + DDTM", {"q": "eau", "department": ["29"], "kind": ["DDTM"]}, False),
    ("page 20, tri par nom", {"sort": "name", "page": "20"}, False),
    ("texte « urbanisme » (htmx)", {"q": "urbanisme"}, True),
    ("compétence + région (htmx)", {"skill": ["marchés publics"], "region": ["53"]}, True),
]


def _candidates(facet, value):
    """The ways a facet value may be spelt in a URL: code, slug, primary key, name."""
    model = {
        "region": Region,
        "department": Department,
        "ministry": Ministry,
        "kind": ServiceKind,
    }.get(facet)
    if model is None:  # skills and communities: the name, then its slug
        from taggit.models import Tag

        tag = Tag.objects.filter(name__iexact=value).first()
        return [value] + ([tag.slug, str(tag.pk)] if tag else [])
    row = model.objects.get(code=value)
    return [value, getattr(row, "slug", None), str(row.pk), str(row)]


def _facet_value(search_agents, viewer, facet, value):
    """The spelling of ``value`` that the search API keeps in its applied filters."""
    for candidate in _candidates(facet, value):
        if candidate is None:
            continue
        result = search_agents(viewer, filters={facet: [candidate]}, per_page=1)
        if candidate in result.filters.get(facet, ()):
            return candidate
    raise LookupError(f"the search API ignores every spelling of {facet}={value!r}")


def _query_string(params):
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    return query.urlencode()


def _search_api(viewer):
    """``search.api.search_agents`` if the search is built, else the reason it is not."""
    try:
        from search.api import params_from_querydict, search_agents

        search_agents(viewer, per_page=1)
    except Exception as error:  # noqa: BLE001 - whatever stops it, the pages are still measured
        return None, None, f"search.api indisponible ({type(error).__name__}: {error})"
    return search_agents, params_from_querydict, None


class _Scenario:
    def __init__(
        self, label, params, htmx, *, client, viewer, search_agents, params_from_querydict
    ):
        self.label = label
        self.url = "/annuaire/" + (f"?{_query_string(params)}" if params else "")
        self.headers = {"HX-Request": "true"} if htmx else {}
        self.viewer = viewer
        self.client = client
        self.search_agents = search_agents
        self.kwargs = None
        if search_agents is not None:
            self.kwargs = params_from_querydict(QueryDict(self.url.partition("?")[2]))
        # The API is measured once per search, with the full pages; the htmx fragments differ
        # from them only in the template.
        self.measure_api = not htmx

    def page(self):
        response = self.client.get(self.url, headers=self.headers)
        assert response.status_code == 200, (self.url, response.status_code)
        return response

    def api(self):
        result = self.search_agents(self.viewer, **self.kwargs)
        # Everything a page reads: the agents of the page, the total, every facet's options.
        list(result.agents)
        for facet in result.facets:
            list(facet.options)
        return result.total


def _count_queries(func):
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def run(*, agents=20000, engine="SQLite", seed=1, search_engine=False, explain=False):
    """Generate the directory, measure every scenario; return the report. ``search_engine``:
    measure them on the engine too, after the database (the report's "more"). ``explain``: on
    PostgreSQL, the plans of the slowest queries of the API searches that miss their target."""
    notes = []
    viewer = Agent.objects.get(email="agent@demo.gouv.fr")
    client = Client()
    client.force_login(viewer)
    search_agents, params_from_querydict, missing = _search_api(viewer)
    if missing:
        notes.append(missing)

    started = time.perf_counter()
    small = min(SMALL_AGENTS, agents)
    services = min(SERVICES, max(40, agents // 10))
    made = generate_directory(agents=small, services=services, seed=seed)

    scenarios = _scenarios(client, viewer, search_agents, params_from_querydict, notes)
    small_counts = {}
    for scenario in scenarios:
        small_counts[scenario.label] = _counts(scenario)

    more = generate_directory(agents=agents - small, services=0, seed=seed + 1)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load on a live server: the visibility map that
        # index-only scans need, and fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    generation = time.perf_counter() - started
    total_agents = Agent.objects.count()
    print(
        f"\n{engine} : annuaire généré en {generation:.1f} s ({made['services']} services, "
        f"{total_agents} agents dont {small + more['agents']} générés, "
        f"{made['endorsements'] + more['endorsements']} recommandations)"
    )

    load_before = os.getloadavg()[0]
    rows = [_measure(BASELINE, _get(client, "/__bench__/baseline"), iterations=200, warmup=10)]
    for scenario in scenarios:
        counts = _counts(scenario)
        if scenario.page_ok:
            row = _measure(f"page : {scenario.label}", scenario.page)
            row["queries_small"] = small_counts[scenario.label]["page"]
            rows.append(row)
        if scenario.kwargs is not None and scenario.measure_api:
            row = _measure(f"API : {scenario.label}", scenario.api)
            row["queries_small"] = small_counts[scenario.label]["api"]
            rows.append(row)
        if counts["total"] is not None:
            for row in rows[-2:]:
                if row["name"].endswith(scenario.label):
                    row["results"] = counts["total"]
        before_total = small_counts[scenario.label]["total"]
        for kind in ("page", "api"):
            before, count = small_counts[scenario.label][kind], counts[kind]
            if before is None or count is None or count == before:
                continue
            if before_total == 0:
                # No result at the small size: no page, skills or endorsements to fetch.
                continue
            notes.append(
                f"{kind} « {scenario.label} » : {before} requêtes SQL à {small} agents, "
                f"{count} à {total_agents} — le nombre de requêtes grandit avec les données"
            )
    rows.extend(_uncounted(scenarios))
    load = (load_before + os.getloadavg()[0]) / 2
    print_table(
        f"Annuaire ({engine}, {total_agents} agents, en processus ; charge de la machine "
        f"{load:.1f} pour {os.cpu_count()} cœurs)",
        rows,
        BASELINE,
    )
    for note in notes:
        print(f"  ! {note}")
    if explain and connection.vendor == "postgresql":
        _explain_slow(scenarios, rows, TARGETS.get(engine, 0))
    report = {
        "engine": engine,
        "agents": total_agents,
        "generation_seconds": generation,
        "load": load,
        "rows": rows,
        "notes": notes,
    }
    if search_engine:
        report["more"] = _on_engine(scenarios, client, total_agents)
    return report


def _uncounted(scenarios):
    """The bare search (no words, no filter) with the whole directory's counts forgotten
    before each request (``directory.whole_counts``): what it costs when an agent, a skill or a
    membership has just changed, beside its figure from the cache."""
    from directory import whole_counts

    bare = next((s for s in scenarios if not s.url.partition("?")[2] and not s.headers), None)
    if bare is None:
        return []
    rows = []
    if bare.page_ok:
        rows.append(
            _measure(
                f"page : {bare.label}, comptes recalculés",
                lambda: (whole_counts.changed(), bare.page()),
            )
        )
    if bare.kwargs is not None:
        rows.append(
            _measure(
                f"API : {bare.label}, comptes recalculés",
                lambda: (whole_counts.changed(), bare.api()),
            )
        )
    return rows


def _explain_slow(scenarios, rows, target):
    """EXPLAIN ANALYZE the slowest queries of each API search whose p95 misses ``target``."""
    from bench.scenarios import explain_request

    slow = {row["name"] for row in rows if row["p95"] >= target}
    for scenario in scenarios:
        if scenario.kwargs is not None and f"API : {scenario.label}" in slow:
            explain_request(f"API : {scenario.label}", scenario.api, top=2)


def _on_engine(scenarios, client, total_agents):
    """The same scenarios with ``SEARCH_BACKEND = "engine"``: [its report], or [] (said)."""
    from bench import directory_engine

    reason = directory_engine.unavailable_reason()
    if reason:
        print(f"  ! {reason}")
        return []
    report = directory_engine.run(
        scenarios=scenarios,
        client=client,
        measure=_measure,
        baseline=BASELINE,
        baseline_request=_get(client, "/__bench__/baseline"),
        agents=total_agents,
    )
    print_table(
        f"Annuaire ({report['engine']}, {total_agents} agents, en processus ; charge de la "
        f"machine {report['load']:.1f} pour {os.cpu_count()} cœurs)",
        report["rows"],
        BASELINE,
    )
    for note in report["notes"]:
        print(f"  ! {note}")
    directory_engine.print_breakdown(report)
    return [report]


def _scenarios(client, viewer, search_agents, params_from_querydict, notes):
    resolved = []
    for label, params, htmx in SCENARIOS:
        params = dict(params)
        if search_agents is not None:
            for facet, values in list(params.items()):
                if facet in ("q", "sort", "page"):
                    continue
                try:
                    params[facet] = [
                        _facet_value(search_agents, viewer, facet, value) for value in values
                    ]
                except Exception as error:  # noqa: BLE001 - LookupError or a search bug
                    notes.append(f"« {label} » : {error}")
        scenario = _Scenario(
            label,
            params,
            htmx,
            client=client,
            viewer=viewer,
            search_agents=search_agents,
            params_from_querydict=params_from_querydict,
        )
        try:
            status = client.get(scenario.url, headers=scenario.headers).status_code
        except Exception as error:  # noqa: BLE001 - reported, the other requests still run
            status = f"{type(error).__name__}: {error}"
        scenario.page_ok = status == 200
        if not scenario.page_ok:
            notes.append(f"page « {label} » : {scenario.url} répond {status}, non mesurée")
        if scenario.kwargs is not None:
            try:
                scenario.api()
            except Exception as error:  # noqa: BLE001
                notes.append(f"API « {label} » : {type(error).__name__}: {error}, non mesurée")
                scenario.kwargs = None
        resolved.append(scenario)
    return resolved


def _counts(scenario):
    """The SQL queries of the page and of the API call (the whole directory's counts not
    cached, at both sizes alike), and the number of results."""
    from directory import whole_counts

    whole_counts.changed()
    page = _count_queries(scenario.page) if scenario.page_ok else None
    whole_counts.changed()
    return {
        "page": page,
        "api": _count_queries(scenario.api) if scenario.kwargs is not None else None,
        "total": scenario.api() if scenario.kwargs is not None else None,
    }


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def _measure(name, func, **options):
    settings = {
        "iterations": ITERATIONS,
        "warmup": WARMUP,
        "budget_seconds": BUDGET_SECONDS,
        "min_iterations": MIN_ITERATIONS,
    }
    settings.update(options)
    return measure(name, func, **settings)


def print_comparison(reports, *, targets=None):
    """One line per request: each engine's p50/p95, the SQL query counts (each engine's, when
    they differ), × its baseline p50; then whether each engine meets its p95 target."""
    targets = TARGETS if targets is None else targets
    names = []
    for report in reports:
        for row in report["rows"]:
            if row["name"] not in names:
                names.append(row["name"])
    by_engine = [{row["name"]: row for row in report["rows"]} for report in reports]
    width = max(len(name) for name in names) + 2
    header = f"{'requête':<{width}}{'résultats':>10}"
    for report in reports:
        header += f"{report['engine'][:10] + ' p50':>16}{'p95':>8}"
    header += f"{'SQL':>10}" + "".join(f"{'× base ' + r['engine'][:3]:>12}" for r in reports)
    sizes = ", ".join(
        f"{r['engine']} {r['agents']} agents, charge {r['load']:.1f}" for r in reports
    )
    print(f"\nAnnuaire, moteurs côte à côte (ms ; {sizes} ; {os.cpu_count()} cœurs)")
    print(header)
    print("-" * len(header))
    for name in names:
        rows = [engine.get(name) for engine in by_engine]
        results = next((row["results"] for row in rows if row and "results" in row), "")
        line = f"{name:<{width}}{results:>10}"
        queries = []
        for row in rows:
            line += f"{row['p50']:>16.1f}{row['p95']:>8.1f}" if row else f"{'—':>16}{'—':>8}"
            queries.append(str(row["queries"]) if row else "—")
        if len(set(queries) - {"—"}) <= 1:
            queries = sorted(set(queries) - {"—"}) or ["—"]
        line += f"{'/'.join(queries):>10}"
        for row, engine in zip(rows, by_engine, strict=True):
            base = engine.get(BASELINE)
            line += f"{row['p50'] / base['p50']:>12.0f}" if row and base else f"{'—':>12}"
        print(line)
    print(
        "  (SQL : requêtes par recherche, une valeur par moteur dans l'ordre des colonnes "
        "quand elles diffèrent ; sur le moteur, celles qui restent sur la base)"
    )
    for report in reports:
        target = targets.get(report["engine"])
        if target is None:
            continue
        slow = [
            f"{row['name']} ({row['p95']:.0f} ms)"
            for row in report["rows"]
            if row["name"].startswith(("page : ", "API : ")) and row["p95"] >= target
        ]
        verdict = "atteint" if not slow else "MANQUÉ pour :\n    " + "\n    ".join(slow)
        print(f"\nObjectif p95 < {target} ms sur {report['engine']} : {verdict}")
