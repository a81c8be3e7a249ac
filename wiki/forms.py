"""Forms of the wiki's pages: they parse and validate what the agent typed; the services decide
whether it is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.forms import DsfrFormMixin
from wiki.models import SUMMARY_MAX, TEXT_MAX, TITLE_MAX, Page, WikiSettings

MARKDOWN_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, ## titre de section, listes à puces "
    "(- élément), liens [texte](https://…) et liens vers une page du wiki [[Titre de la page]] "
    "ou [[Titre de la page|texte du lien]]. Le HTML n'est pas interprété."
)
FAQ_HELP = _(
    "Une question par section : « ## La question ? », puis sa réponse en dessous. Le texte "
    "avant la première question sert d'introduction."
)


def normalise_newlines(text):
    """Browsers send textareas with CRLF line ends; the texts are stored with LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Contenu de la page"))
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault("max_length", TEXT_MAX)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 20, "class": "wiki-editor__text", "spellcheck": "true"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(normalise_newlines(value))


class TitleField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Titre de la page"))
        kwargs.setdefault("max_length", TITLE_MAX)
        kwargs.setdefault("error_messages", {"required": _("Donnez un titre à la page.")})
        super().__init__(**kwargs)


class SummaryField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Résumé de la modification"))
        kwargs.setdefault("help_text", _("Facultatif : ce que vous avez changé, en quelques mots."))
        kwargs.setdefault("max_length", SUMMARY_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class PageForm(DsfrFormMixin, forms.Form):
    """Editing a page: its title, its text, the summary, and the revision the agent started
    from (hidden)."""

    title = TitleField()
    body = BodyField()
    summary = SummaryField()
    base_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, *args, faq=False, **kwargs):
        super().__init__(*args, **kwargs)
        if faq:
            self.fields["body"].help_text = f"{FAQ_HELP} {MARKDOWN_HELP}"


class NewPageForm(DsfrFormMixin, forms.Form):
    """A new page: its title, its type, its parent (chosen among the pages, or given by the
    address ``?parent=``), its text."""

    title = TitleField()
    kind = forms.ChoiceField(
        label=_("Type de page"),
        choices=Page.Kind.choices,
        initial=Page.Kind.PAGE,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )
    body = BodyField()
    summary = SummaryField()


class RenameForm(DsfrFormMixin, forms.Form):
    title = TitleField(label=_("Nouveau titre"))
    summary = SummaryField()


class MoveForm(DsfrFormMixin, forms.Form):
    """The new parent: a page of the wiki (not the page itself nor its sub-pages) or the top."""

    parent = forms.TypedChoiceField(
        label=_("Nouvelle page parente"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— Aucune (en haut de l'arborescence) —"))] + [
            (page.pk, page.title) for page in choices
        ]


class SettingsForm(DsfrFormMixin, forms.Form):
    who_may_edit = forms.ChoiceField(
        label=_("Qui peut créer et modifier les pages"),
        choices=WikiSettings.Editors.choices,
        widget=forms.RadioSelect,
    )


class AttachmentForm(DsfrFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Ajouter une image ou un fichier"),
        help_text=_("Image, PDF, document bureautique ou texte de 10 Mo au plus."),
        error_messages={"required": _("Choisissez un fichier.")},
    )
