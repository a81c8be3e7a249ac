"""Forms of the idea box's pages: they parse and validate what the agent typed; the services
decide whether it is allowed (``ideas.services``)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ideas.models import ANSWER_MAX, BODY_MAX, INTRO_MAX, TITLE_MAX
from maillage.forms import DsfrFormMixin

MARKDOWN_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, listes à puces (- élément), liens "
    "[texte](https://…). Le HTML n'est pas interprété."
)
FILE_HELP = _("Facultatif : un document (PDF, bureautique, image, texte) de 10 Mo au plus.")


def normalise_newlines(text):
    """Browsers send textareas with CRLF line ends; the texts are stored with LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class MarkdownField(forms.CharField):
    """A Markdown textarea whose limit is said in French, with the length typed."""

    def __init__(self, *, limit, **kwargs):
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        kwargs["max_length"] = limit
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault(
            "max_length",
            _(
                "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi "
                "%(show_value)s) : raccourcissez-le."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(normalise_newlines(value).strip())


class IdeaForm(DsfrFormMixin, forms.Form):
    """An idea's title, description, themes and attachment (submit and edit)."""

    title = forms.CharField(
        label=_("Titre de l'idée"),
        max_length=TITLE_MAX,
        help_text=_("Une phrase qui dit ce que vous proposez, 150 caractères au plus."),
        error_messages={
            "required": _("Donnez un titre à votre idée."),
            "max_length": _(
                "Le titre est limité à %(limit_value)s caractères (vous en avez saisi "
                "%(show_value)s)."
            ),
        },
    )
    body = MarkdownField(
        label=_("Description"),
        limit=BODY_MAX,
        error_messages={"required": _("Décrivez votre idée.")},
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des thèmes de la communauté.")},
    )
    attachment = forms.FileField(
        label=_("Joindre un fichier"),
        required=False,
        help_text=FILE_HELP,
    )

    def __init__(self, *args, themes=(), with_attachment=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_objects = {str(theme.pk): theme for theme in themes}
        self.fields["themes"].choices = [(str(t.pk), t.name) for t in themes]
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        if not themes:
            del self.fields["themes"]
        if not with_attachment:
            del self.fields["attachment"]

    def chosen_themes(self):
        return [self.theme_objects[pk] for pk in self.cleaned_data.get("themes", [])]

    def attachments(self):
        upload = self.cleaned_data.get("attachment")
        return [upload] if upload else []


class StatusForm(DsfrFormMixin, forms.Form):
    """An animator's move of an idea to another status, with the public answer."""

    status = forms.ChoiceField(
        label=_("Nouveau statut"),
        error_messages={
            "required": _("Choisissez le nouveau statut."),
            "invalid_choice": _("Ce changement de statut n'est pas possible pour cette idée."),
        },
    )
    answer = MarkdownField(
        label=_("Réponse publique"),
        limit=ANSWER_MAX,
        required=False,
        help_text=_(
            "Affichée sur l'idée et envoyée à son auteur et à ceux qui la soutiennent. "
            "Obligatoire pour « Retenue », « Non retenue » et « Réexaminer »."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, moves=(), answer_required=(), **kwargs):
        """``moves``: ``[(status, label)]`` allowed from the idea's status;
        ``answer_required``: the statuses whose move needs an answer."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choisir un statut")), *moves]
        self.answer_required = set(answer_required)

    def clean(self):
        data = super().clean()
        if data.get("status") in self.answer_required and not data.get("answer"):
            self.add_error(
                "answer",
                _("Rédigez la réponse publique : elle est obligatoire pour ce statut."),
            )
        return data


class MergeForm(DsfrFormMixin, forms.Form):
    """Merge an idea into another of the same box: a title search, then the target."""

    q = forms.CharField(
        label=_("Chercher l'idée cible par son titre"),
        max_length=TITLE_MAX,
        required=False,
    )
    target = forms.ChoiceField(
        label=_("Idée cible"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez une idée de la liste.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(idea.pk): idea for idea in candidates}
        self.fields["target"].choices = [
            (
                str(idea.pk),
                f"{idea.title} ({idea.support_count} soutien"
                f"{'s' if idea.support_count > 1 else ''})",
            )
            for idea in candidates
        ]

    def target_idea(self):
        return self.candidates.get(self.cleaned_data.get("target") or "")


class BoxSettingsForm(DsfrFormMixin, forms.Form):
    """The box's introduction and who may submit."""

    intro = MarkdownField(
        label=_("Présentation de la boîte à idées"),
        limit=INTRO_MAX,
        required=False,
        help_text=format_lazy(
            "{} {}",
            _(
                "Affichée en haut de la boîte : ce que vous attendez, comment les idées sont étudiées."
            ),
            MARKDOWN_HELP,
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    who_may_submit = forms.ChoiceField(
        label=_("Qui peut proposer une idée"),
        error_messages={"invalid_choice": _("Choisissez qui peut proposer une idée.")},
    )

    def __init__(self, *args, submitters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who_may_submit"].choices = list(submitters)
