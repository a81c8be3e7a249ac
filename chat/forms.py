"""The messaging's forms. They only shape what is typed: every rule (lengths, who may do what) is
checked by ``chat.services``, whose French refusals the pages show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chat.models import MAX_MESSAGE_LENGTH
from chat.services import EMOJIS
from maillage.forms import DsfrFormMixin


class EditForm(DsfrFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_MESSAGE_LENGTH}),
        help_text=_("Mise en forme Markdown : **gras**, *italique*, listes, liens."),
    )


class ReactionForm(forms.Form):
    emoji = forms.ChoiceField(choices=[(emoji, emoji) for emoji in EMOJIS])


class ChannelForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(label=_("Nom du salon"), max_length=80)
    topic = forms.CharField(
        label=_("Sujet"),
        max_length=300,
        required=False,
        help_text=_("Facultatif : ce dont on parle dans ce salon."),
    )


MUTE_DURATIONS = [
    (15, _("15 minutes")),
    (60, _("1 heure")),
    (60 * 24, _("24 heures")),
    (60 * 24 * 7, _("7 jours")),
]


class MuteForm(DsfrFormMixin, forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Durée"),
        choices=MUTE_DURATIONS,
        coerce=int,
        initial=60,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        required=False,
        help_text=_("Facultatif ; il est inscrit au journal de modération de la communauté."),
    )


class GroupNameForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom de la conversation"),
        max_length=80,
        required=False,
        help_text=_("Facultatif : sans nom, la conversation porte les prénoms des participants."),
    )
