"""The indicators' pages (``calls.views.indicators``): who sees and does what (the matrix on the
pages: 404 for who may not read the follow-up, 403 for a reader who may not act), the table
(baselines, targets, values, the late ones flagged, the reviews), bad input answered in French
(never a 500, nothing saved), text shown escaped, forged ids of another dossier as 404, and the
exports (the page's figures, CSV and ODS, per project and for the whole call)."""

import datetime
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from calls.models import Indicator, IndicatorTarget, IndicatorValue
from tests.calls.follow_up_factories import running_project
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
D = datetime.date
NOW = datetime.datetime(2027, 6, 15, 10, 0, tzinfo=PARIS)
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def project():
    project = running_project(starts_on=D(2027, 1, 1), months=24)
    project.sgar = AgentFactory(sgar=True)
    indicator = Indicator.objects.create(
        dossier=project.dossier,
        label="Agents inscrits",
        unit="agents",
        baseline=Decimal("10"),
        frequency_months=3,
        first_due_on=D(2027, 3, 31),
    )
    halfway = project.dossier.milestones.order_by("due_on").first()
    IndicatorTarget.objects.create(indicator=indicator, milestone=halfway, value=Decimal("75"))
    project.indicator = indicator
    project.halfway = halfway
    return project


def url(project, name, *args):
    return reverse(f"calls:{name}", args=[project.call.slug, project.dossier.pk, *args])


def value_post(project, due_on="2027-06-30", value="42", comment="Trois services inscrits"):
    prefix = f"value-{project.indicator.pk}"
    return {f"{prefix}-due_on": due_on, f"{prefix}-value": value, f"{prefix}-comment": comment}


def indicator_post(project, **fields):
    data = {
        "label": "Réunions du réseau",
        "unit": "réunions",
        "baseline": "0",
        "frequency_months": "6",
        "first_due_on": "2027-06-30",
        f"target_{project.halfway.pk}": "4",
    }
    data.update(fields)
    return data


# --- who sees and does what: the matrix on the pages ----------------------------------------------

WHO = ["lead", "sponsor", "team", "partner", "manager", "cdc", "sgar", "outsider"]
# The status of each page for each person while the project runs: 200 (or 302 after a form),
# 403 (a reader of the follow-up who may not do it), 404 (who may not read the follow-up).
MATRIX = """
action       lead sponsor team partner manager cdc sgar outsider
read         200  200     200  404     200     200 200  404
export       200  200     200  404     200     200 200  404
define       200  200     403  404     200     403 403  404
define_post  302  302     403  404     302     403 403  404
enter        302  302     302  404     403     403 403  404
review       403  403     403  404     302     403 302  404
call_export  404  404     404  404     200     200 404  404
"""


def _matrix():
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header = lines[0][1:]
    return [
        (action, who, int(status))
        for action, *statuses in lines[1:]
        for who, status in zip(header, statuses, strict=True)
    ]


def _request(client, project, action):
    if action == "read":
        return client.get(url(project, "indicators"))
    if action == "export":
        return client.get(url(project, "indicators_export") + "?format=csv")
    if action == "define":
        return client.get(url(project, "indicator_new"))
    if action == "define_post":
        return client.post(url(project, "indicator_new"), indicator_post(project))
    if action == "enter":
        return client.post(
            url(project, "indicator_value", project.indicator.pk), value_post(project)
        )
    if action == "review":
        value = IndicatorValue.objects.create(
            indicator=project.indicator, due_on=D(2027, 3, 31), value=Decimal("20")
        )
        return client.post(
            url(project, "indicator_value_review", value.pk),
            {f"review-{value.pk}-comment": "Conforme"},
        )
    return client.get(
        reverse("calls:call_indicators_export", args=[project.call.slug]) + "?format=csv"
    )


@pytest.mark.parametrize(("action", "who", "status"), _matrix())
def test_who_may_do_what_on_the_pages(client, project, action, who, status):
    """Each cell: the page answers its status, and what it did (or not) is stored."""
    client.force_login(getattr(project, who))
    response = _request(client, project, action)
    assert response.status_code == status
    if action == "define_post":
        assert Indicator.objects.filter(label="Réunions du réseau").exists() == (status == 302)
    if action == "enter":
        assert IndicatorValue.objects.filter(due_on=D(2027, 6, 30)).exists() == (status == 302)
    if action == "review":
        assert IndicatorValue.objects.filter(reviewed_at__isnull=False).exists() == (status == 302)


def test_the_follow_up_menu_leads_to_the_indicators(client, project):
    """The follow-up's side menu links the indicators page, marked current there."""
    client.force_login(project.lead)
    page = client.get(url(project, "indicators")).content.decode()
    assert 'data-testid="follow-up-menu-indicators"' in page
    assert f'href="{url(project, "indicators")}" aria-current="page"' in page


# --- the table ----------------------------------------------------------------------------------


def test_the_table_shows_baseline_targets_values_late_and_reviews(client, project):
    """On 15 June: the baseline, the target at mid-way, 31 March late (« en retard » badge), a
    reviewed value with its reviewer's opinion once entered and reviewed."""
    client.force_login(project.team)
    page = client.get(url(project, "indicators")).content.decode()
    assert "Agents inscrits" in page
    assert 'data-testid="indicator-baseline">10.00<' in page or ">10,00<" in page
    assert "75" in page
    assert 'data-due="2027-03-31" data-late="1"' in page
    assert 'data-testid="late-badge">en retard<' in page
    assert "1 valeur attendue n'a pas été saisie à son échéance." in page
    assert 'data-due="2027-06-30" data-late' not in page
    value = IndicatorValue.objects.create(
        indicator=project.indicator, due_on=D(2027, 3, 31), value=Decimal("20")
    )
    client.force_login(project.sgar)
    response = client.post(
        url(project, "indicator_value_review", value.pk),
        {f"review-{value.pk}-comment": "Conforme au compte rendu"},
    )
    assert response.status_code == 302
    client.force_login(project.team)
    page = client.get(url(project, "indicators")).content.decode()
    assert "late-badge" not in page
    assert "Conforme au compte rendu" in page
    assert project.sgar.display_name in page


def test_the_team_enters_then_edits_a_value_until_reviewed(client, project):
    """The team's value is saved, changed, then once reviewed refused (400, French message,
    the value kept)."""
    client.force_login(project.team)
    page = url(project, "indicator_value", project.indicator.pk)
    assert client.post(page, value_post(project, value="12")).status_code == 302
    assert client.post(page, value_post(project, value="13,5")).status_code == 302
    value = IndicatorValue.objects.get(due_on=D(2027, 6, 30))
    assert value.value == Decimal("13.50")
    IndicatorValue.objects.filter(pk=value.pk).update(reviewed_at=NOW, reviewed_by=project.manager)
    response = client.post(page, value_post(project, value="99"))
    assert response.status_code == 400
    assert "examinée : elle ne peut plus être modifiée" in response.content.decode()
    value.refresh_from_db()
    assert value.value == Decimal("13.50")


def test_the_lead_defines_an_indicator_with_its_targets(client, project):
    """The form of a new indicator shows the milestones; its post saves the indicator and the
    target at the milestone given."""
    client.force_login(project.lead)
    page = client.get(url(project, "indicator_new")).content.decode()
    assert "Mi-parcours" in page
    response = client.post(url(project, "indicator_new"), indicator_post(project))
    assert response.status_code == 302
    indicator = Indicator.objects.get(label="Réunions du réseau")
    assert indicator.frequency_months == 6
    assert indicator.targets.get().value == Decimal("4")
    response = client.post(
        url(project, "indicator_edit", indicator.pk),
        indicator_post(project, label="Réunions tenues", **{f"target_{project.halfway.pk}": ""}),
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.label == "Réunions tenues"
    assert not indicator.targets.exists()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_due_on": "31/02/2027"}, "Saisissez une date qui existe"),
        ({"first_due_on": "demain"}, "Saisissez une date qui existe"),
        ({"baseline": "dix"}, "Saisissez un nombre"),
        ({"frequency_months": "5"}, "Cette fréquence n&#x27;existe pas"),
        ({"label": ""}, "Donnez un libellé"),
        ({"first_due_on": "2031-01-01"}, "fin du projet"),
    ],
)
def test_a_bad_definition_is_answered_in_french(client, project, fields, message):
    """A malformed date, a non-numeric baseline, an unknown frequency, no label, a first due
    date after the project's end: 400 with the French message, nothing saved."""
    client.force_login(project.lead)
    response = client.post(url(project, "indicator_new"), indicator_post(project, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "quarante"}, "Saisissez un nombre"),
        ({"value": ""}, "Indiquez une valeur"),
        ({"due_on": "2027-04-15"}, "n&#x27;est pas une échéance ouverte"),
        ({"due_on": "2027-09-30"}, "n&#x27;est pas une échéance ouverte"),
        ({"due_on": "pas-une-date"}, "n&#x27;est pas une échéance ouverte"),
        ({"comment": "x" * 3001}, "limité à 3000 caractères"),
    ],
)
def test_a_bad_value_is_answered_in_french(client, project, fields, message):
    """A non-numeric or empty value, a date not in the schedule or not open yet, a malformed
    date, a long comment: 400 with the French message, nothing saved."""
    client.force_login(project.team)
    response = client.post(
        url(project, "indicator_value", project.indicator.pk), value_post(project, **fields)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_deleting_an_indicator_with_values_is_refused_on_the_page(client, project):
    """The deletion of an indicator with a value: the French refusal, the indicator kept; one
    without values is deleted."""
    IndicatorValue.objects.create(
        indicator=project.indicator, due_on=D(2027, 3, 31), value=Decimal("20")
    )
    client.force_login(project.manager)
    response = client.post(url(project, "indicator_delete", project.indicator.pk), follow=True)
    assert "ne peut plus être supprimé" in response.content.decode()
    assert Indicator.objects.filter(pk=project.indicator.pk).exists()
    empty = Indicator.objects.create(
        dossier=project.dossier,
        label="Vide",
        baseline=0,
        frequency_months=12,
        first_due_on=D(2027, 12, 31),
    )
    assert client.post(url(project, "indicator_delete", empty.pk)).status_code == 302
    assert not Indicator.objects.filter(pk=empty.pk).exists()


def test_html_in_texts_is_shown_escaped(client, project):
    """A label, a unit, a value's comment and a review's opinion with HTML and a script: shown
    as text, never run."""
    client.force_login(project.lead)
    response = client.post(
        url(project, "indicator_edit", project.indicator.pk),
        indicator_post(
            project, label=SCRIPT, unit="<b>u</b>", frequency_months="3", first_due_on="2027-03-31"
        ),
    )
    assert response.status_code == 302
    client.force_login(project.team)
    client.post(
        url(project, "indicator_value", project.indicator.pk),
        value_post(project, comment="<img src=x onerror=alert(1)>"),
    )
    value = IndicatorValue.objects.get()
    client.force_login(project.manager)
    client.post(
        url(project, "indicator_value_review", value.pk),
        {f"review-{value.pk}-comment": SCRIPT},
    )
    page = client.get(url(project, "indicators")).content.decode()
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert "<b>u</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_forged_ids_of_another_dossier_are_404(client, project):
    """Another dossier's indicator or value through this dossier's addresses: 404, nothing
    changed."""
    other = running_project(starts_on=D(2027, 1, 1))
    foreign = Indicator.objects.create(
        dossier=other.dossier,
        label="Étranger",
        baseline=0,
        frequency_months=3,
        first_due_on=D(2027, 3, 31),
    )
    foreign_value = IndicatorValue.objects.create(
        indicator=foreign, due_on=D(2027, 3, 31), value=Decimal("1")
    )
    client.force_login(project.manager)
    assert client.get(url(project, "indicator_edit", foreign.pk)).status_code == 404
    assert (
        client.post(url(project, "indicator_edit", foreign.pk), indicator_post(project)).status_code
        == 404
    )
    assert client.post(url(project, "indicator_delete", foreign.pk)).status_code == 404
    assert (
        client.post(url(project, "indicator_value_review", foreign_value.pk), {}).status_code == 404
    )
    client.force_login(project.team)
    assert (
        client.post(url(project, "indicator_value", foreign.pk), value_post(project)).status_code
        == 404
    )
    foreign.refresh_from_db()
    foreign_value.refresh_from_db()
    assert foreign.label == "Étranger" and foreign_value.reviewed_at is None
    assert Indicator.objects.filter(pk=foreign.pk).exists()


# --- the exports --------------------------------------------------------------------------------


def _csv(response):
    return response.content.decode("utf-8-sig").splitlines()


def test_the_projects_export_has_the_pages_figures(client, project):
    """The CSV export: the target row, each due date with its value, comment, state (« en
    retard », « saisie », « examinée ») and opinion; the ODS export the same figures."""
    IndicatorValue.objects.create(
        indicator=project.indicator,
        due_on=D(2027, 6, 30),
        value=Decimal("42"),
        comment="Trois services",
        reviewed_at=NOW,
        review_comment="Vérifié",
    )
    client.force_login(project.cdc)
    response = client.get(url(project, "indicators_export") + "?format=csv")
    assert response.status_code == 200
    lines = _csv(response)
    assert lines[0].startswith("Projet;Indicateur;Unité;Valeur de référence")
    name = str(project.dossier)
    assert (
        f"{name};Agents inscrits;agents;10.00;Trimestrielle;Cible;Mi-parcours;2028-01-01;75.00;;;"
        in lines
    )
    assert (
        f"{name};Agents inscrits;agents;10.00;Trimestrielle;Échéance;;2027-03-31;;;en retard;"
        in lines
    )
    assert (
        f"{name};Agents inscrits;agents;10.00;Trimestrielle;Échéance;;2027-06-30;42.00;"
        "Trois services;examinée;Vérifié"
    ) in lines
    # 1 header, 1 target, 8 quarterly due dates until the end (1 January 2029).
    assert len(lines) == 1 + 1 + 8
    ods = client.get(url(project, "indicators_export") + "?format=ods")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    content = zipfile.ZipFile(io.BytesIO(ods.content)).read("content.xml").decode()
    assert 'office:value="42.00"' in content
    assert "Vérifié" in content
    assert client.get(url(project, "indicators_export") + "?format=xls").status_code == 400


def test_the_call_export_lists_every_followed_project_of_the_call(client, project):
    """The call-wide export of a manager: this call's running projects (not another call's);
    the page links it for the managers only."""
    second = running_project(project.call, starts_on=D(2027, 1, 1))
    Indicator.objects.create(
        dossier=second.dossier,
        label="Deuxième projet",
        baseline=Decimal("3"),
        frequency_months=12,
        first_due_on=D(2027, 12, 31),
    )
    elsewhere = running_project(starts_on=D(2027, 1, 1))
    Indicator.objects.create(
        dossier=elsewhere.dossier,
        label="Autre appel",
        baseline=0,
        frequency_months=12,
        first_due_on=D(2027, 12, 31),
    )
    client.force_login(project.manager)
    export = reverse("calls:call_indicators_export", args=[project.call.slug])
    text = "\n".join(_csv(client.get(export + "?format=csv")))
    assert "Agents inscrits" in text
    assert "Deuxième projet" in text
    assert "Autre appel" not in text
    assert export in client.get(url(project, "indicators")).content.decode()
    client.force_login(project.lead)
    assert export not in client.get(url(project, "indicators")).content.decode()
