"""The project's indicators (R59), a part of its follow-up: a table per indicator (its baseline,
its target at each milestone, each due date with its value, those late flagged « en retard »,
those reviewed with the reviewer's opinion), the forms of what the viewer may do (define or
change an indicator, enter a value, review one), and the exports of the project's indicators and
of every project of a call (CSV or ODS).

The services (``calls.indicators``) decide; the pages only hide what the viewer may not do. A
refused form comes back with its French message (and the refusal's status); an indicator or a
value of another dossier is a 404.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from calls import indicators as service
from calls.models import CallRole, Indicator, IndicatorValue, Milestone
from calls.permissions import FOLLOWED, dossier_abilities, dossiers_readable_by
from calls.views.common import CALL_PREFIX as C
from calls.views.common import DOSSIER_PREFIX as D
from calls.views.common import call_for, follow_up_render, follow_up_view
from maillage import tables
from maillage.forms import DsfrForm
from maillage.http import Refused, status_of

PART = "indicators"
TEMPLATE = "calls/follow_up/indicators.html"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
NUMBER_ERROR = _lazy("Saisissez un nombre (par exemple 12 ou 12,5).")


def _number_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        error_messages={
            "invalid": NUMBER_ERROR,
            "required": _lazy("Indiquez une valeur."),
            "max_digits": _lazy("Ce nombre est trop grand."),
            "max_whole_digits": _lazy("Ce nombre est trop grand."),
            "max_decimal_places": _lazy("Deux décimales au plus."),
        },
    )


def _comment_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=service.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _lazy(
                "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi "
                "%(show_value)s) : raccourcissez-le."
            )
        },
    )


class IndicatorForm(DsfrForm):
    label = forms.CharField(
        label=_lazy("Indicateur"),
        max_length=service.LABEL_LIMIT,
        error_messages={
            "required": _lazy("Donnez un libellé à l'indicateur."),
            "max_length": _lazy("Le libellé est limité à %(limit_value)s caractères."),
        },
    )
    unit = forms.CharField(
        label=_lazy("Unité"),
        required=False,
        max_length=service.UNIT_LIMIT,
        help_text=_lazy("Par exemple : agents, %, jours."),
        error_messages={"max_length": _lazy("L'unité est limitée à %(limit_value)s caractères.")},
    )
    baseline = _number_field(
        _lazy("Valeur de référence"), help_text=_lazy("La valeur au début du projet.")
    )
    frequency_months = forms.TypedChoiceField(
        label=_lazy("Fréquence de saisie"),
        choices=Indicator.Frequency.choices,
        coerce=int,
        initial=Indicator.Frequency.QUARTERLY,
        error_messages={
            "required": _lazy("Choisissez la fréquence."),
            "invalid_choice": _lazy("Cette fréquence n'existe pas."),
        },
    )
    first_due_on = forms.DateField(
        label=_lazy("Première échéance"),
        input_formats=DATE_FORMATS,
        help_text=_lazy("Les suivantes viennent à la fréquence choisie, jusqu'à la fin du projet."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _lazy("Saisissez une date qui existe, au format jj/mm/aaaa."),
            "required": _lazy("Indiquez la date de la première échéance."),
        },
    )

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        for milestone in milestones:
            self.fields[f"target_{milestone.pk}"] = _number_field(
                _("Cible au jalon « %(milestone)s » (%(date)s)")
                % {"milestone": milestone.label, "date": milestone.due_on.strftime("%d/%m/%Y")},
                required=False,
                help_text=_("Facultatif."),
            )

    def targets(self):
        return {
            milestone.pk: self.cleaned_data.get(f"target_{milestone.pk}")
            for milestone in self.milestones
        }


class ValueForm(DsfrForm):
    due_on = forms.ChoiceField(
        label=_lazy("Échéance"),
        error_messages={
            "required": _lazy("Choisissez l'échéance."),
            "invalid_choice": _lazy("Cette date n'est pas une échéance ouverte de l'indicateur."),
        },
    )
    value = _number_field(_lazy("Valeur"))
    comment = _comment_field(_lazy("Commentaire"))

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].choices = [
            (day.isoformat(), day.strftime("%d/%m/%Y")) for day in dates
        ]


class ReviewForm(DsfrForm):
    comment = _comment_field(_lazy("Avis sur la valeur"))


# --- the page -----------------------------------------------------------------------------------


def _page_url(dossier):
    return reverse("calls:indicators", args=[dossier.call.slug, dossier.pk])


def _indicator_of(dossier, indicator_id):
    """The indicator of this dossier (another dossier's: 404)."""
    return get_object_or_404(Indicator, pk=indicator_id, dossier=dossier)


def _value_forms(tables_, abilities, bound):
    """``{indicator id: ValueForm}`` for the team: the due dates open to a value not reviewed."""
    if not abilities.can_enter_values:
        return {}
    result = {}
    for table in tables_:
        dates = [
            row.due_on
            for row in table.rows
            if row.enterable and (row.value is None or row.value.reviewed_at is None)
        ]
        if not dates:
            continue
        pk = table.indicator.pk
        form = bound.get(("value", pk))
        if form is None:
            open_dates = [row.due_on for row in table.rows if row.enterable and row.value is None]
            initial = {"due_on": (open_dates or dates)[0].isoformat()}
            form = ValueForm(dates=dates, initial=initial, prefix=f"value-{pk}")
        result[pk] = form
    return result


def _review_forms(tables_, abilities, bound):
    if not abilities.can_review_values:
        return {}
    result = {}
    for table in tables_:
        for row in table.rows:
            if row.value is not None:
                pk = row.value.pk
                result[pk] = bound.get(("review", pk)) or ReviewForm(
                    initial={"comment": row.value.review_comment}, prefix=f"review-{pk}"
                )
    return result


def _page(request, dossier, abilities, *, status=200, bound=None, refusal=None):
    bound = bound or {}
    tables_ = service.tables_of(dossier)
    value_forms = _value_forms(tables_, abilities, bound)
    review_forms = _review_forms(tables_, abilities, bound)
    for table in tables_:
        table.value_form = value_forms.get(table.indicator.pk)
        for row in table.rows:
            row.review_form = review_forms.get(row.value.pk) if row.value is not None else None
    if refusal:
        messages.error(request, refusal)
    context = {
        "tables": tables_,
        "late_count": sum(table.late_count for table in tables_),
        "milestones": list(Milestone.objects.filter(dossier=dossier)),
        "can_define": abilities.can_define_indicators,
        "can_enter": abilities.can_enter_values,
        "can_review": abilities.can_review_values,
        "can_export_call": _may_export_call(request.user, dossier.call),
    }
    return follow_up_render(request, dossier, abilities, PART, TEMPLATE, context, status=status)


@follow_up_view("GET", "HEAD")
def indicators(request, dossier, abilities):
    """The project's indicators, their targets and values."""
    return _page(request, dossier, abilities)


def _edit_page(request, dossier, abilities, form, indicator, *, status=200):
    context = {
        "form": form,
        "indicator": indicator,
        "has_values": indicator is not None and indicator.values.exists(),
        "milestones": form.milestones,
    }
    return follow_up_render(
        request,
        dossier,
        abilities,
        PART,
        "calls/follow_up/indicators_edit.html",
        context,
        status=status,
    )


def _edit(request, dossier, abilities, indicator):
    if not abilities.can_define_indicators:
        raise PermissionDenied(_("Vous ne pouvez pas définir les indicateurs de ce projet."))
    milestones = list(Milestone.objects.filter(dossier=dossier))
    if request.method != "POST":
        initial = {}
        if indicator is not None:
            initial = {
                "label": indicator.label,
                "unit": indicator.unit,
                "baseline": indicator.baseline,
                "frequency_months": indicator.frequency_months,
                "first_due_on": indicator.first_due_on,
            }
            for target in indicator.targets.all():
                initial[f"target_{target.milestone_id}"] = target.value
        form = IndicatorForm(milestones=milestones, initial=initial)
        return _edit_page(request, dossier, abilities, form, indicator)
    form = IndicatorForm(request.POST, milestones=milestones)
    if not form.is_valid():
        return _edit_page(request, dossier, abilities, form, indicator, status=400)
    data = form.cleaned_data
    try:
        service.indicator_save(
            actor=request.user,
            dossier=dossier,
            indicator=indicator,
            label=data["label"],
            unit=data["unit"],
            baseline=data["baseline"],
            frequency_months=data["frequency_months"],
            first_due_on=data["first_due_on"],
            targets=form.targets(),
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _edit_page(request, dossier, abilities, form, indicator, status=status_of(error))
    messages.success(
        request,
        _("L'indicateur est enregistré.") if indicator else _("L'indicateur est ajouté."),
    )
    return redirect(_page_url(dossier))


@follow_up_view("GET", "HEAD", "POST")
def indicator_new(request, dossier, abilities):
    """Define a new indicator: label, unit, baseline, frequency, first due date, a target per
    milestone."""
    return _edit(request, dossier, abilities, None)


@follow_up_view("GET", "HEAD", "POST")
def indicator_edit(request, dossier, abilities, indicator_id):
    """Change an indicator of the project."""
    return _edit(request, dossier, abilities, _indicator_of(dossier, indicator_id))


@follow_up_view("POST")
def indicator_delete(request, dossier, abilities, indicator_id):
    """Delete an indicator without values (with values: refused, with the reason)."""
    indicator = _indicator_of(dossier, indicator_id)
    try:
        service.indicator_delete(actor=request.user, dossier=dossier, indicator=indicator)
    except Refused as error:
        return _page(request, dossier, abilities, status=status_of(error), refusal=str(error))
    messages.success(request, _("L'indicateur est supprimé."))
    return redirect(_page_url(dossier))


@follow_up_view("POST")
def indicator_value(request, dossier, abilities, indicator_id):
    """The team's value for a due date of an indicator."""
    indicator = _indicator_of(dossier, indicator_id)
    indicator.dossier = dossier
    dates = service.enterable_dates(indicator)
    form = ValueForm(request.POST, dates=dates, prefix=f"value-{indicator.pk}")
    bound = {("value", indicator.pk): form}
    if not abilities.can_enter_values:
        return _page(
            request,
            dossier,
            abilities,
            status=403,
            refusal=_(
                "Seule l'équipe du projet saisit les valeurs, tant que le projet est en cours."
            ),
        )
    if not form.is_valid():
        return _page(request, dossier, abilities, status=400, bound=bound)
    try:
        service.indicator_value_enter(
            actor=request.user,
            dossier=dossier,
            indicator=indicator,
            due_on=date.fromisoformat(form.cleaned_data["due_on"]),
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, abilities, status=status_of(error), bound=bound)
    messages.success(request, _("La valeur est enregistrée."))
    return redirect(_page_url(dossier))


@follow_up_view("POST")
def indicator_value_review(request, dossier, abilities, value_id):
    """The review of a value by the region's SGAR officer or the call's managers."""
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator"), pk=value_id, indicator__dossier=dossier
    )
    form = ReviewForm(request.POST, prefix=f"review-{value.pk}")
    if not abilities.can_review_values:
        return _page(
            request,
            dossier,
            abilities,
            status=403,
            refusal=_(
                "Seuls le SGAR de la région et les gestionnaires de l'appel examinent les valeurs."
            ),
        )
    bound = {("review", value.pk): form}
    if not form.is_valid():
        return _page(request, dossier, abilities, status=400, bound=bound)
    try:
        service.indicator_value_review(
            actor=request.user, dossier=dossier, value=value, comment=form.cleaned_data["comment"]
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, abilities, status=status_of(error), bound=bound)
    messages.success(request, _("La valeur est examinée."))
    return redirect(_page_url(dossier))


# --- the exports --------------------------------------------------------------------------------

HEADERS = [
    "Projet",
    "Indicateur",
    "Unité",
    "Valeur de référence",
    "Fréquence",
    "Ligne",
    "Jalon",
    "Date",
    "Valeur",
    "Commentaire",
    "État",
    "Avis",
]


def export_rows(dossier, today=None):
    """The rows of ``dossier``'s indicators in the exports: per indicator, a row per milestone
    target, then a row per due date with its value and state (the page's figures)."""
    rows = []
    for table in service.tables_of(dossier, today):
        indicator = table.indicator
        head = [
            str(dossier),
            indicator.label,
            indicator.unit,
            indicator.baseline,
            indicator.get_frequency_months_display(),
        ]
        for milestone, target in table.targets:
            if target is not None:
                rows.append([*head, "Cible", milestone.label, milestone.due_on, target, "", "", ""])
        for row in table.rows:
            value = row.value
            rows.append(
                [
                    *head,
                    "Échéance",
                    "",
                    row.due_on,
                    value.value if value else None,
                    value.comment if value else "",
                    str(row.state),
                    value.review_comment if value else "",
                ]
            )
    return rows


def _format(request):
    fmt = tables.parse_format(request.GET.get("format"))
    if fmt is None:
        return None
    return fmt


@follow_up_view("GET", "HEAD")
def indicators_export(request, dossier, abilities):
    """The project's indicators and values, as CSV or ODS (``?format=ods``)."""
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Format inconnu : choisissez csv ou ods."))
    name = f"indicateurs-{dossier.acronym or dossier.pk}"
    return tables.table_response(name, HEADERS, export_rows(dossier), fmt, sheet="Indicateurs")


def _may_export_call(agent, call):
    """The call-wide export: the call's managers and the CDC."""
    from calls.permissions import call_abilities

    abilities = call_abilities(agent, call)
    return abilities.can_manage or CallRole.Role.CDC in abilities.roles


@login_required
@require_http_methods(["GET", "HEAD"])
def call_indicators_export(request, slug):
    """Every project of the call the viewer may follow: their indicators and values, as CSV or
    ODS. The call's managers and the CDC."""
    call, _abilities = call_for(request, slug)
    if not _may_export_call(request.user, call):
        raise Http404
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Format inconnu : choisissez csv ou ods."))
    dossiers = (
        dossiers_readable_by(request.user)
        .filter(call=call, state__in=FOLLOWED)
        .select_related("call", "convention")
        .order_by("acronym", "title", "pk")
    )
    rows = []
    for dossier in dossiers:
        if dossier_abilities(request.user, dossier).can_read_follow_up:
            rows.extend(export_rows(dossier))
    return tables.table_response(
        f"indicateurs-{call.slug}", HEADERS, rows, fmt, sheet="Indicateurs"
    )


urlpatterns = [
    path(D + "indicateurs/", indicators, name="indicators"),
    path(D + "indicateurs/nouveau/", indicator_new, name="indicator_new"),
    path(D + "indicateurs/<int:indicator_id>/", indicator_edit, name="indicator_edit"),
    path(
        D + "indicateurs/<int:indicator_id>/supprimer/", indicator_delete, name="indicator_delete"
    ),
    path(D + "indicateurs/<int:indicator_id>/valeur/", indicator_value, name="indicator_value"),
    path(
        D + "indicateurs/valeurs/<int:value_id>/examen/",
        indicator_value_review,
        name="indicator_value_review",
    ),
    path(D + "indicateurs/export/", indicators_export, name="indicators_export"),
    path(C + "suivi/indicateurs/export/", call_indicators_export, name="call_indicators_export"),
]
