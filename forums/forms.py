"""Forms of the forums' pages: they parse and validate what the agent typed; the services decide
whether it is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import Category
from maillage.forms import DsfrFormMixin

MARKDOWN_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, listes à puces (- élément), citations "
    "(> texte), liens [texte](https://…). Le HTML n'est pas interprété. Mentionnez un membre "
    "avec « @Prénom Nom »."
)
FILE_HELP = _("Facultatif : un document (PDF, bureautique, image, texte) de 10 Mo au plus.")


def normalise_newlines(text):
    """Browsers send textareas with CRLF line ends; the texts are stored with LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault("max_length", 20000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        kwargs.setdefault("error_messages", {"required": _("Écrivez votre message.")})
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(normalise_newlines(value).strip())


class ReplyForm(DsfrFormMixin, forms.Form):
    body = BodyField(label=_("Votre réponse"))
    attachment = forms.FileField(label=_("Joindre un fichier"), required=False, help_text=FILE_HELP)

    def attachments(self):
        upload = self.cleaned_data.get("attachment")
        return [upload] if upload else []


class TopicForm(ReplyForm):
    title = forms.CharField(
        label=_("Titre du sujet"),
        max_length=200,
        error_messages={"required": _("Donnez un titre au sujet.")},
    )
    body = BodyField()
    is_question = forms.BooleanField(
        label=_("C'est une question"),
        help_text=_("Une question peut recevoir une solution, choisie parmi les réponses."),
        required=False,
    )
    field_order = ["title", "body", "is_question", "attachment"]


class PostEditForm(DsfrFormMixin, forms.Form):
    body = BodyField()


class CategoryForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        error_messages={"required": _("Donnez un nom à la catégorie.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    position = forms.IntegerField(
        label=_("Ordre"),
        help_text=_("Les catégories sont rangées de la plus petite valeur à la plus grande."),
        min_value=0,
        max_value=10000,
        required=False,
        error_messages={
            "invalid": _("L'ordre est un nombre entier."),
            "min_value": _("L'ordre va de 0 à 10 000."),
            "max_value": _("L'ordre va de 0 à 10 000."),
        },
    )
    who_may_start = forms.ChoiceField(
        label=_("Qui peut ouvrir un sujet"),
        choices=Category.Starters.choices,
        initial=Category.Starters.MEMBERS,
        error_messages={"invalid_choice": _("Choisissez qui peut ouvrir un sujet.")},
    )
    is_help = forms.BooleanField(
        label=_("Forum d'entraide"),
        help_text=_("Les nouveaux sujets y sont des questions, qui peuvent recevoir une solution."),
        required=False,
    )
