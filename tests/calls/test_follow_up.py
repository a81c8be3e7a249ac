"""The end of a project (R60, R61), on the services of ``calls.follow_up``: the final report, its
return and replacement, the final review, the close that needs it; the labs' interim review,
annual reports (one per year, within the convention's years) and their reviews, the last report
that moves the state; what is due next (``next_reviews``, in a bounded number of queries); the
permission matrix of every act."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from calls import follow_up
from calls.models import Dossier, DossierEvent, DossierMember, Report, ReportFile, Review
from calls.services import CallError
from directory.models import Region
from tests.calls import samples
from tests.calls.factories import add_member
from tests.calls.follow_up_factories import running_project
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State

REVIEW = {
    "administrative": "Convention signée dans les délais.",
    "technical": "Plateforme livrée et déployée dans trois départements.",
    "financial": "Dépenses conformes au plan de financement.",
    "modernisation": "Instruction dématérialisée de bout en bout.",
    "prospects": "Généralisation envisagée à l'échelle nationale.",
    "other_benefits": "Un réseau d'instructeurs actif.",
    "conclusion": Review.Conclusion.SUCCESS,
}


# --- helpers (the views' and stories' tests import them) ---------------------------------------


def report_pdf(name="rapport-final.pdf"):
    return samples.upload(name, samples.pdf())


def people_of(project):
    """Everyone of the permission matrix, by name."""
    dossier = project.dossier
    external = add_member(dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER)
    return {
        "lead": project.lead,
        "sponsor": project.sponsor,
        "team": project.team,
        "partner": project.partner,
        "manager": project.manager,
        "cdc": project.cdc,
        "sgar": AgentFactory(sgar=True),
        "sgar_other": AgentFactory(role="sgar", sgar_region=Region.objects.get(code="28")),
        "outsider": project.outsider,
        "external": external,
        "admin": AgentFactory(platform_admin=True),
    }


PEOPLE = (
    "lead",
    "sponsor",
    "team",
    "partner",
    "manager",
    "cdc",
    "sgar",
    "sgar_other",
    "outsider",
    "external",
    "admin",
)


def fresh(dossier):
    return Dossier.objects.select_related("call", "region").get(pk=dossier.pk)


def submit_final(project, actor=None, **kwargs):
    kwargs.setdefault("deliverables", "Guide de l'instructeur\nPlateforme en ligne")
    return follow_up.report_submit(
        actor=actor or project.lead,
        dossier=fresh(project.dossier),
        kind="final",
        upload=kwargs.pop("upload", None) or report_pdf(),
        **kwargs,
    )


def record_final_review(project, actor=None, **fields):
    return follow_up.review_record(
        actor=actor or project.manager,
        dossier=fresh(project.dossier),
        kind="final",
        **{**REVIEW, **fields},
    )


def closed_project(**kwargs):
    """A project of a final-report call, taken through its final report, review and close."""
    project = running_project(**kwargs)
    submit_final(project)
    record_final_review(project)
    follow_up.project_close(actor=project.manager, dossier=fresh(project.dossier))
    project.dossier = fresh(project.dossier)
    return project


def labs_project(starts_on=datetime.date(2016, 1, 15), months=24):
    """A running project of a labs call (annual follow-up, interim review after 6 months)."""
    return running_project(starts_on=starts_on, months=months, follow_up="annual")


def submit_annual(project, year, actor=None, **kwargs):
    return follow_up.report_submit(
        actor=actor or project.lead,
        dossier=fresh(project.dossier),
        kind="annual",
        year=year,
        upload=kwargs.pop("upload", None) or report_pdf(f"rapport-{year}.pdf"),
        **kwargs,
    )


# --- the final report, its return, the final review, the close --------------------------------


def test_final_report_moves_the_dossier_and_keeps_its_deliverables():
    """The lead's final report is stored with its deliverables' list and files, and the dossier
    moves to « rapport final remis » with the move's event."""
    project = running_project()
    report = submit_final(project, files=[samples.upload("guide.odt", samples.odt())])
    assert fresh(project.dossier).state == S.FINAL_REPORT
    assert report.kind == "final" and report.year == 0
    assert report.deliverables == "Guide de l'instructeur\nPlateforme en ligne"
    assert [item.name for item in report.files.all()] == ["guide.odt"]
    assert DossierEvent.objects.filter(
        dossier=project.dossier, action="final_report_submitted", target=S.FINAL_REPORT
    ).exists()


def test_annual_report_refused_on_a_final_report_call():
    """A call followed by a final report takes no annual report."""
    project = running_project()
    with pytest.raises(CallError) as error:
        submit_annual(project, 2025)
    assert error.value.code == "invalid"
    assert not Report.objects.exists()


def test_a_second_final_report_is_refused_while_remitted():
    """Once remitted (and not returned), the final report is not submitted again."""
    project = running_project()
    submit_final(project)
    with pytest.raises(CallError):
        submit_final(project)
    assert Report.objects.count() == 1


def test_return_needs_a_reason_and_puts_the_project_back_in_progress():
    """The managers return the final report with a reason; without one it is refused."""
    project = running_project()
    submit_final(project)
    with pytest.raises(CallError) as error:
        follow_up.report_return(actor=project.manager, dossier=fresh(project.dossier), reason=" ")
    assert error.value.code == "invalid"
    follow_up.report_return(
        actor=project.manager, dossier=fresh(project.dossier), reason="Livrables manquants."
    )
    assert fresh(project.dossier).state == S.IN_PROGRESS
    assert DossierEvent.objects.filter(
        dossier=project.dossier, action="final_report_returned", comment="Livrables manquants."
    ).exists()


def test_a_returned_report_is_replaced_by_the_next_submission(
    django_capture_on_commit_callbacks,
):
    """After a return, a new submission replaces the previous report, row and files (the old
    files deleted once it is committed)."""
    project = running_project()
    first = submit_final(project, files=[samples.upload("ancien.pdf", samples.pdf())])
    old_path = first.file.name
    follow_up.report_return(
        actor=project.manager, dossier=fresh(project.dossier), reason="Livrables manquants."
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = submit_final(project, deliverables="Guide complet")
    assert list(Report.objects.values_list("pk", flat=True)) == [second.pk]
    assert not ReportFile.objects.exists()
    assert not first.file.storage.exists(old_path)
    assert fresh(project.dossier).state == S.FINAL_REPORT


def test_return_refused_once_the_final_review_is_recorded():
    """The final review concludes on the report: it cannot be returned afterwards."""
    project = running_project()
    submit_final(project)
    record_final_review(project)
    with pytest.raises(CallError) as error:
        follow_up.report_return(
            actor=project.manager, dossier=fresh(project.dossier), reason="Trop tard."
        )
    assert error.value.code == "conflict"
    assert fresh(project.dossier).state == S.FINAL_REPORT


def test_close_refused_without_the_final_review():
    """A project is never closed without its final review (French message, state kept)."""
    project = running_project()
    submit_final(project)
    with pytest.raises(CallError) as error:
        follow_up.project_close(actor=project.manager, dossier=fresh(project.dossier))
    assert "revue finale" in str(error.value)
    assert fresh(project.dossier).state == S.FINAL_REPORT
    assert fresh(project.dossier).closed_at is None


def test_close_after_the_final_review():
    """With its final review, the project is closed and dated."""
    project = running_project()
    submit_final(project)
    record_final_review(project)
    follow_up.project_close(actor=project.manager, dossier=fresh(project.dossier))
    dossier = fresh(project.dossier)
    assert dossier.state == S.CLOSED and dossier.closed_at is not None
    assert dossier.events.filter(action="project_closed").exists()


def test_final_review_refused_before_the_final_report():
    """The final review follows the final report's remittance."""
    project = running_project()
    with pytest.raises(CallError):
        record_final_review(project)
    assert not Review.objects.exists()


def test_a_second_final_review_replaces_the_first():
    """Recording the final review again replaces its content (one row), with an event each."""
    project = running_project()
    submit_final(project)
    first = record_final_review(project)
    second = record_final_review(project, conclusion="mixed", technical="Livraison partielle.")
    assert first.pk == second.pk
    review = Review.objects.get()
    assert review.conclusion == "mixed" and review.technical == "Livraison partielle."
    assert review.report.kind == "final"
    assert project.dossier.events.filter(action="review_recorded").count() == 2


def test_review_needs_every_required_heading_and_a_conclusion():
    """The five headings and the conclusion are required; « autres bénéfices » is not."""
    project = running_project()
    submit_final(project)
    for name in ("administrative", "technical", "financial", "modernisation", "prospects"):
        with pytest.raises(CallError) as error:
            record_final_review(project, **{name: "  "})
        assert "Renseignez" in str(error.value)
    with pytest.raises(CallError):
        record_final_review(project, conclusion="excellent")
    with pytest.raises(CallError):
        record_final_review(project, technical="x" * 10_001)
    assert not Review.objects.exists()
    record_final_review(project, other_benefits="")
    assert Review.objects.count() == 1


# --- files -------------------------------------------------------------------------------------


def test_wrong_type_and_oversized_files_are_refused():
    """An executable, a file whose content is not its extension's, an oversized file (main or
    deliverable): refused in French, nothing stored, the state kept."""
    project = running_project()
    call = project.call
    call.max_dossier_bytes = samples.MB
    call.save(update_fields=["max_dossier_bytes"])
    bad = [
        {"upload": samples.upload("rapport.exe", samples.exe())},
        {"upload": samples.upload("rapport.pdf", b"pas un PDF du tout")},
        {"upload": samples.upload("rapport.pdf", samples.sized(2 * samples.MB))},
        {"files": [samples.upload("livrable.docm", samples.docm())]},
        {"files": [samples.upload("livrable.pdf", samples.sized(2 * samples.MB))]},
    ]
    for kwargs in bad:
        with pytest.raises(CallError) as error:
            submit_final(project, **kwargs)
        assert error.value.code == "invalid"
        assert any(word in str(error.value) for word in ("refusés", "extension", "dépasseraient"))
    assert not Report.objects.exists() and not ReportFile.objects.exists()
    assert fresh(project.dossier).state == S.IN_PROGRESS


def test_deliverables_list_is_limited():
    """A list of deliverables over 5,000 characters is refused."""
    project = running_project()
    with pytest.raises(CallError):
        submit_final(project, deliverables="x" * 5001)
    assert not Report.objects.exists()


# --- the labs: interim review, annual reports and reviews --------------------------------------


def test_annual_report_year_is_unique():
    """One annual report per year: a second one for the same year is refused."""
    project = labs_project()
    submit_annual(project, 2016)
    with pytest.raises(CallError) as error:
        submit_annual(project, 2016)
    assert error.value.code == "conflict"
    assert "2016" in str(error.value)
    assert Report.objects.filter(year=2016).count() == 1
    assert project.dossier.events.filter(action="report_submitted").count() == 1


@pytest.mark.parametrize("year", ["abc", "", None, "20170", "-1", "2015", "2019", 2.5, True])
def test_malformed_or_out_of_range_years_are_refused(year):
    """A year that is not a number, or outside the convention's years (2016-2018), is refused."""
    project = labs_project()
    with pytest.raises(CallError) as error:
        submit_annual(project, year)
    assert error.value.code == "invalid"
    assert not Report.objects.exists()


def test_a_future_year_is_refused():
    """The report covers a year already begun: not a year to come."""
    today = timezone.localdate()
    project = labs_project(starts_on=datetime.date(today.year, 1, 1), months=36)
    with pytest.raises(CallError):
        submit_annual(project, today.year + 1)


def test_annual_report_keeps_the_project_running_until_the_last():
    """A report on a year before the end keeps the project « en cours »; the report of the
    year the convention ends moves it to « rapport final remis » by itself."""
    project = labs_project()  # 15 January 2016 to 15 January 2018
    submit_annual(project, 2016)
    assert fresh(project.dossier).state == S.IN_PROGRESS
    submit_annual(project, 2017)
    assert fresh(project.dossier).state == S.IN_PROGRESS
    submit_annual(project, 2018)
    assert fresh(project.dossier).state == S.FINAL_REPORT


def test_the_last_checkbox_moves_the_state():
    """A report declared the last one moves the dossier, whatever its year."""
    project = labs_project()
    submit_annual(project, 2016, last=True)
    assert fresh(project.dossier).state == S.FINAL_REPORT
    assert project.dossier.events.filter(action="report_submitted").count() == 1
    assert project.dossier.events.filter(action="final_report_submitted").count() == 1


def test_a_final_report_is_refused_on_a_labs_call():
    """The labs call's last annual report is its final report: no separate one."""
    project = labs_project()
    with pytest.raises(CallError):
        submit_final(project)


def test_interim_and_annual_reviews():
    """The interim review needs no report; an annual review needs that year's report and is
    linked to it; both are the managers'."""
    project = labs_project()
    interim = follow_up.review_record(
        actor=project.manager, dossier=fresh(project.dossier), kind="interim", **REVIEW
    )
    assert interim.report is None and interim.year == 0
    with pytest.raises(CallError):
        follow_up.review_record(
            actor=project.manager, dossier=fresh(project.dossier), kind="annual", year=2016,
            **REVIEW,
        )  # fmt: skip
    report = submit_annual(project, 2016)
    review = follow_up.review_record(
        actor=project.manager, dossier=fresh(project.dossier), kind="annual", year=2016, **REVIEW
    )
    assert review.report == report and review.year == 2016
    with pytest.raises(CallError):
        follow_up.review_record(
            actor=project.manager, dossier=fresh(project.dossier), kind="annual", year="20x6",
            **REVIEW,
        )  # fmt: skip


def test_interim_review_refused_on_a_final_report_call():
    """The interim and annual reviews belong to a call followed each year."""
    project = running_project()
    with pytest.raises(CallError):
        follow_up.review_record(
            actor=project.manager, dossier=fresh(project.dossier), kind="interim", **REVIEW
        )


def test_labs_full_path_to_close():
    """The last annual report, the final review, then the close."""
    project = labs_project()
    submit_annual(project, 2016)
    submit_annual(project, 2017, last=True)
    review = record_final_review(project)
    assert review.report.year == 2017
    follow_up.project_close(actor=project.manager, dossier=fresh(project.dossier))
    assert fresh(project.dossier).state == S.CLOSED


# --- what is due next --------------------------------------------------------------------------


def test_interim_review_due_date():
    """The interim review is due ``interim_review_months`` after the convention's start."""
    project = labs_project(starts_on=datetime.date(2016, 1, 15))
    due = follow_up.next_reviews([project.dossier], datetime.date(2016, 3, 1))
    label, day = due[project.dossier.pk]
    assert day == datetime.date(2016, 7, 15)
    assert label.startswith("Revue intermédiaire prévue le") and "juillet 2016" in label
    call = project.call
    call.interim_review_months = 9
    call.save(update_fields=["interim_review_months"])
    assert follow_up.next_reviews([project.dossier])[project.dossier.pk][1] == datetime.date(
        2016, 10, 15
    )
    assert follow_up.interim_review_due(call, datetime.date(2016, 8, 31)) == datetime.date(
        2017, 5, 31
    )


def test_next_due_follows_the_reviews_and_reports():
    """After the interim review, the annual report on the first year is due in January of
    the next; once remitted, its review; nothing once the project is closed."""
    project = labs_project(starts_on=datetime.date(2016, 1, 15))
    dossier_id = project.dossier.pk
    follow_up.review_record(
        actor=project.manager, dossier=fresh(project.dossier), kind="interim", **REVIEW
    )
    label, day = follow_up.next_reviews([dossier_id])[dossier_id]
    assert label == "Rapport annuel 2016 attendu en janvier 2017"
    assert day == datetime.date(2017, 1, 31)
    with time_machine.travel(datetime.datetime(2017, 1, 10, 10, tzinfo=datetime.UTC), tick=False):
        submit_annual(project, 2016)
        label, day = follow_up.next_reviews([dossier_id])[dossier_id]
    assert label == "Revue annuelle 2016 à rédiger"
    assert day == datetime.date(2017, 1, 10)


def test_next_due_of_a_final_report_call():
    """A final-report project: the final report by the convention's end, then its review,
    then the close; nothing for a closed project."""
    project = running_project(starts_on=datetime.date(2025, 1, 1), months=12)
    dossier_id = project.dossier.pk
    label, day = follow_up.next_reviews([dossier_id])[dossier_id]
    assert label.startswith("Rapport final attendu le") and day == datetime.date(2026, 1, 1)
    submit_final(project)
    assert follow_up.next_reviews([dossier_id])[dossier_id][0] == "Revue finale à rédiger"
    record_final_review(project)
    follow_up.project_close(actor=project.manager, dossier=fresh(project.dossier))
    assert follow_up.next_reviews([dossier_id])[dossier_id] is None


def test_next_reviews_in_three_queries(django_assert_max_num_queries):
    """``next_reviews`` answers any number of dossiers in at most three queries."""
    dossiers = [labs_project().dossier for _ in range(3)] + [running_project().dossier]
    submit_annual(labs_project(), 2016)
    with django_assert_max_num_queries(3):
        due = follow_up.next_reviews(dossiers, datetime.date(2016, 2, 1))
    assert set(due) == {dossier.pk for dossier in dossiers}
    assert all(value is not None for value in due.values())
    assert follow_up.next_reviews([]) == {}


# --- events ------------------------------------------------------------------------------------


def test_every_act_writes_an_event():
    """Annual report, reviews, the moves: each leaves its line in the audit trail."""
    project = labs_project()
    follow_up.review_record(
        actor=project.manager, dossier=fresh(project.dossier), kind="interim", **REVIEW
    )
    submit_annual(project, 2016, last=True)
    actions = list(project.dossier.events.values_list("action", flat=True))
    assert actions[-3:] == ["review_recorded", "report_submitted", "final_report_submitted"]


# --- the permission matrix ---------------------------------------------------------------------

# Who may do what, on the services ("x": allowed).
MATRIX = """
act      lead sponsor team partner manager cdc sgar sgar_other outsider external admin
submit   x    x       .    .       .       .   .    .          .        .        .
return   .    .       .    .       x       .   .    .          .        .        x
review   .    .       .    .       x       .   .    .          .        .        x
close    .    .       .    .       x       .   .    .          .        .        x
"""


def matrix_rows(text):
    lines = [line.split() for line in text.strip().splitlines()]
    header = lines[0][1:]
    assert tuple(header) == PEOPLE
    for act, *cells in lines[1:]:
        for who, cell in zip(header, cells, strict=True):
            yield act, who, cell == "x"


def _act(act, project, agent):
    if act == "submit":
        return submit_final(project, actor=agent)
    if act == "return":
        submit_final(project)
        return follow_up.report_return(
            actor=agent, dossier=fresh(project.dossier), reason="À compléter."
        )
    if act == "review":
        submit_final(project)
        return record_final_review(project, actor=agent)
    submit_final(project)
    record_final_review(project)
    return follow_up.project_close(actor=agent, dossier=fresh(project.dossier))


EXPECTED_STATE = {
    "submit": (S.FINAL_REPORT, S.IN_PROGRESS),
    "return": (S.IN_PROGRESS, S.FINAL_REPORT),
    "review": (S.FINAL_REPORT, S.FINAL_REPORT),
    "close": (S.CLOSED, S.FINAL_REPORT),
}


@pytest.mark.parametrize(
    ("act", "who", "allowed"),
    list(matrix_rows(MATRIX)),
    ids=[f"{act}-{who}" for act, who, _a in matrix_rows(MATRIX)],
)
def test_permission_matrix(act, who, allowed):
    """Each cell of the matrix, on the service: done, or refused with « forbidden »."""
    project = running_project()
    agent = people_of(project)[who]
    reviews_before = 1 if act == "close" else 0
    if allowed:
        _act(act, project, agent)
        assert fresh(project.dossier).state == EXPECTED_STATE[act][0]
        if act == "review":
            assert Review.objects.filter(reviewed_by=agent).exists()
    else:
        with pytest.raises(CallError) as error:
            _act(act, project, agent)
        assert error.value.code == "forbidden"
        assert fresh(project.dossier).state == EXPECTED_STATE[act][1]
        assert Review.objects.count() == reviews_before
