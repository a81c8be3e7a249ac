"""The pages where a call is created and configured (R36, spec §7.1): a new call from a template,
its settings, its waves.

The forms here only read what is typed (a date that does not exist, a number that is not one:
a French message beside the field); every rule is the service's (``calls.configuration``), whose
refusals come back beside their fields too.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from calls import configuration, deadlines
from calls.forms import DsfrMixin
from calls.models import DEFAULT_FORMATS, TITLE_MAX, Call, Wave
from calls.services import CallError
from calls.views.common import call_for
from maillage.http import positive_id, status_of

MB = 1024 * 1024
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERROR = gettext_lazy("Saisissez une date qui existe, au format jj/mm/aaaa.")


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR, "required": gettext_lazy("Indiquez la date.")},
    )


def _amount_field(label, max_digits=10):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=max_digits,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": gettext_lazy("Saisissez un montant en k€ (par exemple 250 ou 12,5)."),
            "min_value": gettext_lazy("Le montant ne peut pas être négatif."),
            "required": gettext_lazy("Indiquez le montant."),
        },
    )


def _apply_errors(form, error):
    """Put a service's refusal beside the fields it names (the rest above the form)."""
    fields = getattr(error, "errors", None) or {"__all__": [str(error)]}
    for name, messages_ in fields.items():
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)
        if target is not None:
            widget = form.fields[target].widget
            widget.attrs["aria-describedby"] = f"{form[target].auto_id}-desc"
            widget.attrs["aria-invalid"] = "true"


# --- a new call ---------------------------------------------------------------------------------


class CallNewForm(DsfrMixin, forms.Form):
    template = forms.ChoiceField(
        label=gettext_lazy("Modèle d'appel"),
        help_text=gettext_lazy(
            "Ses thématiques, ses pièces, sa grille et ses vagues sont reprises."
        ),
        error_messages={
            "required": gettext_lazy("Choisissez un modèle d'appel."),
            "invalid_choice": gettext_lazy("Choisissez un modèle d'appel."),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Titre de l'appel"),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Donnez un titre à l'appel.")},
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Portée"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez la portée de l'appel."),
            "invalid_choice": gettext_lazy("Choisissez la portée de l'appel."),
        },
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Région (appel régional)"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Aucune (appel national)"),
        error_messages={"invalid_choice": gettext_lazy("Choisissez une région de la liste.")},
    )
    first_closing = _date_field(
        gettext_lazy("Clôture de la première vague"),
        help_text=gettext_lazy(
            "À 17 h 00, heure de Paris ; les vagues suivantes gardent l'écart du modèle."
        ),
    )

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", _("Choisir un modèle")),
            *configuration.template_choices(),
        ]
        scopes = configuration.creatable_scopes(agent)
        self.fields["scope"].choices = [(s.value, s.label) for s in scopes]
        regions = configuration.creatable_regions(agent)
        self.fields["region"].queryset = regions
        if scopes == [Call.Scope.REGIONAL]:
            # An SGAR officer: a regional call of their own region, fixed.
            self.fields["scope"].initial = Call.Scope.REGIONAL
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
            self.fields["region"].initial = regions.first()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_new(request):
    if not configuration.can_create_call(request.user):
        raise PermissionDenied(_("Seuls les administrateurs et les SGAR créent un appel."))
    form = CallNewForm(request.POST if request.method == "POST" else None, agent=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                call = configuration.call_create(
                    actor=request.user,
                    template=data["template"],
                    title=data["title"],
                    scope=data["scope"],
                    region=data["region"],
                    first_closing=data["first_closing"],
                )
            except CallError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(str(error)) from None
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "L'appel est créé. Il n'est pas encore publié : vérifiez ses paramètres "
                        "et ses vagues."
                    ),
                )
                return redirect("calls:settings", call.slug)
        status = 400
    return render(
        request,
        "calls/configuration/call_new.html",
        {"title": _("Créer un appel à projets"), "form": form},
        status=status,
    )


# --- the call's settings ------------------------------------------------------------------------


def _managed_call(request, slug):
    call, abilities = call_for(request, slug)
    if not abilities.can_manage:
        raise PermissionDenied(_("Seuls les gestionnaires de l'appel le configurent."))
    return call, abilities


class SettingsForm(DsfrMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Titre de l'appel"),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Donnez un titre à l'appel.")},
    )
    summary = forms.CharField(
        label=gettext_lazy("Présentation"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    category = forms.CharField(
        label=gettext_lazy("Catégorie de projets"),
        max_length=100,
        error_messages={"required": gettext_lazy("Indiquez la catégorie de projets.")},
    )
    envelope = _amount_field(gettext_lazy("Enveloppe totale (k€)"), max_digits=12)
    max_total_cost = _amount_field(gettext_lazy("Coût total maximal d'un projet (k€)"))
    max_requested = _amount_field(gettext_lazy("Financement demandé maximal (k€)"))
    derogation_share = forms.IntegerField(
        label=gettext_lazy("Part d'aide au-delà de laquelle une dérogation est requise (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": gettext_lazy("Saisissez un pourcentage entier."),
            "min_value": gettext_lazy("La part est entre 0 et 100 %%."),
            "max_value": gettext_lazy("La part est entre 0 et 100 %%."),
            "required": gettext_lazy("Indiquez la part."),
        },
    )
    accepted_formats = forms.MultipleChoiceField(
        label=gettext_lazy("Formats de fichier acceptés"),
        choices=[(fmt, fmt.upper()) for fmt in DEFAULT_FORMATS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Acceptez au moins un format de fichier."),
            "invalid_choice": gettext_lazy("Choisissez les formats dans la liste."),
        },
    )
    max_dossier_mb = forms.DecimalField(
        label=gettext_lazy("Taille maximale des pièces d'un dossier (Mo)"),
        min_value=Decimal("0.1"),
        max_value=Decimal("2048"),
        max_digits=6,
        decimal_places=1,
        localize=True,
        error_messages={
            "invalid": gettext_lazy("Saisissez une taille en Mo (par exemple 10 ou 2,5)."),
            "min_value": gettext_lazy("La taille est d'au moins 0,1 Mo."),
            "max_value": gettext_lazy("La taille est d'au plus 2 048 Mo."),
            "max_digits": gettext_lazy("Saisissez une taille en Mo (par exemple 10 ou 2,5)."),
            "max_decimal_places": gettext_lazy("Une décimale au plus."),
            "required": gettext_lazy("Indiquez la taille maximale."),
        },
    )
    scale_max = forms.IntegerField(
        label=gettext_lazy("Note maximale d'un critère"),
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": gettext_lazy("Saisissez un nombre entier."),
            "min_value": gettext_lazy("La note maximale est d'au moins 1."),
            "max_value": gettext_lazy("La note maximale est d'au plus 100."),
            "required": gettext_lazy("Indiquez la note maximale."),
        },
    )
    deposit = forms.ChoiceField(
        label=gettext_lazy("Lieu du dépôt légal"),
        choices=Call.Deposit.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez le lieu du dépôt."),
            "invalid_choice": gettext_lazy("Choisissez le lieu du dépôt."),
        },
    )
    deposit_url = forms.URLField(
        label=gettext_lazy("Adresse du site de dépôt (dépôt sur un autre site)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": gettext_lazy("Saisissez une adresse web valide.")},
    )
    contacts = forms.CharField(
        label=gettext_lazy("Contacts"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # How the call runs after the deposit and the decision (R61, R9).
    audition = forms.BooleanField(
        label=gettext_lazy(
            "Audition des candidats présélectionnés (sur place ou en visioconférence)"
        ),
        required=False,
    )
    single_deadline = forms.BooleanField(
        label=gettext_lazy("Une seule date de dépôt (une seule vague)"), required=False
    )
    multi_year_plan = forms.BooleanField(
        label=gettext_lazy(
            "Plan de financement pluriannuel : l'année de chaque dépense et sa consommation "
            "prévue au calendrier"
        ),
        required=False,
    )
    follow_up = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Suivi des projets retenus"),
        choices=Call.FollowUp.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez le mode de suivi des projets."),
            "invalid_choice": gettext_lazy("Choisissez le mode de suivi des projets."),
        },
    )
    interim_review_months = forms.IntegerField(
        required=False,
        label=gettext_lazy("Revue intermédiaire après (mois)"),
        help_text=gettext_lazy("Pour un suivi annuel : le bilan d'étape, en mois après le début."),
        min_value=1,
        max_value=60,
        error_messages={
            "invalid": gettext_lazy("Saisissez un nombre entier de mois."),
            "min_value": gettext_lazy("Indiquez un nombre de mois entre 1 et 60."),
            "max_value": gettext_lazy("Indiquez un nombre de mois entre 1 et 60."),
            "required": gettext_lazy("Indiquez le nombre de mois."),
        },
    )
    retention_months = forms.IntegerField(
        required=False,
        label=gettext_lazy("Conservation des dossiers non retenus (mois)"),
        help_text=gettext_lazy(
            "Passé ce délai après la décision, les données personnelles des dossiers non "
            "retenus sont effacées."
        ),
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": gettext_lazy("Saisissez un nombre entier de mois."),
            "min_value": gettext_lazy("Indiquez un nombre de mois entre 1 et 120."),
            "max_value": gettext_lazy("Indiquez un nombre de mois entre 1 et 120."),
            "required": gettext_lazy("Indiquez le nombre de mois."),
        },
    )

    def __init__(self, *args, call, **kwargs):
        initial = {name: getattr(call, name) for name in configuration.CONFIGURABLE}
        initial["max_dossier_mb"] = (Decimal(call.max_dossier_bytes) / MB).quantize(Decimal("0.1"))
        super().__init__(*args, initial=initial, **kwargs)

    def values(self):
        """The fields as ``call_configure`` takes them."""
        data = dict(self.cleaned_data)
        data["max_dossier_bytes"] = int(data.pop("max_dossier_mb") * MB)
        # Left blank (or not posted): the call keeps its value.
        for name in ("follow_up", "interim_review_months", "retention_months"):
            if data.get(name) in (None, ""):
                data.pop(name, None)
        return data


class KindForm(DsfrMixin, forms.Form):
    """The call's type: switching it replaces its pieces, grid and follow-up settings."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Type d'appel"),
        help_text=gettext_lazy(
            "Changer de type remplace les pièces demandées, les thématiques, la grille "
            "d'évaluation et les paramètres de suivi par ceux du modèle de ce type ; le titre, "
            "la présentation et les plafonds restent. Possible tant que l'appel n'est pas "
            "publié et n'a aucun dossier."
        ),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez un type d'appel de la liste."),
            "invalid_choice": gettext_lazy("Choisissez un type d'appel de la liste."),
        },
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, initial={"kind": call.kind}, prefix="type", **kwargs)
        self.fields["kind"].choices = configuration.kind_choices()


def _kind_switchable(call):
    return not call.is_published and not call.dossiers.exists()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_settings(request, slug):
    call, abilities = _managed_call(request, slug)
    switching = request.method == "POST" and request.POST.get("action") == "kind"
    data = request.POST if request.method == "POST" else None
    form = SettingsForm(None if switching else data, call=call)
    kind_form = KindForm(data if switching else None, call=call)
    status = 200
    if switching:
        if kind_form.is_valid():
            try:
                _call, removed = configuration.call_switch_kind(
                    actor=request.user, call=call, kind=kind_form.cleaned_data["kind"]
                )
            except CallError as error:
                if error.code == "forbidden":
                    raise PermissionDenied(str(error)) from None
                _apply_errors(kind_form, error)
                status = status_of(error)
            else:
                message = _(
                    "L'appel est désormais de type « %(kind)s » : ses pièces, sa grille et ses "
                    "paramètres de suivi sont ceux de ce type."
                ) % {"kind": call.get_kind_display()}
                if removed:
                    message += " " + _(
                        "Il n'a qu'une date de dépôt : seule sa première vague est gardée."
                    )
                messages.success(request, message)
                return redirect("calls:settings", call.slug)
        else:
            status = 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                configuration.call_configure(actor=request.user, call=call, **form.values())
            except CallError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Les paramètres de l'appel sont enregistrés."))
                return redirect("calls:settings", call.slug)
        status = 400
    return render(
        request,
        "calls/configuration/settings.html",
        {
            "title": _("Paramètres de l'appel"),
            "call": call,
            "abilities": abilities,
            "form": form,
            "kind_form": kind_form,
            "kind_switchable": _kind_switchable(call),
        },
        status=status,
    )


# --- waves --------------------------------------------------------------------------------------


class WaveForm(DsfrMixin, forms.Form):
    deadline_day = _date_field(gettext_lazy("Jour de clôture des dépôts"))
    hour = forms.IntegerField(
        label=gettext_lazy("Heure de clôture (heure de Paris)"),
        min_value=0,
        max_value=23,
        initial=deadlines.DEADLINE_HOUR,
        error_messages={
            "invalid": gettext_lazy("L'heure de clôture est un nombre entre 0 et 23."),
            "min_value": gettext_lazy("L'heure de clôture est un nombre entre 0 et 23."),
            "max_value": gettext_lazy("L'heure de clôture est un nombre entre 0 et 23."),
            "required": gettext_lazy("Indiquez l'heure de clôture."),
        },
    )
    selection_date = _date_field(gettext_lazy("Date visée de sélection"), required=False)
    envelope_share = forms.IntegerField(
        label=gettext_lazy("Part de l'enveloppe (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": gettext_lazy("Saisissez un pourcentage entier."),
            "min_value": gettext_lazy("La part de l'enveloppe est entre 0 et 100 %%."),
            "max_value": gettext_lazy("La part de l'enveloppe est entre 0 et 100 %%."),
            "required": gettext_lazy("Indiquez la part de l'enveloppe."),
        },
    )

    def __init__(self, *args, wave=None, **kwargs):
        initial = {}
        if wave is not None:
            local = wave.deadline.astimezone(deadlines.PARIS)
            initial = {
                "deadline_day": local.date(),
                "hour": local.hour,
                "selection_date": wave.selection_date,
                "envelope_share": wave.envelope_share,
            }
        prefix = f"vague-{wave.pk}" if wave is not None else "nouvelle"
        super().__init__(*args, initial=initial, prefix=prefix, **kwargs)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def waves(request, slug):
    """The call's waves: each with its closing in Paris time, its selection date and share, a
    form to change it, a button to delete it (without dossiers); a form to add one."""
    call, abilities = _managed_call(request, slug)
    rows = list(call.waves.annotate(dossier_count=Count("dossiers")).order_by("number"))
    posted_form, posted_wave = None, None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("edit", "delete"):
            wave_id = positive_id(request.POST.get("wave", ""))
            posted_wave = get_object_or_404(Wave, pk=wave_id or 0, call=call)
        if action == "delete":
            try:
                configuration.wave_delete(actor=request.user, wave=posted_wave)
            except CallError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("La vague %(number)s est supprimée.") % {"number": posted_wave.number},
                )
            return redirect("calls:waves", call.slug)
        if action not in ("add", "edit"):
            messages.error(request, _("Cette action n'existe pas."))
            return redirect("calls:waves", call.slug)
        posted_form = WaveForm(request.POST, wave=posted_wave)
        if posted_form.is_valid():
            data = posted_form.cleaned_data
            try:
                saved = configuration.wave_save(
                    actor=request.user,
                    call=call,
                    wave=posted_wave,
                    deadline_day=data["deadline_day"],
                    hour=data["hour"],
                    selection_date=data["selection_date"],
                    envelope_share=data["envelope_share"],
                )
            except CallError as error:
                _apply_errors(posted_form, error)
            else:
                messages.success(
                    request,
                    _("La vague %(number)s est enregistrée : clôture le %(when)s, heure de Paris.")
                    % {"number": saved.number, "when": deadlines.french_datetime(saved.deadline)},
                )
                return redirect("calls:waves", call.slug)
        status = 400
    for wave in rows:
        wave.deadline_label = deadlines.french_datetime(wave.deadline)
        if posted_wave is not None and posted_wave.pk == wave.pk:
            wave.form = posted_form
        else:
            wave.form = WaveForm(wave=wave)
    add_form = posted_form if posted_form is not None and posted_wave is None else WaveForm()
    return render(
        request,
        "calls/configuration/waves.html",
        {
            "title": _("Vagues de l'appel"),
            "call": call,
            "abilities": abilities,
            "waves": rows,
            "add_form": add_form,
            "shares_total": sum(wave.envelope_share for wave in rows),
            "may_add": not (call.single_deadline and rows),
            "shares_warning": configuration.shares_warning(call),
        },
        status=status,
    )


# --- the evaluation grid ------------------------------------------------------------------------


class GridForm(DsfrMixin, forms.Form):
    """A weight for each criterion the experts score."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            label = str(criterion)
            if criterion.parent_id:
                label = f"{criterion.parent} › {label}"
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=_("Poids du critère %(criterion)s") % {"criterion": label},
                initial=criterion.weight.normalize(),
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=5,
                decimal_places=2,
                localize=True,
                error_messages={
                    "invalid": _("Saisissez un nombre (par exemple 1 ou 1,5)."),
                    "min_value": _("Un poids va de 0 à 100."),
                    "max_value": _("Un poids va de 0 à 100."),
                    "max_digits": _("Un poids va de 0 à 100."),
                    "max_decimal_places": _("Deux décimales au plus."),
                    "required": _("Indiquez le poids de ce critère."),
                },
            )

    def weights(self):
        return {
            criterion.pk: self.cleaned_data[f"weight_{criterion.pk}"] for criterion in self.criteria
        }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grid(request, slug):
    """The evaluation grid of a call: its criteria and sub-criteria, the scale, and the weight
    of each scored criterion in the experts' weighted mean (§7.5)."""
    from calls.services import scored_criteria

    call, abilities = _managed_call(request, slug)
    criteria = scored_criteria(call)
    form = GridForm(request.POST if request.method == "POST" else None, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                configuration.grid_weights(actor=request.user, call=call, weights=form.weights())
            except CallError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Les poids de la grille sont enregistrés."))
                return redirect("calls:grid", call.slug)
        status = 400
    return render(
        request,
        "calls/configuration/grid.html",
        {"title": _("Grille d'évaluation"), "call": call, "abilities": abilities, "form": form},
        status=status,
    )
