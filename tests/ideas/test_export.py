"""The export of a box (``ideas:export``): the animators and the platform administrators download
every idea (hidden and merged ones said so) with its status, themes, counts, answer, dates and
author, as CSV or ODS; anyone else gets 404; a bad format a French 400; the queries do not grow
with the box."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odfdo import Document

from communities.models import Theme
from ideas import services
from tests.factories import AgentFactory, CommunityFactory
from tests.ideas.social_helpers import comment, member, submit, support

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    community = CommunityFactory(open=True, name="Achats publics")
    theme = Theme.objects.create(slug="achats-durables", name="Achats durables")
    community.themes.add(theme)
    animator, author, supporter = (
        member(community, animator=True),
        member(community),
        member(community),
    )
    idea = services.idea_submit(
        community=community,
        agent=author,
        title='=HYPERLINK("http://x";"clic")',
        body="Un titre piégé.",
        themes=[theme],
    )
    support(idea, supporter)
    comment(idea, supporter)
    services.idea_set_status(idea=idea, actor=animator, status="studying")
    idea.refresh_from_db()
    services.idea_set_status(idea=idea, actor=animator, status="adopted", answer="Oui ; bientôt.")
    duplicate = submit(community, supporter, title="Doublon")
    services.idea_merge(idea=duplicate, target=idea, actor=animator)
    return {
        "community": community,
        "animator": animator,
        "author": author,
        "idea": idea,
        "duplicate": duplicate,
    }


def _url(box, fmt=None):
    url = reverse("ideas:export", args=[box["community"].slug])
    return f"{url}?format={fmt}" if fmt else url


def _rows(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode(), newline=""), delimiter=";"))


def test_the_animator_downloads_every_idea_as_csv(box, client):
    """One row per idea, oldest first, formula neutralised, status and answer in French."""
    client.force_login(box["animator"])
    response = client.get(_url(box, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, first, second = _rows(response)
    assert header[:7] == [
        "N°", "Titre", "Statut", "Thèmes", "Soutiens", "Commentaires", "Réponse"
    ]  # fmt: skip
    assert first[1] == '\'=HYPERLINK("http://x";"clic")'
    assert first[2:7] == ["Retenue", "Achats durables", "1", "1", "Oui ; bientôt."]
    assert first[10] == box["author"].display_name
    assert second[2] == "Fusionnée" and second[11] == str(box["idea"].pk)
    assert first[13].endswith(f"/communautes/{box['community'].slug}/idees/{box['idea'].pk}/")


def test_the_ods_has_the_same_rows_typed(box, client):
    client.force_login(box["animator"])
    response = client.get(_url(box, "ods"))
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    sheet = Document(io.BytesIO(response.content)).body.get_table(0)
    assert sheet.height == 3
    assert sheet.get_cell("B2").value == '=HYPERLINK("http://x";"clic")'
    assert sheet.get_cell("B2").type == "string"
    assert sheet.get_cell("E2").type == "float" and sheet.get_cell("E2").value == 1
    assert sheet.get_cell("H2").type == "date"


def test_the_export_page_offers_both_formats_and_a_bad_one_is_a_french_400(box, client):
    client.force_login(box["animator"])
    page = client.get(_url(box)).content.decode()
    assert "?format=ods" in page and "?format=csv" in page
    response = client.get(_url(box, "xls"))
    assert response.status_code == 400
    assert "Choisissez le format CSV ou ODS." in response.content.decode()


@pytest.mark.parametrize("who", ["author", "member", "outsider", "anonymous"])
def test_nobody_else_exports(box, client, who):
    """A member, the author, an outsider: 404; anonymous: sent to sign in."""
    agent = {
        "author": box["author"],
        "member": member(box["community"]),
        "outsider": AgentFactory(),
        "anonymous": None,
    }[who]
    if agent is not None:
        client.force_login(agent)
    response = client.get(_url(box, "csv"))
    assert response.status_code == (302 if agent is None else 404)
    assert b"HYPERLINK" not in response.content


def test_a_platform_admin_exports_any_box(box, client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(_url(box, "csv")).status_code == 200


def test_the_export_costs_the_same_queries_for_3_or_30_ideas(box, client):
    client.force_login(box["animator"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(box, "csv")).status_code == 200
        return len(queries)

    few = count()
    theme = box["community"].themes.first()
    for n in range(27):
        idea = submit(box["community"], member(box["community"]), title=f"Idée {n}")
        idea.themes.add(theme)
    assert count() <= few
