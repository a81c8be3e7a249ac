"""The idea box's reads (``ideas.selectors``): each sort and filter of the list, its pages (an
indexed offset, capped), the roadmap's columns, similar ideas by title, merge candidates — and
their query counts, which do not grow with the box."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Theme
from ideas import selectors, services
from ideas.models import IDEAS_PER_PAGE, Idea, IdeaSupport
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
S = Idea.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    theme = Theme.objects.create(name="Mobilités des idées", slug="mobilites-idees")
    community.themes.add(theme)
    member = MembershipFactory(community=community).agent
    reader = MembershipFactory(community=community).agent
    return community, theme, member, reader


def _make(community, author, title, **fields):
    idea = Idea.objects.create(community=community, author=author, title=title, body="Texte")
    if fields:
        Idea.objects.filter(pk=idea.pk).update(**fields)
        idea.refresh_from_db()
    return idea


def _titles(page):
    return [idea.title for idea in page.ideas]


def test_each_sort_orders_the_box(box):
    community, _theme, member, reader = box
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    _make(
        community,
        member,
        "A",
        support_count=5,
        recent_support_count=0,
        comment_count=1,
        created_at=now - timedelta(days=3),
    )
    _make(
        community,
        member,
        "B",
        support_count=1,
        recent_support_count=4,
        comment_count=0,
        created_at=now - timedelta(days=1),
    )
    _make(
        community,
        member,
        "C",
        support_count=3,
        recent_support_count=2,
        comment_count=7,
        created_at=now - timedelta(days=2),
    )
    cache.add(f"ideas:trending:{community.pk}", 1)  # the counts above stand as written

    def titles(tri):
        return _titles(selectors.ideas_page(reader, community, tri=tri))

    assert titles("soutiens") == ["A", "C", "B"]
    assert titles("tendance") == ["B", "C", "A"]
    assert titles("recentes") == ["B", "C", "A"]
    assert titles("commentees") == ["C", "A", "B"]
    assert titles("garbage") == titles("") == ["A", "C", "B"]


def test_ties_keep_a_stable_order_by_id(box):
    community, _theme, member, reader = box
    first, second = _make(community, member, "Un"), _make(community, member, "Deux")
    assert [i.pk for i in selectors.ideas_page(reader, community).ideas] == [second.pk, first.pk]


def test_merged_and_hidden_ideas_are_listed_only_when_asked(box):
    community, _theme, member, reader = box
    live = _make(community, member, "Vivante")
    merged = _make(community, member, "Fusionnée", status=S.MERGED, merged_into=live)
    hidden = _make(community, member, "Masquée", is_hidden=True)
    assert _titles(selectors.ideas_page(reader, community)) == ["Vivante"]
    assert _titles(selectors.ideas_page(reader, community, statut="merged")) == [merged.title]
    shown = selectors.ideas_page(reader, community, include_hidden=True)
    assert {i.pk for i in shown.ideas} == {live.pk, hidden.pk}


def test_the_filters(box):
    community, theme, member, reader = box
    mine = _make(community, reader, "La mienne")
    themed = _make(community, member, "Thématique", status=S.STUDYING)
    themed.themes.add(theme)
    supported = _make(community, member, "Soutenue")
    IdeaSupport.objects.create(idea=supported, agent=reader)
    _make(community, member, "Autre")

    def titles(**filters):
        return set(_titles(selectors.ideas_page(reader, community, **filters)))

    assert titles(statut="studying") == {"Thématique"}
    assert titles(theme=theme.slug) == {"Thématique"}
    assert titles(mes="idees") == {mine.title}
    assert titles(mes="soutenues") == {supported.title}
    # Unknown values are ignored, not errors.
    assert titles(statut="nope", theme="inconnu", mes="tout") == titles()
    # « Mes idées » means nothing to an anonymous visitor.
    from django.contrib.auth.models import AnonymousUser

    page = selectors.ideas_page(AnonymousUser(), community, mes="idees")
    assert page.mes == "" and len(page.ideas) == 4
    # The page says which filters hold, in its pagination's query string.
    page = selectors.ideas_page(reader, community, tri="recentes", statut="studying")
    assert page.filtered and page.query == "tri=recentes&statut=studying&"
    assert selectors.ideas_page(reader, community).query == ""


def test_pages_are_read_by_offset_and_capped(box):
    community, _theme, member, reader = box
    Idea.objects.bulk_create(
        [
            Idea(community=community, author=member, title=f"Idée {n:02}", body="x")
            for n in range(IDEAS_PER_PAGE + 5)
        ]
    )
    first = selectors.ideas_page(reader, community, tri="recentes")
    assert len(first.ideas) == IDEAS_PER_PAGE and first.has_next and not first.has_previous
    second = selectors.ideas_page(reader, community, tri="recentes", page="2")
    assert len(second.ideas) == 5 and not second.has_next and second.has_previous
    assert not {i.pk for i in first.ideas} & {i.pk for i in second.ideas}
    for garbage in ("abc", "-3", "0", None, "1e9"):
        assert selectors.ideas_page(reader, community, page=garbage).number == 1
    far = selectors.ideas_page(reader, community, page=str(10**12))
    assert far.number == selectors.MAX_IDEA_PAGE and far.ideas == [] and not far.has_next


def test_a_page_costs_the_same_queries_with_5_or_25_ideas(box, django_assert_num_queries):
    community, theme, member, reader = box
    for count in (5, 25):
        Idea.objects.filter(community=community).delete()
        Idea.objects.bulk_create(
            [
                Idea(community=community, author=member, title=f"Idée {n}", body="x")
                for n in range(count)
            ]
        )
        with django_assert_num_queries(1):
            selectors.ideas_page(reader, community, tri="commentees")
        # A theme: its lookup among the community's themes, then the page.
        with django_assert_num_queries(2):
            selectors.ideas_page(reader, community, theme=theme.slug, mes="soutenues")


def test_trending_recounts_the_box_at_most_once_an_hour(box):
    from datetime import timedelta

    from django.utils import timezone

    community, _theme, member, reader = box
    idea = _make(community, member, "Ancienne vogue")
    services.support_toggle(idea=idea, agent=reader)
    IdeaSupport.objects.update(created_at=timezone.now() - timedelta(days=31))
    page = selectors.ideas_page(reader, community, tri="tendance")
    # The recount was queued (run at once by the tests' immediate backend, by the worker in
    # production): the next reading shows it.
    page = selectors.ideas_page(reader, community, tri="tendance")
    assert page.ideas[0].recent_support_count == 0
    IdeaSupport.objects.update(created_at=timezone.now())
    page = selectors.ideas_page(reader, community, tri="tendance")
    assert page.ideas[0].recent_support_count == 0  # not again within the hour


def test_the_roadmap_counts_every_status_and_shows_the_most_supported(box):
    community, _theme, member, _reader = box
    for n in range(4):
        _make(community, member, f"Étude {n}", status=S.STUDYING, support_count=n)
    _make(community, member, "Retenue", status=S.ADOPTED)
    _make(community, member, "Masquée", status=S.ADOPTED, is_hidden=True)
    with CaptureQueriesContext(connection) as queries:
        counts, tops = selectors.roadmap(community, [S.STUDYING, S.ADOPTED], per_status=2)
    assert len(queries) == 3  # the counts, then one query per column
    assert counts == {S.STUDYING: 4, S.ADOPTED: 1}
    assert [i.title for i in tops[S.STUDYING]] == ["Étude 3", "Étude 2"]
    assert [i.title for i in tops[S.ADOPTED]] == ["Retenue"]
    counts, tops = selectors.roadmap(community, [S.ADOPTED], include_hidden=True)
    assert counts[S.ADOPTED] == 2 and len(tops[S.ADOPTED]) == 2


def test_similar_ideas_share_words_of_the_title(box):
    community, _theme, member, _reader = box

    def submit(title, **fields):
        idea = services.idea_submit(community=community, agent=member, title=title, body="x")
        if fields:
            Idea.objects.filter(pk=idea.pk).update(**fields)
        return idea

    cache.clear()
    both = submit("Covoiturage domicile travail")
    one = submit("Covoiturage vers les sites", support_count=9)
    submit("Cantine bio")
    submit("Covoiturage domicile masqué", is_hidden=True)
    merged = submit("Covoiturage domicile fusionné")
    Idea.objects.filter(pk=merged.pk).update(status=S.MERGED, merged_into=both)
    elsewhere = CommunityFactory(open=True)
    Idea.objects.create(community=elsewhere, author=AgentFactory(), title="Covoiturage domicile")
    found = selectors.similar_ideas(community, "Le covoiturage à domicile ?")
    assert [i.pk for i in found] == [both.pk, one.pk]
    assert [i.pk for i in selectors.similar_ideas(community, "covoiturage", exclude=one.pk)] == [
        both.pk
    ]
    assert selectors.similar_ideas(community, "Télétravail") == []


def test_similar_ideas_are_bounded_whatever_the_title(box, django_assert_max_num_queries):
    community, _theme, _member, _reader = box
    with django_assert_max_num_queries(0):
        assert selectors.similar_ideas(community, "  le la  ") == []
        assert selectors.similar_ideas(community, "") == []
    words = " ".join(f"mot{n}" for n in range(50))
    with django_assert_max_num_queries(selectors.SIMILAR_WORDS + 1):
        selectors.similar_ideas(community, words * 20)


def test_merge_candidates(box):
    community, _theme, member, _reader = box
    idea = _make(community, member, "Covoiturage")
    same = _make(community, member, "Covoiturage domicile")
    services._index_title(idea)
    services._index_title(same)
    other = _make(community, member, "Cantine", support_count=3)
    assert [i.pk for i in selectors.merge_candidates(community, idea)] == [same.pk]
    assert [i.pk for i in selectors.merge_candidates(community, idea, f"#{other.pk}")] == [other.pk]
    assert [i.pk for i in selectors.merge_candidates(community, idea, "cantine")] == []
    assert selectors.merge_candidates(community, idea, f"#{idea.pk}") == []


def test_the_trending_command_recounts_every_box(box):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    community, _theme, member, reader = box
    idea = _make(community, member, "Ancienne vogue", recent_support_count=1, support_count=1)
    IdeaSupport.objects.create(
        idea=idea, agent=reader, created_at=timezone.now() - timedelta(days=40)
    )
    out = StringIO()
    call_command("ideas_refresh_trending", stdout=out)
    idea.refresh_from_db()
    assert idea.recent_support_count == 0 and idea.support_count == 1
    assert "Idées recomptées : 1" in out.getvalue()
