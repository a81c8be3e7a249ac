"""The box's list (``ideas:index``): each sort gives its order, each filter its rows, the pages
follow one another with the filters kept, htmx gets the list alone, and the empty states say
what to do."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ideas import services
from ideas.models import IDEAS_PER_PAGE, Idea, IdeaSupport
from tests.factories import CommunityFactory, MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db

S = Idea.Status


@pytest.fixture
def box():
    """Four ideas with distinct supports, comments, dates, themes and statuses:

    - « Alpha »: 3 supports (all old), 1 comment, the oldest, theme « Forages », adopted;
    - « Bravo »: 2 supports (recent), 5 comments, theme « Forages », the viewer's own;
    - « Charlie »: 1 support (the viewer's, recent), 0 comments, under study;
    - « Delta »: 0 supports, 2 comments, the newest.
    """
    community = CommunityFactory(open=True)
    forages = ThemeFactory(name="Forages profonds")
    community.themes.add(forages)
    animator = MembershipFactory(community=community, animator=True).agent
    viewer = MembershipFactory(community=community).agent
    members = [MembershipFactory(community=community).agent for _ in range(3)]
    now = timezone.now()

    def idea(title, author, days_ago, themes=()):
        created = services.idea_submit(
            community=community, agent=author, title=title, body=title, themes=list(themes)
        )
        Idea.objects.filter(pk=created.pk).update(created_at=now - timedelta(days=days_ago))
        return created

    alpha = idea("Alpha", members[0], 90, [forages])
    bravo = idea("Bravo", viewer, 30, [forages])
    charlie = idea("Charlie", members[1], 10)
    delta = idea("Delta", members[2], 1)
    for supporter in [viewer, members[1], members[2]]:
        services.support_toggle(idea=alpha, agent=supporter, support=True)
    # Alpha's supports are old: they no longer count for the trending sort.
    IdeaSupport.objects.filter(idea=alpha).update(created_at=now - timedelta(days=60))
    services.refresh_trending(community)
    for supporter in [members[0], members[1]]:
        services.support_toggle(idea=bravo, agent=supporter, support=True)
    services.support_toggle(idea=charlie, agent=viewer, support=True)
    Idea.objects.filter(pk=alpha.pk).update(comment_count=1)
    Idea.objects.filter(pk=bravo.pk).update(comment_count=5)
    Idea.objects.filter(pk=delta.pk).update(comment_count=2)
    services.idea_set_status(idea=charlie, actor=animator, status=S.STUDYING)
    services.idea_set_status(idea=alpha, actor=animator, status=S.STUDYING)
    services.idea_set_status(idea=alpha, actor=animator, status=S.ADOPTED, answer="Oui.")
    return {
        "community": community,
        "viewer": viewer,
        "animator": animator,
        "forages": forages,
        "url": reverse("ideas:index", args=[community.slug]),
    }


def _titles(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    rows = page.split('data-testid="idea-row"')[1:]
    return [re.search(r"<h3[^>]*><a [^>]*>([^<]+)</a>", row).group(1) for row in rows]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("?tri=soutiens", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("?tri=tendance", ["Bravo", "Charlie", "Delta", "Alpha"]),
        ("?tri=recentes", ["Delta", "Charlie", "Bravo", "Alpha"]),
        ("?tri=commentees", ["Bravo", "Delta", "Alpha", "Charlie"]),
    ],
)
def test_each_sort_gives_its_order(client, box, query, expected):
    """Most supported, trending (supports of the last 30 days), newest, most commented."""
    client.force_login(box["viewer"])
    titles = _titles(client, box["url"] + query)
    if query == "?tri=tendance":
        # Delta and Alpha both have no recent support: the newest id first.
        assert titles[:2] == expected[:2] and set(titles[2:]) == set(expected[2:])
    else:
        assert titles == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?statut=adopted", ["Alpha"]),
        ("?statut=studying", ["Charlie"]),
        ("?statut=new", ["Bravo", "Delta"]),
        ("?statut=rejected", []),
        ("?mes=idees", ["Bravo"]),
        ("?mes=soutenues", ["Alpha", "Charlie"]),
        ("?statut=new&mes=idees&tri=recentes", ["Bravo"]),
    ],
)
def test_each_filter_gives_its_rows(client, box, query, expected):
    """By status, « Mes idées », « Que je soutiens », combined with a sort."""
    client.force_login(box["viewer"])
    assert _titles(client, box["url"] + query) == expected


def test_the_theme_filter(client, box):
    """Only the ideas carrying the theme; the select offers the community's themes."""
    client.force_login(box["viewer"])
    url = f"{box['url']}?theme={box['forages'].slug}&tri=recentes"
    assert _titles(client, url) == ["Bravo", "Alpha"]
    page = client.get(box["url"]).content.decode()
    assert f'<option value="{box["forages"].slug}"' in page


def test_the_filters_are_kept_in_the_form_and_the_pages(client, box):
    """The selects show the chosen values; past 20 ideas the next page keeps the filters and
    shows the rest."""
    community, viewer = box["community"], box["viewer"]
    for number in range(IDEAS_PER_PAGE):
        services.idea_submit(
            community=community, agent=box["animator"], title=f"Idée {number:02}", body="x"
        )
        cache.clear()  # the submissions' rate limit: this test writes many
    client.force_login(viewer)
    page = client.get(box["url"] + "?statut=new&tri=recentes").content.decode()
    assert '<option value="recentes" selected>' in page
    assert '<option value="new" selected>' in page
    assert page.count('data-testid="idea-row"') == IDEAS_PER_PAGE
    assert "?tri=recentes&amp;statut=new&amp;page=2" in page
    second = _titles(client, box["url"] + "?tri=recentes&statut=new&page=2")
    assert second == ["Delta", "Bravo"]


def test_htmx_gets_the_list_alone_with_the_address_to_push(client, box):
    """The list's form asks with htmx: the list comes alone, with HX-Push-Url and Vary."""
    client.force_login(box["viewer"])
    response = client.get(box["url"] + "?tri=recentes", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="idea-results"') and "<html" not in page
    assert response["HX-Push-Url"] == box["url"] + "?tri=recentes"
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get(box["url"])["Vary"]


def test_the_empty_states_say_what_to_do(client, box):
    """An empty box invites to propose the first idea; an empty filter offers to see all."""
    client.force_login(box["viewer"])
    page = client.get(box["url"] + "?statut=rejected").content.decode()
    assert "Aucune idée ne correspond à ces filtres." in page
    empty = CommunityFactory(open=True)
    member = MembershipFactory(community=empty).agent
    client.force_login(member)
    page = client.get(reverse("ideas:index", args=[empty.slug])).content.decode()
    assert "Cette boîte n'a encore reçu aucune idée." in page
    assert "Proposez la première" in page


def test_a_row_shows_status_themes_author_and_counts(client, box):
    """Each row: its status badge, its themes as tags, its author and date, its supports and
    comments, and the viewer's support button in the right state."""
    client.force_login(box["viewer"])
    page = client.get(box["url"] + "?statut=adopted").content.decode()
    assert 'data-status="adopted"' in page and ">Retenue<" in page
    assert "Forages profonds" in page
    assert 'data-testid="idea-support-count">3<' in page
    assert "1 commentaire" in page
    assert 'data-testid="idea-unsupport"' in page  # the viewer supports Alpha
    page = client.get(box["url"] + "?mes=idees").content.decode()
    assert 'data-testid="idea-support-button"' not in page  # their own idea


def test_the_list_costs_the_same_queries_with_more_ideas(client, box):
    """A page of the list reads its rows, their supports by the viewer and their themes in a
    fixed number of queries, whatever the number of ideas on it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(box["viewer"])
    url = box["url"] + "?tri=recentes"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for number in range(12):
        idea = services.idea_submit(
            community=box["community"],
            agent=box["animator"],
            title=f"Idée {number}",
            body="x",
            themes=[box["forages"]],
        )
        cache.clear()  # the submissions' rate limit
        services.support_toggle(idea=idea, agent=box["viewer"], support=True)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)
