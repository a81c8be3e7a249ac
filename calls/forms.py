"""The forms of a dossier's workspace: each validates what a page posts (French messages) and
hands clean values to its service (``calls.services``); none writes by itself.

A page that may not be edited (a deposited dossier, a reader outside the team) renders the same
form with every field disabled (``read_only``): the values stay readable, nothing is posted.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls import financing, presentation
from calls.models import Dossier, DossierMember, FinancingLine, Partner
from calls.services import EDITABLE, PARTNER_FIELDS
from communities.models import Theme as CommunityTheme
from directory.models import Ministry, Region, Service
from maillage.forms import strip_bidi_from_names

M = DossierMember.Role
YES_NO = [("yes", gettext_lazy("Oui")), ("no", gettext_lazy("Non"))]


def read_only(form):
    """Disable every field of ``form`` (a frozen dossier, a reader)."""
    for field in form.fields.values():
        field.disabled = True
    return form


class DsfrMixin:
    """The DSFR's classes on the widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
            widget.attrs.setdefault("class", css)

    def _clean_fields(self):
        super()._clean_fields()
        # As the platform's forms do: no bidirectional control in a name.
        strip_bidi_from_names(self)

    def full_clean(self):
        super().full_clean()
        # Each field in error points to its message (the template's ``<id>-desc``).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-desc"
                widget.attrs["aria-invalid"] = "true"


class ServiceModelForm(DsfrMixin, forms.ModelForm):
    """A model form that only validates: the service writes the instance (it is not changed
    here, so a refused form leaves the page's other parts as stored)."""

    def _post_clean(self):
        pass


class SponsorForm(ServiceModelForm):
    """The sponsor's identification form (R39); the e-mail addresses and the website are
    validated by their fields."""

    class Meta:
        model = Dossier
        fields = EDITABLE["sponsor"]
        widgets = {
            "sponsor_address": forms.Textarea(attrs={"rows": 3}),
            "sponsor_mail_address": forms.Textarea(attrs={"rows": 3}),
        }


class SynthesisForm(ServiceModelForm):
    """The synthesis (R40): the main theme is required, the secondary one differs from it, both
    among the call's themes; the community the project will create (type and themes)."""

    community_themes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Thématiques de la communauté"),
        queryset=CommunityTheme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Dossier
        fields = [*EDITABLE["synthesis"]]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dossier = self.instance
        themes = dossier.call.themes.all()
        self.fields["main_theme"].queryset = themes
        self.fields["main_theme"].required = True
        self.fields["secondary_theme"].queryset = themes
        self.fields["acronym"].required = True
        self.fields["region"].queryset = Region.objects.order_by("name")
        services = Service.objects.filter(region=dossier.region_id)
        if dossier.operational_service_id:
            services = services | Service.objects.filter(pk=dossier.operational_service_id)
        self.fields["operational_service"].queryset = services.distinct().order_by(
            "short_name", "name"
        )
        if dossier.pk:
            self.initial.setdefault(
                "community_themes", list(dossier.community_themes.values_list("pk", flat=True))
            )

    def clean(self):
        data = super().clean()
        main, secondary = data.get("main_theme"), data.get("secondary_theme")
        if main and secondary and main == secondary:
            self.add_error(
                "secondary_theme", _("La thématique secondaire doit différer de la principale.")
            )
        return data


class PresentationForm(DsfrMixin, forms.Form):
    """One textarea per sub-item of the guided presentation (R41), the free-software answer and
    the support needs (R50, mandatory)."""

    free_software = forms.ChoiceField(
        label=gettext_lazy("La solution proposée est-elle en logiciel libre ?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    support_needs = forms.CharField(
        label=gettext_lazy("Nature de l'accompagnement attendu"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Décrivez l'accompagnement attendu.")},
    )

    def __init__(self, *args, dossier, **kwargs):
        # The sections of the dossier's call: the labs' for a labs call (R61).
        self.template_sections = presentation.sections_for(dossier.call)
        self.template_items = presentation.items_of(self.template_sections)
        initial = {
            f"item_{code}": presentation.text_of(dossier.presentation, code)
            for code in self.template_items
        }
        if dossier.free_software is not None:
            initial["free_software"] = "yes" if dossier.free_software else "no"
        initial["support_needs"] = dossier.support_needs
        super().__init__(*args, initial=initial, **kwargs)
        for code, item in self.template_items.items():
            self.fields[f"item_{code}"] = forms.CharField(
                label=item.label,
                help_text=item.help,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 5, "class": "fr-input"}),
            )

    def sections(self):
        """``[(section, [bound field, …]), …]`` in the template's order."""
        return [
            (section, [self[f"item_{item.code}"] for item in section.items])
            for section in self.template_sections
        ]

    def values(self):
        data = self.cleaned_data
        return {
            "presentation": {
                code: data[f"item_{code}"].strip()
                for code in self.template_items
                if data.get(f"item_{code}", "").strip()
            },
            "free_software": data["free_software"] == "yes",
            "support_needs": data["support_needs"],
        }


class ActForm(ServiceModelForm):
    """The application act (R44): who signs, as what, on which date; a signatory who is not
    the legal representative makes the delegation of signature mandatory."""

    not_legal_representative = forms.BooleanField(
        label=gettext_lazy("Le signataire n'est pas le représentant légal"),
        help_text=gettext_lazy("Une délégation de signature devra alors être jointe."),
        required=False,
    )

    class Meta:
        model = Dossier
        fields = ["signatory_name", "signatory_title", "signed_on"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial[
            "not_legal_representative"
        ] = not self.instance.signatory_is_legal_representative

    def values(self):
        data = self.cleaned_data
        return {
            "signatory_name": data["signatory_name"],
            "signatory_title": data["signatory_title"],
            "signed_on": data["signed_on"],
            "signatory_is_legal_representative": not data["not_legal_representative"],
        }


class MemberForm(DsfrMixin, forms.Form):
    """Add an agent to the dossier by e-mail, with a role."""

    email = forms.CharField(label=gettext_lazy("Adresse électronique de l'agent"), max_length=254)
    role = forms.ChoiceField(
        label=gettext_lazy("Rôle"),
        choices=[
            (M.SPONSOR, M.SPONSOR.label),
            (M.TEAM, M.TEAM.label),
            (M.PARTNER, M.PARTNER.label),
        ],
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        try:
            validate_email(email)
        except forms.ValidationError:
            raise forms.ValidationError(_("Saisissez une adresse électronique valide.")) from None
        agent = get_user_model().objects.filter(email__iexact=email).first()
        if agent is None:
            raise forms.ValidationError(_("Aucun agent n'a cette adresse électronique."))
        self.agent = agent
        return email


class PartnerForm(ServiceModelForm):
    """A partner's record (§7.3)."""

    class Meta:
        model = Partner
        fields = [name for name in PARTNER_FIELDS if name != "service"]
        widgets = {
            "role": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ministry"].queryset = Ministry.objects.order_by("name")


class PieceForm(DsfrMixin, forms.Form):
    """Upload a piece of one kind (with its signature for a signed kind); the partner of a
    per-partner kind is read by the view (a forged one is a 404) and the file itself is checked
    by the service (``calls.files``)."""

    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        error_messages={
            "required": gettext_lazy("Choisissez un fichier."),
            "empty": gettext_lazy("Le fichier envoyé est vide."),
        },
    )
    signature = forms.ChoiceField(
        label=gettext_lazy("Signature"),
        choices=Dossier.Signature.choices,
        error_messages={
            "required": gettext_lazy("Indiquez comment cette pièce est signée."),
            "invalid_choice": gettext_lazy("Type de signature inconnu."),
        },
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if not kind.signed:
            del self.fields["signature"]


class WithdrawForm(DsfrMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du retrait"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Indiquez le motif du retrait.")},
    )


class OriginalsForm(DsfrMixin, forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Originaux reçus le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Indiquez la date de réception."),
            "invalid": gettext_lazy("Saisissez une date valide."),
        },
    )


# --- the financing plan: plain named inputs ---------------------------------------------------


def _amount(raw):
    """A k€ amount typed with a point or a French comma; None when blank; ValueError else."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
        raise ValueError(text)
    return value.quantize(Decimal("0.01"))


# A multi-year plan: at most this many lines (years) per cost category.
MAX_YEAR_LINES = 6


def _row(code, label, group, name, lines=(), **extra):
    return {
        "code": code,
        "label": label,
        "group": group,
        "name": name,
        "amount": str(sum((line.amount for line in lines), Decimal("0"))).replace(".", ",")
        if lines
        else "",
        "label_text": " ; ".join(line.label for line in lines if line.label)[:200],
        "in_kind": any(line.in_kind for line in lines),
        "valuation": " ; ".join(line.valuation for line in lines if line.valuation)[:300],
        "eligible": next((line.eligible for line in lines if line.eligible), ""),
        "free_software": bool(lines) and all(line.free_software for line in lines),
        "year": "",
        "consumed": "",
        **extra,
    }


def _posted_values(row, post):
    name = row["name"]
    row["amount"] = post.get(f"{name}-amount", "")
    row["label_text"] = post.get(f"{name}-label", "")
    row["in_kind"] = post.get(f"{name}-in_kind") == "on"
    row["valuation"] = post.get(f"{name}-valuation", "")
    row["eligible"] = post.get(f"{name}-eligible", "")
    row["free_software"] = post.get(f"{name}-free_software") == "on"
    row["year"] = post.get(f"{name}-year", "")
    row["consumed"] = post.get(f"{name}-consumed", "")


def _decimal_text(value):
    return "" if value is None else str(value).replace(".", ",")


def _year_rows(code, label, group, lines, post):
    """The rows of one cost category of a multi-year plan: one per stored line, then a blank
    one (up to ``MAX_YEAR_LINES``); when ``post`` is given, the rows posted."""
    rows = []
    if post is not None:
        slots = [i for i in range(MAX_YEAR_LINES) if f"cost-{code}-{i}-amount" in post]
        for i in slots or [0]:
            row = _row(code, label, group, f"cost-{code}-{i}", slot=i)
            _posted_values(row, post)
            rows.append(row)
        return rows
    for i, line in enumerate(lines[:MAX_YEAR_LINES]):
        rows.append(
            _row(
                code,
                label,
                group,
                f"cost-{code}-{i}",
                [line],
                slot=i,
                year="" if line.year is None else str(line.year),
                consumed=_decimal_text(line.consumed),
            )
        )
    if len(rows) < MAX_YEAR_LINES:
        rows.append(_row(code, label, group, f"cost-{code}-{len(rows)}", slot=len(rows)))
    return rows


def financing_rows(dossier, post=None):
    """The rows of the two tables, each with its current values: ``(resources, costs)``, each
    a list of dicts ``{code, label, group, name, amount, label_text, in_kind, valuation,
    eligible, free_software, year, consumed}``, one per category (``name`` the prefix of its
    inputs). Several stored lines of one category (written elsewhere) show as one: their
    amounts added, their texts joined; saving the page then stores that one line.

    With a multi-year plan (``Call.multi_year_plan``), each cost category has a row per stored
    line (its year and planned consumption) and a blank one for another year, named
    ``cost-<code>-<n>``. ``post`` (the data a refused page posted) replaces the values."""
    multi_year = dossier.call.multi_year_plan
    stored = {}
    for line in dossier.financing.order_by("id"):
        stored.setdefault((line.side, line.category), []).append(line)
    tables = []
    for prefix, side, categories, groups in (
        ("res", FinancingLine.Side.RESOURCE, financing.RESOURCES, financing.RESOURCE_GROUPS),
        ("cost", FinancingLine.Side.COST, financing.COSTS, financing.COST_GROUPS),
    ):
        rows = []
        for code, label, group in categories:
            lines = stored.get((side, code), [])
            if multi_year and side == FinancingLine.Side.COST:
                rows.extend(_year_rows(code, label, groups[group], lines, post))
                continue
            row = _row(code, label, groups[group], f"{prefix}-{code}", lines)
            if post is not None:
                _posted_values(row, post)
            rows.append(row)
        tables.append(rows)
    return tables


def _year(raw, years):
    """A year typed for a multi-year plan: None when blank; ValueError when not a whole
    number within ``years``."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:
        raise ValueError(text)
    value = int(text)
    if value not in years:
        raise ValueError(text)
    return value


def _line(post, name, side, code, amount):
    line = {
        "side": side,
        "category": code,
        "amount": amount,
        "label": (post.get(f"{name}-label") or "").strip()[:200],
        "in_kind": post.get(f"{name}-in_kind") == "on",
        "valuation": (post.get(f"{name}-valuation") or "").strip()[:300],
    }
    return line


def financing_lines(post, *, years=None):
    """The lines posted by the financing page (``res-<code>-amount``, ``cost-<code>-amount``,
    ``-label``, ``-in_kind``, ``-valuation``, ``-eligible``, ``-free_software``): ``(lines,
    errors)``, the lines as ``services.financing_set`` takes them, the errors as
    ``{input name: French message}``. A blank amount is no line.

    ``years`` (a range, ``financing.plan_years``) reads a multi-year plan: the cost inputs are
    ``cost-<code>-<n>-…`` (n < ``MAX_YEAR_LINES``), each with its ``-year`` (required, within
    ``years``) and ``-consumed`` (optional, at most the amount)."""
    lines, errors = [], {}
    for prefix, side, categories in (
        ("res", FinancingLine.Side.RESOURCE, financing.RESOURCES),
        ("cost", FinancingLine.Side.COST, financing.COSTS),
    ):
        for code, _label, _group in categories:
            multi = years is not None and side == FinancingLine.Side.COST
            names = (
                [f"{prefix}-{code}-{i}" for i in range(MAX_YEAR_LINES)]
                if multi
                else [f"{prefix}-{code}"]
            )
            for name in names:
                try:
                    amount = _amount(post.get(f"{name}-amount"))
                except ValueError:
                    errors[f"{name}-amount"] = _(
                        "Saisissez un montant positif en k€, par exemple 12,5."
                    )
                    continue
                if multi:
                    year_raw = (post.get(f"{name}-year") or "").strip()
                    consumed_raw = (post.get(f"{name}-consumed") or "").strip()
                    if amount is None:
                        if year_raw or consumed_raw:
                            errors[f"{name}-amount"] = _("Indiquez le montant de cette dépense.")
                        continue
                    line = _line(post, name, side, code, amount)
                    try:
                        line["year"] = _year(year_raw, years)
                    except ValueError:
                        errors[f"{name}-year"] = _(
                            "Saisissez une année entre %(first)s et %(last)s."
                        ) % {"first": years[0], "last": years[-1]}
                    else:
                        if line["year"] is None:
                            errors[f"{name}-year"] = _("Indiquez l'année de cette dépense.")
                    try:
                        line["consumed"] = _amount(consumed_raw)
                    except ValueError:
                        errors[f"{name}-consumed"] = _(
                            "Saisissez une consommation positive en k€, par exemple 12,5."
                        )
                    else:
                        if line["consumed"] is not None and line["consumed"] > amount:
                            errors[f"{name}-consumed"] = _(
                                "La consommation prévue ne peut dépasser le montant de la dépense."
                            )
                elif amount is None:
                    continue
                else:
                    line = _line(post, name, side, code, amount)
                if side == FinancingLine.Side.COST:
                    eligible = post.get(f"{name}-eligible") or ""
                    if eligible not in ("", *FinancingLine.Eligible.values):
                        errors[f"{name}-eligible"] = _("Choisissez une catégorie de dépense.")
                        continue
                    line["eligible"] = eligible
                    line["free_software"] = post.get(f"{name}-free_software") == "on"
                lines.append(line)
    return lines, errors
