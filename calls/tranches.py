"""The funding tranches of a convention and their funding chain (R57, R58).

A tranche (``Tranche``: number, amount in k€, planned date, conditions, for a call followed
annually the review it waits for) is defined while the convention is prepared
(``can_edit_convention``). While the project runs, the call's managers and the CDC
(``can_manage_tranches``) tick its conditions, make it payable — only once every condition is
ticked, the convention's suspensive conditions (if any) lifted and the review it waits for (if
any) done — then date the four steps of the funding chain in order: the CDC's payment into the
fonds de concours, the CBCM's revenue order, the credits opened by order, their distribution
to the préfet's BOP (named).

Keyword-only services, a ``DossierEvent`` for every act, French refusals (``CallError``).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.convention import _editable, convention_of, parse_amount
from calls.financing import amount_text
from calls.models import Call, Convention, Review, Tranche, TrancheCondition
from calls.permissions import dossier_abilities
from calls.services import _check, _event, _touch

# The four steps of the funding chain, in order: field, label.
STEPS = [
    ("cdc_paid_on", gettext_lazy("Versement de la CDC au fonds de concours")),
    ("revenue_order_on", gettext_lazy("Titre de perception émis par le CBCM")),
    ("credits_opened_on", gettext_lazy("Crédits ouverts par arrêté")),
    ("distributed_on", gettext_lazy("Crédits répartis sur le BOP du préfet")),
]
STEP_LABELS = dict(STEPS)
assert tuple(STEP_LABELS) == Tranche.STEPS
CONDITION_MAX = 300
CONDITIONS_MAX = 30
BOP_MAX = 100
YEAR_MIN, YEAR_MAX = 2000, 2100


def _today():
    return timezone.localdate()


def is_annual(call):
    return call.follow_up == Call.FollowUp.ANNUAL


def parse_conditions(text):
    """The conditions typed one per line: stripped, empty lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def review_label(kind, year):
    """« Revue annuelle 2025 », « Revue intermédiaire »; "" without a review."""
    if not kind:
        return ""
    label = str(Review.Kind(kind).label)
    return f"{label} {year}" if kind == Review.Kind.ANNUAL else label


def state_of(tranche):
    """``(code, French label)`` of where the tranche stands: « waiting » (its conditions),
    « payable », then the last step of the chain it reached (« cdc_paid_on »…)."""
    reached = [field for field in Tranche.STEPS if getattr(tranche, field)]
    if reached:
        return reached[-1], str(STEP_LABELS[reached[-1]])
    if tranche.payable_at:
        return "payable", _("Payable")
    return "waiting", _("En attente des conditions")


def next_step(tranche):
    """The field of the next step to date, or None (not payable yet, or all four done)."""
    if tranche.payable_at is None:
        return None
    for field in Tranche.STEPS:
        if getattr(tranche, field) is None:
            return field
    return None


def payable_blockers(tranche):
    """What keeps ``tranche`` from being made payable: a list of French sentences."""
    blockers = []
    open_conditions = [c.label for c in tranche.conditions.all() if c.met_at is None]
    if open_conditions:
        blockers.append(
            _("Conditions non cochées : %(list)s.")
            % {"list": " ; ".join(f"« {label} »" for label in open_conditions)}
        )
    convention = convention_of(tranche.dossier)
    if (
        convention is not None
        and convention.suspensive_conditions.strip()
        and convention.conditions_lifted_on is None
    ):
        blockers.append(_("Les conditions suspensives de la convention ne sont pas levées."))
    if (
        tranche.review_kind
        and not tranche.dossier.reviews.filter(
            kind=tranche.review_kind, year=tranche.review_year
        ).exists()
    ):
        blockers.append(
            _("La revue dont dépend cette tranche (%(review)s) n'est pas faite.")
            % {"review": review_label(tranche.review_kind, tranche.review_year)}
        )
    return blockers


def total_of(dossier):
    """The sum of the dossier's tranches (k€, Decimal)."""
    return sum((t.amount for t in dossier.tranches.all()), Decimal("0"))


def _review(call, review_kind, review_year, convention=None):
    """The review a tranche waits for, checked: only for a call followed annually; an annual
    review's year within the convention's years when they are set."""
    review_kind = review_kind or ""
    if not is_annual(call):
        _check(
            not review_kind,
            _("Seuls les projets suivis chaque année lient une tranche à une revue."),
            "invalid",
        )
        return "", 0
    if not review_kind:
        return "", 0
    _check(
        review_kind in (Review.Kind.INTERIM, Review.Kind.ANNUAL),
        _("Choisissez la revue intermédiaire ou une revue annuelle."),
        "invalid",
    )
    if review_kind == Review.Kind.INTERIM:
        return review_kind, 0
    try:
        year = int(review_year)
    except (TypeError, ValueError):
        year = 0
    _check(
        YEAR_MIN <= year <= YEAR_MAX,
        _("Indiquez l'année de la revue annuelle (par exemple %(year)s).")
        % {"year": _today().year},
        "invalid",
    )
    if convention is not None and convention.starts_on and convention.ends_on:
        first, last = convention.starts_on.year, convention.ends_on.year
        _check(
            first <= year <= last,
            _("Une revue annuelle porte sur une année du projet, de %(first)s à %(last)s.")
            % {"first": first, "last": last},
            "invalid",
        )
    return review_kind, year


def _tranche_of(dossier, tranche):
    _check(
        tranche is None or tranche.dossier_id == dossier.pk,
        _("Cette tranche n'est pas de ce projet."),
        "not_found",
    )


def tranche_save(
    *,
    actor,
    dossier,
    amount,
    planned_on=None,
    conditions="",
    review_kind="",
    review_year=0,
    tranche=None,
):
    """Define a tranche (numbered after the last one), or change ``tranche``, while the
    convention is prepared: its amount (k€, typed or Decimal), planned date, conditions (a
    list, or a text one per line) and, for a call followed annually, the review it waits
    for. Returns the tranche."""
    _editable(actor, dossier)
    _tranche_of(dossier, tranche)
    amount = parse_amount(amount)
    _check(amount > 0, _("Le montant d'une tranche est positif."), "invalid")
    _check(
        planned_on is None or hasattr(planned_on, "toordinal"),
        _("La date prévue n'est pas une date."),
        "invalid",
    )
    labels = parse_conditions(conditions) if isinstance(conditions, str) else list(conditions)
    labels = [str(label).strip() for label in labels if str(label).strip()]
    _check(
        len(labels) <= CONDITIONS_MAX,
        _("Une tranche a au plus %(max)s conditions.") % {"max": CONDITIONS_MAX},
        "invalid",
    )
    for label in labels:
        _check(
            len(label) <= CONDITION_MAX,
            _("Une condition est limitée à %(max)s caractères.") % {"max": CONDITION_MAX},
            "invalid",
        )
    review_kind, review_year = _review(
        dossier.call, review_kind, review_year, Convention.objects.filter(dossier=dossier).first()
    )
    with transaction.atomic():
        if tranche is None:
            last = dossier.tranches.select_for_update().aggregate(last=Max("number"))["last"]
            tranche = Tranche(dossier=dossier, number=(last or 0) + 1)
        tranche.amount = amount
        tranche.planned_on = planned_on
        tranche.review_kind = review_kind
        tranche.review_year = review_year
        tranche.save()
        current = [c.label for c in tranche.conditions.all()]
        if current != labels:
            # Before the signature no condition is ticked: the list is written anew.
            tranche.conditions.all().delete()
            TrancheCondition.objects.bulk_create(
                [
                    TrancheCondition(tranche=tranche, label=label, order=order)
                    for order, label in enumerate(labels, start=1)
                ]
            )
        _event(
            dossier,
            actor,
            "tranche_saved",
            _("Tranche %(number)s : %(amount)s")
            % {"number": tranche.number, "amount": amount_text(amount)},
        )
        _touch(dossier)
    return tranche


def tranche_delete(*, actor, tranche):
    """Remove a tranche while the convention is prepared; the later ones are renumbered."""
    dossier = tranche.dossier
    _editable(actor, dossier)
    with transaction.atomic():
        number = tranche.number
        tranche.delete()
        for later in (
            dossier.tranches.select_for_update().filter(number__gt=number).order_by("number")
        ):
            later.number -= 1
            later.save(update_fields=["number"])
        _event(
            dossier,
            actor,
            "tranche_saved",
            _("Tranche %(number)s retirée") % {"number": number},
        )
        _touch(dossier)


def _manager(actor, dossier):
    _check(
        dossier_abilities(actor, dossier).can_manage_tranches,
        _(
            "Seuls les gestionnaires de l'appel et la Caisse des dépôts suivent les versements, "
            "une fois la convention signée."
        ),
    )


def tranche_condition_meet(*, actor, condition):
    """Tick a condition of a tranche as met (the managers or the CDC, while the project
    runs). Returns the condition; ticking it again changes nothing."""
    tranche = condition.tranche
    dossier = tranche.dossier
    _manager(actor, dossier)
    with transaction.atomic():
        condition = TrancheCondition.objects.select_for_update().get(pk=condition.pk)
        if condition.met_at is None:
            condition.met_at = timezone.now()
            condition.met_by = actor
            condition.save(update_fields=["met_at", "met_by"])
            _event(
                dossier,
                actor,
                "tranche_condition_met",
                _("Tranche %(number)s : %(label)s")
                % {"number": tranche.number, "label": condition.label},
            )
            _touch(dossier)
    return condition


def tranche_make_payable(*, actor, tranche):
    """Make ``tranche`` payable: refused unless every condition is ticked, the convention's
    suspensive conditions (if any) are lifted and the review it waits for (if any) is done.
    Returns the tranche."""
    dossier = tranche.dossier
    _manager(actor, dossier)
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("dossier").get(pk=tranche.pk)
        _check(tranche.payable_at is None, _("Cette tranche est déjà payable."), "conflict")
        blockers = payable_blockers(tranche)
        _check(
            not blockers,
            _("La tranche %(number)s ne peut pas encore être rendue payable. %(why)s")
            % {"number": tranche.number, "why": " ".join(blockers)},
            "invalid",
        )
        tranche.payable_at = timezone.now()
        tranche.payable_by = actor
        tranche.save(update_fields=["payable_at", "payable_by"])
        _event(
            dossier,
            actor,
            "tranche_payable",
            _("Tranche %(number)s : %(amount)s")
            % {"number": tranche.number, "amount": amount_text(tranche.amount)},
        )
        _touch(dossier)
    return tranche


def tranche_step_record(*, actor, tranche, step, day, bop=""):
    """Date the next step of the funding chain of a payable tranche: only the next one, not
    before the previous step's date, not in the future (Europe/Paris), the préfet's BOP named
    for the last one. Returns the tranche."""
    dossier = tranche.dossier
    _manager(actor, dossier)
    _check(step in STEP_LABELS, _("Cette étape n'existe pas."), "invalid")
    _check(hasattr(day, "toordinal"), _("Indiquez la date de l'étape."), "invalid")
    bop = (bop or "").strip()
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("dossier").get(pk=tranche.pk)
        _check(
            tranche.payable_at is not None,
            _("La tranche doit d'abord être rendue payable."),
            "invalid",
        )
        expected = next_step(tranche)
        _check(expected is not None, _("Les quatre étapes sont déjà datées."), "conflict")
        _check(
            step == expected,
            _("Étape suivante attendue : « %(step)s ». Les étapes se suivent dans l'ordre.")
            % {"step": STEP_LABELS[expected]},
            "invalid",
        )
        _check(
            day <= _today(),
            _("« %(step)s » ne peut pas être daté dans le futur.") % {"step": STEP_LABELS[step]},
            "invalid",
        )
        index = Tranche.STEPS.index(step)
        if index:
            previous = Tranche.STEPS[index - 1]
            before = getattr(tranche, previous)
            _check(
                day >= before,
                _("« %(step)s » ne peut pas précéder « %(previous)s » (%(day)s).")
                % {
                    "step": STEP_LABELS[step],
                    "previous": STEP_LABELS[previous],
                    "day": before.strftime("%d/%m/%Y"),
                },
                "invalid",
            )
        fields = [step]
        if step == "distributed_on":
            _check(
                bop,
                _("Indiquez le BOP du préfet sur lequel les crédits sont répartis."),
                "invalid",
            )
            _check(
                len(bop) <= BOP_MAX,
                _("Le nom du BOP est limité à %(max)s caractères.") % {"max": BOP_MAX},
                "invalid",
            )
            tranche.bop = bop
            fields.append("bop")
        setattr(tranche, step, day)
        tranche.save(update_fields=fields)
        comment = _("Tranche %(number)s : %(step)s le %(day)s") % {
            "number": tranche.number,
            "step": STEP_LABELS[step],
            "day": day.strftime("%d/%m/%Y"),
        }
        if step == "distributed_on":
            comment += f" ({bop})"
        _event(dossier, actor, "tranche_step", comment)
        _touch(dossier)
    return tranche
