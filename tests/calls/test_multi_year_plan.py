"""The multi-year financing plan of a call with ``Call.multi_year_plan`` (the labs call, R61,
L5499-5515): each cost line with its year and « (d) consommation prévue au calendrier », the
totals per year, the checks; a communities call's financing form is unchanged."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.financing import PLAN_YEARS, plan_of, plan_years
from calls.models import FinancingLine
from tests.calls.factories import CallFactory, DossierFactory, lead_of

pytestmark = pytest.mark.django_db


def financing_url(dossier):
    return reverse("calls:financing", args=[dossier.call.slug, dossier.pk])


def labs_dossier():
    return DossierFactory(call=CallFactory(multi_year_plan=True, kind="labs"))


def first_year(dossier):
    return timezone.localtime(dossier.wave.deadline).year


def codes(plan, level=None):
    return {i.code for i in plan.issues if level is None or i.level == level}


def test_the_multi_year_form_has_a_year_and_a_consumption_column(client):
    """The labs dossier's cost table shows « Année » and « (d) Consommation prévue au
    calendrier », one row per cost category ready for a first year, and the per-year table."""
    dossier = labs_dossier()
    client.force_login(lead_of(dossier))
    page = unescape(client.get(financing_url(dossier)).content.decode())
    assert "(d) Consommation prévue au calendrier (k€)" in page
    assert 'name="cost-moa_internal-0-year"' in page
    assert 'name="cost-moa_internal-0-consumed"' in page
    assert 'name="cost-moa_internal-amount"' not in page
    assert 'data-testid="years"' in page


def test_the_communities_form_is_unchanged(client):
    """A communities call: no year, no consumption, the inputs named as before; a post in the
    old shape saves its lines without a year."""
    dossier = DossierFactory()
    client.force_login(lead_of(dossier))
    page = client.get(financing_url(dossier)).content.decode()
    assert "Consommation prévue" not in page and 'data-testid="years"' not in page
    assert 'name="cost-moa_internal-amount"' in page and "-year" not in page
    response = client.post(
        financing_url(dossier),
        {
            "res-pia-amount": "100",
            "res-self-amount": "150",
            "cost-moa_internal-amount": "250",
            "cost-moa_internal-eligible": "staff",
        },
    )
    assert response.status_code == 302
    cost = dossier.financing.get(side="cost")
    assert (cost.amount, cost.year, cost.consumed) == (Decimal("250"), None, None)
    assert plan_of(dossier).ok and not plan_of(dossier).multi_year


def test_lines_of_several_years_are_saved_and_totalled_per_year(client):
    """Two years of one category and a line of another: each line keeps its year and planned
    consumption, the plan totals them per year, and the page shows the totals."""
    dossier = labs_dossier()
    y = first_year(dossier)
    client.force_login(lead_of(dossier))
    response = client.post(
        financing_url(dossier),
        {
            "res-pia-amount": "200",
            "res-self-amount": "200",
            "cost-moa_internal-0-amount": "150",
            "cost-moa_internal-0-year": str(y),
            "cost-moa_internal-0-consumed": "100",
            "cost-moa_internal-0-eligible": "staff",
            "cost-moa_internal-1-amount": "150",
            "cost-moa_internal-1-year": str(y + 1),
            "cost-moa_internal-1-consumed": "150",
            "cost-moa_internal-1-eligible": "staff",
            "cost-servers-0-amount": "100",
            "cost-servers-0-year": str(y + 1),
            "cost-servers-0-eligible": "investment",
        },
    )
    assert response.status_code == 302
    lines = sorted(
        (line.category, line.year, line.amount, line.consumed)
        for line in dossier.financing.filter(side="cost")
    )
    assert lines == [
        ("moa_internal", y, Decimal("150"), Decimal("100")),
        ("moa_internal", y + 1, Decimal("150"), Decimal("150")),
        ("servers", y + 1, Decimal("100"), None),
    ]
    plan = plan_of(dossier)
    assert plan.ok and plan.total_costs == Decimal("400")
    assert plan.years == {
        y: {"amount": Decimal("150"), "consumed": Decimal("100")},
        y + 1: {"amount": Decimal("250"), "consumed": Decimal("150")},
    }
    page = client.get(financing_url(dossier)).content.decode()
    rows = re.findall(r'data-testid="year-row" data-year="(\d+)"', page)
    assert rows == [str(y), str(y + 1)]
    # Each stored line is a row, and each category one blank row more for another year.
    assert 'name="cost-moa_internal-2-amount"' in page
    assert 'name="cost-moa_internal-3-amount"' not in page


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"cost-moa_internal-0-year": "1990"}, "year", "Saisissez une année entre"),
        ({"cost-moa_internal-0-year": "deux mille"}, "year", "Saisissez une année entre"),
        ({"cost-moa_internal-0-year": ""}, "year", "Indiquez l'année de cette dépense."),
        ({"cost-moa_internal-0-consumed": "300"}, "consumed", "ne peut dépasser le montant"),
        ({"cost-moa_internal-0-consumed": "-1"}, "consumed", "Saisissez une consommation"),
    ],
)
def test_bad_years_and_consumptions_are_refused_beside_their_field(client, fields, name, message):
    """A year outside the plan's years or not a number, a missing year, a consumption above
    the amount or negative: 400, the French message beside the input, the stored plan kept."""
    dossier = labs_dossier()
    y = first_year(dossier)
    FinancingLine.objects.create(
        dossier=dossier, side="cost", category="servers", amount=10, year=y, eligible="investment"
    )
    client.force_login(lead_of(dossier))
    data = {
        "res-pia-amount": "100",
        "res-self-amount": "150",
        "cost-moa_internal-0-amount": "250",
        "cost-moa_internal-0-year": str(y),
        "cost-moa_internal-0-eligible": "staff",
        **fields,
    }
    response = client.post(financing_url(dossier), data)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    found = re.search(rf'id="cost-moa_internal-0-{name}-error">([^<]*)<', page)
    assert found and message in found.group(1)
    assert list(dossier.financing.values_list("category", flat=True)) == ["servers"]


def test_a_year_without_an_amount_is_refused(client):
    """A year or a consumption typed on a row without an amount is not silently dropped."""
    dossier = labs_dossier()
    client.force_login(lead_of(dossier))
    response = client.post(
        financing_url(dossier),
        {"cost-software-0-year": str(first_year(dossier)), "cost-software-0-consumed": "5"},
    )
    assert response.status_code == 400
    assert "Indiquez le montant de cette dépense." in unescape(response.content.decode())


def test_the_plan_blocks_lines_stored_without_a_year_or_above_their_amount():
    """Lines written elsewhere: a cost without its year, a year outside the plan's range, a
    consumption above the amount are blocking issues of a multi-year plan (no deposit), in
    French; the same lines on a communities call are not checked."""
    dossier = labs_dossier()
    years = plan_years(dossier)
    assert len(years) == PLAN_YEARS and years[0] == first_year(dossier)
    FinancingLine.objects.create(dossier=dossier, side="resource", category="pia", amount=100)
    FinancingLine.objects.create(dossier=dossier, side="resource", category="self", amount=200)
    for year, consumed in ((None, None), (years[-1] + 1, None), (years[0], Decimal("150"))):
        FinancingLine.objects.create(
            dossier=dossier,
            side="cost",
            category="moa_internal",
            amount=100,
            eligible="staff",
            year=year,
            consumed=consumed,
        )
    plan = plan_of(dossier)
    assert {"cost_without_year", "year_out_of_range", "consumed_above_amount"} <= codes(
        plan, "blocking"
    )
    messages = " ".join(i.message for i in plan.issues)
    assert "doit indiquer son année" in messages and "dépasse son montant" in messages
    dossier.call.multi_year_plan = False
    dossier.call.save(update_fields=["multi_year_plan"])
    dossier.refresh_from_db()
    assert not codes(plan_of(dossier)) & {
        "cost_without_year",
        "year_out_of_range",
        "consumed_above_amount",
    }
