"""The tranches and their funding chain (R57, R58, ``calls.tranches``): defined while the
convention is prepared, ticked, made payable only once their conditions are met, then the four
steps dated in order; who may do each, and the audit trail."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from calls import convention as conventions
from calls import tranches as tranche_services
from calls.models import Call, Convention, Dossier, Review, Tranche
from calls.services import CallError
from tests.calls.factories import at_state
from tests.calls.follow_up_factories import selected_project
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def running_with_tranche(conditions=("Recrutement du chef de projet", "Comité de lancement"), **kw):
    """A running project with one tranche of 120 k€ (defined before the signature)."""
    project = selected_project(**kw)
    tranche = tranche_services.tranche_save(
        actor=project.manager, dossier=project.dossier, amount="120", conditions=list(conditions)
    )
    Convention.objects.create(dossier=project.dossier, signed_at=NOW)
    project.dossier = at_state(project.dossier, S.IN_PROGRESS)
    return project, tranche


def payable(project, tranche):
    for condition in tranche.conditions.all():
        tranche_services.tranche_condition_meet(actor=project.cdc, condition=condition)
    return tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)


# --- who may do what (services) ---------------------------------------------------------------

#                    lead sponsor team partner manager cdc sgar outsider
MATRIX = """
define_tranche       x    x       .    .       x       x   .    .
tick_condition       .    .       .    .       x       x   .    .
make_payable         .    .       .    .       x       x   .    .
record_step          .    .       .    .       x       x   .    .
"""
WHO = ["lead", "sponsor", "team", "partner", "manager", "cdc", "sgar", "outsider"]


def matrix_rows():
    for line in MATRIX.strip().splitlines():
        action, *cells = line.split()
        for who, cell in zip(WHO, cells, strict=True):
            yield action, who, cell == "x"


@pytest.mark.parametrize(("action", "who", "allowed"), list(matrix_rows()))
def test_service_matrix(action, who, allowed):
    """Each service lets exactly the people of its row act (« forbidden » otherwise)."""
    if action == "define_tranche":
        project = selected_project()
    else:
        project, tranche = running_with_tranche(conditions=["Recrutement"])
    actor = {
        "lead": project.lead,
        "sponsor": project.sponsor,
        "team": project.team,
        "partner": project.partner,
        "manager": project.manager,
        "cdc": project.cdc,
        "sgar": AgentFactory(sgar=True),
        "outsider": project.outsider,
    }[who]

    def act():
        if action == "define_tranche":
            tranche_services.tranche_save(actor=actor, dossier=project.dossier, amount="50")
        elif action == "tick_condition":
            tranche_services.tranche_condition_meet(
                actor=actor, condition=tranche.conditions.first()
            )
        elif action == "make_payable":
            tranche.conditions.update(met_at=NOW)
            tranche_services.tranche_make_payable(actor=actor, tranche=tranche)
        else:
            Tranche.objects.filter(pk=tranche.pk).update(payable_at=NOW)
            tranche_services.tranche_step_record(
                actor=actor, tranche=tranche, step="cdc_paid_on", day=TODAY
            )

    if allowed:
        act()
    else:
        with pytest.raises(CallError) as refused:
            act()
        assert refused.value.code == "forbidden"


def test_tranches_are_not_defined_once_running_nor_ticked_before():
    """Defining is for the preparation, ticking for the running project."""
    project, tranche = running_with_tranche()
    with pytest.raises(CallError):
        tranche_services.tranche_save(actor=project.cdc, dossier=project.dossier, amount="10")
    prepared = selected_project()
    early = tranche_services.tranche_save(
        actor=prepared.cdc, dossier=prepared.dossier, amount="10", conditions="Accord"
    )
    with pytest.raises(CallError):
        tranche_services.tranche_condition_meet(
            actor=prepared.cdc, condition=early.conditions.get()
        )


# --- defining tranches ----------------------------------------------------------------------------


def test_tranches_are_numbered_and_renumbered():
    """Numbers follow on; removing the first renumbers the others; each act has its event."""
    project = selected_project()
    dossier = project.dossier
    first = tranche_services.tranche_save(actor=project.lead, dossier=dossier, amount="100")
    second = tranche_services.tranche_save(
        actor=project.lead, dossier=dossier, amount="60", conditions="Bilan\n\n  Rapport  \n"
    )
    third = tranche_services.tranche_save(actor=project.lead, dossier=dossier, amount="40")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert [c.label for c in second.conditions.all()] == ["Bilan", "Rapport"]
    tranche_services.tranche_delete(actor=project.lead, tranche=first)
    assert list(dossier.tranches.values_list("number", "amount")) == [
        (1, Decimal("60.00")),
        (2, Decimal("40.00")),
    ]
    assert dossier.events.filter(action="tranche_saved").count() == 4
    assert tranche_services.total_of(dossier) == Decimal("100")


@pytest.mark.parametrize("amount", ["-5", "0", "cent", "", "1,234"])
def test_bad_tranche_amounts_are_refused(amount):
    """Negative, zero, non-numeric or over-precise amounts are refused in French."""
    project = selected_project()
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_save(actor=project.lead, dossier=project.dossier, amount=amount)
    assert refused.value.code == "invalid"
    assert not project.dossier.tranches.exists()


def test_editing_a_tranche_of_another_dossier_is_not_found():
    """A forged tranche of another dossier: « not_found », unchanged."""
    project = selected_project()
    other = selected_project()
    foreign = tranche_services.tranche_save(actor=other.lead, dossier=other.dossier, amount="10")
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_save(
            actor=project.lead, dossier=project.dossier, tranche=foreign, amount="99"
        )
    assert refused.value.code == "not_found"
    foreign.refresh_from_db()
    assert foreign.amount == Decimal("10")


def test_only_annual_calls_tie_a_tranche_to_a_review():
    """A review is refused on a call followed by a final report; an annual call needs the
    year of an annual review."""
    project = selected_project()
    with pytest.raises(CallError, match="chaque année"):
        tranche_services.tranche_save(
            actor=project.lead, dossier=project.dossier, amount="10", review_kind="interim"
        )
    labs = selected_project(follow_up=Call.FollowUp.ANNUAL)
    with pytest.raises(CallError, match="année"):
        tranche_services.tranche_save(
            actor=labs.lead, dossier=labs.dossier, amount="10", review_kind="annual"
        )
    tranche = tranche_services.tranche_save(
        actor=labs.lead, dossier=labs.dossier, amount="10", review_kind="annual", review_year=2027
    )
    assert (tranche.review_kind, tranche.review_year) == ("annual", 2027)
    assert tranche_services.review_label("annual", 2027) == "Revue annuelle 2027"


# --- conditions and payable -----------------------------------------------------------------------


def test_a_tranche_cannot_be_made_payable_until_its_conditions_are_ticked():
    """R57's test: refused while a condition is open (named in the message), then allowed."""
    project, tranche = running_with_tranche()
    first, second = tranche.conditions.all()
    tranche_services.tranche_condition_meet(actor=project.manager, condition=first)
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_make_payable(actor=project.manager, tranche=tranche)
    assert "Comité de lancement" in str(refused.value)
    assert "Recrutement" not in str(refused.value)
    tranche.refresh_from_db()
    assert tranche.payable_at is None
    tranche_services.tranche_condition_meet(actor=project.manager, condition=second)
    tranche = tranche_services.tranche_make_payable(actor=project.manager, tranche=tranche)
    assert tranche.payable_at is not None and tranche.payable_by == project.manager
    assert tranche_services.state_of(tranche) == ("payable", "Payable")
    actions = list(project.dossier.events.values_list("action", flat=True))
    assert actions.count("tranche_condition_met") == 2 and "tranche_payable" in actions


def test_ticking_twice_changes_nothing():
    """A condition ticked again keeps its first date and writes no second event."""
    project, tranche = running_with_tranche(conditions=["Recrutement"])
    condition = tranche.conditions.get()
    tranche_services.tranche_condition_meet(actor=project.cdc, condition=condition)
    tranche_services.tranche_condition_meet(actor=project.manager, condition=condition)
    condition.refresh_from_db()
    assert condition.met_by == project.cdc
    assert project.dossier.events.filter(action="tranche_condition_met").count() == 1


def test_suspensive_conditions_must_be_lifted_first():
    """With suspensive conditions not lifted, no tranche is payable; once lifted, it is."""
    project, tranche = running_with_tranche(conditions=[])
    Convention.objects.filter(dossier=project.dossier).update(suspensive_conditions="Arrêté")
    with pytest.raises(CallError, match="suspensives"):
        tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    conventions.conditions_lift(actor=project.cdc, dossier=project.dossier, day=TODAY)
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)


def test_a_tranche_tied_to_a_review_waits_for_it():
    """An annual call's tranche after the 2026 annual review is payable once it exists."""
    project = selected_project(follow_up=Call.FollowUp.ANNUAL)
    tranche = tranche_services.tranche_save(
        actor=project.cdc,
        dossier=project.dossier,
        amount="50",
        review_kind="annual",
        review_year=2026,
    )
    Convention.objects.create(dossier=project.dossier, signed_at=NOW)
    at_state(project.dossier, S.IN_PROGRESS)
    tranche.refresh_from_db()
    with pytest.raises(CallError, match="Revue annuelle 2026"):
        tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    Review.objects.create(
        dossier=project.dossier,
        kind="annual",
        year=2026,
        administrative="a",
        technical="t",
        financial="f",
        modernisation="m",
        prospects="p",
        conclusion="success",
    )
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)


def test_a_payable_tranche_is_not_made_payable_again():
    """Twice: a « conflict »."""
    project, tranche = running_with_tranche(conditions=[])
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    assert refused.value.code == "conflict"


# --- the four steps -------------------------------------------------------------------------------


def test_steps_need_a_payable_tranche():
    """No step before the tranche is payable."""
    project, tranche = running_with_tranche()
    with pytest.raises(CallError, match="payable"):
        tranche_services.tranche_step_record(
            actor=project.cdc, tranche=tranche, step="cdc_paid_on", day=TODAY
        )


def test_steps_go_in_order():
    """Skipping a step is refused with the expected one named."""
    project, tranche = running_with_tranche()
    payable(project, tranche)
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_step_record(
            actor=project.cdc, tranche=tranche, step="credits_opened_on", day=TODAY
        )
    assert "Versement de la CDC au fonds de concours" in str(refused.value)
    tranche.refresh_from_db()
    assert tranche.credits_opened_on is None


def test_a_step_is_not_before_the_previous_nor_in_the_future():
    """The CBCM's order before the CDC's payment is refused; so is a date after today (Paris:
    at 23:30 UTC on 10 March it is already 11 March in Paris)."""
    project, tranche = running_with_tranche()
    payable(project, tranche)
    tranche_services.tranche_step_record(
        actor=project.cdc, tranche=tranche, step="cdc_paid_on", day=datetime.date(2026, 3, 5)
    )
    with pytest.raises(CallError, match="précéder"):
        tranche_services.tranche_step_record(
            actor=project.cdc,
            tranche=tranche,
            step="revenue_order_on",
            day=datetime.date(2026, 3, 4),
        )
    with pytest.raises(CallError, match="futur"):
        tranche_services.tranche_step_record(
            actor=project.cdc,
            tranche=tranche,
            step="revenue_order_on",
            day=datetime.date(2026, 3, 11),
        )
    with time_machine.travel(datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)):
        tranche_services.tranche_step_record(
            actor=project.cdc,
            tranche=tranche,
            step="revenue_order_on",
            day=datetime.date(2026, 3, 11),
        )


def test_the_last_step_needs_the_bop_and_the_chain_shows_four_dates():
    """R58's test: the four steps dated, the BOP named for the last; the state says the last
    step reached; a fifth record is a « conflict »."""
    project, tranche = running_with_tranche()
    payable(project, tranche)
    days = {
        "cdc_paid_on": datetime.date(2026, 3, 2),
        "revenue_order_on": datetime.date(2026, 3, 4),
        "credits_opened_on": datetime.date(2026, 3, 6),
        "distributed_on": datetime.date(2026, 3, 9),
    }
    for step, day in list(days.items())[:3]:
        tranche = tranche_services.tranche_step_record(
            actor=project.manager, tranche=tranche, step=step, day=day
        )
    assert tranche_services.state_of(tranche)[1] == "Crédits ouverts par arrêté"
    with pytest.raises(CallError, match="BOP"):
        tranche_services.tranche_step_record(
            actor=project.manager,
            tranche=tranche,
            step="distributed_on",
            day=days["distributed_on"],
        )
    tranche = tranche_services.tranche_step_record(
        actor=project.manager,
        tranche=tranche,
        step="distributed_on",
        day=days["distributed_on"],
        bop="BOP 112 Bretagne",
    )
    tranche.refresh_from_db()
    assert {field: getattr(tranche, field) for field in Tranche.STEPS} == days
    assert tranche.bop == "BOP 112 Bretagne"
    assert tranche_services.state_of(tranche)[0] == "distributed_on"
    assert project.dossier.events.filter(action="tranche_step").count() == 4
    with pytest.raises(CallError) as refused:
        tranche_services.tranche_step_record(
            actor=project.manager, tranche=tranche, step="distributed_on", day=TODAY, bop="X"
        )
    assert refused.value.code == "conflict"


def test_unknown_step_is_refused():
    """A step name that does not exist is refused in French."""
    project, tranche = running_with_tranche(conditions=[])
    tranche_services.tranche_make_payable(actor=project.cdc, tranche=tranche)
    with pytest.raises(CallError, match="n'existe pas"):
        tranche_services.tranche_step_record(
            actor=project.cdc, tranche=tranche, step="payable_at", day=TODAY
        )


def test_an_annual_review_is_one_of_the_projects_years():
    """Once the convention's dates are set, a tranche waits only for an annual review of a year
    of the project (French refusal naming the years)."""
    import datetime

    labs = selected_project(follow_up=Call.FollowUp.ANNUAL)
    Convention.objects.create(
        dossier=labs.dossier,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )
    with pytest.raises(CallError, match="de 2027 à 2028"):
        tranche_services.tranche_save(
            actor=labs.lead,
            dossier=labs.dossier,
            amount="10",
            review_kind="annual",
            review_year=2031,
        )
    tranche = tranche_services.tranche_save(
        actor=labs.lead, dossier=labs.dossier, amount="10", review_kind="annual", review_year=2028
    )
    assert tranche.review_year == 2028
