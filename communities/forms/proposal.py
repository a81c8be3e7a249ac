"""Forms of the agents' proposals of communities and of the administrators' answer."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.models import Community, CommunityProposal
from maillage.forms import DsfrFormMixin


class ProposalForm(DsfrFormMixin, forms.ModelForm):
    class Meta:
        model = CommunityProposal
        fields = ["name", "objective", "kind", "themes", "visibility", "why"]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "why": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }
        labels = {
            "name": _("Nom de la communauté"),
            "objective": _("Objectif commun"),
            "kind": _("Type de communauté"),
            "themes": _("Thématiques"),
            "visibility": _("Qui la voit, et comment la rejoindre"),
            "why": _("Pourquoi cette communauté ?"),
        }
        help_texts = {
            "objective": _("Ce que ses membres chercheront à accomplir ensemble."),
            "why": _(
                "Pour l'administration : le besoin, le public visé, les services et ministères "
                "concernés, qui l'animera avec vous."
            ),
            "themes": _("Facultatif."),
        }
        error_messages = {
            "name": {"required": _("Donnez un nom à la communauté proposée.")},
            "objective": {"required": _("Indiquez l'objectif commun de la communauté.")},
            "kind": {"required": _("Choisissez le type de la communauté.")},
            "visibility": {"required": _("Choisissez la visibilité de la communauté.")},
            "why": {"required": _("Expliquez pourquoi cette communauté est utile.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— Choisir un type —")), *Community.Kind.choices]
        self.fields["visibility"].choices = Community.Visibility.choices
        self.fields["themes"].widget.inline = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Donnez un nom à la communauté proposée."))
        return name

    def _clean_text(self, name, message):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            raise ValidationError(message)
        return value

    def clean_objective(self):
        return self._clean_text("objective", _("Indiquez l'objectif commun de la communauté."))

    def clean_why(self):
        return self._clean_text("why", _("Expliquez pourquoi cette communauté est utile."))


class DeclineForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (obligatoire, transmis à l'agent)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Indiquez le motif du refus."))
        return reason
