"""The convention of a selected project with the Caisse des dépôts (R57): what it says (funding
terms, the details of the eligible expenses, suspensive conditions, the project's dates, the
two signatories), the project's calendar (``Milestone``), the direct aid of every partner (0 for
those without), its signed copy, and the signature that starts the project.

Keyword-only services that ask the policy (``calls.permissions``), write in one transaction with
their ``DossierEvent`` and refuse with a French message (``calls.services.CallError``). The
convention row is created on its first save (``convention_save``). Its tranches live in
``calls.tranches``.

- Prepared while the dossier is « lauréat » by its sponsor and lead, the call's managers and the
  CDC (``can_edit_convention``).
- Recorded as signed by the managers or the CDC (``can_sign_convention``): ``convention_sign``
  refuses with one message listing everything missing, then moves the dossier to « en cours »
  through the workflow, all in one transaction.
- While the project runs, the managers and the CDC record the lifting of the suspensive
  conditions; the lead or a manager the date a milestone is reached.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import files
from calls.financing import amount_text
from calls.models import Convention, Dossier, FinancingLine, Milestone, Partner
from calls.permissions import RUNNING, dossier_abilities
from calls.services import CallError, _check, _event, _touch
from calls.workflow import DOSSIER

S = Dossier.State

# The texts of the convention and their longest length (Django does not check a TextField's).
TEXT_LIMITS = {
    "funding_terms": 10_000,
    "eligible_expenses": 10_000,
    "suspensive_conditions": 5_000,
    "sponsor_signatory": 200,
    "cdc_signatory": 200,
}
DATE_FIELDS = ("starts_on", "ends_on", "sponsor_signed_on", "cdc_signed_on")
FIELDS = (*TEXT_LIMITS, *DATE_FIELDS)
MILESTONE_LABEL_MAX = 200
# The largest amount a k€ field of the convention stores (10 digits, 2 decimals).
AMOUNT_MAX = Decimal("99999999.99")


def convention_of(dossier):
    """The dossier's convention, or None before its first save."""
    return Convention.objects.filter(dossier=dossier).first()


def draft_of(dossier):
    """The dossier's convention, or a new unsaved one prefilled with the eligible expenses of
    its financing plan (what the page's form shows before the first save)."""
    convention = convention_of(dossier)
    if convention is None:
        convention = Convention(dossier=dossier, eligible_expenses=eligible_expenses_text(dossier))
    return convention


def eligible_expenses_text(dossier):
    """A starting text for the details of the eligible expenses: the cost lines of the
    financing plan grouped by eligible category, with their amounts in k€ (the non-eligible
    lines are out of the aid base and left out)."""
    from calls.financing import COST_LABELS

    lines = dossier.financing.filter(side=FinancingLine.Side.COST).order_by("id")
    groups = {}
    for line in lines:
        if not line.eligible or line.eligible == FinancingLine.Eligible.NOT_ELIGIBLE:
            continue
        groups.setdefault(line.eligible, []).append(line)
    parts = []
    for code, label in FinancingLine.Eligible.choices:
        if code not in groups:
            continue
        subtotal = sum((line.amount for line in groups[code]), Decimal("0"))
        parts.append(f"{label} : {amount_text(subtotal)}")
        for line in groups[code]:
            name = str(COST_LABELS.get(line.category, line.category))
            if line.label:
                name = f"{name} — {line.label}"
            parts.append(f"- {name} : {amount_text(line.amount)}")
    return "\n".join(parts)


def _today():
    """Today in Europe/Paris (the platform's time zone)."""
    return timezone.localdate()


def _not_future(day, message):
    _check(day is None or day <= _today(), message, "invalid")


def _text(value, name, label):
    value = (value or "").strip()
    limit = TEXT_LIMITS[name]
    _check(
        len(value) <= limit,
        _("« %(field)s » est limité à %(limit)s caractères (vous en avez saisi %(count)s).")
        % {"field": label, "limit": f"{limit:,}".replace(",", "\u202f"), "count": len(value)},
        "invalid",
    )
    return value


def parse_amount(value):
    """A k€ amount typed or given (``"12,5"``, ``12.5``, ``Decimal``) as a Decimal with at most
    two decimals, zero or more; else ``CallError`` in French."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value if value is not None else "").strip().replace("\u202f", "")
        text = text.replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CallError(
                _("Le montant doit être un nombre de k€ (par exemple 12,5)."), "invalid"
            ) from None
    _check(amount.is_finite(), _("Le montant doit être un nombre de k€."), "invalid")
    _check(amount >= 0, _("Le montant ne peut pas être négatif."), "invalid")
    _check(amount <= AMOUNT_MAX, _("Ce montant est trop élevé."), "invalid")
    _check(
        amount == amount.quantize(Decimal("0.01")),
        _("Le montant a au plus deux décimales."),
        "invalid",
    )
    return amount.quantize(Decimal("0.01"))


def _editable(actor, dossier):
    _check(
        dossier_abilities(actor, dossier).can_edit_convention,
        _(
            "La convention se prépare tant que le projet est lauréat, par son porteur, "
            "les gestionnaires de l'appel et la Caisse des dépôts."
        ),
    )


def _locked_convention(dossier):
    """The dossier's convention under a lock, created if needed (in a transaction)."""
    convention, _created = Convention.objects.select_for_update().get_or_create(dossier=dossier)
    return convention


# --- the convention -------------------------------------------------------------------------


def convention_save(*, actor, dossier, **fields):
    """Save what the convention says: any of ``funding_terms``, ``eligible_expenses``,
    ``suspensive_conditions``, ``sponsor_signatory``, ``cdc_signatory`` (text) and
    ``starts_on``, ``ends_on``, ``sponsor_signed_on``, ``cdc_signed_on`` (dates or None).
    The project starts before it ends; a signature is not dated in the future. Creates the
    convention on its first save; returns it."""
    _editable(actor, dossier)
    unknown = set(fields) - set(FIELDS)
    _check(not unknown, _("Ce champ n'existe pas dans la convention."), "invalid")
    labels = {name: Convention._meta.get_field(name).verbose_name for name in FIELDS}
    clean = {}
    for name, value in fields.items():
        if name in TEXT_LIMITS:
            clean[name] = _text(value, name, labels[name])
        else:
            _check(
                value is None or hasattr(value, "toordinal"),
                _("« %(field)s » n'est pas une date.") % {"field": labels[name]},
                "invalid",
            )
            clean[name] = value
    with transaction.atomic():
        convention = _locked_convention(dossier)
        for name, value in clean.items():
            setattr(convention, name, value)
        starts_on, ends_on = convention.starts_on, convention.ends_on
        _check(
            starts_on is None or ends_on is None or starts_on < ends_on,
            _("La fin du projet doit venir après son début."),
            "invalid",
        )
        for name in ("sponsor_signed_on", "cdc_signed_on"):
            _not_future(
                getattr(convention, name),
                _("« %(field)s » ne peut pas être une date future.") % {"field": labels[name]},
            )
        convention.updated_at = timezone.now()
        convention.save()
        _event(dossier, actor, "convention_updated")
        _touch(dossier)
    return convention


def convention_file_upload(*, actor, dossier, upload):
    """Attach the signed copy of the convention (checked like a piece of the dossier: the
    call's formats, the content, no macro, the call's size limit); replaces the previous one
    once committed. Returns the convention."""
    _editable(actor, dossier)
    try:
        checked = files.check_piece(upload, call=dossier.call, dossier_bytes=0)
    except ValidationError as error:
        raise CallError(" ".join(error.messages), "invalid") from None
    with transaction.atomic():
        convention = _locked_convention(dossier)
        old = convention.signed_file.name
        convention.signed_file.save(checked.name, upload, save=False)
        convention.signed_file_name = checked.name
        convention.signed_file_size = checked.size
        convention.signed_file_type = checked.content_type
        convention.updated_at = timezone.now()
        convention.save()
        if old:
            storage = convention.signed_file.storage
            transaction.on_commit(lambda: storage.delete(old))
        _event(dossier, actor, "convention_file_uploaded", checked.name)
        _touch(dossier)
    return convention


def convention_missing(dossier):
    """What the convention still lacks before it is recorded as signed: a list of French
    phrases (empty when complete)."""
    convention = convention_of(dossier)
    missing = []
    if convention is None:
        convention = Convention(dossier=dossier)
    if not convention.funding_terms.strip():
        missing.append(_("les modalités de financement"))
    if not convention.eligible_expenses.strip():
        missing.append(_("le détail des dépenses éligibles"))
    if convention.starts_on is None or convention.ends_on is None:
        missing.append(_("les dates de début et de fin du projet"))
    elif convention.starts_on >= convention.ends_on:
        missing.append(_("une fin du projet postérieure à son début"))
    if not convention.sponsor_signatory.strip():
        missing.append(_("le signataire pour le porteur de projet"))
    if convention.sponsor_signed_on is None:
        missing.append(_("la date de signature du porteur de projet"))
    if not convention.cdc_signatory.strip():
        missing.append(_("le signataire pour la Caisse des dépôts"))
    if convention.cdc_signed_on is None:
        missing.append(_("la date de signature de la Caisse des dépôts"))
    if not convention.signed_file:
        missing.append(_("la convention signée (fichier)"))
    if not dossier.milestones.exists():
        missing.append(_("au moins un jalon du calendrier"))
    if not dossier.tranches.exists():
        missing.append(_("au moins une tranche de versement"))
    else:
        total = dossier.tranches.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        granted = dossier.granted_amount
        if granted is None or total != granted:
            missing.append(
                _(
                    "des tranches dont la somme égale l'aide accordée (%(total)s pour "
                    "%(granted)s accordés)"
                )
                % {
                    "total": amount_text(total),
                    "granted": amount_text(granted) if granted is not None else _("aucune aide"),
                }
            )
    if not dossier.indicators.exists():
        missing.append(_("au moins un indicateur de suivi"))
    return missing


def convention_sign(*, actor, dossier):
    """Record the signed convention (the managers or the CDC): refused with one French message
    listing everything missing; else ``signed_at`` is set and the dossier moves to « en cours »
    (the workflow's move ``convention_signed``), in one transaction. Returns the convention."""
    _check(
        dossier_abilities(actor, dossier).can_sign_convention,
        _(
            "Seuls les gestionnaires de l'appel et la Caisse des dépôts enregistrent la "
            "convention signée d'un projet lauréat."
        ),
    )
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        missing = convention_missing(dossier)
        _check(
            not missing,
            _("La convention ne peut pas encore être enregistrée comme signée : il manque %s.")
            % " ; ".join(missing),
            "invalid",
        )
        convention = _locked_convention(dossier)
        convention.signed_at = timezone.now()
        convention.updated_at = convention.signed_at
        convention.save(update_fields=["signed_at", "updated_at"])
        DOSSIER.transition(dossier, S.IN_PROGRESS, actor=actor)
    return convention


def conditions_lift(*, actor, dossier, day):
    """Record the day the convention's suspensive conditions were lifted (the managers or the
    CDC, while the project runs). Returns the convention."""
    _check(
        dossier_abilities(actor, dossier).can_manage_tranches,
        _(
            "Seuls les gestionnaires de l'appel et la Caisse des dépôts constatent la levée "
            "des conditions suspensives, pendant le projet."
        ),
    )
    _check(hasattr(day, "toordinal"), _("Indiquez la date de levée des conditions."), "invalid")
    _not_future(day, _("La levée des conditions ne peut pas être datée dans le futur."))
    with transaction.atomic():
        convention = _locked_convention(dossier)
        _check(
            convention.suspensive_conditions.strip(),
            _("La convention ne comporte pas de condition suspensive."),
            "invalid",
        )
        _check(
            convention.conditions_lifted_on is None,
            _("La levée des conditions suspensives est déjà enregistrée."),
            "conflict",
        )
        convention.conditions_lifted_on = day
        convention.updated_at = timezone.now()
        convention.save(update_fields=["conditions_lifted_on", "updated_at"])
        _event(dossier, actor, "convention_updated", _("Conditions suspensives levées"))
    return convention


# --- the calendar ---------------------------------------------------------------------------


def _milestone_of(dossier, milestone):
    _check(
        milestone is None or milestone.dossier_id == dossier.pk,
        _("Ce jalon n'est pas de ce projet."),
        "not_found",
    )


def milestone_save(*, actor, dossier, label, due_on, milestone=None):
    """Add a milestone to the project's calendar, or change ``milestone`` (while the
    convention is prepared). Returns it."""
    _editable(actor, dossier)
    _milestone_of(dossier, milestone)
    label = (label or "").strip()
    _check(label, _("Nommez le jalon."), "invalid")
    _check(
        len(label) <= MILESTONE_LABEL_MAX,
        _("Le nom du jalon est limité à %(limit)s caractères.") % {"limit": MILESTONE_LABEL_MAX},
        "invalid",
    )
    _check(hasattr(due_on, "toordinal"), _("Indiquez la date prévue du jalon."), "invalid")
    with transaction.atomic():
        if milestone is None:
            last = dossier.milestones.order_by("-order").values_list("order", flat=True).first()
            milestone = Milestone(dossier=dossier, order=(last or 0) + 1)
        milestone.label = label
        milestone.due_on = due_on
        milestone.save()
        _event(dossier, actor, "milestone_saved", label)
        _touch(dossier)
    return milestone


def milestone_delete(*, actor, milestone):
    """Remove a milestone of the calendar (while the convention is prepared), unless an
    indicator sets a target at it."""
    dossier = milestone.dossier
    _editable(actor, dossier)
    _check(
        not milestone.indicator_targets.exists(),
        _(
            "Un indicateur fixe une cible à ce jalon : retirez d'abord cette cible, ou "
            "modifiez le jalon."
        ),
        "conflict",
    )
    with transaction.atomic():
        label = milestone.label
        milestone.delete()
        _event(dossier, actor, "milestone_saved", _("Jalon retiré : %(label)s") % {"label": label})
        _touch(dossier)


def can_record_milestones(abilities):
    """Record the day a milestone is reached: the lead or a manager, while the project runs."""
    return abilities.state in RUNNING and (abilities.is_lead or abilities.is_manager)


def milestone_reached(*, actor, milestone, day):
    """Record the day ``milestone`` was reached (not in the future). Returns it."""
    dossier = milestone.dossier
    _check(
        can_record_milestones(dossier_abilities(actor, dossier)),
        _(
            "Le porteur du projet ou les gestionnaires de l'appel enregistrent l'atteinte "
            "des jalons, pendant le projet."
        ),
    )
    _check(
        hasattr(day, "toordinal"),
        _("Indiquez la date à laquelle le jalon est atteint."),
        "invalid",
    )
    _not_future(day, _("Un jalon ne peut pas être atteint dans le futur."))
    with transaction.atomic():
        milestone.done_on = day
        milestone.save(update_fields=["done_on"])
        _event(
            dossier,
            actor,
            "milestone_saved",
            _("Jalon atteint : %(label)s") % {"label": milestone.label},
        )
        _touch(dossier)
    return milestone


# --- the partners' direct aid ---------------------------------------------------------------


def partner_aid_save(*, actor, partner, amount):
    """Set the direct aid (k€) a partner receives under the convention; 0 for a partner
    without direct aid, whom the convention names all the same. Returns the partner."""
    dossier = partner.dossier
    _editable(actor, dossier)
    amount = parse_amount(amount)
    with transaction.atomic():
        partner.direct_aid = amount
        Partner.objects.filter(pk=partner.pk).update(direct_aid=amount)
        _event(
            dossier,
            actor,
            "partner_aid_saved",
            f"{partner.name} : {aid_text(amount)}",
        )
        _touch(dossier)
    return partner


def aid_text(amount):
    """« 12,5 k€ », or « sans aide directe » for 0."""
    if not amount:
        return _("sans aide directe")
    return amount_text(amount)
