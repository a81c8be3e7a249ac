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

import math

from bench.forum_generator import check_invariants, generate_forums
from bench.scenarios import (
    generate_and_check,
    get,
    load_text,
    measure_scenarios,
    print_report,
    signed_in,
)
from forums.models import POSTS_PER_PAGE, Topic


def run(*, communities=500, topics=None, posts=1_000_000, agents=3000, explain=False, seed=1):
    """Generate the forums, measure every page; print the table and return the report."""
    topics = topics or max(communities, posts // 20)
    made, problems = generate_and_check(
        lambda: generate_forums(
            communities=communities, topics=topics, posts=posts, agents=agents, seed=seed
        ),
        check_invariants,
        lambda made, checked: (
            f"\nForums générés en {made['seconds']:.0f} s (vérifiés et analysés en "
            f"{checked:.0f} s) : {made['communities']} communautés, {made['categories']} "
            f"catégories, {made['topics']} sujets, {made['posts']} messages, {made['votes']} "
            f"votes, {made['reads']} positions de lecture"
        ),
    )
    client = signed_in(made["viewer"])
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
        ("accueil du forum (non-lus)", get(client, forum)),
        ("catégorie d'entraide, page 1", get(client, category)),
        ("sujet de 5 000 réponses, page 1", get(client, topic_url)),
        (
            f"sujet de 5 000 réponses, page {last_page} (la dernière, {on_last} message"
            f"{'s' if on_last > 1 else ''})",
            get(client, f"{topic_url}?page={last_page}"),
        ),
        (
            f"sujet de 5 000 réponses, page {last_page - 1} ({POSTS_PER_PAGE} messages)",
            get(client, f"{topic_url}?page={last_page - 1}"),
        ),
        ("filtre « sans réponse » (catégorie)", get(client, f"{category}?filtre=sans-reponse")),
        ("filtre « sans réponse » (forum)", get(client, f"{forum}?filtre=sans-reponse")),
    ]
    if ordinary is not None:
        scenarios.append(
            ("répondre (POST)", _post(client, f"{forum}sujet/{ordinary.pk}/repondre/"))
        )
    else:
        notes.append("aucune question de 5 à 40 réponses où répondre : POST non mesuré")

    rows, load = measure_scenarios(client, scenarios, notes=notes, explain=explain)
    print_report(
        f"Forums (PostgreSQL, {made['posts']} messages, {made['topics']} sujets, "
        f"{load_text(load)})",
        rows,
        f"à {made['posts']} messages",
        notes,
    )
    return {"made": made, "rows": rows, "notes": notes, "load": load, "problems": problems}


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
