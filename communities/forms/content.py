"""Forms of the community content pages: charter, announcements, comments, reports, moderation.

They only parse and validate what the agent typed; the services decide whether it is allowed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.forms import DsfrFormMixin

MARKDOWN_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, listes à puces (- élément), "
    "liens [texte](https://…). Le HTML n'est pas interprété."
)


def normalise_newlines(text):
    """Browsers send textareas with CRLF line ends; the texts are stored with LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class CharterAcceptForm(DsfrFormMixin, forms.Form):
    # The version the agent read: accepting an outdated one (an old tab) is refused by the service.
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("J'ai lu la charte et je m'engage à la respecter"),
        error_messages={"required": _("Cochez la case pour accepter la charte.")},
    )


class CharterPublishForm(DsfrFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Texte de la charte"),
        help_text=MARKDOWN_HELP,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _("La charte ne peut pas être vide.")},
    )

    def __init__(self, *args, current_text="", previewing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_text = normalise_newlines(current_text).strip()
        self.previewing = previewing

    def clean_text(self):
        text = normalise_newlines(self.cleaned_data["text"]).strip()
        if text == self.current_text and not self.previewing:
            raise forms.ValidationError(
                _("Le texte est identique à la version en vigueur : modifiez-le avant de publier.")
            )
        return text


class AnnouncementForm(DsfrFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        error_messages={"required": _("Indiquez le titre de l'annonce.")},
    )
    body = forms.CharField(
        label=_("Texte"),
        help_text=MARKDOWN_HELP,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Écrivez le texte de l'annonce.")},
    )
    pinned = forms.BooleanField(
        label=_("Épingler l'annonce"),
        help_text=_("Une annonce épinglée reste en tête de la liste."),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Joindre un fichier"),
        required=False,
        help_text=_(
            "Facultatif : un document (PDF, bureautique, image, texte) de 10 Mo au plus. Les "
            "membres qui lisent l'annonce le téléchargent."
        ),
    )
    remove_attachments = forms.MultipleChoiceField(
        label=_("Retirer des fichiers joints"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["remove_attachments"]
        field.choices = [(str(a.pk), a.name) for a in attachments]
        if not attachments:
            del self.fields["remove_attachments"]


POST_KINDS = [
    ("article", _("Article : un billet de membre, noté et commenté")),
    ("annonce", _("Annonce : une information de l'animation, notifiée à tous les membres")),
]


class PostForm(AnnouncementForm):
    """A post of the blog. ``kinds``: the kinds the writer may choose (the field shows only when
    there are two; ``default_kind`` when none is posted); ``pinnable``: an animator's annonce may
    be pinned."""

    kind = forms.ChoiceField(
        label=_("Type de billet"),
        choices=POST_KINDS,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choisissez une annonce ou un article.")},
    )
    field_order = ["kind", "title", "body", "pinned", "attachment", "remove_attachments"]

    def __init__(self, *args, kinds=("article",), default_kind=None, pinnable=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_kind = default_kind if default_kind in kinds else (kinds or ["article"])[0]
        what = self.data.get("kind") if self.is_bound else None
        what = what if what in kinds else self.default_kind
        if what == "article":
            self.fields["title"].error_messages["required"] = _("Indiquez le titre de l'article.")
            self.fields["body"].error_messages["required"] = _("Écrivez le texte de l'article.")
        self.fields["pinned"].help_text = _(
            "Une annonce épinglée reste en tête du blog (sans effet sur un article)."
        )
        if len(kinds) < 2:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [c for c in POST_KINDS if c[0] in kinds]
            self.fields["kind"].initial = self.default_kind
        if not pinnable:
            del self.fields["pinned"]

    def clean(self):
        cleaned = super().clean()
        posted = self.data.get("kind")
        if posted and "kind" not in self.fields and posted != self.default_kind:
            # A kind the writer may not choose (a member's forged « annonce »).
            raise forms.ValidationError(_("Ce type de billet ne vous est pas ouvert."))
        if not cleaned.get("kind"):
            cleaned["kind"] = self.default_kind
        return cleaned


class CommentForm(DsfrFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        help_text=MARKDOWN_HELP,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez votre commentaire avant de l'envoyer.")},
    )


class ReportForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du signalement"),
        help_text=_(
            "Expliquez à l'animation en quoi ce contenu ne respecte pas la charte de la "
            "communauté. Votre signalement n'est visible que de l'animation."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Indiquez le motif du signalement.")},
    )


class ModerationForm(DsfrFormMixin, forms.Form):
    """The optional reason of a hide, restore or dismissal, written to the audit log."""

    reason = forms.CharField(
        label=_("Motif (facultatif, inscrit au journal)"),
        max_length=1000,
        required=False,
    )
