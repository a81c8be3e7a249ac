"""Who may do what on agents' profiles. Which agents a viewer may see at all, and who shares a
community with whom, are answered by the apps that make the groups (``directory.relations``, which
the communities fill): an external user only sees the members of their communities.

Contact details (phone, e-mail) follow each agent's own setting (``Agent.Visibility``): the agent
and platform administrators always see them; otherwise « all » means every signed-in agent who may
open the profile, « communities » the agents who share an active membership of a community with
them (the animators' community counts), « nobody » nobody. ``can_see_contact`` answers for one
agent, ``contact_visible_q`` / ``with_contact_visibility`` answer the same question in SQL for
lists and exports.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from directory.relations import colleague_ids, visible_agents
from directory.roles import principal

CONTACT_FIELDS = ("phone", "email")


def _signed_in(viewer):
    return viewer.is_authenticated and viewer.is_active


@dataclass
class ProfileAbilities:
    """What one viewer may do on one agent's profile, each answer computed at most once (a page
    asks several of them: one object per request, as ``communities.permissions.abilities``)."""

    viewer: object
    agent: object

    @cached_property
    def signed_in(self):
        return _signed_in(self.viewer)

    @property
    def is_self(self):
        return self.signed_in and self.viewer.pk == self.agent.pk

    @property
    def is_admin(self):
        return principal(self.viewer).is_platform_admin

    @cached_property
    def can_view(self):
        if not self.signed_in:
            return False
        if self.agent.is_closed and not self.is_admin:
            return False
        if self.is_self:
            return True
        return visible_agents(
            self.viewer, type(self.agent).objects.filter(pk=self.agent.pk)
        ).exists()

    @property
    def can_read(self):
        """The policy registry's name for « may open the profile »."""
        return self.can_view

    @property
    def can_edit(self):
        if not self.signed_in or self.agent.is_closed:
            return False
        return self.is_self or self.is_admin

    @property
    def can_endorse(self):
        """Recommend (or withdraw a recommendation of) the agent's skills: any signed-in agent who
        may open the profile, except the agent themself; closed accounts neither endorse nor are
        endorsed."""
        if not self.signed_in or self.viewer.is_closed or self.agent.is_closed or self.is_self:
            return False
        return self.can_view

    @cached_property
    def shares_community(self):
        return shares_active_community(self.viewer, self.agent)

    def can_see(self, field):
        """May the viewer see the agent's ``field`` ("phone" or "email")?"""
        _check_field(field)
        if not self.signed_in:
            return False
        if self.is_self or self.is_admin:
            return True
        setting = getattr(self.agent, f"{field}_visibility")
        choices = type(self.agent).Visibility
        if self.agent.is_closed or setting not in (choices.ALL, choices.COMMUNITIES):
            return False
        if not self.can_view:
            return False
        return setting == choices.ALL or self.shares_community

    @property
    def can_see_phone(self):
        return self.can_see("phone")

    @property
    def can_see_email(self):
        return self.can_see("email")


def profile_abilities(viewer, agent):
    return ProfileAbilities(viewer=viewer, agent=agent)


def can_view_profile(viewer, agent):
    return profile_abilities(viewer, agent).can_view


def can_edit_profile(viewer, agent):
    return profile_abilities(viewer, agent).can_edit


def can_endorse(viewer, agent):
    return profile_abilities(viewer, agent).can_endorse


# --- contact details ----------------------------------------------------------------------------


def _check_field(field):
    if field not in CONTACT_FIELDS:
        raise ValueError(f"Unknown contact field {field!r}; expected one of {CONTACT_FIELDS}.")


def shares_active_community(viewer, agent):
    """True when both are active members of at least one common community (or of any group an
    app registered with ``directory.relations.register_colleagues``)."""
    return type(agent).objects.filter(pk=agent.pk, pk__in=colleague_ids(viewer)).exists()


def can_see_contact(viewer, agent, field):
    """May ``viewer`` see ``agent``'s ``field`` ("phone" or "email")?"""
    return profile_abilities(viewer, agent).can_see(field)


def contact_visibility(viewer, agent):
    """``{"phone": bool, "email": bool}`` for one profile, asking the database at most twice."""
    abilities = profile_abilities(viewer, agent)
    return {field: abilities.can_see(field) for field in CONTACT_FIELDS}


def contact_visible_q(viewer, field):
    """``can_see_contact`` as a filter on agents, for lists and exports (one query whatever the
    number of rows).

    ``Agent.objects.filter(contact_visible_q(viewer, "email"))`` keeps the agents whose e-mail the
    viewer may see. It includes the rule « the viewer may open the profile », so it is safe on any
    queryset of agents.
    """
    _check_field(field)
    if not _signed_in(viewer):
        return Q(pk__isnull=True)  # no row
    if viewer.is_platform_admin:
        return Q(pk__isnull=False)  # every row
    from directory.models import Agent

    setting = f"{field}_visibility"
    shared = colleague_ids(viewer)
    shown = Q(**{setting: Agent.Visibility.COMMUNITIES}, pk__in=shared)
    if viewer.is_external:
        # An external user only opens the profiles of the members of their communities.
        shown |= Q(**{setting: Agent.Visibility.ALL}, pk__in=shared)
    else:
        shown |= Q(**{setting: Agent.Visibility.ALL})
    return Q(pk=viewer.pk) | (Q(closed_at__isnull=True) & shown)


def with_contact_visibility(viewer, queryset):
    """Annotate each agent of ``queryset`` with ``can_see_phone`` and ``can_see_email``."""
    annotations = {}
    for field in CONTACT_FIELDS:
        if not _signed_in(viewer):
            expression = Value(False)
        elif viewer.is_platform_admin:
            expression = Value(True)
        else:
            expression = ExpressionWrapper(
                contact_visible_q(viewer, field), output_field=BooleanField()
            )
        annotations[f"can_see_{field}"] = expression
    return queryset.annotate(**annotations)


def can_export_agents(agent):
    """Export a directory search as CSV: SGAR officers (for their steering work) and platform
    administrators only (``directory.roles``)."""
    return principal(agent).can_export_agents


def agents_readable_by(viewer):
    """Every profile ``viewer`` may open (the registry's « readable »): closed accounts only for
    administrators, as the profile page decides."""
    from directory.models import Agent

    agents = Agent.objects.all()
    if not (_signed_in(viewer) and viewer.is_platform_admin):
        agents = agents.filter(closed_at__isnull=True) | Agent.objects.filter(pk=viewer.pk)
    return visible_agents(viewer, agents)
