"""The convention's services (R57, ``calls.convention``): who prepares and signs it, what it
must hold before the signature moves the project to « en cours », the calendar and the direct
aid of every partner, and the audit trail of each act."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from calls import convention as conventions
from calls import tranches as tranche_services
from calls.models import Convention, Dossier, FinancingLine, Indicator, IndicatorTarget, Milestone
from calls.services import CallError
from maillage.http import Refused
from tests.calls.factories import add_partner, at_state
from tests.calls.follow_up_factories import running_project, selected_project
from tests.calls.samples import exe, odt_with_macros, pdf, sized, upload
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def people(project):
    """Everyone of the matrix, by name."""
    return {
        "lead": project.lead,
        "sponsor": project.sponsor,
        "team": project.team,
        "partner": project.partner,
        "manager": project.manager,
        "cdc": project.cdc,
        "sgar": AgentFactory(sgar=True),
        "outsider": project.outsider,
    }


def prepare(project, *, actor=None, granted_tranches=True, indicator=True, file=True):
    """A convention complete but for its signature: terms, dates, signatories, a milestone, two
    tranches summing to the granted amount, an indicator, the signed copy."""
    dossier = project.dossier
    actor = actor or project.manager
    conventions.convention_save(
        actor=actor,
        dossier=dossier,
        funding_terms="Aide de 200 k€ en deux tranches.",
        eligible_expenses="Frais de personnel interne : 200 k€",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
        sponsor_signatory="Préfète de la région Bretagne",
        sponsor_signed_on=datetime.date(2026, 3, 2),
        cdc_signatory="Directeur régional de la Caisse des dépôts",
        cdc_signed_on=datetime.date(2026, 3, 5),
    )
    conventions.milestone_save(
        actor=actor, dossier=dossier, label="Mi-parcours", due_on=datetime.date(2027, 4, 1)
    )
    if granted_tranches:
        tranche_services.tranche_save(
            actor=actor, dossier=dossier, amount="120", conditions="Recrutement du chef de projet"
        )
        tranche_services.tranche_save(actor=actor, dossier=dossier, amount="80")
    if indicator:
        Indicator.objects.create(
            dossier=dossier,
            label="Agents inscrits",
            baseline=Decimal("0"),
            first_due_on=datetime.date(2026, 9, 30),
        )
    if file:
        conventions.convention_file_upload(
            actor=actor, dossier=dossier, upload=upload("convention.pdf", pdf())
        )
    return dossier


# --- who may do what (services) ---------------------------------------------------------------

# The services' matrix, on a laureate dossier (« lauréat ») for editing and signing, on a running
# one (« en cours ») for lifting the suspensive conditions and recording milestones.
#                    lead sponsor team partner manager cdc sgar outsider
MATRIX = """
edit_convention      x    x       .    .       x       x   .    .
upload_file          x    x       .    .       x       x   .    .
save_milestone       x    x       .    .       x       x   .    .
save_partner_aid     x    x       .    .       x       x   .    .
sign                 .    .       .    .       x       x   .    .
lift_conditions      .    .       .    .       x       x   .    .
milestone_reached    x    x       .    .       x       .   .    .
"""
WHO = ["lead", "sponsor", "team", "partner", "manager", "cdc", "sgar", "outsider"]


def matrix_rows():
    for line in MATRIX.strip().splitlines():
        action, *cells = line.split()
        for who, cell in zip(WHO, cells, strict=True):
            yield action, who, cell == "x"


def act(action, project, actor):
    dossier = project.dossier
    if action == "edit_convention":
        conventions.convention_save(actor=actor, dossier=dossier, funding_terms="Modalités")
    elif action == "upload_file":
        conventions.convention_file_upload(
            actor=actor, dossier=dossier, upload=upload("c.pdf", pdf())
        )
    elif action == "save_milestone":
        conventions.milestone_save(
            actor=actor, dossier=dossier, label="Lancement", due_on=datetime.date(2026, 5, 1)
        )
    elif action == "save_partner_aid":
        partner = add_partner(dossier)
        conventions.partner_aid_save(actor=actor, partner=partner, amount="10")
    elif action == "sign":
        conventions.convention_sign(actor=actor, dossier=dossier)
    elif action == "lift_conditions":
        Convention.objects.filter(dossier=dossier).update(suspensive_conditions="Arrêté")
        conventions.conditions_lift(actor=actor, dossier=dossier, day=TODAY)
    elif action == "milestone_reached":
        milestone = dossier.milestones.first()
        conventions.milestone_reached(actor=actor, milestone=milestone, day=TODAY)


@pytest.mark.parametrize(("action", "who", "allowed"), list(matrix_rows()))
def test_service_matrix(action, who, allowed):
    """Each service lets exactly the people of its row act; the others get a « forbidden »
    refusal in French."""
    running = action in ("lift_conditions", "milestone_reached")
    project = running_project() if running else selected_project()
    if action == "sign":
        prepare(project)
    actor = people(project)[who]
    if allowed:
        act(action, project, actor)
    else:
        with pytest.raises(CallError) as refused:
            act(action, project, actor)
        assert refused.value.code == "forbidden"
        assert refused.value.args[0][0].isupper()


def test_nobody_edits_a_signed_convention():
    """Once the project runs, the convention is no longer edited, even by the CDC."""
    project = running_project()
    for actor in (project.lead, project.manager, project.cdc):
        with pytest.raises(CallError) as refused:
            conventions.convention_save(actor=actor, dossier=project.dossier, funding_terms="X")
        assert refused.value.code == "forbidden"


# --- saving the convention ----------------------------------------------------------------------


def test_first_save_creates_the_convention_and_writes_the_event():
    """The convention is created on its first save, with a « convention_updated » event."""
    project = selected_project()
    assert conventions.convention_of(project.dossier) is None
    convention = conventions.convention_save(
        actor=project.lead, dossier=project.dossier, funding_terms="  Deux tranches.  "
    )
    assert convention.pk and convention.funding_terms == "Deux tranches."
    assert project.dossier.events.filter(action="convention_updated", actor=project.lead).exists()


def test_end_before_start_is_refused():
    """A project that ends before it starts is refused in French, nothing saved."""
    project = selected_project()
    with pytest.raises(CallError, match="après son début"):
        conventions.convention_save(
            actor=project.cdc,
            dossier=project.dossier,
            starts_on=datetime.date(2026, 6, 1),
            ends_on=datetime.date(2026, 5, 1),
        )
    assert conventions.convention_of(project.dossier) is None


def test_a_signature_is_not_dated_in_the_future():
    """A signing date after today (Paris) is refused."""
    project = selected_project()
    with pytest.raises(CallError, match="date future"):
        conventions.convention_save(
            actor=project.cdc, dossier=project.dossier, cdc_signed_on=TODAY.replace(day=11)
        )


def test_texts_over_their_limit_are_refused():
    """Funding terms longer than their limit are refused with the count."""
    project = selected_project()
    with pytest.raises(CallError, match="10\u202f000"):
        conventions.convention_save(
            actor=project.cdc, dossier=project.dossier, funding_terms="a" * 10_001
        )


def test_eligible_expenses_prefill_groups_the_plan_by_category():
    """The starting text lists the financing plan's cost lines by eligible category with their
    amounts in k€ (French decimal comma), and leaves the non-eligible lines out."""
    project = selected_project()
    dossier = project.dossier
    for category, eligible, amount, label in [
        ("moa_internal", "staff", "120.5", "Cheffe de projet"),
        ("amoa", "providers", "60", ""),
        ("moe_internal", "staff", "10", ""),
        ("other", "not_eligible", "30", "Loyer"),
    ]:
        FinancingLine.objects.create(
            dossier=dossier,
            side="cost",
            category=category,
            eligible=eligible,
            amount=Decimal(amount),
            label=label,
        )
    text = conventions.eligible_expenses_text(dossier)
    assert "Frais de personnel interne liés au projet : 130,5 k€" in text
    assert "MOA interne — Cheffe de projet : 120,5 k€" in text
    assert "Frais de personnel des prestataires : 60 k€" in text
    assert "Loyer" not in text
    assert conventions.draft_of(dossier).eligible_expenses == text


# --- the signed copy ----------------------------------------------------------------------------


def test_upload_stores_the_signed_copy_and_writes_the_event():
    """The signed copy is stored with its name, size and type."""
    project = selected_project()
    convention = conventions.convention_file_upload(
        actor=project.cdc, dossier=project.dossier, upload=upload("signee.pdf", pdf())
    )
    assert convention.signed_file_name == "signee.pdf"
    assert convention.signed_file_type == "application/pdf"
    assert project.dossier.events.filter(action="convention_file_uploaded").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("convention.exe", exe(), "exécutables"),
        ("convention.pdf", exe(), None),
        ("convention.odt", odt_with_macros(), "macro"),
    ],
)
def test_wrong_type_uploads_are_refused(name, data, message):
    """An executable, a file whose content is not its extension's, a document with macros:
    refused in French, nothing stored."""
    project = selected_project()
    with pytest.raises(CallError) as refused:
        conventions.convention_file_upload(
            actor=project.cdc, dossier=project.dossier, upload=upload(name, data)
        )
    assert refused.value.code == "invalid"
    if message:
        assert message in str(refused.value)
    convention = conventions.convention_of(project.dossier)
    assert convention is None or not convention.signed_file


def test_oversized_upload_is_refused():
    """A file above the call's size limit is refused with the limit in French."""
    project = selected_project()
    call = project.call
    call.max_dossier_bytes = 2000
    call.save(update_fields=["max_dossier_bytes"])
    with pytest.raises(CallError, match="dépasseraient"):
        conventions.convention_file_upload(
            actor=project.cdc, dossier=project.dossier, upload=upload("c.pdf", sized(3000))
        )


# --- the calendar -------------------------------------------------------------------------------


def test_milestones_are_added_edited_and_deleted_with_events():
    """A milestone is added, changed, removed; each act leaves a « milestone_saved » event."""
    project = selected_project()
    dossier = project.dossier
    milestone = conventions.milestone_save(
        actor=project.lead, dossier=dossier, label="Lancement", due_on=datetime.date(2026, 5, 1)
    )
    conventions.milestone_save(
        actor=project.lead,
        dossier=dossier,
        milestone=milestone,
        label="Lancement officiel",
        due_on=datetime.date(2026, 5, 15),
    )
    milestone.refresh_from_db()
    assert (milestone.label, milestone.due_on) == ("Lancement officiel", datetime.date(2026, 5, 15))
    conventions.milestone_delete(actor=project.lead, milestone=milestone)
    assert not dossier.milestones.exists()
    assert dossier.events.filter(action="milestone_saved").count() == 3


def test_a_milestone_of_another_dossier_is_not_found():
    """Editing another dossier's milestone through this one is a « not_found » refusal."""
    project = selected_project()
    other = running_project()
    foreign = other.dossier.milestones.first()
    with pytest.raises(CallError) as refused:
        conventions.milestone_save(
            actor=project.manager,
            dossier=project.dossier,
            milestone=foreign,
            label="Piraté",
            due_on=TODAY,
        )
    assert refused.value.code == "not_found"
    foreign.refresh_from_db()
    assert foreign.label != "Piraté"


def test_empty_milestone_label_is_refused():
    """A milestone without a name is refused."""
    project = selected_project()
    with pytest.raises(CallError, match="Nommez"):
        conventions.milestone_save(
            actor=project.lead, dossier=project.dossier, label=" ", due_on=TODAY
        )


def test_a_milestone_with_indicator_targets_is_kept():
    """A milestone an indicator targets is not deleted (its targets would be lost)."""
    project = selected_project()
    milestone = conventions.milestone_save(
        actor=project.lead, dossier=project.dossier, label="Fin", due_on=TODAY
    )
    indicator = Indicator.objects.create(
        dossier=project.dossier, label="Agents", baseline=0, first_due_on=TODAY
    )
    IndicatorTarget.objects.create(indicator=indicator, milestone=milestone, value=10)
    with pytest.raises(CallError) as refused:
        conventions.milestone_delete(actor=project.lead, milestone=milestone)
    assert refused.value.code == "conflict"
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_milestone_reached_while_running_not_in_the_future():
    """The lead records the day a milestone is reached; a future day is refused."""
    project = running_project(starts_on=datetime.date(2026, 1, 1))
    milestone = project.dossier.milestones.first()
    with pytest.raises(CallError, match="futur"):
        conventions.milestone_reached(
            actor=project.lead, milestone=milestone, day=datetime.date(2026, 3, 11)
        )
    conventions.milestone_reached(actor=project.lead, milestone=milestone, day=TODAY)
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY


# --- the partners' direct aid ---------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-1", "abc", "1e400", "12,345", "", "NaN"])
def test_bad_aid_amounts_are_refused(amount):
    """A negative, non-numeric, infinite or over-precise amount is refused in French."""
    project = selected_project()
    partner = add_partner(project.dossier)
    with pytest.raises(CallError) as refused:
        conventions.partner_aid_save(actor=project.lead, partner=partner, amount=amount)
    assert refused.value.code == "invalid"
    partner.refresh_from_db()
    assert partner.direct_aid == 0


def test_aid_is_saved_in_keuros_and_zero_reads_without_direct_aid():
    """« 12,5 » is stored as 12.50 k€; 0 reads « sans aide directe »."""
    project = selected_project()
    partner = add_partner(project.dossier)
    conventions.partner_aid_save(actor=project.lead, partner=partner, amount="12,5")
    partner.refresh_from_db()
    assert partner.direct_aid == Decimal("12.50")
    assert conventions.aid_text(partner.direct_aid) == "12,5 k€"
    assert conventions.aid_text(Decimal("0")) == "sans aide directe"
    assert project.dossier.events.filter(action="partner_aid_saved").exists()


# --- the signature --------------------------------------------------------------------------------


def test_sign_lists_everything_missing_in_one_message():
    """An empty convention: one French refusal naming every missing element, with the
    tranches' total against the granted amount."""
    project = selected_project()
    with pytest.raises(CallError) as refused:
        conventions.convention_sign(actor=project.manager, dossier=project.dossier)
    message = str(refused.value)
    for expected in (
        "modalités de financement",
        "dépenses éligibles",
        "dates de début et de fin",
        "signataire pour le porteur",
        "date de signature du porteur",
        "signataire pour la Caisse des dépôts",
        "date de signature de la Caisse des dépôts",
        "convention signée (fichier)",
        "jalon",
        "tranche",
        "indicateur",
    ):
        assert expected in message


def test_sign_refuses_tranches_not_summing_to_the_grant():
    """Tranches of 150,5 k€ for 200 k€ granted: both figures in the message, state kept."""
    project = selected_project()
    prepare(project, granted_tranches=False)
    tranche_services.tranche_save(actor=project.manager, dossier=project.dossier, amount="150,5")
    with pytest.raises(CallError) as refused:
        conventions.convention_sign(actor=project.cdc, dossier=project.dossier)
    assert "150,5 k€" in str(refused.value) and "200 k€" in str(refused.value)
    project.dossier.refresh_from_db()
    assert project.dossier.state == S.SELECTED


def test_sign_refuses_without_indicator_or_file():
    """No indicator and no signed copy: both said, nothing signed."""
    project = selected_project()
    prepare(project, indicator=False, file=False)
    with pytest.raises(CallError) as refused:
        conventions.convention_sign(actor=project.cdc, dossier=project.dossier)
    assert "indicateur" in str(refused.value) and "fichier" in str(refused.value)
    assert not conventions.convention_of(project.dossier).is_signed


def test_sign_moves_the_project_to_in_progress():
    """A complete convention: signed_at set, the dossier « en cours », the workflow's event."""
    project = selected_project()
    prepare(project)
    convention = conventions.convention_sign(actor=project.cdc, dossier=project.dossier)
    project.dossier.refresh_from_db()
    assert convention.signed_at is not None
    assert project.dossier.state == S.IN_PROGRESS
    event = project.dossier.events.get(action="convention_signed")
    assert (event.actor, event.source, event.target) == (project.cdc, S.SELECTED, S.IN_PROGRESS)


def test_a_refused_move_rolls_the_signature_back():
    """If the workflow refuses the move (someone else moved the dossier meanwhile), the
    convention's signed_at is not kept: all in one transaction."""
    project = selected_project()
    dossier = prepare(project)
    stale = Dossier.objects.get(pk=dossier.pk)
    # Another request withdrew it from « lauréat » after this one read it.
    at_state(dossier, S.CLOSED)
    with pytest.raises(Refused) as refused:
        conventions.convention_sign(actor=project.manager, dossier=stale)
    assert refused.value.code == "conflict"
    assert conventions.convention_of(dossier).signed_at is None
    assert not dossier.events.filter(action="convention_signed").exists()


def test_lifting_conditions_needs_conditions_and_a_past_day():
    """Recording the lifting: refused without suspensive conditions, refused in the future,
    then recorded once."""
    project = running_project()
    dossier = project.dossier
    with pytest.raises(CallError, match="pas de condition suspensive"):
        conventions.conditions_lift(actor=project.cdc, dossier=dossier, day=TODAY)
    Convention.objects.filter(dossier=dossier).update(suspensive_conditions="Arrêté préfectoral")
    with pytest.raises(CallError, match="futur"):
        conventions.conditions_lift(actor=project.cdc, dossier=dossier, day=TODAY.replace(day=12))
    conventions.conditions_lift(actor=project.cdc, dossier=dossier, day=TODAY)
    assert conventions.convention_of(dossier).conditions_lifted_on == TODAY
    with pytest.raises(CallError) as refused:
        conventions.conditions_lift(actor=project.cdc, dossier=dossier, day=TODAY)
    assert refused.value.code == "conflict"
