"""The financing plan's figures and checks (R45, R46)."""

from decimal import Decimal

import pytest

from calls.financing import COSTS, RESOURCES, plan_of, software_lines
from calls.models import FinancingLine
from tests.calls.factories import DossierFactory

pytestmark = pytest.mark.django_db

RESOURCE = FinancingLine.Side.RESOURCE
COST = FinancingLine.Side.COST
STAFF = FinancingLine.Eligible.STAFF


def line(dossier, side, category, amount, **fields):
    if side == COST:
        fields.setdefault("eligible", STAFF)
    return FinancingLine.objects.create(
        dossier=dossier, side=side, category=category, amount=Decimal(amount), **fields
    )


def balanced_plan(dossier, pia, total):
    """PIA ``pia`` plus self-funding up to ``total``, and the same total in costs."""
    line(dossier, RESOURCE, "pia", pia)
    line(dossier, RESOURCE, "self", str(Decimal(total) - Decimal(pia)))
    line(dossier, COST, "moe_internal", str(Decimal(total) - Decimal("50")))
    line(dossier, COST, "servers", "50", eligible=FinancingLine.Eligible.INVESTMENT)


def codes(plan, level=None):
    return {issue.code for issue in plan.issues if level is None or issue.level == level}


def test_tables_follow_the_form():
    """The co-financing table and the cost breakdown list the form's rubrics in its order."""
    assert [code for code, _label, _group in RESOURCES] == [
        "pia",
        "self",
        "ministries",
        "local",
        "public_other",
        "companies",
        "associations",
        "private_other",
    ]
    assert str(RESOURCES[0][1]) == "Financement demandé au titre du PIA"
    assert [group for _code, _label, group in COSTS].count("equipment") == 3
    assert [code for code, _label, _group in COSTS][-1] == "other"


def test_pia_200_of_350_gives_57_1_percent_and_asks_a_derogation():
    """PIA 200 k€ of a 350 k€ total is 57.1 %: above 50 %, the derogation must be justified."""
    dossier = DossierFactory()
    balanced_plan(dossier, "200", "350")
    plan = plan_of(dossier)
    assert plan.pia == Decimal("200")
    assert plan.non_pia == Decimal("150")
    assert plan.total_resources == plan.total_costs == Decimal("350")
    assert plan.share == Decimal("57.1")
    assert plan.balanced
    derogation = next(issue for issue in plan.issues if issue.code == "derogation")
    assert derogation.level == "blocking"
    assert "57,1 %" in derogation.message
    assert "justifiez" in derogation.message
    assert codes(plan, "blocking") == {"derogation"}


def test_a_justified_derogation_is_only_a_warning():
    """Once the derogation is justified, the share above 50 % no longer blocks: it warns."""
    dossier = DossierFactory(derogation_justification="Projet porté par trois départements.")
    balanced_plan(dossier, "200", "350")
    plan = plan_of(dossier)
    assert plan.ok
    assert [(issue.code, issue.level) for issue in plan.issues] == [("derogation", "warning")]
    assert "comité de pilotage" in plan.issues[0].message


def test_half_or_less_needs_no_derogation():
    """At exactly 50 % the plan has no issue at all."""
    dossier = DossierFactory()
    balanced_plan(dossier, "175", "350")
    plan = plan_of(dossier)
    assert plan.share == Decimal("50.0")
    assert plan.issues == []
    assert plan.ok


def test_pia_260_is_blocked():
    """Asking 260 k€ of the PIA passes the call's 250 k€ cap: blocking."""
    dossier = DossierFactory(derogation_justification="Justifiée.")
    balanced_plan(dossier, "260", "500")
    plan = plan_of(dossier)
    assert "pia_cap" in codes(plan, "blocking")
    assert not plan.ok
    message = next(i.message for i in plan.issues if i.code == "pia_cap")
    assert "260 k€" in message and "250 k€" in message


def test_a_total_above_the_cap_is_blocked():
    """A 520 k€ project passes the call's 500 k€ total cap: blocking."""
    dossier = DossierFactory()
    balanced_plan(dossier, "250", "520")
    plan = plan_of(dossier)
    assert codes(plan, "blocking") == {"total_cap"}


def test_caps_come_from_the_call():
    """The caps are the call's: a call allowing 300 k€ of PIA accepts 260 k€."""
    dossier = DossierFactory(call__max_requested=Decimal("300"))
    balanced_plan(dossier, "260", "520")
    plan = plan_of(dossier)
    assert "pia_cap" not in codes(plan)
    assert "total_cap" in codes(plan)


def test_unequal_tables_are_blocked():
    """The financing total and the cost total must be equal."""
    dossier = DossierFactory()
    line(dossier, RESOURCE, "pia", "100")
    line(dossier, RESOURCE, "local", "150")
    line(dossier, COST, "amoa", "200")
    plan = plan_of(dossier)
    assert not plan.balanced
    assert codes(plan, "blocking") == {"unbalanced"}
    assert plan.resource_groups["public"] == Decimal("150")
    assert plan.cost_groups["external"] == Decimal("200")


def test_a_non_eligible_line_is_excluded_from_the_aid_base():
    """A cost tagged « non éligible » counts in the total cost but not in the eligible costs."""
    dossier = DossierFactory()
    line(dossier, RESOURCE, "pia", "150")
    line(dossier, RESOURCE, "self", "200")
    line(dossier, COST, "moa_internal", "300")
    line(dossier, COST, "other", "50", eligible=FinancingLine.Eligible.NOT_ELIGIBLE)
    plan = plan_of(dossier)
    assert plan.total_costs == Decimal("350")
    assert plan.eligible_costs == Decimal("300")


def test_in_kind_lines_need_a_valuation():
    """An in-kind contribution without its valuation blocks; with one, it does not."""
    dossier = DossierFactory()
    line(dossier, RESOURCE, "pia", "100")
    in_kind = line(dossier, RESOURCE, "ministries", "100", in_kind=True)
    line(dossier, COST, "moe_internal", "200")
    assert codes(plan_of(dossier), "blocking") == {"in_kind_without_valuation"}
    in_kind.valuation = "Mise à disposition de deux agents, au coût chargé."
    in_kind.save()
    assert plan_of(dossier).ok


def test_a_cost_line_needs_its_expense_category():
    """A cost line not tagged with an expense category (or non-eligible) blocks."""
    dossier = DossierFactory()
    line(dossier, RESOURCE, "pia", "100")
    line(dossier, RESOURCE, "self", "100")
    line(dossier, COST, "moe_internal", "100")
    line(dossier, COST, "servers", "100", eligible="")
    plan = plan_of(dossier)
    assert codes(plan, "blocking") == {"cost_without_category"}
    assert plan.eligible_costs == Decimal("100")


def test_no_pia_line_is_blocked():
    """A plan without any PIA amount blocks; an empty plan has no share."""
    dossier = DossierFactory()
    plan = plan_of(dossier)
    assert plan.share is None
    assert codes(plan, "blocking") == {"no_pia"}
    line(dossier, RESOURCE, "self", "100")
    line(dossier, COST, "amoe", "100")
    plan = plan_of(dossier)
    assert plan.share == Decimal("0.0")
    assert codes(plan, "blocking") == {"no_pia"}


def test_unknown_rubrics_are_blocked():
    """A line whose category is not a rubric of the form blocks and is left out of the totals."""
    dossier = DossierFactory()
    balanced_plan(dossier, "100", "300")
    line(dossier, RESOURCE, "lottery", "40")
    plan = plan_of(dossier)
    assert codes(plan, "blocking") == {"unknown_category"}
    assert plan.total_resources == Decimal("300")


def test_software_lines_carry_their_free_software_flag():
    """The experts' list of software lines: only « Logiciels » costs, each with its flag."""
    dossier = DossierFactory()
    free = line(dossier, COST, "software", "20", free_software=True)
    licence = line(dossier, COST, "software", "10")
    line(dossier, COST, "servers", "30", free_software=True)
    line(dossier, RESOURCE, "pia", "60")
    lines = software_lines(dossier)
    assert lines == [free, licence]
    assert [item.free_software for item in lines] == [True, False]
