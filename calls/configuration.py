"""A call created and configured by its managers (R36, spec §7.1: « configured, never
hard-coded »): a new call built from a template with its waves shifted to its first closing day,
its settings (caps, formats, sizes, deposit place, contacts) and its waves (deadline at 17:00
Paris time by default, selection date, share of the envelope).

Who creates a call: the platform administrators (national or regional), and the SGAR officers a
regional call of their own region. Who configures one: its managers
(``calls.permissions.manages``). Every refusal is a ``CallError`` with a French message; a
refusal about the values typed is a ``ConfigurationError`` that also says which field is wrong
(``errors``: {field: [messages]}) so that the page puts it beside the field.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls import deadlines
from calls.models import DEFAULT_FORMATS, TITLE_MAX, Call, Dossier, Wave
from calls.permissions import manages
from calls.services import CallError, scored_criteria
from calls.template import KIND_TEMPLATES, TEMPLATES, call_from_template, replace_contents
from directory.models import Region
from directory.roles import principal

# The French names of the templates a call may be built from (keys of ``calls.template``'s
# ``TEMPLATES``; a template without a label here is shown by its key).
TEMPLATE_LABELS = {
    "communautes-2016": gettext_lazy(
        "Communautés professionnelles territoriales (appel de 2016 : ses pièces, sa grille, "
        "ses deux vagues)"
    ),
    "laboratoires-2016": gettext_lazy(
        "Laboratoires d'innovations territoriales (appel de 2016 : ses pièces, ses cinq "
        "critères, une seule date de dépôt, l'audition des candidats présélectionnés, le suivi "
        "annuel)"
    ),
}

# The fields of a call its managers edit on the settings page.
CONFIGURABLE = (
    "title",
    "summary",
    "category",
    "envelope",
    "max_total_cost",
    "max_requested",
    "derogation_share",
    "accepted_formats",
    "max_dossier_bytes",
    "scale_max",
    "deposit",
    "deposit_url",
    "contacts",
    # How the call runs after the deposit and the decision (R61, R9).
    "audition",
    "single_deadline",
    "multi_year_plan",
    "follow_up",
    "interim_review_months",
    "retention_months",
)
SLUG_MAX = 100


class ConfigurationError(CallError):
    """A refusal of the values typed: ``errors`` maps each wrong field to its French
    messages (``"__all__"`` for the form as a whole)."""

    def __init__(self, errors, code="invalid"):
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__(" ".join(m for ms in self.errors.values() for m in ms), code)


def _refuse(field, message):
    raise ConfigurationError({field: [message]})


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise CallError(message, code)


def template_choices():
    """``[(name, French label)]`` of the templates a call may be built from."""
    return [(name, str(TEMPLATE_LABELS.get(name, name))) for name in TEMPLATES]


# --- creating a call ----------------------------------------------------------------------------


def can_create_call(agent):
    """Platform administrators (any call) and SGAR officers (a regional call of their
    region)."""
    who = principal(agent)
    if not who.signed_in or who.is_external or getattr(agent, "is_closed", False):
        return False
    return who.is_platform_admin or who.sgar_region_id is not None


def creatable_regions(agent):
    """The regions ``agent`` may create a regional call for."""
    who = principal(agent)
    if who.is_platform_admin:
        return Region.objects.order_by("name")
    if can_create_call(agent):
        return Region.objects.filter(pk=who.sgar_region_id)
    return Region.objects.none()


def creatable_scopes(agent):
    """The scopes ``agent`` may create: both for an administrator, regional for an SGAR."""
    if principal(agent).is_platform_admin:
        return [Call.Scope.NATIONAL, Call.Scope.REGIONAL]
    if can_create_call(agent):
        return [Call.Scope.REGIONAL]
    return []


# The addresses under /appels/ that are not calls (``calls.urls``' public patterns, ``nouveau``).
RESERVED_SLUGS = {"nouveau", "projets", "innovateurs", "retours-d-experience", "suivi"}


def unique_slug(title):
    """A slug from ``title`` that no call has yet, nor any other page under /appels/ (« -2 »,
    « -3 »… when taken)."""
    base = slugify(title)[:SLUG_MAX].strip("-") or "appel"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Call.objects.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return slug


def call_create(*, actor, template, title, scope, region=None, first_closing, now=None):
    """A new, unpublished call built from ``template`` (a key of ``calls.template.TEMPLATES``)
    with its themes, pieces and grid, its waves shifted so that the first closes on
    ``first_closing`` (a date, at the template's 17:00 Paris time), then its ``scope`` and
    ``region`` set. Returns the call."""
    now = now or timezone.now()
    _check(can_create_call(actor), _("Seuls les administrateurs et les SGAR créent un appel."))
    who = principal(actor)
    errors = {}
    if template not in TEMPLATES:
        errors["template"] = [_("Choisissez un modèle d'appel.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Donnez un titre à l'appel.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Le titre compte au plus %(max)s caractères.") % {"max": TITLE_MAX}]
    if scope not in Call.Scope.values:
        errors["scope"] = [_("Choisissez la portée de l'appel.")]
    elif scope == Call.Scope.NATIONAL:
        if region is not None:
            errors["region"] = [_("Un appel national n'a pas de région.")]
        elif not who.is_platform_admin:
            errors["scope"] = [_("Un SGAR crée un appel régional de sa région.")]
    elif region is None:
        errors["region"] = [_("Un appel régional a une région : choisissez-la.")]
    elif not who.is_platform_admin and region.pk != who.sgar_region_id:
        raise CallError(_("Un SGAR ne crée un appel que pour sa région."), "forbidden")
    if first_closing is None:
        errors["first_closing"] = [_("Indiquez la date de clôture de la première vague.")]
    elif deadlines.deadline_at(first_closing) <= now:
        errors["first_closing"] = [
            _("La clôture de la première vague doit être à venir (17 h 00, heure de Paris).")
        ]
    if errors:
        raise ConfigurationError(errors)
    try:
        with transaction.atomic():
            call = call_from_template(
                template,
                title=title,
                slug=unique_slug(title),
                shift_to=first_closing,
                created_by=actor,
            )
            call.scope = scope
            call.region = region if scope == Call.Scope.REGIONAL else None
            _clean(call)
            call.save(update_fields=["scope", "region"])
    except (ValueError, IntegrityError) as error:
        raise CallError(_("L'appel n'a pas pu être créé : %(error)s") % {"error": error}) from None
    return call


# --- the call's settings ------------------------------------------------------------------------


def _clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ConfigurationError(error.message_dict) from None


# Settings a running call's dossiers depend on: the financing plan's form once a dossier is
# deposited, the follow-up of its projects once one is selected.
FROZEN_ONCE = ("multi_year_plan", "follow_up", "interim_review_months")


def _frozen_settings(call, stored):
    """The errors of a change to a setting the call's dossiers already depend on."""
    from calls.permissions import FOLLOWED

    errors = {}
    changed = {
        name for name in FROZEN_ONCE if name in stored and getattr(call, name) != stored[name]
    }
    if not changed:
        return errors
    if "multi_year_plan" in changed and call.dossiers.exclude(state=Dossier.State.DRAFT).exists():
        errors["multi_year_plan"] = [
            _(
                "Des dossiers sont déjà déposés avec leur plan de financement : sa forme ne "
                "change plus."
            )
        ]
    follow_up = changed & {"follow_up", "interim_review_months"}
    if follow_up and call.dossiers.filter(state__in=FOLLOWED).exists():
        for name in follow_up:
            errors[name] = [
                _(
                    "Des projets lauréats de cet appel sont en suivi : leur mode de suivi ne "
                    "change plus."
                )
            ]
    return errors


def call_configure(*, actor, call, **fields):
    """Write the call's settings (``CONFIGURABLE``; others are refused): ``accepted_formats``
    among ``calls.models.DEFAULT_FORMATS``, ``max_dossier_bytes`` in bytes, a ``deposit_url``
    when the deposit is « elsewhere », the financing asked at most the total cost. Returns the
    call."""
    _check(manages(actor, call), _("Seuls les gestionnaires de l'appel le configurent."))
    unknown = set(fields) - set(CONFIGURABLE)
    _check(not unknown, _("Ces champs ne se configurent pas ici."), "invalid")
    errors = {}
    stored = Call.objects.filter(pk=call.pk).values(*FROZEN_ONCE).first() or {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(call, name, value)
    errors.update(_frozen_settings(call, stored))
    if not call.title:
        errors["title"] = [_("Donnez un titre à l'appel.")]
    formats = call.accepted_formats
    if not isinstance(formats, list) or not formats:
        errors["accepted_formats"] = [_("Acceptez au moins un format de fichier.")]
    elif any(fmt not in DEFAULT_FORMATS for fmt in formats):
        errors["accepted_formats"] = [
            _("Les formats acceptés sont à choisir parmi : %(formats)s.")
            % {"formats": ", ".join(DEFAULT_FORMATS)}
        ]
    else:
        # Kept in the order of the list, once each.
        call.accepted_formats = [fmt for fmt in DEFAULT_FORMATS if fmt in formats]
    if not isinstance(call.max_dossier_bytes, int) or call.max_dossier_bytes < 1:
        errors["max_dossier_bytes"] = [_("La taille maximale doit être positive.")]
    if call.deposit == Call.Deposit.ELSEWHERE and not call.deposit_url:
        errors["deposit_url"] = [_("Indiquez l'adresse du site où les dossiers sont déposés.")]
    for name in ("envelope", "max_total_cost", "max_requested"):
        value = getattr(call, name)
        if isinstance(value, Decimal) and value < 0:
            errors[name] = [_("Le montant ne peut pas être négatif.")]
    if (
        isinstance(call.max_requested, Decimal)
        and isinstance(call.max_total_cost, Decimal)
        and call.max_requested > call.max_total_cost
        and "max_requested" not in errors
    ):
        errors["max_requested"] = [
            _("Le financement demandé maximal ne peut dépasser le coût total maximal.")
        ]
    waves = call.waves.count()
    if call.single_deadline is True and waves > 1:
        errors["single_deadline"] = [
            _(
                "L'appel a %(count)s vagues : supprimez celles de trop avant de n'en garder "
                "qu'une seule date de dépôt."
            )
            % {"count": waves}
        ]
    if call.follow_up not in Call.FollowUp.values:
        errors["follow_up"] = [_("Choisissez le mode de suivi des projets.")]
    for name, high in (("interim_review_months", 60), ("retention_months", 120)):
        value = getattr(call, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            errors[name] = [_("Indiquez un nombre de mois entre 1 et %(high)s.") % {"high": high}]
    if call.audition is False and call.dossiers.filter(state=Dossier.State.AUDITION).exists():
        errors["audition"] = [
            _(
                "Des candidats sont présélectionnés pour l'audition : l'audition ne peut plus "
                "être retirée de cet appel."
            )
        ]
    try:
        call.full_clean(exclude=["created_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        call.refresh_from_db()
        raise ConfigurationError(errors)
    call.save()
    return call


def kind_choices():
    """``[(kind, French label)]`` of the types a call may be switched to (those with a
    template)."""
    return [(kind.value, kind.label) for kind in Call.Kind if kind in KIND_TEMPLATES]


def call_switch_kind(*, actor, call, kind):
    """Switch an unpublished call without a dossier to the type ``kind`` (a ``Call.Kind``
    value): its pieces, themes, evaluation grid and follow-up settings (audition, single
    deadline, multi-year plan, follow-up, interim review) become those of the kind's template
    (``calls.template.KIND_TEMPLATES``); with a single deadline only its first wave stays, with
    the whole envelope. Its title, summary, caps and formats stay. Returns ``(call, removed)``,
    ``removed`` the number of waves deleted."""
    _check(manages(actor, call), _("Seuls les gestionnaires de l'appel le configurent."))
    if kind not in KIND_TEMPLATES:
        raise ConfigurationError({"kind": [_("Choisissez un type d'appel de la liste.")]})
    _check(
        not call.is_published,
        _("L'appel est publié : son type ne peut plus changer."),
        "conflict",
    )
    _check(
        not call.dossiers.exists(),
        _("Des dossiers sont ouverts sur cet appel : son type ne peut plus changer."),
        "conflict",
    )
    try:
        with transaction.atomic():
            locked = Call.objects.select_for_update().get(pk=call.pk)
            _check(
                not locked.is_published and not locked.dossiers.exists(),
                _("L'appel est publié ou a des dossiers : son type ne peut plus changer."),
                "conflict",
            )
            removed = replace_contents(call, KIND_TEMPLATES[kind])
    except ValueError as error:
        raise CallError(
            _("Le type de l'appel n'a pas pu changer : %(error)s") % {"error": error}
        ) from None
    return call, removed


# --- waves --------------------------------------------------------------------------------------


def shares_total(call):
    """The sum of the shares of the envelope of ``call``'s waves, in %."""
    return call.waves.aggregate(total=Sum("envelope_share"))["total"] or 0


def shares_warning(call):
    """The French warning while the shares of the waves do not add up to 100 % (the call
    should not be published so), or ""."""
    total = shares_total(call)
    if total == 100:
        return ""
    return _(
        "Les parts de l'enveloppe des vagues font %(total)s %%, et non 100 %% : corrigez-les "
        "avant de publier l'appel."
    ) % {"total": total}


def _has_deposited(wave):
    return wave.dossiers.exclude(state=Dossier.State.DRAFT).exists()


def wave_save(
    *,
    actor,
    call,
    wave=None,
    deadline_day,
    hour=deadlines.DEADLINE_HOUR,
    selection_date=None,
    envelope_share,
    now=None,
):
    """Add a wave to ``call`` (``wave`` None: numbered after the last) or change ``wave``.
    Its deadline is ``hour``:00 Paris time on ``deadline_day``; a new deadline must be ahead,
    after the previous wave's and before the next one's; a wave with deposited dossiers may only
    be extended. Returns the wave."""
    now = now or timezone.now()
    _check(manages(actor, call), _("Seuls les gestionnaires de l'appel fixent ses vagues."))
    _check(wave is None or wave.call_id == call.pk, _("Cette vague n'est pas de cet appel."))
    if wave is None and call.single_deadline and call.waves.exists():
        raise ConfigurationError(
            {
                "__all__": [
                    _(
                        "Cet appel n'a qu'une seule date de dépôt : modifiez sa vague plutôt "
                        "que d'en ajouter une seconde."
                    )
                ]
            },
            "conflict",
        )
    errors = {}
    deadline = None
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        errors["hour"] = [_("L'heure de clôture est un nombre entre 0 et 23.")]
    if deadline_day is None:
        errors["deadline_day"] = [_("Indiquez le jour de clôture.")]
    elif "hour" not in errors:
        deadline = deadlines.deadline_at(deadline_day, hour)
    if (
        isinstance(envelope_share, bool)
        or not isinstance(envelope_share, int)
        or not 0 <= envelope_share <= 100
    ):
        errors["envelope_share"] = [_("La part de l'enveloppe est entre 0 et 100 %.")]
    if deadline is not None:
        changed = wave is None or deadline != wave.deadline
        if changed and deadline <= now:
            errors["deadline_day"] = [
                _("Cette clôture est déjà passée : choisissez une date à venir.")
            ]
        elif wave is not None and deadline < wave.deadline and _has_deposited(wave):
            errors["deadline_day"] = [
                _(
                    "Des dossiers sont déjà déposés sur cette vague : sa clôture peut être "
                    "reportée, jamais avancée."
                )
            ]
        else:
            others = call.waves.exclude(pk=wave.pk) if wave is not None else call.waves.all()
            number = wave.number if wave is not None else None
            before = others.filter(number__lt=number) if number else others
            after = others.filter(number__gt=number) if number else others.none()
            previous = before.order_by("-number").first()
            following = after.order_by("number").first()
            if previous is not None and deadline <= previous.deadline:
                errors["deadline_day"] = [
                    _("La clôture doit suivre celle de la vague %(number)s (%(when)s).")
                    % {
                        "number": previous.number,
                        "when": deadlines.french_datetime(previous.deadline),
                    }
                ]
            elif following is not None and deadline >= following.deadline:
                errors["deadline_day"] = [
                    _("La clôture doit précéder celle de la vague %(number)s (%(when)s).")
                    % {
                        "number": following.number,
                        "when": deadlines.french_datetime(following.deadline),
                    }
                ]
        if selection_date is not None and selection_date < deadline_day:
            errors["selection_date"] = [
                _("La date de sélection ne peut précéder la clôture des dépôts.")
            ]
    if errors:
        raise ConfigurationError(errors)
    with transaction.atomic():
        if wave is None:
            last = call.waves.aggregate(last=Max("number"))["last"] or 0
            wave = Wave(call=call, number=last + 1)
        wave.deadline = deadline
        wave.selection_date = selection_date
        wave.envelope_share = envelope_share
        _clean(wave)
        wave.save()
    return wave


def wave_delete(*, actor, wave):
    """Delete a wave without dossiers; the following waves take the numbers after it."""
    call = wave.call
    _check(manages(actor, call), _("Seuls les gestionnaires de l'appel fixent ses vagues."))
    _check(
        not wave.dossiers.exists(),
        _("La vague %(number)s a des dossiers : elle ne peut pas être supprimée.")
        % {"number": wave.number},
        "invalid",
    )
    with transaction.atomic():
        number = wave.number
        wave.delete()
        for later in call.waves.filter(number__gt=number).order_by("number"):
            later.number -= 1
            later.save(update_fields=["number"])


def grid_weights(*, actor, call, weights):
    """The weights of the criteria the experts score (§7.5: equal by default, per call):
    ``weights`` is ``{criterion id: Decimal}``, each from 0 to 100, not all 0. Refused once an
    evaluation of the call was submitted: the means already read would change."""
    if not manages(actor, call):
        raise CallError(_("Seuls les gestionnaires de l'appel le configurent."), "forbidden")
    criteria = {criterion.pk: criterion for criterion in scored_criteria(call)}
    if set(weights) - set(criteria):
        raise CallError(_("Ce critère n'est pas celui de l'appel."), "not_found")
    if call.dossiers.filter(assignments__submitted_at__isnull=False).exists():
        raise CallError(
            _("Des experts ont déjà évalué des dossiers de cet appel : la grille ne change plus."),
            "invalid",
        )
    errors = {}
    for pk, weight in weights.items():
        if weight is None or not Decimal("0") <= weight <= Decimal("100"):
            errors[f"weight_{pk}"] = [_("Un poids va de 0 à 100.")]
    if errors:
        raise ConfigurationError(errors)
    if weights and not any(weights.values()):
        raise CallError(_("Au moins un critère doit peser plus que 0."), "invalid")
    with transaction.atomic():
        for pk, weight in weights.items():
            criterion = criteria[pk]
            criterion.weight = weight
            criterion.save(update_fields=["weight"])
    return [criteria[pk] for pk in criteria]
