"""The page « Rapports et revues » (``calls:follow_up``) and its forms: who sees it and who may
post each form (the permission matrix on the pages: 403 for a reader of the follow-up, 404 for
anyone else), a forged close without the final review, bad input (wrong-type and oversized files,
malformed years, forged ids, HTML and script shown escaped), the downloads, what is due next."""

import datetime

import pytest
from django.urls import reverse

from calls.models import Dossier, Report, Review
from tests.calls import samples
from tests.calls.follow_up_factories import running_project
from tests.calls.test_follow_up import (
    PEOPLE,
    REVIEW,
    fresh,
    labs_project,
    people_of,
    record_final_review,
    report_pdf,
    submit_annual,
    submit_final,
)

pytestmark = pytest.mark.django_db

S = Dossier.State
SCRIPT = "<script>alert('x')</script>"


def url(project, name="follow_up", *args):
    return reverse(f"calls:{name}", args=[project.call.slug, project.dossier.pk, *args])


def review_post(kind="final", year=0, **fields):
    prefix = f"{kind}-{year}"
    data = {"kind": kind, "year": year}
    data.update({f"{prefix}-{name}": value for name, value in {**REVIEW, **fields}.items()})
    return data


def as_(client, agent):
    client.force_login(agent)
    return client


# Who reads the page (the follow-up's readers); the others get a 404.
READERS = {"lead", "sponsor", "team", "manager", "cdc", "sgar", "admin"}

# Who may post each form ("x"): the others get a 403 if they read the page, else a 404.
PAGE_MATRIX = """
act      lead sponsor team partner manager cdc sgar sgar_other outsider external admin
submit   x    x       .    .       .       .   .    .          .        .        .
return   .    .       .    .       x       .   .    .          .        .        x
review   .    .       .    .       x       .   .    .          .        .        x
close    .    .       .    .       x       .   .    .          .        .        x
"""


def page_rows():
    lines = [line.split() for line in PAGE_MATRIX.strip().splitlines()]
    assert tuple(lines[0][1:]) == PEOPLE
    for act, *cells in lines[1:]:
        for who, cell in zip(PEOPLE, cells, strict=True):
            yield act, who, cell == "x"


@pytest.mark.parametrize("who", PEOPLE)
def test_who_reads_the_page(client, who):
    """The team, the managers, the CDC, the region's SGAR officer and the administrators read
    « Rapports et revues »; the partners, another region's SGAR officer and outsiders get 404."""
    project = running_project()
    agent = people_of(project)[who]
    response = as_(client, agent).get(url(project))
    assert response.status_code == (200 if who in READERS else 404)
    if who in READERS:
        assert b'data-testid="reports-page"' in response.content
        assert "Rapports et revues" in response.content.decode()


def _post(act, project, client):
    if act == "submit":
        return client.post(url(project, "report_submit"), {"file": report_pdf()})
    submit_final(project)
    if act == "return":
        return client.post(url(project, "report_return"), {"reason": "À compléter."})
    if act == "review":
        return client.post(url(project, "review_record"), review_post())
    record_final_review(project)
    return client.post(url(project, "project_close"))


AFTER = {
    "submit": (S.FINAL_REPORT, S.IN_PROGRESS),
    "return": (S.IN_PROGRESS, S.FINAL_REPORT),
    "review": (S.FINAL_REPORT, S.FINAL_REPORT),
    "close": (S.CLOSED, S.FINAL_REPORT),
}


@pytest.mark.parametrize(
    ("act", "who", "allowed"),
    list(page_rows()),
    ids=[f"{act}-{who}" for act, who, _a in page_rows()],
)
def test_page_permission_matrix(client, act, who, allowed):
    """Each cell on the pages: a redirect after the act, else 403 (a reader of the follow-up
    posting a forged form) or 404 (anyone else); the state says what happened."""
    project = running_project()
    agent = people_of(project)[who]
    response = _post(act, project, as_(client, agent))
    if allowed:
        assert response.status_code == 302
        assert fresh(project.dossier).state == AFTER[act][0]
    else:
        assert response.status_code == (403 if who in READERS else 404)
        assert fresh(project.dossier).state == AFTER[act][1]
    if act == "review":
        assert Review.objects.exists() == allowed


def test_forms_shown_by_ability(client):
    """The lead sees the report form, not the review nor the close; the manager the reverse."""
    project = running_project()
    page = as_(client, project.lead).get(url(project)).content.decode()
    assert 'data-testid="report-form"' in page and 'data-testid="review-form"' not in page
    submit_final(project)
    page = as_(client, project.manager).get(url(project)).content.decode()
    assert 'data-testid="review-form"' in page and 'data-testid="return-form"' in page
    assert 'data-testid="report-form"' not in page
    # No « Clore » button without the final review: the page says why.
    assert 'data-testid="close-blocked"' in page and 'data-testid="close-form"' not in page
    record_final_review(project)
    page = as_(client, project.manager).get(url(project)).content.decode()
    assert 'data-testid="close-form"' in page and 'data-testid="return-form"' not in page


def test_forged_close_without_the_final_review(client):
    """A close posted by a manager without the final review is refused with the French
    message, and the project stays « rapport final remis »."""
    project = running_project()
    submit_final(project)
    response = as_(client, project.manager).post(url(project, "project_close"))
    assert response.status_code == 400
    assert "sans la revue finale" in response.content.decode()
    assert fresh(project.dossier).state == S.FINAL_REPORT


def test_report_submitted_through_the_page_with_deliverables(client):
    """The form uploads the report, its deliverables' list and files; the page lists them
    with their download links, which give the files."""
    project = running_project()
    response = as_(client, project.lead).post(
        url(project, "report_submit"),
        {
            "file": report_pdf(),
            "deliverables": "Guide\nPlateforme",
            "deliverable_files": [
                samples.upload("guide.pdf", samples.pdf()),
                samples.upload("annexe.odt", samples.odt()),
            ],
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.files.count() == 2
    page = client.get(url(project)).content.decode()
    assert "Guide" in page and "annexe.odt" in page
    download = client.get(url(project, "report_file", report.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    item = report.files.first()
    assert client.get(url(project, "report_deliverable", report.pk, item.pk)).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rapport.exe", samples.exe(), "exécutables"),
        ("rapport.pdf", b"ceci n'est pas un PDF", "extension"),
        ("rapport.pdf", samples.sized(2 * samples.MB), "dépasseraient"),
    ],
)
def test_wrong_type_and_oversized_files_on_the_page(client, name, data, message):
    """A wrong-type or oversized report: the page again, 400, the French message; nothing
    stored."""
    project = running_project()
    project.call.max_dossier_bytes = samples.MB
    project.call.save(update_fields=["max_dossier_bytes"])
    response = as_(client, project.lead).post(
        url(project, "report_submit"),
        {"file": samples.upload(name, data), "deliverables": "Guide"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_oversized_deliverable_file_on_the_page(client):
    """An oversized deliverable refuses the whole report, with the file named."""
    project = running_project()
    project.call.max_dossier_bytes = samples.MB
    project.call.save(update_fields=["max_dossier_bytes"])
    response = as_(client, project.lead).post(
        url(project, "report_submit"),
        {
            "file": report_pdf(),
            "deliverable_files": [samples.upload("gros.pdf", samples.sized(2 * samples.MB))],
        },
    )
    assert response.status_code == 400
    assert "gros.pdf" in response.content.decode()
    assert not Report.objects.exists()


def test_missing_file_and_missing_reason_are_tied_to_their_fields(client):
    """No file: « Joignez le rapport. »; a return without reason: its message; both 400."""
    project = running_project()
    response = as_(client, project.lead).post(url(project, "report_submit"), {})
    assert response.status_code == 400
    assert "Joignez le rapport." in response.content.decode()
    submit_final(project)
    response = as_(client, project.manager).post(url(project, "report_return"), {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du renvoi" in response.content.decode()
    assert fresh(project.dossier).state == S.FINAL_REPORT


@pytest.mark.parametrize("year", ["abc", "20170", "", "-5", "2030"])
def test_malformed_years_on_the_labs_page(client, year):
    """A labs report with a malformed or impossible year: 400 with a French message."""
    project = labs_project()
    response = as_(client, project.lead).post(
        url(project, "report_submit"), {"year": year, "file": report_pdf()}
    )
    assert response.status_code == 400
    assert "année" in response.content.decode()
    assert not Report.objects.exists()


def test_malformed_review_kind_and_year(client):
    """A review posted with an unknown kind or a malformed year: 400, nothing saved."""
    project = labs_project()
    client = as_(client, project.manager)
    for data in (review_post(kind="bogus"), review_post(kind="annual", year="abc")):
        response = client.post(url(project, "review_record"), data)
        assert response.status_code == 400
    assert not Review.objects.exists()


def test_html_and_script_shown_escaped(client):
    """HTML and script typed in the deliverables and in every review heading come out
    escaped on the page."""
    project = running_project()
    submit_final(project, deliverables=f"{SCRIPT}\n<b>gras</b>")
    fields = {name: f"{SCRIPT} {name}" for name in REVIEW if name != "conclusion"}
    response = as_(client, project.manager).post(
        url(project, "review_record"), review_post(**fields)
    )
    assert response.status_code == 302
    page = client.get(url(project)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>gras</b>" not in page
    for name in fields:
        assert f"&lt;/script&gt; {name}" in page


def test_forged_ids_are_404(client):
    """A report or a deliverable of another dossier, through this dossier's address, and
    malformed ids: 404."""
    project = running_project()
    other = running_project()
    other_report = submit_final(other, files=[samples.upload("livrable.pdf", samples.pdf())])
    mine = submit_final(project)
    client = as_(client, project.lead)
    assert client.get(url(project, "report_file", other_report.pk)).status_code == 404
    other_item = other_report.files.get()
    assert client.get(url(project, "report_deliverable", mine.pk, other_item.pk)).status_code == 404
    assert (
        client.get(url(project, "report_deliverable", other_report.pk, other_item.pk)).status_code
        == 404
    )
    assert client.get(url(project, "report_file", 2**63)).status_code == 404
    assert client.get(url(project, "report_file", mine.pk)).status_code == 200
    # Another call's slug with this dossier's id: 404 too.
    forged = reverse("calls:report_file", args=[other.call.slug, project.dossier.pk, mine.pk])
    assert client.get(forged).status_code == 404


def test_downloads_closed_to_those_who_do_not_read_the_follow_up(client):
    """A partner or an outsider cannot download the report (404)."""
    project = running_project()
    report = submit_final(project)
    for agent in (project.partner, project.outsider):
        assert as_(client, agent).get(url(project, "report_file", report.pk)).status_code == 404


def test_what_is_due_next_on_the_page(client):
    """The labs page says when the interim review is due, then the annual report; the
    final-report page says when the final report is due."""
    project = labs_project(starts_on=datetime.date(2016, 1, 15))
    page = as_(client, project.manager).get(url(project)).content.decode()
    assert "Revue intermédiaire prévue le 15 juillet 2016" in page
    assert "Rapport annuel 2016 attendu en janvier 2017" in page
    final = running_project(starts_on=datetime.date(2025, 3, 1), months=12)
    page = as_(client, final.manager).get(url(final)).content.decode()
    assert "Rapport final attendu le 1er mars 2026" in page


def test_labs_annual_review_form_per_report(client):
    """Once a year's report is remitted, the managers get its annual review form, which
    records the review linked to the report."""
    project = labs_project()
    report = submit_annual(project, 2016)
    page = as_(client, project.manager).get(url(project)).content.decode()
    assert 'data-kind="annual" data-year="2016"' in page
    response = client.post(url(project, "review_record"), review_post(kind="annual", year=2016))
    assert response.status_code == 302
    assert Review.objects.get().report == report


def test_review_form_errors_are_tied_to_fields(client):
    """A review without its headings: 400, each missing heading's message on the page."""
    project = running_project()
    submit_final(project)
    response = as_(client, project.manager).post(
        url(project, "review_record"), review_post(technical="", conclusion="")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Renseignez les aspects techniques." in page
    assert "Choisissez l&#x27;appréciation d&#x27;ensemble." in page
    assert not Review.objects.exists()


def test_return_reason_shown_escaped_to_the_team(client):
    """After a return, the team reads the reason on the page (escaped) until it submits
    again."""
    project = running_project()
    submit_final(project)
    as_(client, project.manager).post(
        url(project, "report_return"), {"reason": f"Il manque le guide {SCRIPT}"}
    )
    page = as_(client, project.lead).get(url(project)).content.decode()
    assert 'data-testid="report-returned"' in page
    assert "Il manque le guide &lt;script&gt;" in page and "<script>alert" not in page
    submit_final(project)
    page = client.get(url(project)).content.decode()
    assert 'data-testid="report-returned"' not in page
