"""The forums benchmark: a million posts on PostgreSQL, next to the minimal-view baseline.

``python -m bench --only forums`` starts a throw-away PostgreSQL server (bench/postgresql.py) and
runs ``python -m bench --only forums --database postgres://…`` in a child process, which
migrates, loads the demo data, generates the forums (bench/forum_generator.py: 500 communities,
50,000 topics, 1,000,000 posts by default; ``--forum-posts 100000`` for a shorter run), runs
VACUUM ANALYZE as autovacuum would soon after a bulk load, then measures with Django's test
client, signed in as a member of the busiest community: its forum's home with the unread
counts, its help category, page 1 and the last page of a topic of 5,000 replies, the
« sans réponse » filter, and a reply (the POST, in a topic of its help forum).

With ``--forum-explain``, the slowest queries of every page that misses the target are printed
with PostgreSQL's EXPLAIN ANALYZE.
"""

import logging
import math
import os
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.forum_generator import check_invariants, generate_forums
from bench.runner import measure
from forums.models import POSTS_PER_PAGE, Topic

BASELINE = "base : vue Django minimale"
TARGET_MS = 150
ITERATIONS, MIN_ITERATIONS, BUDGET_SECONDS, WARMUP = 100, 15, 4.0, 3


def run(*, communities=500, topics=None, posts=1_000_000, agents=3000, explain=False, seed=1):
    """Generate the forums, measure every page; print the table and return the report."""
    topics = topics or max(communities, posts // 20)
    # One line per background task (the notifications' fan-out after each reply) would drown
    # the figures.
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    started = time.perf_counter()
    made = generate_forums(
        communities=communities, topics=topics, posts=posts, agents=agents, seed=seed
    )
    generation = made["seconds"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    problems = check_invariants()
    print(
        f"\nForums générés en {generation:.0f} s (vérifiés et analysés en "
        f"{time.perf_counter() - started - generation:.0f} s) : {made['communities']} "
        f"communautés, {made['categories']} catégories, {made['topics']} sujets, "
        f"{made['posts']} messages, {made['votes']} votes, {made['reads']} positions de lecture"
    )
    for problem in problems:
        print(f"  ! invariant : {problem}")

    from directory.models import Agent

    viewer = Agent.objects.get(pk=made["viewer"])
    client = Client()
    client.force_login(viewer)
    slug = made["community"]
    forum = f"/communautes/{slug}/forum/"
    category = f"{forum}{made['help_category']}/"
    long_topic = Topic.objects.get(pk=made["long_topic"])
    last_page = math.ceil(long_topic.last_number / POSTS_PER_PAGE)
    on_last = long_topic.last_number - (last_page - 1) * POSTS_PER_PAGE
    topic_url = f"{forum}sujet/{long_topic.pk}/"
    # A reply goes to an ordinary question of the help forum, as most replies do.
    ordinary = (
        Topic.objects.filter(
            category_id=made["help_category"], reply_count__range=(5, 40), is_locked=False
        )
        .order_by("-last_post_at")
        .first()
    )
    notes = []
    scenarios = [
        ("accueil du forum (non-lus)", _get(client, forum)),
        ("catégorie d'entraide, page 1", _get(client, category)),
        ("sujet de 5 000 réponses, page 1", _get(client, topic_url)),
        (
            f"sujet de 5 000 réponses, page {last_page} (la dernière, {on_last} message"
            f"{'s' if on_last > 1 else ''})",
            _get(client, f"{topic_url}?page={last_page}"),
        ),
        (
            f"sujet de 5 000 réponses, page {last_page - 1} ({POSTS_PER_PAGE} messages)",
            _get(client, f"{topic_url}?page={last_page - 1}"),
        ),
        ("filtre « sans réponse » (catégorie)", _get(client, f"{category}?filtre=sans-reponse")),
        ("filtre « sans réponse » (forum)", _get(client, f"{forum}?filtre=sans-reponse")),
    ]
    if ordinary is not None:
        scenarios.append(
            ("répondre (POST)", _post(client, f"{forum}sujet/{ordinary.pk}/repondre/"))
        )
    else:
        notes.append("aucune question de 5 à 40 réponses où répondre : POST non mesuré")

    load_before = os.getloadavg()[0]
    rows = [measure(BASELINE, _get(client, "/__bench__/baseline"), iterations=200, warmup=10)]
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
            _explain(name, request)
    load = (load_before + os.getloadavg()[0]) / 2
    print_table(made, rows, load)
    for note in notes:
        print(f"  ! {note}")
    return {"made": made, "rows": rows, "notes": notes, "load": load, "problems": problems}


def print_table(made, rows, load):
    """The existing benchmarks' French table, with the target's verdict."""
    baseline = next(row for row in rows if row["name"] == BASELINE)
    width = max(34, *(len(row["name"]) + 2 for row in rows))
    print(
        f"\nForums (PostgreSQL, {made['posts']} messages, {made['topics']} sujets, en processus ; "
        f"charge de la machine {load:.1f} pour {os.cpu_count()} cœurs)"
    )
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
    print(f"\nObjectif p95 < {TARGET_MS} ms à {made['posts']} messages : {verdict}")


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, f"{url} répond {response.status_code}"

    return request


def _post(client, url):
    counter = iter(range(1, 10**9))

    def request():
        body = (
            f"Merci pour vos retours, je complète (réponse n° {next(counter)}) : le contrôle de "
            "légalité a validé notre procédure."
        )
        response = client.post(url, {"body": body})
        assert response.status_code == 302, f"{url} répond {response.status_code}"

    return request


def _explain(name, request, top=3):
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
