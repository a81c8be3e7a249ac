"""Success stories and lessons (R31): published from a closed project by its sponsor, lead or the
call's managers, read by every State agent (not external partners), featured by the region's
SGAR officer on the region's page; their Markdown through the platform's sanitiser; the list's
filters and pagination; the whole path from the final report to the region's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from calls import stories
from calls.models import Dossier, DossierEvent, Story
from calls.services import CallError
from directory.models import Region
from tests.calls.follow_up_factories import running_project
from tests.calls.test_follow_up import (
    PEOPLE,
    REVIEW,
    closed_project,
    fresh,
    people_of,
    report_pdf,
)
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
BODY = "## Ce qui a marché\n\nUn **réseau** de 300 instructeurs."


def publish(project, actor=None, **fields):
    data = {"kind": "success", "title": "Le réseau des instructeurs", "body": BODY, **fields}
    return stories.story_publish(
        actor=actor or project.lead, dossier=fresh(project.dossier), **data
    )


def bretagne():
    return Region.objects.get(code="53")


# --- the permission matrix ---------------------------------------------------------------------

MATRIX = """
act      lead sponsor team partner manager cdc sgar sgar_other outsider external admin
publish  x    x       .    .       x       .   .    .          .        .        x
feature  .    .       .    .       .       .   x    .          .        .        x
read     x    x       x    x       x       x   x    x          x        .        x
"""


def matrix_rows():
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    assert tuple(lines[0][1:]) == PEOPLE
    for act, *cells in lines[1:]:
        for who, cell in zip(PEOPLE, cells, strict=True):
            yield act, who, cell == "x"


ROWS = list(matrix_rows())
IDS = [f"{act}-{who}" for act, who, _a in ROWS]


@pytest.mark.parametrize(("act", "who", "allowed"), ROWS, ids=IDS)
def test_service_matrix(act, who, allowed):
    """Each cell on the services: published, featured, read — or refused (« forbidden »)."""
    project = closed_project()
    agent = people_of(project)[who]
    if act == "read":
        story = publish(project)
        assert stories.can_read_stories(agent) == allowed
        assert (story in stories.stories_readable(agent)) == allowed
        return
    if act == "publish":
        run = lambda: publish(project, actor=agent)  # noqa: E731
    else:
        story = publish(project)
        run = lambda: stories.story_feature(actor=agent, story=story, featured=True)  # noqa: E731
    if allowed:
        run()
    else:
        with pytest.raises(CallError) as error:
            run()
        assert error.value.code == "forbidden"
    if act == "publish":
        assert Story.objects.exists() == allowed
    else:
        assert Story.objects.filter(featured_at__isnull=False).exists() == allowed


@pytest.mark.parametrize(("act", "who", "allowed"), ROWS, ids=IDS)
def test_page_matrix(client, act, who, allowed):
    """Each cell on the pages: the publish form of the follow-up (302, else 403 for a reader
    of the follow-up, 404 otherwise), the feature form (302, else 403 for a State agent, 404
    for an external partner), the list and the story (200, else 404)."""
    project = closed_project()
    agent = people_of(project)[who]
    client.force_login(agent)
    readers = {"lead", "sponsor", "team", "manager", "cdc", "sgar", "admin"}
    if act == "publish":
        response = client.post(
            reverse("calls:story_publish", args=[project.call.slug, project.dossier.pk]),
            {"kind": "lessons", "title": "Leçons", "body": BODY},
        )
        expected = 302 if allowed else (403 if who in readers else 404)
        assert response.status_code == expected
        assert Story.objects.exists() == allowed
    elif act == "feature":
        story = publish(project)
        response = client.post(reverse("calls:story_feature", args=[story.pk]), {"featured": "1"})
        expected = 302 if allowed else (404 if who == "external" else 403)
        assert response.status_code == expected
        story.refresh_from_db()
        assert (story.featured_at is not None) == allowed
    else:
        story = publish(project)
        expected = 200 if allowed else 404
        assert client.get(reverse("calls:stories")).status_code == expected
        assert client.get(reverse("calls:story", args=[story.pk])).status_code == expected


# --- the rules ---------------------------------------------------------------------------------


def test_only_a_closed_project_publishes():
    """A running project or one whose final report is remitted publishes no story."""
    project = running_project()
    with pytest.raises(CallError):
        publish(project)
    assert not Story.objects.exists()


def test_story_takes_the_dossier_region_and_main_theme_and_writes_an_event():
    """The story is tagged with the dossier's region and main theme; ``story_published`` and
    ``story_featured`` are written."""
    project = closed_project()
    theme = project.call.themes.first()
    Dossier.objects.filter(pk=project.dossier.pk).update(main_theme=theme)
    story = publish(project, kind="lessons")
    assert story.region == bretagne() and story.theme == theme
    assert story.get_kind_display() == "Leçons d'un échec"
    sgar = AgentFactory(sgar=True)
    stories.story_feature(actor=sgar, story=story, featured=True)
    stories.story_feature(actor=sgar, story=story, featured=False)
    story.refresh_from_db()
    assert story.featured_at is None
    actions = list(
        DossierEvent.objects.filter(dossier=project.dossier).values_list("action", flat=True)
    )
    assert actions[-3:] == ["story_published", "story_featured", "story_featured"]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "triumph"},
        {"title": "  "},
        {"title": "x" * 201},
        {"body": ""},
        {"body": "x" * 10_001},
    ],
)
def test_bad_story_input_is_refused(fields):
    """An unknown kind, an empty or too long title or body: refused, nothing published."""
    project = closed_project()
    with pytest.raises(CallError) as error:
        publish(project, **fields)
    assert error.value.code == "invalid"
    assert not Story.objects.exists()


def test_bad_story_input_on_the_page(client):
    """The publish form's errors come back on the page, tied to their fields (400)."""
    project = closed_project()
    client.force_login(project.lead)
    response = client.post(
        reverse("calls:story_publish", args=[project.call.slug, project.dossier.pk]),
        {"kind": "triumph", "title": "", "body": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Donnez un titre au retour d&#x27;expérience." in page
    assert "Racontez le retour d&#x27;expérience." in page
    assert not Story.objects.exists()


def test_markdown_lets_no_script_through(client):
    """The body is Markdown through the sanitiser: formatting kept, no script, no event
    handler, no javascript: link; the title is escaped."""
    project = closed_project()
    story = publish(
        project,
        title="<b>Titre</b><script>alert(1)</script>",
        body=(
            "**Réussi** <script>alert('x')</script>\n\n"
            "[clic](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n"
            '<a href="#" onclick="alert(1)">lien</a>'
        ),
    )
    client.force_login(AgentFactory())
    page = client.get(reverse("calls:story", args=[story.pk])).content.decode()
    body = page.split('data-testid="story-body">', 1)[1].split("</div>", 1)[0]
    assert "<strong>Réussi</strong>" in body
    assert "<script" not in body and "javascript:" not in body
    assert "onerror" not in body and "onclick" not in body and "<img" not in body
    assert "&lt;b&gt;Titre&lt;/b&gt;&lt;script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    listing = client.get(reverse("calls:stories")).content.decode()
    assert "<script>alert" not in listing and "&lt;b&gt;Titre" in listing


def test_story_page_shows_project_region_theme_kind(client):
    """The story's page names the project, its call, region, theme and kind, and links the
    project's public page (a laureate keeps it after its close); the dossier's link only for
    those who may read it."""
    project = closed_project()
    theme = project.call.themes.first()
    Dossier.objects.filter(pk=project.dossier.pk).update(main_theme=theme)
    story = publish(project)
    client.force_login(AgentFactory())
    page = client.get(reverse("calls:story", args=[story.pk])).content.decode()
    assert project.dossier.title in page and project.call.title in page
    assert "Bretagne" in page and escape(theme.label) in page and "Réussite" in page
    assert f'href="{reverse("calls:project", args=[project.dossier.pk])}"' in page
    assert 'data-testid="story-public-link"' in page
    assert 'data-testid="story-dossier-link"' not in page
    client.force_login(project.lead)
    page = client.get(reverse("calls:story", args=[story.pk])).content.decode()
    assert 'data-testid="story-dossier-link"' in page


def test_forged_story_ids_are_404(client):
    """An unknown or impossible story id: 404."""
    client.force_login(AgentFactory())
    for story_id in (999_999, 2**63):
        assert client.get(reverse("calls:story", args=[story_id])).status_code == 404
        response = client.post(reverse("calls:story_feature", args=[story_id]), {"featured": "1"})
        assert response.status_code == 404


# --- the list ----------------------------------------------------------------------------------


def _story(dossier, title, *, region, days_ago=0, featured=False, theme=None):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return Story.objects.create(
        dossier=dossier,
        kind="success",
        title=title,
        body="Récit.",
        region=region,
        theme=theme,
        published_at=at,
        featured_at=at if featured else None,
    )


def test_list_filtered_by_region_and_theme_newest_first(client):
    """The region and the theme in the address filter the list; newest first; the featured
    ones are marked; a malformed filter is a French error, not a 500."""
    project = closed_project()
    theme = project.call.themes.first()
    normandie = Region.objects.get(code="28")
    _story(project.dossier, "Ancien breton", region=bretagne(), days_ago=10, theme=theme)
    _story(project.dossier, "Récent breton", region=bretagne(), days_ago=1, featured=True)
    _story(project.dossier, "Récit normand", region=normandie, days_ago=5)
    client.force_login(AgentFactory())
    page = client.get(reverse("calls:stories")).content.decode()
    page = page.split('data-testid="story-list"', 1)[1]
    assert page.index("Récent breton") < page.index("Récit normand") < page.index("Ancien breton")
    assert page.count('data-testid="story-featured"') == 1
    page = client.get(reverse("calls:stories"), {"region": bretagne().slug}).content.decode()
    assert "Récent breton" in page and "Ancien breton" in page and "Récit normand" not in page
    page = client.get(reverse("calls:stories"), {"theme": theme.pk}).content.decode()
    assert "Ancien breton" in page and "Récent breton" not in page
    response = client.get(reverse("calls:stories"), {"region": "atlantide", "theme": "x"})
    assert response.status_code == 200
    assert "Cette région n&#x27;existe pas." in response.content.decode()


def test_list_is_paginated(client):
    """Twenty stories a page; the next page keeps the filter; a malformed page number shows
    the first page."""
    project = closed_project()
    for number in range(25):
        _story(project.dossier, f"Récit numéro {number:02d}", region=bretagne(), days_ago=number)
    client.force_login(AgentFactory())
    first = client.get(reverse("calls:stories"), {"region": bretagne().slug}).content.decode()
    assert first.count('data-testid="story-card"') == 20
    assert "page=2" in first and f"region={bretagne().slug}" in first
    second = client.get(reverse("calls:stories"), {"region": bretagne().slug, "page": 2})
    assert second.content.decode().count('data-testid="story-card"') == 5
    assert "Récit numéro 24" in second.content.decode()
    assert client.get(reverse("calls:stories"), {"page": "abc"}).status_code == 200


# --- the region's page -------------------------------------------------------------------------


def test_region_section_latest_three_featured():
    """The region's section: its latest three featured stories; None without any, for an
    external partner, and for another region."""
    project = closed_project()
    viewer = AgentFactory()
    assert stories.region_section(viewer, bretagne()) is None
    _story(project.dossier, "Pas en avant", region=bretagne())
    for number in range(4):
        _story(project.dossier, f"En avant {number}", region=bretagne(), days_ago=number,
               featured=True)  # fmt: skip
    section = stories.region_section(viewer, bretagne())
    assert [story.title for story in section["stories"]] == [
        "En avant 0",
        "En avant 1",
        "En avant 2",
    ]
    assert stories.region_section(ExternalAgentFactory(), bretagne()) is None
    assert stories.region_section(viewer, Region.objects.get(code="28")) is None


def test_full_path_to_the_region_page(client):
    """Final report → return → resubmit → final review → close → story → featured → shown on
    the region's page of the directory, all through the pages."""
    project = running_project()
    slug, pk = project.call.slug, project.dossier.pk

    def go(name, *args):
        return reverse(f"calls:{name}", args=[slug, pk, *args])

    client.force_login(project.lead)
    assert client.post(go("report_submit"), {"file": report_pdf()}).status_code == 302
    client.force_login(project.manager)
    response = client.post(go("report_return"), {"reason": "Il manque les livrables."})
    assert response.status_code == 302
    assert fresh(project.dossier).state == S.IN_PROGRESS
    client.force_login(project.lead)
    response = client.post(
        go("report_submit"), {"file": report_pdf("v2.pdf"), "deliverables": "Guide"}
    )
    assert response.status_code == 302
    assert fresh(project.dossier).reports.get().name == "v2.pdf"
    client.force_login(project.manager)
    data = {"kind": "final", "year": 0}
    data.update({f"final-0-{name}": value for name, value in REVIEW.items()})
    assert client.post(go("review_record"), data).status_code == 302
    assert client.post(go("project_close")).status_code == 302
    assert fresh(project.dossier).state == S.CLOSED
    client.force_login(project.sponsor)
    response = client.post(
        go("story_publish"),
        {"kind": "success", "title": "Un réseau qui a pris", "body": BODY},
    )
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    region_page = reverse("directory:region", args=[bretagne().slug])
    client.force_login(AgentFactory())
    assert "Un réseau qui a pris" not in client.get(region_page).content.decode()
    sgar = AgentFactory(sgar=True)
    client.force_login(sgar)
    response = client.post(reverse("calls:story_feature", args=[story.pk]), {"featured": "1"})
    assert response.status_code == 302
    client.force_login(AgentFactory())
    page = client.get(region_page).content.decode()
    assert 'data-testid="region-stories"' in page and "Un réseau qui a pris" in page
