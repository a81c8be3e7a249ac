"""Forms of the notifications: the preferences table and muting a community."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.forms import DsfrFormMixin
from notifications import kinds
from notifications.models import CommunityMute, Email

# Kinds that never belong to a community: muting a community for them would mean nothing.
WITHOUT_COMMUNITY = {"direct_message"}
PREFIXES = ("in_app-", "email-")


class PreferencesForm(forms.Form):
    """One checkbox (in the app) and one select (e-mail) per kind, named ``in_app-<kind>`` and
    ``email-<kind>``; ``current`` gives ``{kind: (in_app, email)}`` for the initial values."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for key, spec in kinds.KINDS.items():
            in_app, email = current[key]
            self.fields[f"in_app-{key}"] = forms.BooleanField(
                label=_("Dans l'application"), required=False, initial=in_app
            )
            self.fields[f"email-{key}"] = forms.ChoiceField(
                label=_("Par e-mail"),
                choices=Email.choices,
                initial=email,
                error_messages={
                    "required": _("Choisissez comment recevoir « %(kind)s » par e-mail.")
                    % {"kind": spec.label},
                    "invalid_choice": _("Choix d'e-mail inconnu : %(value)s."),
                },
            )

    def clean(self):
        unknown = sorted(
            {
                name.split("-", 1)[1]
                for name in self.data
                if name.startswith(PREFIXES) and name.split("-", 1)[1] not in kinds.KINDS
            }
        )
        if unknown:
            raise ValidationError(
                _("Type de notification inconnu : %(kinds)s.")
                % {"kinds": ", ".join(k[:40] for k in unknown[:5])}
            )
        return super().clean()

    def rows(self):
        """``(kind, in_app bound field, email bound field)`` in the registry's order."""
        return [
            (spec, self[f"in_app-{key}"], self[f"email-{key}"]) for key, spec in kinds.KINDS.items()
        ]

    def choices(self):
        """``(kind, in_app, email)`` of a valid form."""
        return [
            (key, self.cleaned_data[f"in_app-{key}"], self.cleaned_data[f"email-{key}"])
            for key in kinds.KINDS
        ]


def mute_kind_choices():
    return [("", _("Toutes les notifications"))] + [
        (key, spec.label) for key, spec in kinds.KINDS.items() if key not in WITHOUT_COMMUNITY
    ]


class MuteForm(DsfrFormMixin, forms.Form):
    """Mute one of the agent's communities, entirely or for one kind."""

    community = forms.ModelChoiceField(
        label=_("Communauté"),
        queryset=CommunityMute.community.field.related_model.objects.none(),
        empty_label=_("Choisir une de vos communautés"),
        error_messages={
            "required": _("Choisissez une communauté."),
            "invalid_choice": _("Choisissez une des communautés dont vous êtes membre."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Notifications à ne plus recevoir"),
        required=False,
        choices=mute_kind_choices,
        error_messages={"invalid_choice": _("Type de notification inconnu : %(value)s.")},
    )

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = kinds.communities_of(agent).order_by("name")
