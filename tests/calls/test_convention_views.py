"""The pages « Convention » and « Tranches et versements » of a selected project's follow-up
(R57, R58): who reads them and who may post each form (the matrix on the pages), bad input
answered in French with a 4xx and nothing saved, forged ids of another dossier's objects as
404, HTML shown escaped, the signed copy's protected download, and the full path from a
prepared convention to the first tranche's four steps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from calls import convention as conventions
from calls import tranches as tranche_services
from calls.models import Convention, Dossier, Indicator, Tranche
from tests.calls.factories import add_partner, at_state
from tests.calls.follow_up_factories import running_project, selected_project
from tests.calls.samples import exe, pdf, sized, upload
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)
XSS = '<script>alert("x")</script><b>gras</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;"
WHO = ["lead", "sponsor", "team", "partner", "manager", "cdc", "sgar", "outsider"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def person(project, who):
    if who == "sgar":
        return AgentFactory(sgar=True)
    return getattr(project, who)


def url(name, dossier, *args):
    return reverse(f"calls:{name}", args=[dossier.call.slug, dossier.pk, *args])


def as_(client, agent):
    client.force_login(agent)
    return client


def prepared(project):
    """A convention complete but for the signature (through the services)."""
    dossier = project.dossier
    conventions.convention_save(
        actor=project.cdc,
        dossier=dossier,
        funding_terms="Deux tranches.",
        eligible_expenses="Personnel : 200 k€",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
        sponsor_signatory="Préfète de région",
        sponsor_signed_on=datetime.date(2026, 3, 2),
        cdc_signatory="Directeur régional",
        cdc_signed_on=datetime.date(2026, 3, 5),
    )
    conventions.milestone_save(
        actor=project.cdc, dossier=dossier, label="Mi-parcours", due_on=datetime.date(2027, 4, 1)
    )
    tranche_services.tranche_save(
        actor=project.cdc, dossier=dossier, amount="200", conditions="Recrutement"
    )
    Indicator.objects.create(
        dossier=dossier, label="Agents", baseline=0, first_due_on=datetime.date(2026, 9, 30)
    )
    conventions.convention_file_upload(
        actor=project.cdc, dossier=dossier, upload=upload("convention.pdf", pdf())
    )
    return dossier


def running_with_tranche(conditions="Recrutement"):
    project = selected_project()
    tranche = tranche_services.tranche_save(
        actor=project.cdc, dossier=project.dossier, amount="200", conditions=conditions
    )
    Convention.objects.create(dossier=project.dossier, signed_at=NOW)
    project.dossier = at_state(project.dossier, S.IN_PROGRESS)
    return project, tranche


# --- the matrix on the pages ----------------------------------------------------------------------

# 200: reads (or acts: 302); 403: reads the follow-up but may not act; 404: may not read it.
#                    lead sponsor team partner manager cdc sgar outsider
PAGES = """
read_convention      200  200     200  404     200     200 200  404
read_tranches        200  200     200  404     200     200 200  404
edit_convention      302  302     403  404     302     302 403  404
sign                 403  403     403  404     302     302 403  404
tick                 403  403     403  404     302     302 403  404
payable              403  403     403  404     302     302 403  404
record_step          403  403     403  404     302     302 403  404
"""


def page_rows():
    for line in PAGES.strip().splitlines():
        action, *cells = line.split()
        for who, cell in zip(WHO, cells, strict=True):
            yield action, who, int(cell)


@pytest.mark.parametrize(("action", "who", "status"), list(page_rows()))
def test_page_matrix(client, action, who, status):
    """Each page and each form answers each person as the table says: the partners'
    representatives and outsiders do not see the follow-up at all (404)."""
    if action in ("read_convention", "read_tranches", "edit_convention", "sign"):
        project = selected_project()
        if action == "sign":
            prepared(project)
    else:
        project, tranche = running_with_tranche()
    dossier = project.dossier
    client = as_(client, person(project, who))
    if action == "read_convention":
        response = client.get(url("convention", dossier))
    elif action == "read_tranches":
        response = client.get(url("tranches", dossier))
    elif action == "edit_convention":
        response = client.post(
            url("convention", dossier), {"convention-funding_terms": "Deux tranches."}
        )
    elif action == "sign":
        response = client.post(url("convention_sign", dossier))
    elif action == "tick":
        condition = tranche.conditions.get()
        response = client.post(url("tranche_condition", dossier, condition.pk))
    elif action == "payable":
        tranche.conditions.update(met_at=NOW)
        response = client.post(url("tranche_payable", dossier, tranche.pk))
    else:
        Tranche.objects.filter(pk=tranche.pk).update(payable_at=NOW)
        response = client.post(
            url("tranche_step", dossier, tranche.pk),
            {f"s{tranche.pk}-step": "cdc_paid_on", f"s{tranche.pk}-day": "2026-03-09"},
        )
    assert response.status_code == status
    dossier.refresh_from_db()
    if action == "sign":
        assert dossier.state == (S.IN_PROGRESS if status == 302 else S.SELECTED)
    if action == "record_step":
        tranche.refresh_from_db()
        assert (tranche.cdc_paid_on is not None) == (status == 302)


def test_the_forms_are_shown_only_to_those_who_may_use_them(client):
    """The lead sees the convention's form but not the signature; the CDC both; the team
    member and the SGAR officer read without any form."""
    project = selected_project()
    dossier = project.dossier
    lead_page = as_(client, project.lead).get(url("convention", dossier)).content.decode()
    assert 'data-testid="convention-form"' in lead_page
    assert 'data-testid="convention-sign"' not in lead_page
    cdc_page = as_(client, project.cdc).get(url("convention", dossier)).content.decode()
    assert (
        'data-testid="convention-form"' in cdc_page and 'data-testid="convention-sign"' in cdc_page
    )
    for reader in (project.team, AgentFactory(sgar=True)):
        page = as_(client, reader).get(url("convention", dossier)).content.decode()
        assert 'data-testid="convention-terms"' in page
        assert "<form" not in page.split('data-testid="follow-up-menu"')[1].split("</nav>")[1]


def test_the_side_menu_leads_to_both_pages(client):
    """The follow-up's side menu links the convention and the tranches."""
    project = selected_project()
    page = as_(client, project.lead).get(url("convention", project.dossier)).content.decode()
    assert url("tranches", project.dossier) in page
    assert url("indicators", project.dossier) in page


def test_a_dossier_not_selected_has_no_follow_up(client):
    """Before « lauréat »: 404, even for its lead."""
    project = selected_project()
    at_state(project.dossier, S.REVIEWED)
    assert as_(client, project.lead).get(url("convention", project.dossier)).status_code == 404


# --- the convention page --------------------------------------------------------------------------


def test_the_page_prefills_the_eligible_expenses_and_lists_every_partner(client):
    """Before the first save, the form carries the plan's eligible expenses; every partner is
    listed, one without aid « sans aide directe »."""
    from calls.models import FinancingLine

    project = selected_project()
    dossier = project.dossier
    FinancingLine.objects.create(
        dossier=dossier, side="cost", category="amoa", eligible="providers", amount=Decimal("80")
    )
    with_aid = add_partner(dossier, name="Région Bretagne", direct_aid=Decimal("25.5"))
    without = add_partner(dossier, name="Mairie de Rennes")
    page = as_(client, project.lead).get(url("convention", dossier)).content.decode()
    assert "Frais de personnel des prestataires : 80 k€" in page
    assert "25,5 k€" in page
    assert f'data-testid="partner-aid-{without.pk}">sans aide directe' in page
    assert f'data-testid="partner-aid-{with_aid.pk}">25,5 k€' in page


def test_saving_the_convention_writes_it_and_comes_back(client):
    """A valid post saves and redirects with a message; the event is written."""
    project = selected_project()
    dossier = project.dossier
    response = as_(client, project.lead).post(
        url("convention", dossier),
        {
            "convention-funding_terms": "Deux tranches.",
            "convention-starts_on": "01/04/2026",
            "convention-ends_on": "2028-03-31",
        },
        follow=True,
    )
    assert "La convention est enregistrée." in response.content.decode()
    convention = conventions.convention_of(dossier)
    assert convention.starts_on == datetime.date(2026, 4, 1)
    assert dossier.events.filter(action="convention_updated").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"convention-starts_on": "31/02/2026"}, "Saisissez une date valide"),
        ({"convention-starts_on": "demain"}, "Saisissez une date valide"),
        (
            {"convention-starts_on": "2026-05-01", "convention-ends_on": "2026-04-01"},
            "après son début",
        ),
        ({"convention-cdc_signed_on": "2026-03-11"}, "date future"),
        ({"convention-funding_terms": "a" * 10_001}, "limité à"),
    ],
)
def test_bad_convention_input_is_a_400_with_a_french_message(client, data, message):
    """Malformed dates, dates in the wrong order or the future, an over-long text: 400 and
    the message on the page, nothing saved."""
    project = selected_project()
    response = as_(client, project.cdc).post(url("convention", project.dossier), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert conventions.convention_of(project.dossier) is None


def test_every_text_is_shown_escaped(client):
    """HTML and script typed in every text field (terms, expenses, conditions, signatories,
    milestone, partner's name, tranche's condition, BOP) come back escaped, on the read-only
    page and in the forms."""
    project = selected_project()
    dossier = project.dossier
    conventions.convention_save(
        actor=project.cdc,
        dossier=dossier,
        funding_terms=XSS,
        eligible_expenses=XSS,
        suspensive_conditions=XSS,
        sponsor_signatory=XSS[:200],
        cdc_signatory=XSS[:200],
    )
    conventions.milestone_save(actor=project.cdc, dossier=dossier, label=XSS, due_on=TODAY)
    add_partner(dossier, name=XSS)
    tranche = tranche_services.tranche_save(
        actor=project.cdc, dossier=dossier, amount="10", conditions=XSS
    )
    for reader in (project.team, project.cdc):
        for name in ("convention", "tranches"):
            page = as_(client, reader).get(url(name, dossier)).content.decode()
            assert "<script>alert" not in page
            assert "&lt;script&gt;" in page
    edit = as_(client, project.cdc).get(url("tranche_edit", dossier, tranche.pk)).content.decode()
    assert "<script>alert" not in edit and "&lt;script&gt;" in edit
    read_only = as_(client, project.team).get(url("convention", dossier)).content.decode()
    assert read_only.count(ESCAPED) >= 3
    # The BOP, once the tranche reaches its last step.
    Convention.objects.filter(dossier=dossier).update(
        signed_at=NOW, suspensive_conditions="", conditions_lifted_on=None
    )
    at_state(dossier, S.IN_PROGRESS)
    Tranche.objects.filter(pk=tranche.pk).update(
        payable_at=NOW,
        cdc_paid_on=TODAY,
        revenue_order_on=TODAY,
        credits_opened_on=TODAY,
        distributed_on=TODAY,
        bop=XSS[:100],
    )
    page = as_(client, project.team).get(url("tranches", dossier)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_wrong_type_upload_is_refused_on_the_page(client):
    """An executable renamed .pdf, then a .exe: 400 with the French reason, nothing stored."""
    project = selected_project()
    dossier = project.dossier
    c = as_(client, project.cdc)
    response = c.post(url("convention_upload", dossier), {"upload-file": upload("c.pdf", exe())})
    assert response.status_code == 400
    assert "fr-error-text" in response.content.decode()
    response = c.post(url("convention_upload", dossier), {"upload-file": upload("c.exe", exe())})
    assert response.status_code == 400
    assert "Les fichiers exécutables et les documents à macros sont refusés." in (
        response.content.decode().replace("&#x27;", "'")
    )
    convention = conventions.convention_of(dossier)
    assert convention is None or not convention.signed_file


def test_oversized_upload_is_refused_on_the_page(client):
    """A file above the call's limit: 400 and « dépasseraient »."""
    project = selected_project()
    project.call.max_dossier_bytes = 2000
    project.call.save(update_fields=["max_dossier_bytes"])
    response = as_(client, project.cdc).post(
        url("convention_upload", project.dossier), {"upload-file": upload("c.pdf", sized(3000))}
    )
    assert response.status_code == 400
    assert "dépasseraient" in response.content.decode()


def test_the_signed_copy_downloads_for_readers_only(client):
    """The readers of the follow-up download it as an attachment; a partner's representative
    and an outsider get a 404; another dossier's address does not serve this file."""
    project = selected_project()
    dossier = project.dossier
    conventions.convention_file_upload(
        actor=project.cdc, dossier=dossier, upload=upload("signee.pdf", pdf())
    )
    for reader in (project.team, project.manager, AgentFactory(sgar=True)):
        response = as_(client, reader).get(url("convention_file", dossier))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    for stranger in (project.partner, project.outsider):
        assert as_(client, stranger).get(url("convention_file", dossier)).status_code == 404
    other = selected_project()
    # The CDC of this call is nobody on the other call: 404 there.
    assert as_(client, project.cdc).get(url("convention_file", other.dossier)).status_code == 404
    # The other dossier has no signed copy: 404 for its own CDC too.
    assert as_(client, other.cdc).get(url("convention_file", other.dossier)).status_code == 404


def test_partner_aid_bad_amounts_are_400(client):
    """A negative or non-numeric aid: 400 with the French message, nothing saved."""
    project = selected_project()
    partner = add_partner(project.dossier)
    for value, message in (("-3", "négatif"), ("beaucoup", "nombre de k€")):
        response = as_(client, project.lead).post(
            url("partner_aid", project.dossier, partner.pk), {f"aid{partner.pk}-direct_aid": value}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    partner.refresh_from_db()
    assert partner.direct_aid == 0
    response = as_(client, project.lead).post(
        url("partner_aid", project.dossier, partner.pk), {f"aid{partner.pk}-direct_aid": "7,5"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.direct_aid == Decimal("7.5")


def test_forged_ids_of_another_dossier_are_404(client):
    """Another dossier's milestone, partner, tranche and condition through this dossier's
    addresses: 404, nothing changed."""
    project = selected_project()
    other = selected_project()
    milestone = conventions.milestone_save(
        actor=other.cdc, dossier=other.dossier, label="Autre", due_on=TODAY
    )
    partner = add_partner(other.dossier)
    tranche = tranche_services.tranche_save(
        actor=other.cdc, dossier=other.dossier, amount="10", conditions="Accord"
    )
    condition = tranche.conditions.get()
    c = as_(client, project.cdc)
    d = project.dossier
    posts = [
        (url("milestone_edit", d, milestone.pk), {f"m{milestone.pk}-label": "X"}),
        (url("milestone_delete", d, milestone.pk), {}),
        (url("milestone_reached", d, milestone.pk), {}),
        (url("partner_aid", d, partner.pk), {f"aid{partner.pk}-direct_aid": "9"}),
        (url("tranche_edit", d, tranche.pk), {"tranche-amount": "99"}),
        (url("tranche_delete", d, tranche.pk), {}),
        (url("tranche_payable", d, tranche.pk), {}),
        (url("tranche_step", d, tranche.pk), {}),
        (url("tranche_condition", d, condition.pk), {}),
    ]
    for address, data in posts:
        assert c.post(address, data).status_code == 404, address
    assert c.get(url("tranche_edit", d, tranche.pk)).status_code == 404
    milestone.refresh_from_db()
    tranche.refresh_from_db()
    partner.refresh_from_db()
    assert (milestone.label, tranche.amount, partner.direct_aid) == ("Autre", 10, 0)


def test_milestone_forms(client):
    """Add, edit (bad date: 400), delete a milestone through the page."""
    project = selected_project()
    d = project.dossier
    c = as_(client, project.lead)
    response = c.post(
        url("milestone_add", d), {"milestone-label": "Lancement", "milestone-due_on": "2026-05-01"}
    )
    assert response.status_code == 302
    milestone = d.milestones.get()
    response = c.post(
        url("milestone_edit", d, milestone.pk),
        {f"m{milestone.pk}-label": "Lancement", f"m{milestone.pk}-due_on": "pas une date"},
    )
    assert response.status_code == 400 and "Saisissez une date valide" in response.content.decode()
    response = c.post(url("milestone_add", d), {"milestone-label": "", "milestone-due_on": ""})
    assert response.status_code == 400 and "Nommez le jalon." in response.content.decode()
    assert c.post(url("milestone_delete", d, milestone.pk)).status_code == 302
    assert not d.milestones.exists()


def test_sign_refusal_lists_what_is_missing_on_the_page(client):
    """« Enregistrer la convention signée » on an incomplete convention: 400, the French
    message with the tranches' total and the grant, state « lauréat »."""
    project = selected_project()
    prepared(project)
    Tranche.objects.filter(dossier=project.dossier).update(amount=Decimal("150.5"))
    response = as_(client, project.manager).post(url("convention_sign", project.dossier))
    assert response.status_code == 400
    page = response.content.decode()
    assert "150,5 k€" in page and "200 k€" in page
    project.dossier.refresh_from_db()
    assert project.dossier.state == S.SELECTED


# --- the tranches page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-10", "négatif"), ("dix", "nombre de k€"), ("0", "positif"), ("", "Indiquez le montant")],
)
def test_bad_tranche_amounts_are_400(client, amount, message):
    """A negative, non-numeric, zero or missing amount: 400 and the message, nothing saved."""
    project = selected_project()
    response = as_(client, project.lead).post(
        url("tranche_add", project.dossier), {"tranche-amount": amount}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not project.dossier.tranches.exists()


def test_tranche_planned_date_malformed_is_400(client):
    """A malformed planned date: 400 with the French message."""
    project = selected_project()
    response = as_(client, project.lead).post(
        url("tranche_add", project.dossier),
        {"tranche-amount": "10", "tranche-planned_on": "2026-13-40"},
    )
    assert response.status_code == 400
    assert "Saisissez une date valide" in response.content.decode()


def test_tranche_edit_page(client):
    """The edit page shows the tranche and saves its changes."""
    project = selected_project()
    tranche = tranche_services.tranche_save(
        actor=project.lead, dossier=project.dossier, amount="12.5", conditions="A\nB"
    )
    c = as_(client, project.lead)
    page = c.get(url("tranche_edit", project.dossier, tranche.pk)).content.decode()
    assert "12,5" in page
    response = c.post(
        url("tranche_edit", project.dossier, tranche.pk),
        {"tranche-amount": "20", "tranche-conditions": "C"},
    )
    assert response.status_code == 302
    tranche.refresh_from_db()
    assert tranche.amount == 20 and [c.label for c in tranche.conditions.all()] == ["C"]


def test_tranche_edit_is_refused_once_running(client):
    """Once the project runs, the edit page answers 403 with the French reason."""
    project, tranche = running_with_tranche()
    response = as_(client, project.cdc).get(url("tranche_edit", project.dossier, tranche.pk))
    assert response.status_code == 403
    assert "en préparation" in response.content.decode()


def test_payable_refused_until_conditions_ticked_on_the_page(client):
    """« Rendre payable » with an open condition: 400 and the condition named; the state stays
    « en attente des conditions »."""
    project, tranche = running_with_tranche(conditions="Recrutement du chef de projet")
    response = as_(client, project.cdc).post(url("tranche_payable", project.dossier, tranche.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Recrutement du chef de projet" in page and "En attente des conditions" in page


def test_a_step_out_of_order_is_a_french_message(client):
    """A forged « crédits ouverts » before the CDC's payment: 400 and the expected step."""
    project, tranche = running_with_tranche(conditions="")
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    response = as_(client, project.cdc).post(
        url("tranche_step", project.dossier, tranche.pk),
        {f"s{tranche.pk}-step": "credits_opened_on", f"s{tranche.pk}-day": "2026-03-09"},
    )
    assert response.status_code == 400
    assert "Versement de la CDC au fonds de concours" in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.credits_opened_on is None


@pytest.mark.parametrize(
    ("step", "day", "message"),
    [
        ("cdc_paid_on", "09/03/20266", "Saisissez une date valide"),
        ("cdc_paid_on", "2026-03-11", "futur"),
        ("nope", "2026-03-09", "étape"),
    ],
)
def test_bad_step_input_is_400(client, step, day, message):
    """A malformed or future day, an unknown step: 400 and a French message."""
    project, tranche = running_with_tranche(conditions="")
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    response = as_(client, project.cdc).post(
        url("tranche_step", project.dossier, tranche.pk),
        {f"s{tranche.pk}-step": step, f"s{tranche.pk}-day": day},
    )
    assert response.status_code == 400
    assert message in response.content.decode()


# --- the full path --------------------------------------------------------------------------------


def test_happy_path_from_preparation_to_the_first_tranche_distributed(client):
    """The lead prepares the convention on the pages, the CDC completes and signs it, then
    the manager ticks, makes payable and dates the four steps; the tranches page shows the
    four dates and the BOP, and every act is in the dossier's trail."""
    project = selected_project()
    d = project.dossier
    add_partner(d, name="Mairie de Rennes")
    lead = as_(client, project.lead)
    assert (
        lead.post(
            url("convention", d),
            {
                "convention-funding_terms": "Deux tranches de 120 et 80 k€.",
                "convention-eligible_expenses": "Personnel interne : 200 k€",
                "convention-suspensive_conditions": "Arrêté de subvention",
                "convention-starts_on": "2026-04-01",
                "convention-ends_on": "2028-03-31",
                "convention-sponsor_signatory": "Préfète de la région Bretagne",
                "convention-sponsor_signed_on": "2026-03-02",
                "convention-cdc_signatory": "Directeur régional de la CDC",
                "convention-cdc_signed_on": "2026-03-05",
            },
        ).status_code
        == 302
    )
    assert (
        lead.post(
            url("milestone_add", d),
            {"milestone-label": "Mi-parcours", "milestone-due_on": "2027-04-01"},
        ).status_code
        == 302
    )
    assert (
        lead.post(
            url("tranche_add", d),
            {
                "tranche-amount": "120",
                "tranche-planned_on": "2026-04-15",
                "tranche-conditions": "Recrutement du chef de projet\nComité de lancement",
            },
        ).status_code
        == 302
    )
    assert lead.post(url("tranche_add", d), {"tranche-amount": "80"}).status_code == 302
    Indicator.objects.create(
        dossier=d, label="Agents inscrits", baseline=0, first_due_on=datetime.date(2026, 9, 30)
    )
    cdc = as_(client, project.cdc)
    assert (
        cdc.post(
            url("convention_upload", d), {"upload-file": upload("convention.pdf", pdf())}
        ).status_code
        == 302
    )
    response = cdc.post(url("convention_sign", d), follow=True)
    assert "le projet est en cours" in response.content.decode()
    d.refresh_from_db()
    assert d.state == S.IN_PROGRESS

    manager = as_(client, project.manager)
    first = d.tranches.get(number=1)
    # Not payable before the conditions, nor before the suspensive conditions are lifted.
    for condition in first.conditions.all():
        assert manager.post(url("tranche_condition", d, condition.pk)).status_code == 302
    response = manager.post(url("tranche_payable", d, first.pk))
    assert response.status_code == 400 and "suspensives" in response.content.decode()
    assert manager.post(url("convention_lift", d), {"lift-day": "2026-03-09"}).status_code == 302
    assert manager.post(url("tranche_payable", d, first.pk)).status_code == 302
    days = ["2026-03-09", "2026-03-09", "2026-03-10", "2026-03-10"]
    for step, day in zip(Tranche.STEPS, days, strict=True):
        data = {f"s{first.pk}-step": step, f"s{first.pk}-day": day}
        if step == "distributed_on":
            data[f"s{first.pk}-bop"] = "BOP 112 — Bretagne"
        assert manager.post(url("tranche_step", d, first.pk), data).status_code == 302, step
    page = as_(client, project.team).get(url("tranches", d)).content.decode()
    for label in (
        "Versement de la CDC au fonds de concours",
        "Titre de perception émis par le CBCM",
        "Crédits ouverts par arrêté",
        "Crédits répartis sur le BOP du préfet",
    ):
        assert label in page
    assert "09/03/2026" in page and "10/03/2026" in page and "BOP 112 — Bretagne" in page
    assert 'data-testid="tranche-state">Crédits répartis sur le BOP du préfet' in page
    actions = set(d.events.values_list("action", flat=True))
    assert {
        "convention_updated",
        "convention_file_uploaded",
        "milestone_saved",
        "tranche_saved",
        "convention_signed",
        "tranche_condition_met",
        "tranche_payable",
        "tranche_step",
    } <= actions
    convention_page = as_(client, project.team).get(url("convention", d)).content.decode()
    assert "Mairie de Rennes" in convention_page and "sans aide directe" in convention_page
    assert "Convention signée, enregistrée le 10/03/2026" in convention_page


def test_running_project_lead_records_a_milestone_reached(client):
    """Once running, the lead dates a milestone reached; the team member may not (403)."""
    project = running_project(starts_on=datetime.date(2026, 1, 1))
    milestone = project.dossier.milestones.first()
    address = url("milestone_reached", project.dossier, milestone.pk)
    data = {f"r{milestone.pk}-day": "2026-03-01"}
    assert as_(client, project.team).post(address, data).status_code == 403
    assert as_(client, project.lead).post(address, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 3, 1)
