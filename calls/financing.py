"""A dossier's financing plan (R45, R46): the co-financing table and the cost breakdown of the
call's form, their totals and the checks the form makes, in k€.

Pure reads: ``plan_of(dossier)`` computes a ``Plan`` from the dossier's ``FinancingLine`` rows and
its call's caps; nothing is written. The pages that edit the lines live elsewhere.

A call with a multi-year plan (``Call.multi_year_plan``, the labs call, R61, L5499-5515) asks each
cost line for its year and « (d) la consommation du financement en fonction du calendrier
prévisionnel » (``FinancingLine.year``, ``consumed``): ``plan_years`` gives the years a line may
take, ``Plan.years`` the totals per year, and the checks are issues of the plan.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import FinancingLine

ZERO = Decimal("0")
ONE_DECIMAL = Decimal("0.1")
# A multi-year plan spans at most this many years, from the year of the wave's deadline.
PLAN_YEARS = 5

BLOCKING = "blocking"
WARNING = "warning"

# The co-financing table, in the form's order (L9209-9240): code, label, group.
RESOURCES = [
    ("pia", gettext_lazy("Financement demandé au titre du PIA"), "pia"),
    ("self", gettext_lazy("Autofinancement"), "self"),
    ("ministries", gettext_lazy("Ministères"), "public"),
    ("local", gettext_lazy("Collectivités territoriales"), "public"),
    ("public_other", gettext_lazy("Autre (UE…)"), "public"),
    ("companies", gettext_lazy("Entreprises"), "private"),
    ("associations", gettext_lazy("Associations"), "private"),
    ("private_other", gettext_lazy("Autre"), "private"),
]
RESOURCE_GROUPS = {
    "pia": gettext_lazy("Financement demandé"),
    "self": gettext_lazy("Autofinancement"),
    "public": gettext_lazy("Autres financements publics"),
    "private": gettext_lazy("Financements privés"),
}

# The breakdown of the total cost, excluding VAT (L9241-9260): code, label, group.
COSTS = [
    ("moa_internal", gettext_lazy("MOA interne"), "internal"),
    ("moe_internal", gettext_lazy("MOE interne"), "internal"),
    ("internal_other", gettext_lazy("Autres frais (déplacements…)"), "internal"),
    ("amoa", gettext_lazy("AMOA (prestations intellectuelles)"), "external"),
    ("amoe", gettext_lazy("AMOE (prestations techniques, intégration)"), "external"),
    ("interventions", gettext_lazy("Interventions, partenariats, expertises"), "external"),
    ("servers", gettext_lazy("Serveurs"), "equipment"),
    ("software", gettext_lazy("Logiciels"), "equipment"),
    ("platforms", gettext_lazy("Divers (plateformes)"), "equipment"),
    ("other", gettext_lazy("Autres frais"), "other"),
]
COST_GROUPS = {
    "internal": gettext_lazy("Charges internes"),
    "external": gettext_lazy("Charges externes"),
    "equipment": gettext_lazy("Équipement"),
    "other": gettext_lazy("Autres frais"),
}

RESOURCE_LABELS = {code: label for code, label, _group in RESOURCES}
COST_LABELS = {code: label for code, label, _group in COSTS}
_RESOURCE_GROUP = {code: group for code, _label, group in RESOURCES}
_COST_GROUP = {code: group for code, _label, group in COSTS}


@dataclass(frozen=True)
class Issue:
    """A finding on the plan: ``level`` is ``"blocking"`` (no deposit) or ``"warning"``."""

    code: str
    level: str
    message: str

    @property
    def is_blocking(self):
        return self.level == BLOCKING


@dataclass(frozen=True)
class Plan:
    """The financing plan's figures and findings, all amounts in k€ (Decimal).

    ``resources`` and ``costs`` hold every code of ``RESOURCES`` and ``COSTS`` (zero when no
    line); ``resource_groups`` and ``cost_groups`` the subtotals by group. ``share`` is the
    co-financing percentage of the form, « (financement demandé / coût total) × 100 », where the
    total cost is the total of the financing table (« Soit coût total »): PIA ÷
    ``total_resources`` × 100, rounded half up to one decimal, None when that total is zero.
    ``eligible_costs`` is the aid base: the cost lines not tagged « non éligible » (R46).
    """

    resources: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)
    resource_groups: dict = field(default_factory=dict)
    cost_groups: dict = field(default_factory=dict)
    pia: Decimal = ZERO
    non_pia: Decimal = ZERO
    total_resources: Decimal = ZERO
    total_costs: Decimal = ZERO
    eligible_costs: Decimal = ZERO
    share: Decimal | None = None
    balanced: bool = True
    issues: list = field(default_factory=list)
    # A multi-year plan: {year: {"amount": Decimal, "consumed": Decimal}}, in year order.
    multi_year: bool = False
    years: dict = field(default_factory=dict)

    @property
    def total(self):
        """The larger of the two totals: the one the caps apply to (equal when balanced)."""
        return max(self.total_resources, self.total_costs)

    @property
    def blocking(self):
        return [issue for issue in self.issues if issue.is_blocking]

    @property
    def warnings(self):
        return [issue for issue in self.issues if not issue.is_blocking]

    @property
    def ok(self):
        """No blocking issue: the plan does not stop the deposit."""
        return not self.blocking


def amount_text(amount):
    """An amount for a French message, without trailing zeros: « 260,5 k€ »."""
    return f"{amount.normalize():f}".replace(".", ",") + " k€"


def _line_name(line):
    labels = RESOURCE_LABELS if line.side == FinancingLine.Side.RESOURCE else COST_LABELS
    name = str(labels.get(line.category, line.category))
    return f"{name} — {line.label}" if line.label else name


def plan_years(dossier):
    """The years a cost line of ``dossier``'s multi-year plan may take: from the year its
    wave closes (Paris time), ``PLAN_YEARS`` of them."""
    from django.utils import timezone

    from calls.deadlines import PARIS

    first = timezone.localtime(dossier.wave.deadline, PARIS).year
    return range(first, first + PLAN_YEARS)


def _year_issues(line, years):
    """The checks of a cost line of a multi-year plan: its year given and within ``years``,
    its planned consumption at most its amount."""
    issues = []
    name = _line_name(line)
    if line.year is None:
        issues.append(
            Issue(
                "cost_without_year",
                BLOCKING,
                _("La dépense « %(line)s » doit indiquer son année (plan pluriannuel).")
                % {"line": name},
            )
        )
    elif line.year not in years:
        issues.append(
            Issue(
                "year_out_of_range",
                BLOCKING,
                _("L'année de la dépense « %(line)s » doit être entre %(first)s et %(last)s.")
                % {"line": name, "first": years[0], "last": years[-1]},
            )
        )
    if line.consumed is not None and line.consumed > (line.amount or ZERO):
        issues.append(
            Issue(
                "consumed_above_amount",
                BLOCKING,
                _(
                    "La consommation prévue de la dépense « %(line)s » (%(consumed)s) dépasse "
                    "son montant (%(amount)s)."
                )
                % {
                    "line": name,
                    "consumed": amount_text(line.consumed),
                    "amount": amount_text(line.amount or ZERO),
                },
            )
        )
    return issues


def plan_of(dossier):
    """The financing plan of ``dossier``, computed from its lines and its call's caps.

    Issues (French messages): a line of an unknown category, no PIA amount, the two tables not
    equal, the total cost above ``call.max_total_cost``, the PIA above ``call.max_requested``
    (all blocking); the PIA share above ``call.derogation_share`` (blocking while
    ``dossier.derogation_justification`` is empty, a warning once it is given); an in-kind line
    without its valuation and a cost line without its expense category (blocking). For a call
    with a multi-year plan, a cost line without its year, a year outside ``plan_years``, a
    planned consumption above the line's amount (blocking); ``years`` holds the totals per
    year.
    """
    call = dossier.call
    lines = list(dossier.financing.all())
    multi_year = call.multi_year_plan
    years_allowed = plan_years(dossier) if multi_year else None
    years = {}
    resources = {code: ZERO for code, _label, _group in RESOURCES}
    costs = {code: ZERO for code, _label, _group in COSTS}
    issues = []
    eligible_costs = ZERO
    for line in lines:
        amount = line.amount or ZERO
        if line.side == FinancingLine.Side.RESOURCE:
            known = resources
        elif line.side == FinancingLine.Side.COST:
            known = costs
        else:
            known = None
        if known is None or line.category not in known:
            issues.append(
                Issue(
                    "unknown_category",
                    BLOCKING,
                    _("La ligne « %(line)s » n'a pas de rubrique connue du plan de financement.")
                    % {"line": line.label or line.category},
                )
            )
            continue
        known[line.category] += amount
        if line.in_kind and not line.valuation.strip():
            issues.append(
                Issue(
                    "in_kind_without_valuation",
                    BLOCKING,
                    _("L'apport en nature « %(line)s » doit indiquer son mode de valorisation.")
                    % {"line": _line_name(line)},
                )
            )
        if line.side == FinancingLine.Side.COST:
            if not line.eligible:
                issues.append(
                    Issue(
                        "cost_without_category",
                        BLOCKING,
                        _(
                            "La dépense « %(line)s » doit être rattachée à une catégorie de "
                            "dépenses éligibles, ou déclarée non éligible."
                        )
                        % {"line": _line_name(line)},
                    )
                )
            elif line.eligible != FinancingLine.Eligible.NOT_ELIGIBLE:
                eligible_costs += amount
            if multi_year:
                issues.extend(_year_issues(line, years_allowed))
                if line.year is not None:
                    totals = years.setdefault(line.year, {"amount": ZERO, "consumed": ZERO})
                    totals["amount"] += amount
                    totals["consumed"] += line.consumed or ZERO

    resource_groups = dict.fromkeys(RESOURCE_GROUPS, ZERO)
    for code, amount in resources.items():
        resource_groups[_RESOURCE_GROUP[code]] += amount
    cost_groups = dict.fromkeys(COST_GROUPS, ZERO)
    for code, amount in costs.items():
        cost_groups[_COST_GROUP[code]] += amount

    pia = resources["pia"]
    total_resources = sum(resources.values(), ZERO)
    total_costs = sum(costs.values(), ZERO)
    non_pia = total_resources - pia
    balanced = total_resources == total_costs
    share = None
    if total_resources:
        share = (pia * 100 / total_resources).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    total = max(total_resources, total_costs)

    if pia <= 0:
        issues.append(
            Issue(
                "no_pia",
                BLOCKING,
                _("Le financement demandé au titre du PIA n'est pas renseigné."),
            )
        )
    if not balanced:
        issues.append(
            Issue(
                "unbalanced",
                BLOCKING,
                _(
                    "Le total des financements (%(resources)s) et le total des coûts "
                    "(%(costs)s) doivent être égaux."
                )
                % {"resources": amount_text(total_resources), "costs": amount_text(total_costs)},
            )
        )
    if total > call.max_total_cost:
        issues.append(
            Issue(
                "total_cap",
                BLOCKING,
                _("Le coût total (%(total)s) dépasse le plafond de l'appel (%(cap)s).")
                % {"total": amount_text(total), "cap": amount_text(call.max_total_cost)},
            )
        )
    if pia > call.max_requested:
        issues.append(
            Issue(
                "pia_cap",
                BLOCKING,
                _(
                    "Le financement demandé au titre du PIA (%(pia)s) dépasse le plafond de "
                    "l'appel (%(cap)s)."
                )
                % {"pia": amount_text(pia), "cap": amount_text(call.max_requested)},
            )
        )
    # Compared unrounded: 50.04 % is above 50 % even though it shows as 50.0 %.
    if total_resources and pia * 100 > total_resources * call.derogation_share:
        values = {"share": f"{share}".replace(".", ","), "limit": call.derogation_share}
        if dossier.derogation_justification.strip():
            issues.append(
                Issue(
                    "derogation",
                    WARNING,
                    _(
                        "Le financement demandé représente %(share)s %% du coût total, au-delà "
                        "de %(limit)s %% : la dérogation justifiée sera soumise au comité de "
                        "pilotage."
                    )
                    % values,
                )
            )
        else:
            issues.append(
                Issue(
                    "derogation",
                    BLOCKING,
                    _(
                        "Le financement demandé représente %(share)s %% du coût total, au-delà "
                        "de %(limit)s %% : justifiez la demande de dérogation."
                    )
                    % values,
                )
            )

    return Plan(
        resources=resources,
        costs=costs,
        resource_groups=resource_groups,
        cost_groups=cost_groups,
        pia=pia,
        non_pia=non_pia,
        total_resources=total_resources,
        total_costs=total_costs,
        eligible_costs=eligible_costs,
        share=share,
        balanced=balanced,
        issues=issues,
        multi_year=multi_year,
        years=dict(sorted(years.items())),
    )


def software_lines(dossier):
    """The dossier's cost lines in « Logiciels », each with its ``free_software`` flag: the
    experts see which software the project pays for and whether it is free (R46)."""
    return list(
        dossier.financing.filter(side=FinancingLine.Side.COST, category="software").order_by("id")
    )
