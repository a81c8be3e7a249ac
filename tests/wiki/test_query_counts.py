"""The wiki's pages cost the same number of SQL queries whatever the wiki's size: each page and
the edit are counted with 3 rows (revisions of the page, its sub-pages, pages linking to it,
links in its text, FAQ questions, pages of the wiki) and again with 30, and the count is pinned
— the pages bench/wiki.py measures on a wiki of 20,000 pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommunityFactory, MembershipFactory
from wiki import services
from wiki.models import Page

pytestmark = pytest.mark.django_db

TITLE = "Guide des marchés publics"
# The queries of each page for a member, at 3 rows and at 30 (the edit with what runs once it
# commits: the followers' notifications).
PINNED = {
    "home": 12,
    "page": 11,
    "faq": 11,  # its link targets read once for the page and its questions
    "history": 7,
    "diff": 8,
    "revision": 7,
    "recent": 6,
    "pages": 7,  # a keyset page: no COUNT(*) of the wiki's pages
    "edit_form": 7,
    # 28 for the save itself; the rest is the search's indexing of the page, which the tests'
    # settings run at once on commit (the worker does it in production).
    "edit": 40,
}


class Wiki:
    """A community's wiki that grows through the services, as its members make it grow."""

    def __init__(self):
        self.community = CommunityFactory(open=True)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.viewer = MembershipFactory(community=self.community).agent
        self.writer = MembershipFactory(community=self.community).agent
        self.home = services.home_create(community=self.community, agent=self.animator)
        self.page = services.page_create(
            community=self.community,
            agent=self.writer,
            title=TITLE,
            body="## Contexte\n\nÀ écrire.",
        )
        self.faq = services.page_create(
            community=self.community,
            agent=self.writer,
            title="Foire aux questions",
            body="Les questions du réseau.",
            kind=Page.Kind.FAQ,
        )
        self.edited = services.page_create(
            community=self.community, agent=self.writer, title="Page modifiée", body="Début."
        )
        self.rows = 1
        self.links = []

    def grow(self, rows):
        """Up to ``rows`` revisions of the page (its text gaining a section and a link each
        time, to a sub-page or to a missing page), sub-pages linking back to it, FAQ
        questions."""
        for number in range(self.rows + 1, rows + 1):
            child = services.page_create(
                community=self.community,
                agent=self.writer,
                title=f"Fiche pratique n° {number}",
                body=f"Voir le [[{TITLE}]].",
                parent=self.page,
            )
            target = child.title if number % 2 else f"Page manquante {number}"
            self.links.append(f"## Étape {number}\n\nLe point {number} : voir [[{target}]].")
            self._save(self.page, "\n\n".join(["## Contexte\n\nÀ écrire.", *self.links]))
            questions = [
                f"## Question {n} ?\n\nLa réponse {n}, selon la note de service."
                for n in range(1, number + 1)
            ]
            self._save(self.faq, "\n\n".join(["Les questions du réseau.", *questions]))
        self.rows = rows

    def _save(self, page, body):
        page.refresh_from_db()
        services.page_save(
            page=page,
            agent=self.writer,
            title=page.title,
            body=body,
            summary="Ajout d'une étape",
            base_number=page.last_number,
        )

    def pages(self):
        slug = self.community.slug
        self.page.refresh_from_db()
        last = self.page.last_number
        page_slug = self.page.slug
        return {
            "home": reverse("wiki:home", args=[slug]),
            "page": reverse("wiki:page", args=[slug, page_slug]),
            "faq": reverse("wiki:page", args=[slug, self.faq.slug]),
            "history": reverse("wiki:history", args=[slug, page_slug]),
            "diff": reverse("wiki:diff", args=[slug, page_slug]) + f"?de={last - 1}&a={last}",
            "revision": reverse("wiki:revision", args=[slug, page_slug, 1]),
            "recent": reverse("wiki:recent", args=[slug]),
            "pages": reverse("wiki:pages", args=[slug]),
            "edit_form": reverse("wiki:page_edit", args=[slug, page_slug]),
        }


def _count(func, run_on_commit):
    """The queries of ``func`` and of what it runs once its transaction commits."""
    with CaptureQueriesContext(connection) as captured, run_on_commit(execute=True):
        func()
    return len(captured)


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def _edit(client, wiki):
    """The viewer saves the « Page modifiée » page with one more sentence."""

    def request():
        page = Page.objects.get(pk=wiki.edited.pk)
        url = reverse("wiki:page_edit", args=[wiki.community.slug, page.slug])
        data = {
            "title": page.title,
            "body": f"{page.body}\n\nUne phrase de plus.",
            "summary": "",
            "base_number": page.last_number,
        }
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.status_code)

    return request


def _counts(client, wiki, run_on_commit):
    counts = {name: _count(_get(client, url), run_on_commit) for name, url in wiki.pages().items()}
    counts["edit"] = _count(_edit(client, wiki), run_on_commit)
    return counts


def test_query_counts_do_not_grow_with_the_wiki(client, django_capture_on_commit_callbacks):
    """The wiki's home, a page (its sub-pages, backlinks and links), a FAQ, the page's history,
    the diff of its last two revisions, an old revision, recent changes, the list of pages, the
    editor and a save: the same queries with 3 rows as with 30, and the pinned number."""
    run_on_commit = django_capture_on_commit_callbacks
    wiki = Wiki()
    with run_on_commit(execute=True):
        wiki.grow(3)
    client.force_login(wiki.viewer)
    _counts(client, wiki, run_on_commit)  # warm the caches (content types, session)
    small = _counts(client, wiki, run_on_commit)

    with run_on_commit(execute=True):
        wiki.grow(30)
    page = Page.objects.get(pk=wiki.page.pk)
    # The comparison means something: ten times the revisions, sub-pages, backlinks and links.
    assert page.last_number >= 30 and page.children.count() == 29
    assert page.backlinks.count() == 29 and page.links_out.count() == 29
    big = _counts(client, wiki, run_on_commit)

    assert big == small, (small, big)
    assert small == PINNED, small
