"""The wiki benchmark: a community wiki of 20,000 pages on PostgreSQL, next to the minimal-view
baseline.

``python -m bench --only wiki`` starts a throw-away PostgreSQL server (bench/postgresql.py) and
runs ``python -m bench --only wiki --database postgres://…`` in a child process, which migrates,
loads the demo data, generates the wiki (bench/wiki_generator.py: 20,000 pages, 100,000
revisions, one page of 1,000 revisions of about 50 KB; ``--wiki-pages 2000 --wiki-revisions
10000`` for a shorter run), runs VACUUM ANALYZE as autovacuum would soon after a bulk load, then
measures with Django's test client, signed in as a member of the community: the page of 1,000
revisions, its history (page 1 and a late page), the diff of its last two revisions (50 KB
each), « Modifications récentes » (page 1 and a page reached by following « plus anciennes »
twenty times, a keyset cursor), the list of pages (page 1 and a late page), the wiki's home, and
an edit saved (the POST) on an ordinary page.

With ``--explain``, the slowest queries of every page that misses the target are printed with
PostgreSQL's EXPLAIN ANALYZE.
"""

import html
import re

from django.urls import reverse

from bench.scenarios import (
    generate_and_check,
    get,
    load_text,
    measure_scenarios,
    print_report,
    signed_in,
)
from bench.wiki_generator import check_invariants, generate_wiki
from wiki.models import PAGES_PER_PAGE, REVISIONS_PER_PAGE, Page

LATER_CHANGES = 20  # « plus anciennes » followed this many times for the later keyset page
CURSOR = re.compile(r'href="[^"]*[?&](?:amp;)?avant=([^"&]+)"')
PAGES_CURSOR = re.compile(r'href="[^"]*[?&](?:amp;)?apres=([^"&]+)"')


def run(
    *,
    pages=20_000,
    revisions=100_000,
    long_revisions=1000,
    long_size=50_000,
    agents=3000,
    explain=False,
    seed=1,
):
    """Generate the wiki, measure every page; print the table and return the report."""
    made, problems = generate_and_check(
        lambda: generate_wiki(
            pages=pages,
            revisions=revisions,
            long_revisions=long_revisions,
            long_size=long_size,
            agents=agents,
            seed=seed,
        ),
        check_invariants,
        lambda made, checked: (
            f"\nWiki généré en {made['seconds']:.0f} s (vérifié et analysé en {checked:.0f} s) : "
            f"{made['pages']} pages, {made['revisions']} révisions, {made['links']} liens ; la "
            f"page longue a {long_revisions} révisions, la dernière de {made['long_length']} "
            "caractères"
        ),
    )
    client = signed_in(made["viewer"])
    slug = made["community"]
    long_page = Page.objects.get(pk=made["long_page"])
    last = long_page.last_number
    history_pages = -(-last // REVISIONS_PER_PAGE)
    late_history = max(1, history_pages - 1)  # the last full page
    list_pages = -(-made["pages"] // PAGES_PER_PAGE)
    late_list = max(1, list_pages - 1)
    page_url = reverse("wiki:page", args=[slug, long_page.slug])
    history_url = reverse("wiki:history", args=[slug, long_page.slug])
    diff_url = reverse("wiki:diff", args=[slug, long_page.slug])
    recent_url = reverse("wiki:recent", args=[slug])
    pages_url = reverse("wiki:pages", args=[slug])
    notes = []
    later_recent = _follow_cursor(client, recent_url, LATER_CHANGES, notes)
    late_list_url = _follow_cursor(client, pages_url, late_list - 1, notes, PAGES_CURSOR, "apres")
    # An edit goes to an ordinary page of a few revisions, as most edits do.
    ordinary = (
        Page.objects.filter(community_id=made["community_id"], last_number__range=(2, 6))
        .exclude(kind=Page.Kind.FAQ)
        .order_by("-updated_at")
        .first()
    )
    scenarios = [
        ("accueil du wiki", get(client, reverse("wiki:home", args=[slug]))),
        (f"page de {last} révisions (50 Ko)", get(client, page_url)),
        ("son historique, page 1", get(client, history_url)),
        (
            f"son historique, page {late_history} sur {history_pages}",
            get(client, f"{history_url}?page={late_history}"),
        ),
        (
            f"diff des révisions {last - 1} et {last} (50 Ko)",
            get(client, f"{diff_url}?de={last - 1}&a={last}"),
        ),
        (f"diff des révisions 1 et {last}", get(client, f"{diff_url}?de=1&a={last}")),
        (f"modifications récentes ({made['pages']} pages), page 1", get(client, recent_url)),
    ]
    if later_recent:
        scenarios.append(
            (
                f"modifications récentes, page {LATER_CHANGES + 1} (curseur)",
                get(client, later_recent),
            )
        )
    scenarios += [
        ("liste des pages, page 1", get(client, pages_url)),
        (
            f"liste des pages, page {late_list} sur {list_pages}",
            get(client, late_list_url or pages_url),
        ),
    ]
    if ordinary is not None:
        scenarios.append(("enregistrer une modification (POST)", _edit(client, ordinary)))
    else:
        notes.append("aucune page de 2 à 6 révisions à modifier : POST non mesuré")

    rows, load = measure_scenarios(client, scenarios, notes=notes, explain=explain)
    print_report(
        f"Wiki (PostgreSQL, {made['pages']} pages, {made['revisions']} révisions, "
        f"{load_text(load)})",
        rows,
        f"à {made['pages']} pages",
        notes,
    )
    return {"made": made, "rows": rows, "notes": notes, "load": load, "problems": problems}


def _follow_cursor(client, url, times, notes, pattern=CURSOR, name="avant"):
    """The address reached by following « plus anciennes » (or « Pages suivantes »: ``pattern``
    and ``name``) ``times`` times from ``url``."""
    for _ in range(times):
        response = client.get(url)
        found = pattern.search(response.content.decode())
        if response.status_code != 200 or found is None:
            notes.append(f"pas de lien « plus anciennes » sur {url} : page lointaine non mesurée")
            return None
        url = f"{url.split('?')[0]}?{name}={html.unescape(found.group(1))}"
    return url


def _edit(client, page):
    """Save the page again with one more sentence each time, from its current revision."""
    url = reverse("wiki:page_edit", args=[page.community.slug, page.slug])
    counter = iter(range(1, 10**9))

    def request():
        page.refresh_from_db(fields=["last_number", "body", "title"])
        body = f"{page.body}\n\nPrécision n° {next(counter)} : le délai court à réception."
        data = {
            "title": page.title,
            "body": body,
            "summary": "Précision sur les délais",
            "base_number": page.last_number,
        }
        response = client.post(url, data)
        assert response.status_code == 302, f"{url} répond {response.status_code}"

    return request
