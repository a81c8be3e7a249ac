"""The box's roadmap (``ideas:roadmap``): a column per status with its count and its most
supported ideas, « Voir toutes » to the filtered list, merged and hidden ideas left out, and a
number of queries that does not grow with the box."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import services
from ideas.models import Idea
from ideas.views.lists import ROADMAP_SIZE
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

S = Idea.Status


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    animator = MembershipFactory(community=community, animator=True).agent
    members = [MembershipFactory(community=community).agent for _ in range(3)]
    return {"community": community, "animator": animator, "members": members}


def _submit(box, title, supports=0, status=None):
    author = box["animator"]
    idea = services.idea_submit(community=box["community"], agent=author, title=title, body="x")
    cache.clear()  # the submissions' rate limit
    for supporter in box["members"][:supports]:
        services.support_toggle(idea=idea, agent=supporter, support=True)
    moves = {
        S.STUDYING: [(S.STUDYING, "")],
        S.ADOPTED: [(S.STUDYING, ""), (S.ADOPTED, "Oui")],
        S.IMPLEMENTED: [(S.STUDYING, ""), (S.ADOPTED, "Oui"), (S.IMPLEMENTED, "")],
        S.REJECTED: [(S.REJECTED, "Non")],
    }.get(status, [])
    for target, answer in moves:
        idea.refresh_from_db()
        services.idea_set_status(idea=idea, actor=box["animator"], status=target, answer=answer)
    return idea


def _columns(page):
    """{status: (count, [titles])} read from the page."""
    columns = {}
    for chunk in page.split('data-testid="roadmap-column"')[1:]:
        status = chunk.split('data-status="', 1)[1].split('"', 1)[0]
        count = int(chunk.split('data-testid="roadmap-count">', 1)[1].split("<", 1)[0])
        titles = [
            part.split(">", 1)[1].split("<", 1)[0]
            for part in chunk.split('data-testid="roadmap-idea">')[1:]
        ]
        columns[status] = (count, [title.strip().split("\n")[-1].strip() for title in titles])
    return columns


def _titles(chunk_titles):
    return chunk_titles


def test_the_columns_count_and_order_the_ideas(client, box):
    """Five columns in order; each counts its ideas and shows the most supported first; merged
    ideas are in none."""
    _submit(box, "Nouvelle peu soutenue", supports=1)
    _submit(box, "Nouvelle très soutenue", supports=3)
    _submit(box, "À l'étude", supports=2, status=S.STUDYING)
    _submit(box, "Retenue", status=S.ADOPTED)
    _submit(box, "Faite", status=S.IMPLEMENTED)
    _submit(box, "Refusée", status=S.REJECTED)
    duplicate = _submit(box, "Doublon")
    target = Idea.objects.get(title="Nouvelle très soutenue")
    services.idea_merge(idea=duplicate, target=target, actor=box["animator"])
    client.force_login(box["members"][0])
    response = client.get(reverse("ideas:roadmap", args=[box["community"].slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert [
        s.split('"')[0] for s in page.split('data-testid="roadmap-column" data-status="')[1:]
    ] == [
        "new",
        "studying",
        "adopted",
        "implemented",
        "rejected",
    ]
    for label in ("Nouvelles", "À l&#x27;étude", "Retenues", "Mises en œuvre", "Non retenues"):
        assert label in page, label
    columns = _columns(page)
    assert columns["new"][0] == 2
    assert page.index("Nouvelle très soutenue") < page.index("Nouvelle peu soutenue")
    assert columns["studying"][0] == 1 and columns["rejected"][0] == 1
    assert columns["adopted"][0] == 1 and columns["implemented"][0] == 1
    assert "Doublon" not in page
    slug = box["community"].slug
    assert f"/communautes/{slug}/idees/?statut=adopted&amp;tri=soutiens" in page


def test_a_column_shows_its_first_ideas_and_links_to_all(client, box):
    """Past the column's size, the column shows its most supported and « Voir toutes (N) »."""
    for number in range(ROADMAP_SIZE + 2):
        _submit(box, f"Idée {number}", supports=min(number, 3))
    client.force_login(box["members"][0])
    page = client.get(reverse("ideas:roadmap", args=[box["community"].slug])).content.decode()
    new_column = page.split('data-status="new"', 1)[1].split('data-testid="roadmap-column"')[0]
    assert new_column.count('data-testid="roadmap-idea"') == ROADMAP_SIZE
    assert f"({ROADMAP_SIZE + 2})" in new_column
    assert "Idée 0<" not in new_column  # the least supported is left for « Voir toutes »


def test_the_roadmap_costs_the_same_queries_with_more_ideas(client, box):
    """The roadmap reads a bounded number of rows per column: its query count does not grow
    with the box."""
    slug = box["community"].slug
    url = reverse("ideas:roadmap", args=[slug])
    client.force_login(box["members"][0])
    _submit(box, "Première", status=S.STUDYING)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for number in range(12):
        _submit(box, f"Idée {number}", supports=number % 3, status=[None, S.STUDYING][number % 2])
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)
