"""The page « Suivi des projets » (``calls:board``, /appels/suivi/): who gets it (the matrix
written out, 403 with the reason otherwise), what a row shows, the counts, the filters in the
address (bad values ignored with a French notice, never a 500), the CSV and ODS exports, the
escaped titles, the link from the calls' index, and its queries not growing with the projects."""

import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import CallRole, Dossier, DossierMember, Indicator, Tranche
from directory.models import Region
from tests.calls.factories import CallFactory, add_member, at_state, grant
from tests.calls.follow_up_factories import running_project, selected_project
from tests.factories import AgentFactory, ExternalAgentFactory

try:  # written at the same time as the board: its rows need both
    from calls import follow_up as _follow_up
    from calls import indicators as _indicators

    LANDED = hasattr(_indicators, "late_by_dossier") and hasattr(_follow_up, "next_reviews")
except ImportError:
    LANDED = False

needs_follow_up = pytest.mark.skipif(
    not LANDED, reason="calls.indicators.late_by_dossier / calls.follow_up.next_reviews missing"
)

pytestmark = pytest.mark.django_db

S = Dossier.State
R = CallRole.Role
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 7, 15, 12, 0, tzinfo=PARIS)
URL = "/appels/suivi/"


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def region(code):
    return Region.objects.get(code=code)


def html(response):
    return unescape(response.content.decode())


def row_ids(response):
    return re.findall(r'data-testid="board-row" data-id="(\d+)"', response.content.decode())


def count(response, name):
    return int(re.search(rf'data-testid="{name}" data-value="(\d+)"', response.content.decode())[1])


@pytest.fixture
def world():
    """A national call with p1 (« en cours », Bretagne) and p2 (« lauréat », Normandie), a
    regional call of Normandie with p3 (« rapport final remis », its sponsor in Bretagne)."""
    p1 = running_project(starts_on=date(2026, 1, 1), months=24)
    p2 = selected_project(p1.call)
    Dossier.objects.filter(pk=p2.dossier.pk).update(region=region("28"))
    regional = CallFactory(scope="regional", region=region("28"))
    p3 = running_project(regional, starts_on=date(2026, 1, 1))
    p3.dossier = at_state(p3.dossier, S.FINAL_REPORT)
    people = {
        "admin": AgentFactory(platform_admin=True),
        "manager": p1.manager,
        "regional_sgar": AgentFactory(role="sgar", sgar_region=region("28")),
        "region_sgar": AgentFactory(sgar=True),
        "other_sgar": AgentFactory(
            role="sgar", sgar_region=Region.objects.exclude(code__in=["53", "28"]).first()
        ),
        "cdc": p1.cdc,
        "committee": grant(p1.call, R.COMMITTEE),
        "lead": p1.lead,
        "outsider": p1.outsider,
        "partner": add_member(p1.dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER),
    }
    return {"p1": p1, "p2": p2, "p3": p3}, people


# The rows each person's page shows; 403: refused with the reason.
PAGE_MATRIX = """
admin          p1 p2 p3
manager        p1 p2
regional_sgar  p2 p3
region_sgar    p1 p3
other_sgar     .
cdc            p1 p2
committee      403
lead           403
outsider       403
partner        403
"""


def matrix():
    for line in PAGE_MATRIX.strip().splitlines():
        person, *cells = line.split()
        yield person, None if cells == ["403"] else {cell for cell in cells if cell != "."}


@needs_follow_up
@pytest.mark.parametrize(("person", "expected"), list(matrix()))
def test_who_gets_the_board(client, world, person, expected):
    """The written matrix on the page: the rows each role sees; a 403 with the French reason
    for the others; the index's link to the board only for those who get it."""
    projects, people = world
    client.force_login(people[person])
    response = client.get(URL)
    index = client.get(reverse("calls:index"))
    if expected is None:
        assert response.status_code == 403
        assert "réservé aux gestionnaires des appels" in html(response)
        assert 'data-testid="board-link"' not in index.content.decode()
        return
    assert response.status_code == 200
    by_id = {str(project.dossier.pk): name for name, project in projects.items()}
    assert {by_id[pk] for pk in row_ids(response)} == expected
    assert count(response, "count-projects") == len(expected)
    assert 'data-testid="board-link"' in index.content.decode()


def test_the_address_and_the_refusals(client, world):
    """/appels/suivi/ is the board (outside any call's address); signed out: to the login
    page; a POST: 405; an agent without a role: 403, even with filters or an export asked."""
    _projects, people = world
    assert reverse("calls:board") == URL
    response = client.get(URL)
    assert response.status_code == 302
    client.force_login(people["admin"])
    assert client.post(URL).status_code == 405
    client.force_login(people["outsider"])
    assert client.get(URL + "?format=csv").status_code == 403
    assert client.get(URL + "?region=abc").status_code == 403


def test_the_index_links_to_the_stories_for_state_agents(client, world):
    """« Retours d'expérience » is linked from the index for a State agent, not for an
    external partner."""
    _projects, people = world
    client.force_login(people["outsider"])
    assert 'data-testid="stories-link"' in client.get(reverse("calls:index")).content.decode()
    client.force_login(people["partner"])
    response = client.get(reverse("calls:index"))
    assert response.status_code == 200
    assert 'data-testid="stories-link"' not in response.content.decode()


@needs_follow_up
def test_a_row_and_the_counts(client, world):
    """p1's row links to its follow-up, says its call, region, state, next tranche (number,
    amount in k€, date, step), its late indicators (count, oldest due date) and its next
    report; the counts at the top add the rows up."""
    projects, people = world
    p1 = projects["p1"].dossier
    Tranche.objects.create(
        dossier=p1,
        number=1,
        amount=Decimal("120.5"),
        planned_on=date(2026, 9, 1),
        payable_at=timezone.now(),
        cdc_paid_on=date(2026, 7, 1),
    )
    Indicator.objects.create(
        dossier=p1,
        label="Agents inscrits",
        baseline=Decimal("0"),
        frequency_months=3,
        first_due_on=date(2026, 3, 31),
    )
    client.force_login(people["manager"])
    response = client.get(URL)
    text = html(response)
    row = re.search(
        rf'data-testid="board-row" data-id="{p1.pk}">(.*?)</tr>', text, flags=re.S
    ).group(1)
    assert reverse("calls:convention", args=[p1.call.slug, p1.pk]) in row
    assert p1.title in row and p1.call.title in row and "Bretagne" in row
    assert 'data-state="in_progress"' in row
    assert "Tranche 1 : 120,5 k€, prévue le 1er septembre 2026" in row
    assert "versement de la CDC au fonds de concours" in row
    assert 'data-count="2"' in row and "depuis le 31 mars 2026" in row
    assert "Rapport final attendu" in row
    assert count(response, "count-projects") == 2
    assert count(response, "count-late") == 2
    assert count(response, "count-awaiting") == 1


@needs_follow_up
def test_the_filters_in_the_address(client, world):
    """``?region=`` and ``?appel=`` filter the rows, and the form shows them chosen."""
    projects, people = world
    client.force_login(people["admin"])
    normandie = region("28").pk
    response = client.get(URL, {"region": normandie})
    assert row_ids(response) == [str(projects["p2"].dossier.pk)]
    assert f'<option value="{normandie}" selected>' in response.content.decode()
    response = client.get(URL, {"appel": projects["p3"].call.pk})
    assert row_ids(response) == [str(projects["p3"].dossier.pk)]
    response = client.get(URL, {"appel": projects["p1"].call.pk, "region": normandie})
    assert row_ids(response) == [str(projects["p2"].dossier.pk)]


@needs_follow_up
@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"region": "abc"}, "Région"),
        ({"region": "-3"}, "Région"),
        ({"region": "99999999999999999999"}, "Région"),
        ({"appel": "<script>alert(1)</script>"}, "Appel"),
        ({"appel": "1.5", "region": "x"}, "Appel"),
    ],
)
def test_a_bad_filter_is_ignored_with_a_notice(client, world, query, notice):
    """A filter that is not an id is ignored (every row shown) with a French notice naming
    it; never a 500, and what was typed is never echoed raw."""
    _projects, people = world
    client.force_login(people["admin"])
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(row_ids(response)) == 3
    assert f"Le filtre « {notice} » n'est pas valide : il est ignoré." in html(response)
    assert "<script>alert(1)</script>" not in response.content.decode()


@needs_follow_up
def test_an_unknown_filter_id_shows_an_empty_board(client, world):
    """A numeric id of no region of the viewer's projects: no row, 200."""
    _projects, people = world
    client.force_login(people["manager"])
    response = client.get(URL, {"region": 987654})
    assert response.status_code == 200
    assert row_ids(response) == []
    assert 'data-testid="board-empty"' in response.content.decode()


@needs_follow_up
def test_the_exports(client, world):
    """CSV and ODS of the board with the same filters: the attachment, the headers, the
    viewer's filtered rows only; an unknown format is a 400 with a French message."""
    projects, people = world
    client.force_login(people["admin"])
    response = client.get(URL, {"format": "csv", "appel": projects["p1"].call.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    assert content.startswith("Projet;Acronyme;Appel;Région;État;Prochaine tranche")
    assert projects["p1"].dossier.title in content
    assert projects["p2"].dossier.title in content
    assert projects["p3"].dossier.title not in content
    response = client.get(URL, {"format": "ods"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response.content[:2] == b"PK"
    response = client.get(URL, {"format": "xls"})
    assert response.status_code == 400
    assert "Choisissez le format CSV ou ODS" in html(response)
    page = client.get(URL, {"region": region("28").pk})
    assert f"?region={region('28').pk}&amp;format=csv" in page.content.decode()


@needs_follow_up
def test_an_export_keeps_to_the_viewers_projects(client, world):
    """The CDC's export holds their call's projects, not the regional call's."""
    projects, people = world
    client.force_login(people["cdc"])
    content = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    assert projects["p1"].dossier.title in content
    assert projects["p3"].dossier.title not in content


@needs_follow_up
def test_titles_are_escaped(client, world):
    """HTML and script in a project's title and a call's title come out escaped, in the rows
    and in the filter's choices."""
    projects, people = world
    nasty = '<script>alert("x")</script><b>gras</b>'
    Dossier.objects.filter(pk=projects["p1"].dossier.pk).update(title=nasty, acronym="")
    type(projects["p1"].call).objects.filter(pk=projects["p1"].call.pk).update(title=nasty)
    client.force_login(people["manager"])
    content = client.get(URL).content.decode()
    assert "<script>alert" not in content
    assert "<b>gras</b>" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def make_projects(call, n):
    """``n`` running projects of ``call`` with two tranches and an indicator each."""
    for _ in range(n):
        project = running_project(call, starts_on=date(2026, 1, 1))
        for number in (1, 2):
            Tranche.objects.create(
                dossier=project.dossier,
                number=number,
                amount=Decimal("50"),
                planned_on=date(2026, 3 * number, 1),
                payable_at=timezone.now() if number == 1 else None,
            )
        Indicator.objects.create(
            dossier=project.dossier,
            label="Agents",
            baseline=Decimal("0"),
            frequency_months=3,
            first_due_on=date(2026, 3, 31),
        )


@needs_follow_up
def test_the_queries_do_not_grow_with_the_projects(client, django_assert_max_num_queries):
    """The board's queries with 12 projects are no more than with 3 (for an SGAR officer, the
    broadest rules, and an administrator)."""
    call = CallFactory()
    make_projects(call, 3)
    viewers = [AgentFactory(platform_admin=True), AgentFactory(sgar=True)]
    counts = []
    for viewer in viewers:
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as small:
            assert len(row_ids(client.get(URL))) == 3
        counts.append(len(small.captured_queries))
    make_projects(call, 9)
    for viewer, small in zip(viewers, counts, strict=True):
        client.force_login(viewer)
        with django_assert_max_num_queries(small):
            assert len(row_ids(client.get(URL))) == 12
