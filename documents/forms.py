"""Forms of the library's pages: they parse and validate what the agent typed; the services
decide whether it is allowed (names are cleaned and checked there too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.forms import DsfrFormMixin

NAME_HELP = _("200 caractères au plus, sans « / » ni « \\ ».")


class FolderNameForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du dossier"),
        max_length=200,
        help_text=NAME_HELP,
        error_messages={"required": _("Donnez un nom au dossier.")},
    )


class DocumentNameForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du fichier"),
        max_length=200,
        help_text=_("Gardez son extension (« .pdf », « .odt »…)."),
        error_messages={"required": _("Donnez un nom au fichier.")},
    )


class MoveForm(DsfrFormMixin, forms.Form):
    target = forms.TypedChoiceField(
        label=_("Dossier de destination"),
        coerce=int,
        error_messages={
            "required": _("Choisissez un dossier."),
            "invalid_choice": _("Choisissez un dossier de la liste."),
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Choisir un dossier")), *choices]


class CommentForm(DsfrFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mise en forme Markdown ; le HTML n'est pas interprété."),
        error_messages={"required": _("Écrivez votre commentaire.")},
    )


class VersionForm(DsfrFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fichier de la nouvelle version"),
        error_messages={
            "required": _("Choisissez le fichier de la nouvelle version."),
            "empty": _("Le fichier joint est vide."),
            "invalid": _("Ce n'est pas un fichier."),
        },
    )
    comment = forms.CharField(label=_("Ce qui change (facultatif)"), max_length=300, required=False)


class QuotaForm(DsfrFormMixin, forms.Form):
    quota_mb = forms.IntegerField(
        label=_("Quota de la bibliothèque, en Mo"),
        required=False,
        min_value=1,
        max_value=1024 * 1024,
        help_text=_("Laissez vide pour le quota par défaut de la plateforme."),
        error_messages={
            "invalid": _("Indiquez un nombre entier de mégaoctets."),
            "min_value": _("Le quota est d'au moins 1 Mo."),
            "max_value": _("Le quota est de 1 To au plus."),
        },
    )
