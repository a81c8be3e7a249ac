"""Forms of joining, answering, inviting and of the external users' account creation."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from communities.permissions import agents_visible_to
from directory.models import Agent
from directory.permissions import contact_visible_q, with_contact_visibility
from maillage.forms import DsfrFormMixin

SEARCH_RESULTS = 20


class RequestForm(DsfrFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Votre message à l'animation"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facultatif : présentez-vous et dites ce que vous attendez de la communauté."),
    )


class ReasonForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArchiveForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'archivage"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : il est conservé dans le journal de la communauté."),
    )


def invite_candidates(community, viewer):
    """The agents ``viewer`` (an animator) may pick: active State agents with no membership in the
    community (someone who asked to join may be picked: inviting them accepts their request),
    among the agents the viewer may see at all (an external animator only sees the members of
    their communities). External users are not listed: they are invited by e-mail only.

    Each agent is annotated with ``can_see_email``: the chooser shows and matches an address only
    where the directory would show it to the viewer.
    """
    taken = Membership.objects.filter(community=community).exclude(state=Membership.State.REQUESTED)
    candidates = Agent.objects.filter(
        is_active=True, closed_at__isnull=True, is_external=False
    ).exclude(pk__in=taken.values("agent"))
    return with_contact_visibility(viewer, agents_visible_to(viewer, candidates)).select_related(
        "service"
    )


def search_agents(queryset, q, viewer):
    """Agents whose name, or e-mail address where ``viewer`` may see it, contains every word
    typed. A hidden address is not matched at all, not even typed in full: that would confirm
    the account exists (the form's e-mail field invites an address whether or not it has one)."""
    words = q.split()[:5]
    if not words:
        return queryset.none()
    email_visible = contact_visible_q(viewer, "email")
    for word in words:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | (Q(email__icontains=word) & email_visible)
        )
    return queryset.order_by("last_name", "first_name")[:SEARCH_RESULTS]


def agent_label(agent):
    """Name — service, as the directory lists agents; the address only where it is visible."""
    service = f" — {agent.service.short_name}" if agent.service else ""
    email = f" ({agent.email})" if agent.can_see_email else ""
    return f"{agent.display_name}{service}{email}"


class InviteForm(DsfrFormMixin, forms.Form):
    """Agents picked among the search results, and/or an e-mail address."""

    agents = forms.ModelMultipleChoiceField(
        label=_("Agents trouvés"),
        queryset=Agent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(
        label=_("Ou une adresse électronique"),
        required=False,
        help_text=_(
            "Pour inviter une personne qui n'a pas encore de compte : un agent de l'État la "
            "trouvera à sa première connexion ; un partenaire extérieur recevra un lien pour "
            "créer un compte limité à cette communauté."
        ),
    )

    def __init__(self, community, viewer, *args, q="", **kwargs):
        super().__init__(*args, **kwargs)
        candidates = invite_candidates(community, viewer)
        field = self.fields["agents"]
        field.queryset = candidates
        self.q = q.strip()[:100]
        shown = list(search_agents(candidates, self.q, viewer))
        selected = [value for value in self.data.getlist("agents") if value.isdigit()][:50]
        if selected:
            shown_ids = {agent.pk for agent in shown}
            shown += [a for a in candidates.filter(pk__in=selected) if a.pk not in shown_ids]
        self.results = shown
        # Only the search results are rendered; validation checks against every candidate.
        field.widget.choices = [(agent.pk, agent_label(agent)) for agent in shown]

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("agents") and not cleaned.get("email"):
            raise ValidationError(
                _("Choisissez au moins un agent ou indiquez une adresse électronique.")
            )
        return cleaned


class ExternalAccountForm(DsfrFormMixin, SetPasswordMixin, forms.Form):
    """The account of a partner outside the State, invited by e-mail to one community."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mot de passe"), label2=_("Confirmation du mot de passe")
    )

    def __init__(self, email, *args, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        if not self.errors:
            self.validate_password_for_user(
                Agent(
                    email=self.email,
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                )
            )
        return cleaned
