"""The convention of a selected project (R57) and its tranches with their funding chain (R58):
the first two parts of the follow-up's side menu.

« Convention » (``convention``) shows what the convention says, the project's calendar, every
partner with their direct aid, a summary of the tranches and indicators, the signed copy; while
the convention is prepared its sponsor and lead, the call's managers and the CDC edit it, and
the managers or the CDC record it as signed. « Tranches et versements » (``tranches``) shows each
tranche, its conditions as a checklist, its state and the four dated steps of its funding chain.

Each form posts to its own address, which calls the service (``calls.convention``,
``calls.tranches``) and comes back to the page: with a message after a success, with the form
and its French error (and the refusal's status) otherwise. The services decide; the page only
hides what the viewer may not do. Every reader of the follow-up reads both pages
(``follow_up_view``: 404 for anyone else).
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from calls import convention as conventions
from calls import tranches as tranche_services
from calls.financing import amount_text
from calls.models import Milestone, Partner, Review, Tranche, TrancheCondition
from calls.services import CallError
from calls.views.common import DOSSIER_PREFIX as D
from calls.views.common import follow_up_render, follow_up_view
from maillage.forms import DsfrForm
from maillage.http import Refused, status_of
from maillage.uploads import protected_download

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


# --- forms --------------------------------------------------------------------------------------


def _date(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages={
            "invalid": _lazy("Saisissez une date valide (jj/mm/aaaa)."),
            "required": _lazy("Indiquez la date."),
        },
    )


def _char(label, limit, *, required=False, rows=None, help_text="", required_message=None):
    error_messages = {
        "max_length": _lazy(
            "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi "
            "%(show_value)s) : raccourcissez-le."
        )
    }
    if required_message:
        error_messages["required"] = required_message
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=widget,
        help_text=help_text,
        error_messages=error_messages,
    )


class AmountField(forms.CharField):
    """A k€ amount typed the French way (« 12,5 »), checked by ``calls.convention``."""

    def __init__(self, *args, positive=False, **kwargs):
        self.positive = positive
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return value
        try:
            amount = conventions.parse_amount(value)
        except CallError as error:
            raise forms.ValidationError(str(error)) from None
        if self.positive and amount <= 0:
            raise forms.ValidationError(_("Le montant d'une tranche est positif."))
        return amount


class ConventionForm(DsfrForm):
    funding_terms = _char(_lazy("Modalités de financement"), 10_000, rows=5)
    eligible_expenses = _char(
        _lazy("Détail des dépenses éligibles"),
        10_000,
        rows=8,
        help_text=_lazy(
            "Prérempli avec les dépenses du plan de financement, par catégorie éligible."
        ),
    )
    suspensive_conditions = _char(
        _lazy("Conditions suspensives"),
        5_000,
        rows=3,
        help_text=_lazy("Laissez vide si la convention n'en comporte pas."),
    )
    starts_on = _date(_lazy("Début du projet"))
    ends_on = _date(_lazy("Fin du projet"))
    sponsor_signatory = _char(_lazy("Signataire pour le porteur de projet"), 200)
    sponsor_signed_on = _date(_lazy("Signé par le porteur de projet le"))
    cdc_signatory = _char(_lazy("Signataire pour la Caisse des dépôts"), 200)
    cdc_signed_on = _date(_lazy("Signé par la Caisse des dépôts le"))

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and starts_on >= ends_on:
            self.add_error("ends_on", _("La fin du projet doit venir après son début."))
        return data


class UploadForm(DsfrForm):
    file = forms.FileField(
        label=_lazy("Convention signée"),
        error_messages={
            "required": _lazy("Choisissez le fichier de la convention signée."),
            "empty": _lazy("Ce fichier est vide."),
        },
    )


class DayForm(DsfrForm):
    day = _date(_lazy("Date"), required=True)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["day"].label = label


class MilestoneForm(DsfrForm):
    label = _char(_lazy("Jalon"), 200, required=True, required_message=_lazy("Nommez le jalon."))
    due_on = _date(_lazy("Date prévue"), required=True)


class AidForm(DsfrForm):
    direct_aid = AmountField(
        label=_lazy("Aide directe (k€)"),
        help_text=_lazy("0 pour un partenaire sans aide directe."),
        error_messages={"required": _lazy("Indiquez l'aide directe (0 si aucune).")},
    )


class TrancheForm(DsfrForm):
    amount = AmountField(
        label=_lazy("Montant (k€)"),
        positive=True,
        error_messages={"required": _lazy("Indiquez le montant de la tranche.")},
    )
    planned_on = _date(_lazy("Date prévue du versement"))
    conditions = _char(
        _lazy("Conditions de versement"),
        tranche_services.CONDITIONS_MAX * (tranche_services.CONDITION_MAX + 1),
        rows=4,
        help_text=_lazy("Une condition par ligne."),
    )
    review_kind = forms.ChoiceField(
        label=_lazy("Versée après la revue"),
        required=False,
        choices=[
            ("", _lazy("Aucune")),
            (Review.Kind.INTERIM, Review.Kind.INTERIM.label),
            (Review.Kind.ANNUAL, Review.Kind.ANNUAL.label),
        ],
    )
    review_year = forms.IntegerField(
        label=_lazy("Année de la revue annuelle"),
        required=False,
        min_value=tranche_services.YEAR_MIN,
        max_value=tranche_services.YEAR_MAX,
        error_messages={
            "invalid": _lazy("Saisissez une année (par exemple 2026)."),
            "min_value": _lazy("Saisissez une année à partir de %(limit_value)s."),
            "max_value": _lazy("Saisissez une année jusqu'à %(limit_value)s."),
        },
    )

    def __init__(self, *args, annual=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not annual:
            del self.fields["review_kind"]
            del self.fields["review_year"]

    def clean_conditions(self):
        labels = tranche_services.parse_conditions(self.cleaned_data.get("conditions"))
        for label in labels:
            if len(label) > tranche_services.CONDITION_MAX:
                raise forms.ValidationError(
                    _("Une condition est limitée à %(max)s caractères.")
                    % {"max": tranche_services.CONDITION_MAX}
                )
        return labels


class StepForm(DsfrForm):
    step = forms.ChoiceField(
        choices=tranche_services.STEPS,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _lazy("Cette étape n'existe pas.")},
    )
    day = _date(_lazy("Date"), required=True)
    bop = _char(_lazy("BOP du préfet"), tranche_services.BOP_MAX)

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        if step:
            self.fields["step"].initial = step
            self.fields["day"].label = tranche_services.STEP_LABELS[step]
            if step != "distributed_on":
                del self.fields["bop"]
            else:
                self.fields["bop"].required = True
                self.fields["bop"].error_messages["required"] = _(
                    "Indiquez le BOP du préfet sur lequel les crédits sont répartis."
                )


# --- the convention page ------------------------------------------------------------------------


def _convention_url(dossier):
    return reverse("calls:convention", args=[dossier.call.slug, dossier.pk])


def _tranches_url(dossier):
    return reverse("calls:tranches", args=[dossier.call.slug, dossier.pk])


def _convention_initial(convention):
    initial = {name: getattr(convention, name) for name in conventions.FIELDS}
    if not (initial["eligible_expenses"] or "").strip():
        initial["eligible_expenses"] = conventions.eligible_expenses_text(convention.dossier)
    return initial


def _tranche_rows(dossier):
    rows = []
    for tranche in dossier.tranches.prefetch_related("conditions"):
        code, label = tranche_services.state_of(tranche)
        rows.append(
            {
                "tranche": tranche,
                "amount": amount_text(tranche.amount),
                "state": code,
                "state_label": label,
                "review": tranche_services.review_label(tranche.review_kind, tranche.review_year),
                "steps": [
                    {"field": field, "label": label, "day": getattr(tranche, field)}
                    for field, label in tranche_services.STEPS
                ],
                "next_step": tranche_services.next_step(tranche),
            }
        )
    return rows


def _totals(dossier):
    total = tranche_services.total_of(dossier)
    granted = dossier.granted_amount
    return {
        "tranches_total": amount_text(total),
        "granted_text": amount_text(granted) if granted is not None else None,
        "tranches_balanced": granted is not None and total == granted,
    }


def _convention_page(request, dossier, abilities, *, status=200, refusal=None, **bound):
    """The convention page; ``bound`` forms (with their errors) replace the empty ones
    (``aid_forms`` and ``milestone_forms`` keyed by id), a ``refusal`` no form shows is said
    at the top."""
    convention = conventions.draft_of(dossier)
    editable = abilities.can_edit_convention
    record_milestones = conventions.can_record_milestones(abilities)
    milestones = list(dossier.milestones.all())
    bound_milestones = bound.get("milestone_forms", {})
    milestone_rows = []
    for milestone in milestones:
        row = {"milestone": milestone}
        if editable:
            row["form"] = bound_milestones.get(("edit", milestone.pk)) or MilestoneForm(
                prefix=f"m{milestone.pk}",
                initial={"label": milestone.label, "due_on": milestone.due_on},
            )
        if record_milestones:
            row["reached_form"] = bound_milestones.get(("reached", milestone.pk)) or DayForm(
                prefix=f"r{milestone.pk}",
                label=_("Atteint le"),
                initial={"day": milestone.done_on},
            )
        milestone_rows.append(row)
    bound_aid = bound.get("aid_forms", {})
    partners = []
    for partner in dossier.partners.order_by("name", "pk"):
        row = {"partner": partner, "aid": conventions.aid_text(partner.direct_aid)}
        if editable:
            row["form"] = bound_aid.get(partner.pk) or AidForm(
                prefix=f"aid{partner.pk}",
                initial={"direct_aid": f"{partner.direct_aid.normalize():f}".replace(".", ",")},
            )
        partners.append(row)
    shown = {}
    if editable:
        shown["form"] = bound.get("form") or ConventionForm(
            prefix="convention", initial=_convention_initial(convention)
        )
        shown["upload_form"] = bound.get("upload_form") or UploadForm(prefix="upload")
        shown["milestone_form"] = bound.get("milestone_form") or MilestoneForm(prefix="milestone")
    lift = (
        abilities.can_manage_tranches
        and convention.pk
        and convention.suspensive_conditions.strip()
        and convention.conditions_lifted_on is None
    )
    if lift:
        shown["lift_form"] = bound.get("lift_form") or DayForm(
            prefix="lift", label=_("Conditions suspensives levées le")
        )
    missing = conventions.convention_missing(dossier) if abilities.can_sign_convention else []
    if refusal and not any(name in shown for name in bound):
        messages.error(request, refusal)
    context = {
        "convention": convention,
        "editable": editable,
        "can_sign": abilities.can_sign_convention,
        "missing": missing,
        "sign_refusal": bound.get("sign_refusal"),
        "milestones": milestone_rows,
        "record_milestones": record_milestones,
        "partners": partners,
        "tranches": _tranche_rows(dossier),
        "indicators": list(dossier.indicators.all()),
        "accepted_formats": ", ".join(dossier.call.accepted_formats or []),
        **_totals(dossier),
        **shown,
    }
    return follow_up_render(
        request,
        dossier,
        abilities,
        "convention",
        "calls/follow_up/convention.html",
        context,
        status=status,
    )


def _done(request, url, message):
    messages.success(request, message)
    return redirect(url)


def _reload(dossier):
    dossier.refresh_from_db()
    return dossier


def _refused(request, dossier, abilities, name, form, error, field=None):
    message = str(error)
    form.add_error(field, message)
    return _convention_page(
        request,
        _reload(dossier),
        abilities,
        status=status_of(error),
        refusal=message,
        **{name: form},
    )


@follow_up_view("GET", "HEAD", "POST")
def convention(request, dossier, abilities):
    """GET: the page; POST: save what the convention says."""
    if request.method != "POST":
        return _convention_page(request, dossier, abilities)
    form = ConventionForm(request.POST, prefix="convention")
    if not abilities.can_edit_convention:
        return _refused(
            request,
            dossier,
            abilities,
            "form",
            form,
            CallError(_("Vous ne pouvez pas modifier cette convention."), "forbidden"),
        )
    if not form.is_valid():
        return _convention_page(request, dossier, abilities, status=400, form=form)
    try:
        conventions.convention_save(actor=request.user, dossier=dossier, **form.cleaned_data)
    except Refused as error:
        return _refused(request, dossier, abilities, "form", form, error)
    return _done(request, _convention_url(dossier), _("La convention est enregistrée."))


@follow_up_view("POST")
def convention_upload(request, dossier, abilities):
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if not form.is_valid():
        return _convention_page(request, dossier, abilities, status=400, upload_form=form)
    try:
        conventions.convention_file_upload(
            actor=request.user, dossier=dossier, upload=form.cleaned_data["file"]
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "upload_form", form, error, "file")
    return _done(request, _convention_url(dossier), _("La convention signée est déposée."))


@follow_up_view("GET", "HEAD")
def convention_file(request, dossier, abilities):
    """The signed copy, for the readers of the follow-up (404 when there is none)."""
    convention = conventions.convention_of(dossier)
    if convention is None or not convention.signed_file:
        raise Http404
    return protected_download(
        convention.signed_file,
        name=convention.signed_file_name,
        content_type=convention.signed_file_type,
    )


@follow_up_view("POST")
def convention_sign(request, dossier, abilities):
    try:
        conventions.convention_sign(actor=request.user, dossier=dossier)
    except Refused as error:
        return _convention_page(
            request,
            _reload(dossier),
            abilities,
            status=status_of(error),
            sign_refusal=str(error),
        )
    return _done(
        request,
        _convention_url(dossier),
        _("La convention signée est enregistrée : le projet est en cours."),
    )


@follow_up_view("POST")
def convention_lift(request, dossier, abilities):
    form = DayForm(request.POST, prefix="lift", label=_("Conditions suspensives levées le"))
    if not form.is_valid():
        return _convention_page(request, dossier, abilities, status=400, lift_form=form)
    try:
        conventions.conditions_lift(
            actor=request.user, dossier=dossier, day=form.cleaned_data["day"]
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "lift_form", form, error, "day")
    return _done(
        request, _convention_url(dossier), _("La levée des conditions suspensives est enregistrée.")
    )


@follow_up_view("POST")
def milestone_add(request, dossier, abilities):
    form = MilestoneForm(request.POST, prefix="milestone")
    if not form.is_valid():
        return _convention_page(request, dossier, abilities, status=400, milestone_form=form)
    try:
        conventions.milestone_save(actor=request.user, dossier=dossier, **form.cleaned_data)
    except Refused as error:
        return _refused(request, dossier, abilities, "milestone_form", form, error)
    return _done(request, _convention_url(dossier), _("Le jalon est ajouté au calendrier."))


def _milestone(dossier, milestone_id):
    return get_object_or_404(Milestone, pk=milestone_id, dossier=dossier)


def _milestone_refused(request, dossier, abilities, key, form, error):
    form.add_error(None, str(error))
    return _convention_page(
        request,
        _reload(dossier),
        abilities,
        status=status_of(error),
        refusal=str(error),
        milestone_forms={key: form},
    )


@follow_up_view("POST")
def milestone_edit(request, dossier, abilities, milestone_id):
    milestone = _milestone(dossier, milestone_id)
    form = MilestoneForm(request.POST, prefix=f"m{milestone.pk}")
    key = ("edit", milestone.pk)
    if not form.is_valid():
        return _convention_page(
            request, dossier, abilities, status=400, milestone_forms={key: form}
        )
    try:
        conventions.milestone_save(
            actor=request.user, dossier=dossier, milestone=milestone, **form.cleaned_data
        )
    except Refused as error:
        return _milestone_refused(request, dossier, abilities, key, form, error)
    return _done(request, _convention_url(dossier), _("Le jalon est modifié."))


@follow_up_view("POST")
def milestone_delete(request, dossier, abilities, milestone_id):
    milestone = _milestone(dossier, milestone_id)
    try:
        conventions.milestone_delete(actor=request.user, milestone=milestone)
    except Refused as error:
        return _convention_page(
            request, _reload(dossier), abilities, status=status_of(error), refusal=str(error)
        )
    return _done(request, _convention_url(dossier), _("Le jalon est retiré du calendrier."))


@follow_up_view("POST")
def milestone_reached(request, dossier, abilities, milestone_id):
    milestone = _milestone(dossier, milestone_id)
    form = DayForm(request.POST, prefix=f"r{milestone.pk}", label=_("Atteint le"))
    key = ("reached", milestone.pk)
    if not form.is_valid():
        return _convention_page(
            request, dossier, abilities, status=400, milestone_forms={key: form}
        )
    try:
        conventions.milestone_reached(
            actor=request.user, milestone=milestone, day=form.cleaned_data["day"]
        )
    except Refused as error:
        return _milestone_refused(request, dossier, abilities, key, form, error)
    return _done(request, _convention_url(dossier), _("La date du jalon atteint est enregistrée."))


@follow_up_view("POST")
def partner_aid(request, dossier, abilities, partner_id):
    partner = get_object_or_404(Partner, pk=partner_id, dossier=dossier)
    form = AidForm(request.POST, prefix=f"aid{partner.pk}")
    if not form.is_valid():
        return _convention_page(
            request, dossier, abilities, status=400, aid_forms={partner.pk: form}
        )
    try:
        conventions.partner_aid_save(
            actor=request.user, partner=partner, amount=form.cleaned_data["direct_aid"]
        )
    except Refused as error:
        form.add_error("direct_aid", str(error))
        return _convention_page(
            request,
            _reload(dossier),
            abilities,
            status=status_of(error),
            refusal=str(error),
            aid_forms={partner.pk: form},
        )
    return _done(
        request,
        _convention_url(dossier),
        _("L'aide directe de « %(partner)s » est enregistrée.") % {"partner": partner.name},
    )


# --- the tranches page --------------------------------------------------------------------------


def _tranche_form(dossier, *args, **kwargs):
    return TrancheForm(*args, annual=tranche_services.is_annual(dossier.call), **kwargs)


def _tranches_page(request, dossier, abilities, *, status=200, refusal=None, **bound):
    rows = _tranche_rows(dossier)
    bound_steps = bound.get("step_forms", {})
    manage = abilities.can_manage_tranches
    for row in rows:
        tranche = row["tranche"]
        row["conditions"] = list(tranche.conditions.all())
        if manage and tranche.payable_at is None:
            row["blockers"] = tranche_services.payable_blockers(tranche)
        if manage and row["next_step"]:
            row["step_form"] = bound_steps.get(tranche.pk) or StepForm(
                prefix=f"s{tranche.pk}", step=row["next_step"]
            )
    shown = {}
    if abilities.can_edit_convention:
        shown["tranche_form"] = bound.get("tranche_form") or _tranche_form(
            dossier, prefix="tranche"
        )
    if refusal and not any(name in shown for name in bound) and "step_forms" not in bound:
        messages.error(request, refusal)
    convention = conventions.convention_of(dossier)
    context = {
        "tranches": rows,
        "editable": abilities.can_edit_convention,
        "manage": manage,
        "convention": convention,
        "annual": tranche_services.is_annual(dossier.call),
        "steps": tranche_services.STEPS,
        **_totals(dossier),
        **shown,
    }
    return follow_up_render(
        request,
        dossier,
        abilities,
        "tranches",
        "calls/follow_up/tranches.html",
        context,
        status=status,
    )


def _tranche(dossier, tranche_id):
    return get_object_or_404(Tranche, pk=tranche_id, dossier=dossier)


def _tranche_fields(data):
    fields = {
        "amount": data["amount"],
        "planned_on": data.get("planned_on"),
        "conditions": data.get("conditions") or [],
    }
    if "review_kind" in data:
        fields["review_kind"] = data.get("review_kind") or ""
        fields["review_year"] = data.get("review_year") or 0
    return fields


@follow_up_view("GET", "HEAD")
def tranches(request, dossier, abilities):
    return _tranches_page(request, dossier, abilities)


@follow_up_view("POST")
def tranche_add(request, dossier, abilities):
    form = _tranche_form(dossier, request.POST, prefix="tranche")
    if not form.is_valid():
        return _tranches_page(request, dossier, abilities, status=400, tranche_form=form)
    try:
        tranche = tranche_services.tranche_save(
            actor=request.user, dossier=dossier, **_tranche_fields(form.cleaned_data)
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _tranches_page(
            request,
            _reload(dossier),
            abilities,
            status=status_of(error),
            refusal=str(error),
            tranche_form=form,
        )
    return _done(
        request,
        _tranches_url(dossier),
        _("La tranche %(number)s est ajoutée.") % {"number": tranche.number},
    )


def _tranche_edit_page(request, dossier, abilities, tranche, form, *, status=200):
    return follow_up_render(
        request,
        dossier,
        abilities,
        "tranches",
        "calls/follow_up/tranches_edit.html",
        {"tranche": tranche, "tranche_form": form},
        status=status,
    )


@follow_up_view("GET", "HEAD", "POST")
def tranche_edit(request, dossier, abilities, tranche_id):
    """A tranche's amount, planned date, conditions (and review), while the convention is
    prepared."""
    tranche = _tranche(dossier, tranche_id)
    if not abilities.can_edit_convention:
        return _tranches_page(
            request,
            dossier,
            abilities,
            status=403,
            refusal=_(
                "Les tranches se définissent tant que la convention est en préparation, par le "
                "porteur du projet, les gestionnaires de l'appel et la Caisse des dépôts."
            ),
        )
    if request.method != "POST":
        form = _tranche_form(
            dossier,
            prefix="tranche",
            initial={
                "amount": f"{tranche.amount.normalize():f}".replace(".", ","),
                "planned_on": tranche.planned_on,
                "conditions": "\n".join(c.label for c in tranche.conditions.all()),
                "review_kind": tranche.review_kind,
                "review_year": tranche.review_year or None,
            },
        )
        return _tranche_edit_page(request, dossier, abilities, tranche, form)
    form = _tranche_form(dossier, request.POST, prefix="tranche")
    if not form.is_valid():
        return _tranche_edit_page(request, dossier, abilities, tranche, form, status=400)
    try:
        tranche_services.tranche_save(
            actor=request.user,
            dossier=dossier,
            tranche=tranche,
            **_tranche_fields(form.cleaned_data),
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _tranche_edit_page(
            request, dossier, abilities, tranche, form, status=status_of(error)
        )
    return _done(
        request,
        _tranches_url(dossier),
        _("La tranche %(number)s est modifiée.") % {"number": tranche.number},
    )


def _tranche_action(request, dossier, abilities, func, success, **kwargs):
    try:
        func(actor=request.user, **kwargs)
    except Refused as error:
        return _tranches_page(
            request, _reload(dossier), abilities, status=status_of(error), refusal=str(error)
        )
    return _done(request, _tranches_url(dossier), success)


@follow_up_view("POST")
def tranche_delete(request, dossier, abilities, tranche_id):
    tranche = _tranche(dossier, tranche_id)
    return _tranche_action(
        request,
        dossier,
        abilities,
        tranche_services.tranche_delete,
        _("La tranche est retirée."),
        tranche=tranche,
    )


@follow_up_view("POST")
def tranche_condition(request, dossier, abilities, condition_id):
    condition = get_object_or_404(TrancheCondition, pk=condition_id, tranche__dossier=dossier)
    return _tranche_action(
        request,
        dossier,
        abilities,
        tranche_services.tranche_condition_meet,
        _("La condition « %(label)s » est cochée.") % {"label": condition.label},
        condition=condition,
    )


@follow_up_view("POST")
def tranche_payable(request, dossier, abilities, tranche_id):
    tranche = _tranche(dossier, tranche_id)
    return _tranche_action(
        request,
        dossier,
        abilities,
        tranche_services.tranche_make_payable,
        _("La tranche %(number)s est payable.") % {"number": tranche.number},
        tranche=tranche,
    )


@follow_up_view("POST")
def tranche_step(request, dossier, abilities, tranche_id):
    tranche = _tranche(dossier, tranche_id)
    step = request.POST.get(f"s{tranche.pk}-step")
    form = StepForm(
        request.POST,
        prefix=f"s{tranche.pk}",
        step=step if step in tranche_services.STEP_LABELS else None,
    )
    if not form.is_valid():
        if "step" in form.errors:
            form.add_error(None, form.errors["step"][0])
        return _tranches_page(
            request,
            dossier,
            abilities,
            status=400,
            refusal=" ".join(m for ms in form.errors.values() for m in ms),
            step_forms={tranche.pk: form},
        )
    data = form.cleaned_data
    try:
        tranche_services.tranche_step_record(
            actor=request.user,
            tranche=tranche,
            step=data["step"],
            day=data["day"],
            bop=data.get("bop", ""),
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _tranches_page(
            request,
            _reload(dossier),
            abilities,
            status=status_of(error),
            refusal=str(error),
            step_forms={tranche.pk: form},
        )
    return _done(
        request,
        _tranches_url(dossier),
        _("« %(step)s » est daté pour la tranche %(number)s.")
        % {"step": tranche_services.STEP_LABELS[data["step"]], "number": tranche.number},
    )


urlpatterns = [
    path(D + "convention/", convention, name="convention"),
    path(D + "convention/fichier/", convention_file, name="convention_file"),
    path(D + "convention/fichier/deposer/", convention_upload, name="convention_upload"),
    path(D + "convention/signer/", convention_sign, name="convention_sign"),
    path(D + "convention/conditions-levees/", convention_lift, name="convention_lift"),
    path(D + "convention/jalons/", milestone_add, name="milestone_add"),
    path(D + "convention/jalons/<int:milestone_id>/", milestone_edit, name="milestone_edit"),
    path(
        D + "convention/jalons/<int:milestone_id>/supprimer/",
        milestone_delete,
        name="milestone_delete",
    ),
    path(
        D + "convention/jalons/<int:milestone_id>/atteint/",
        milestone_reached,
        name="milestone_reached",
    ),
    path(D + "convention/partenaires/<int:partner_id>/aide/", partner_aid, name="partner_aid"),
    path(D + "tranches/", tranches, name="tranches"),
    path(D + "tranches/ajouter/", tranche_add, name="tranche_add"),
    path(D + "tranches/<int:tranche_id>/", tranche_edit, name="tranche_edit"),
    path(D + "tranches/<int:tranche_id>/supprimer/", tranche_delete, name="tranche_delete"),
    path(D + "tranches/<int:tranche_id>/payable/", tranche_payable, name="tranche_payable"),
    path(D + "tranches/<int:tranche_id>/etape/", tranche_step, name="tranche_step"),
    path(
        D + "tranches/conditions/<int:condition_id>/",
        tranche_condition,
        name="tranche_condition",
    ),
]
