"""The pages of the search over everything (/recherche/): the page with its facets, filters,
pagination and htmx fragment, the suggestions, the 503 when the index does not answer, the
header's box on every page and « Rechercher dans cette communauté »."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from search.backends import DocumentBackend, SearchUnavailable, register_documents
from search.indexing import rebuild
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommunityFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
UNAVAILABLE = "indisponible-pour-les-tests"


class UnavailableBackend(DocumentBackend):
    """An index that never answers, as an engine that is down."""

    def search(self, request):
        raise SearchUnavailable("the engine does not answer")

    def upsert(self, documents):
        raise SearchUnavailable("the engine does not answer")

    def delete(self, keys):
        raise SearchUnavailable("the engine does not answer")

    def count(self):
        raise SearchUnavailable("the engine does not answer")


register_documents(UNAVAILABLE, UnavailableBackend)


# --- the world searched ----------------------------------------------------------------------


class World:
    """An open community with announcements about the bathymetry, a secret one with its canary,
    a viewer member of neither."""

    def __init__(self):
        self.author = AgentFactory(first_name="Claire", last_name="Lemoine")
        self.viewer = AgentFactory(first_name="Paul", last_name="Viewer")
        self.open = CommunityFactory(name="Littoral breton", open=True)
        self.other = CommunityFactory(name="Ports de Normandie", open=True)
        self.secret = CommunityFactory(name="Cellule confidentielle", private_secret=True)
        self.private = CommunityFactory(name="Club privé", private_listed=True)
        for community in (self.open, self.other, self.secret, self.private):
            MembershipFactory(community=community, agent=self.author)
        self.post = self.announce(
            self.open,
            "Campagne de bathymétrie au large de Brest",
            "La bathymétrie des fonds marins guide les dragages du port.",
        )
        self.old_post = self.announce(
            self.other,
            "Bathymétrie du chenal de Cherbourg",
            "Relevés de 2025.",
            days=100,
        )
        self.canary = self.announce(
            self.secret,
            "Canari bathymétrie confidentielle",
            "Ce billet ne doit jamais sortir de la cellule.",
        )

    def announce(self, community, title, body, *, days=0):
        return AnnouncementFactory(
            community=community,
            author=self.author,
            title=title,
            body=body,
            published_at=timezone.now() - timedelta(days=days),
        )


@pytest.fixture
def world():
    world = World()
    rebuild()
    return world


@pytest.fixture
def viewer_client(client, world):
    client.force_login(world.viewer)
    return client


def search_url(**params):
    url = reverse("search:page")
    return url + ("?" + urlencode(params, doseq=True) if params else "")


def html_of(response):
    return response.content.decode()


def result_titles(response):
    """The results' titles as shown (the <mark> removed)."""
    return [
        unescape(re.sub(r"</?mark>", "", title))
        for title in re.findall(r'data-testid="search-result-title">(.*?)</a>', html_of(response))
    ]


def facet_values(response, facet):
    """{value: (label, count, checked)} of one facet as the page shows it."""
    block = re.search(rf'data-testid="facet-{facet}">(.*?)</fieldset>', html_of(response), re.S)
    if block is None:
        return {}
    found = {}
    for attrs, label, count in re.findall(
        r"<input ([^>]*)>\s*<label[^>]*>([^<]+)\s*<span[^>]*>(\d+) résultats?</span>",
        block.group(1),
    ):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        found[value] = (unescape(label.strip()), int(count), " checked" in attrs)
    return found


def query_of(url):
    return sorted(parse_qsl(urlsplit(unescape(url)).query))


# --- the page --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, world):
    """An anonymous visitor is sent to the sign-in page, the search kept as where to come back."""
    response = client.get(search_url(q="bathymétrie"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/recherche/")


def test_the_empty_page_invites_to_search(viewer_client):
    """Without words or filters the page shows the form and an invitation, no result."""
    response = viewer_client.get(search_url())
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="search-form" method="get" action="/recherche/"' in html
    assert "Saisissez un ou plusieurs mots" in html
    assert result_titles(response) == []


def test_a_word_finds_what_the_agent_may_read_with_type_community_author_and_date(
    viewer_client, world
):
    """Each result shows its type, its highlighted title linking to the exact place, its
    community, its author, its French date and an excerpt; the secret community's canary is
    never among them."""
    response = viewer_client.get(search_url(q="bathymetrie"))
    assert response.status_code == 200
    html = html_of(response)
    titles = result_titles(response)
    assert set(titles) == {
        "Campagne de bathymétrie au large de Brest",
        "Bathymétrie du chenal de Cherbourg",
    }
    assert "Canari" not in html
    assert "Cellule confidentielle" not in html
    assert "2 résultats" in html
    assert "<title>Recherche\u00a0: bathymetrie — Maillage</title>" in html
    result = re.search(
        rf'<li class="everything-result[^"]*"[^>]*data-type="announcement">\s*.*?'
        rf'href="{re.escape(world.post.get_absolute_url())}".*?</li>',
        html,
        re.S,
    ).group(0)
    assert "Billet du blog" in result
    assert "<mark>bathymétrie</mark>" in result
    assert "Littoral breton" in result
    assert "Claire Lemoine" in result
    assert timezone.localdate().strftime("%Y") in result
    assert re.search(
        r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
        r"octobre|novembre|décembre) \d{4}",
        result,
    )
    assert "fonds marins" in result


def test_the_facets_count_and_a_ticked_value_filters_with_its_removal_link(viewer_client, world):
    """The facets show each value with its count; a value in the address is ticked, narrows
    the results, and is listed among the active filters with a link that removes it."""
    response = viewer_client.get(search_url(q="bathymetrie"))
    communities = facet_values(response, "community")
    assert communities == {
        str(world.open.pk): ("Littoral breton", 1, False),
        str(world.other.pk): ("Ports de Normandie", 1, False),
    }
    assert facet_values(response, "type")["announcement"] == ("Billets du blog", 2, False)

    response = viewer_client.get(search_url(q="bathymetrie", community=world.other.pk))
    assert result_titles(response) == ["Bathymétrie du chenal de Cherbourg"]
    # The other communities' counts are kept: ticking a second one widens the search.
    assert facet_values(response, "community")[str(world.other.pk)] == (
        "Ports de Normandie",
        1,
        True,
    )
    assert facet_values(response, "community")[str(world.open.pk)][1] == 1
    tags = re.findall(r'<a class="fr-tag[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', html_of(response))
    assert [(query_of(url), label) for url, label in tags] == [
        ([("q", "bathymetrie")], "Ports de Normandie")
    ]

    both = viewer_client.get(search_url(q="bathymetrie", community=[world.other.pk, world.open.pk]))
    assert len(result_titles(both)) == 2


def test_the_date_facet_is_one_period_at_a_time(viewer_client, world):
    """« Depuis 30 jours » keeps what is newer; the period is a radio group."""
    response = viewer_client.get(search_url(q="bathymetrie", period="mois"))
    assert result_titles(response) == ["Campagne de bathymétrie au large de Brest"]
    periods = facet_values(response, "period")
    assert periods["mois"] == ("Depuis 30 jours", 1, True)
    assert periods["annee"] == ("Depuis un an", 2, False)
    assert 'type="radio" name="period" value="mois"' in html_of(response)


def test_the_sort_by_date_puts_the_newest_first(viewer_client, world):
    """Sorted by date, the newest first whatever the relevance; the choice is kept."""
    world.announce(world.open, "Note", "Un mot sur la bathymétrie, en passant.", days=3)
    rebuild()
    response = viewer_client.get(search_url(q="bathymetrie", sort="date"))
    assert result_titles(response) == [
        "Campagne de bathymétrie au large de Brest",
        "Note",
        "Bathymétrie du chenal de Cherbourg",
    ]
    assert '<option value="date" selected>' in html_of(response)


def test_the_form_works_without_javascript(viewer_client, world):
    """The page is one GET form: its fields (q, sort, the facets' boxes) are what the address
    reads, so submitting it without JavaScript gives the same page."""
    html = html_of(viewer_client.get(search_url(q="bathymetrie")))
    form = re.search(r'<form id="search-form"(.*?)</form>', html, re.S).group(0)
    assert 'method="get" action="/recherche/"' in form
    assert re.search(r'<input[^>]*name="q" value="bathymetrie"', form)
    assert 'name="sort"' in form
    assert f'name="community" value="{world.open.pk}"' in form
    assert 'name="type" value="announcement"' in form
    assert '<button type="submit"' in form
    # What the browser sends when the box of a community is ticked.
    response = viewer_client.get(
        "/recherche/?"
        + urlencode({"q": "bathymetrie", "sort": "relevance", "period": ""})
        + f"&community={world.open.pk}"
    )
    assert result_titles(response) == ["Campagne de bathymétrie au large de Brest"]


def test_htmx_gets_the_results_the_facets_out_of_band_and_the_clean_address(viewer_client, world):
    """With htmx the same address answers the results alone, the facets swapped out of band,
    the address to push without empty fields, and varies on HX-Request."""
    response = viewer_client.get(
        search_url(q="bathymetrie", sort="relevance", period="", community=world.open.pk),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = html_of(response)
    assert "<html" not in html
    assert 'id="search-facets" hx-swap-oob="true"' in html
    assert result_titles(response) == ["Campagne de bathymétrie au large de Brest"]
    assert query_of(response["HX-Push-Url"]) == [
        ("community", str(world.open.pk)),
        ("q", "bathymetrie"),
    ]
    assert "HX-Request" in response["Vary"]
    page = viewer_client.get(search_url(q="bathymetrie"))
    assert "HX-Request" in page["Vary"]
    assert 'hx-get="/recherche/"' in html_of(page)
    assert 'hx-target="#search-results"' in html_of(page)
    assert 'hx-push-url="true"' in html_of(page)
    assert '<div id="search-results" aria-live="polite">' in html_of(page)


def test_html_in_titles_and_bodies_is_escaped(viewer_client, world):
    """A title holding HTML is shown as text, highlighted, on the page and in the suggestions;
    nothing of a body's HTML runs."""
    world.announce(world.open, f"Bathymétrie {SCRIPT} <b>gras</b>", f"Corps {SCRIPT} bathymétrie")
    rebuild()
    for response in (
        viewer_client.get(search_url(q="bathymetrie")),
        viewer_client.get(reverse("search:suggestions") + "?q=bathym"),
    ):
        html = html_of(response)
        assert SCRIPT not in html
        assert "<b>gras</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;gras&lt;/b&gt;" in html


def test_no_result_gives_hints(viewer_client, world):
    """Nothing found: « Aucun résultat » and what to try."""
    response = viewer_client.get(search_url(q='"chenal de Brest"'))
    html = html_of(response)
    assert "Aucun résultat" in html
    assert "retirer les guillemets" in html
    assert 'data-testid="search-empty"' in html


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def many(world):
    for number in range(25):
        world.announce(world.open, f"Relevé hydrographique {number}", "Sondeur multifaisceau.")
    rebuild()
    return world


def test_pages_of_twenty_with_dsfr_pagination(viewer_client, many):
    """Twenty results a page; the DSFR pagination links each page by its clean address."""
    first = viewer_client.get(search_url(q="hydrographique"))
    assert len(result_titles(first)) == 20
    assert "25 résultats" in html_of(first)
    assert 'class="fr-pagination"' in html_of(first)
    links = re.findall(r'class="fr-pagination__link" href="([^"]+)"', html_of(first))
    assert [query_of(link) for link in links] == [
        [("q", "hydrographique")],
        [("page", "2"), ("q", "hydrographique")],
    ]
    second = viewer_client.get(search_url(q="hydrographique", page=2))
    assert len(result_titles(second)) == 5
    assert not set(result_titles(first)) & set(result_titles(second))


def test_a_page_of_results_costs_the_same_queries_whatever_its_number_of_hits(viewer_client, world):
    """The page's queries do not grow with its hits: the policy's second check is one query per
    type, the communities' names one query for the page."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = viewer_client.get(search_url(q="sondeur"))
        assert response.status_code == 200
        return len(result_titles(response)), len(captured)

    for number in range(2):
        world.announce(world.open, f"Sondeur {number}", "Un sondeur.")
    rebuild()
    few, few_queries = queries()
    for number in range(2, 20):
        world.announce(world.other if number % 2 else world.open, f"Sondeur {number}", "Sondeur.")
    rebuild()
    many, many_queries = queries()
    assert (few, many) == (2, 20)
    assert many_queries == few_queries


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "2.5", "", "1e9"])
def test_a_page_that_does_not_exist_is_a_clean_page(viewer_client, many, page):
    """A page number that is not one, or past the last page, gives a page of results."""
    response = viewer_client.get(search_url(q="hydrographique", page=page))
    assert response.status_code == 200
    assert len(result_titles(response)) in (5, 20)
    if page == "99999":
        assert len(result_titles(response)) == 5
        assert 'data-testid="page-out-of-range"' in html_of(response)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "bathymétrie " * 150},
        {"q": '"""«»-- - " -'},
        {"type": ["inconnu", "<b>", ""]},
        {"community": ["abc", "-3", "0", "99999999999999999999999", "12.5"]},
        {"region": ["<script>", "../..", "ZZ"]},
        {"period": ["jamais", "mois", "semaine"]},
        {"sort": "<script>"},
    ],
)
def test_bad_input_gives_a_clean_page(viewer_client, world, params):
    """Anything typed or forged in the address gives a page with a French message, never a 500,
    and nothing of it unescaped."""
    response = viewer_client.get(search_url(**params))
    assert response.status_code == 200
    html = html_of(response)
    assert "<script>alert" not in html
    assert 'value="<' not in html


@pytest.mark.parametrize(
    "params", [{"q": "bathymétrie " * 200}, {"q": "bathy\x00métrie"}, {"page": "\x00"}]
)
def test_an_address_no_search_needs_is_refused_with_its_reason(viewer_client, world, params):
    """Past 2,000 characters, or with a NUL, the platform's guard refuses the address with a
    French reason (400), before the search."""
    response = viewer_client.get(search_url(**params))
    assert response.status_code == 400
    assert "La requête est refusée" in html_of(response)


def test_a_long_query_is_cut_to_what_the_search_reads(viewer_client, world):
    """A query under the guard's limit but longer than the search reads is cut, not refused."""
    response = viewer_client.get(search_url(q="bathymétrie " * 150))
    assert response.status_code == 200
    value = re.search(r'id="search-q" name="q" value="([^"]*)"', html_of(response)).group(1)
    assert len(unescape(value)) <= 200
    assert result_titles(response)


def test_a_community_the_agent_may_not_read_is_dropped_from_the_filters(viewer_client, world):
    """A forged address naming a secret community shows neither its name nor its content:
    the filter is dropped."""
    response = viewer_client.get(search_url(q="bathymetrie", community=world.secret.pk))
    assert response.status_code == 200
    html = html_of(response)
    assert "Cellule confidentielle" not in html
    assert "Canari" not in html
    assert 'data-testid="search-scope"' not in html
    response = viewer_client.get(search_url(community=world.secret.pk))
    assert "Cellule confidentielle" not in html_of(response)


def test_a_listed_private_community_stays_a_filter_of_its_card(viewer_client, world):
    """A listed private community, whose card every State agent finds, stays in the filter: its
    name shown, none of its content."""
    world.announce(world.private, "Bathymétrie du club", "Réservé aux membres.")
    rebuild()
    response = viewer_client.get(search_url(community=world.private.pk))
    html = html_of(response)
    assert "Dans la communauté <strong>Club privé</strong>" in html
    assert facet_values(response, "community")[str(world.private.pk)][2] is True
    assert "Bathymétrie du club" not in html


# --- « dans cette communauté » ----------------------------------------------------------------


def test_a_search_in_one_community_says_so_and_links_to_everywhere(viewer_client, world):
    """/recherche/?community=<id> lists that community's latest content, says « dans la
    communauté X », and links to the same search everywhere."""
    response = viewer_client.get(search_url(community=world.open.pk))
    html = html_of(response)
    assert "Dans la communauté <strong>Littoral breton</strong>" in html
    assert "Campagne de bathymétrie au large de Brest" in result_titles(response)
    assert "Bathymétrie du chenal de Cherbourg" not in result_titles(response)
    everywhere = re.search(r'href="([^"]*)" data-testid="search-everywhere"', html).group(1)
    assert everywhere == "/recherche/"
    response = viewer_client.get(search_url(q="bathymetrie", community=world.open.pk))
    everywhere = re.search(r'href="([^"]*)" data-testid="search-everywhere"', html_of(response))
    assert query_of(everywhere.group(1)) == [("q", "bathymetrie")]


def test_every_community_page_links_to_a_search_in_it(viewer_client, world):
    """« Rechercher dans cette communauté » on the community's pages, for those who may read
    its content; not for a non-member of a private community, who only sees its card."""
    url = f'href="/recherche/?community={world.open.pk}" data-testid="community-search"'
    for page in (world.open.get_absolute_url(), world.post.get_absolute_url()):
        response = viewer_client.get(page)
        assert response.status_code == 200, page
        assert url in html_of(response), page
        assert "Rechercher dans cette communauté" in html_of(response)
    response = viewer_client.get(world.private.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="community-search"' not in html_of(response)


# --- the header's box and its suggestions ----------------------------------------------------


def test_the_header_has_the_search_box_on_every_page_for_signed_in_agents(
    client, viewer_client, world
):
    """The DSFR header search (« Rechercher », to /recherche/, suggestions by htmx) is on every
    page of a signed-in agent, and not for an anonymous visitor."""
    for page in (
        "/",
        reverse("directory:search"),
        reverse("communities:list"),
        world.open.get_absolute_url(),
        reverse("notifications:centre"),
        search_url(q="bathymetrie"),
    ):
        html = html_of(viewer_client.get(page))
        box = re.search(r'<div class="fr-header__search fr-modal".*?</form>', html, re.S)
        assert box, page
        box = box.group(0)
        assert 'action="/recherche/"' in box
        assert 'role="search"' in box
        assert '<label class="fr-label" for="header-search-q">Rechercher</label>' in box
        assert 'name="q"' in box
        assert 'hx-get="/recherche/suggestions/"' in box
        assert 'hx-trigger="input changed delay:250ms, search"' in box
        assert 'aria-controls="modal-search"' in html  # the magnifier on small screens
    client.logout()
    html = html_of(client.get(reverse("login")))
    assert "fr-header__search" not in html


def test_suggestions_list_the_first_matches_as_links(viewer_client, world):
    """What is being typed (its last word a prefix) suggests links with the type and the
    title, then the whole search; nothing when the box is empty; never the canary."""
    response = viewer_client.get(reverse("search:suggestions") + "?q=bathym")
    assert response.status_code == 200
    html = html_of(response)
    links = re.findall(r'<a class="search-suggestions__link" href="([^"]+)"', html)
    assert set(links) == {world.post.get_absolute_url(), world.old_post.get_absolute_url()}
    assert "Billet du blog" in html
    assert "Canari" not in html
    assert "/recherche/?q=bathym" in html
    assert "2 suggestions" in html
    assert "HX-Request" in response["Vary"]

    empty = viewer_client.get(reverse("search:suggestions") + "?q=")
    assert "search-suggestions__link" not in html_of(empty)


def test_suggestions_are_for_signed_in_agents(client, world):
    response = client.get(reverse("search:suggestions") + "?q=bathym")
    assert response.status_code == 302


# --- the index does not answer ---------------------------------------------------------------


def test_an_index_that_does_not_answer_gives_a_french_503(viewer_client, settings, world):
    """The engine down: the page answers 503 with its French message (never a 500), htmx is
    sent to that page, the suggestions say they are unavailable."""
    settings.SEARCH_ENGINE = UNAVAILABLE
    response = viewer_client.get(search_url(q="bathymetrie"))
    assert response.status_code == 503
    html = html_of(response)
    assert "La recherche est momentanément indisponible" in html
    assert 'data-testid="search-unavailable"' in html
    assert response["Retry-After"]

    fragment = viewer_client.get(search_url(q="bathymetrie"), headers={"HX-Request": "true"})
    assert fragment.status_code == 503
    assert fragment["HX-Redirect"] == search_url(q="bathymetrie")

    suggestions = viewer_client.get(reverse("search:suggestions") + "?q=bathym")
    assert suggestions.status_code == 200
    assert "Suggestions momentanément indisponibles" in html_of(suggestions)

    # An empty search asks nothing of the index.
    assert viewer_client.get(search_url()).status_code == 200
