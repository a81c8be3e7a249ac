"""Selected and running projects for the follow-up's tests: a laureate dossier with its team and
the call's managers and CDC, and a running one with its signed convention, calendar and dates."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from calls.deadlines import add_months
from calls.models import CallRole, Convention, Dossier, DossierMember, Milestone
from tests.calls.factories import CallFactory, DossierFactory, add_member, at_state, grant, lead_of
from tests.factories import AgentFactory


@dataclass
class Project:
    """A project and the people around it."""

    dossier: Dossier
    lead: object  # the operational lead (porteur opérationnel)
    sponsor: object  # the préfet de région (porteur de projet)
    team: object  # a member of the project team
    partner: object  # a partner's representative
    manager: object  # a manager of the call (the secretariat)
    cdc: object  # the Caisse des dépôts' role on the call
    outsider: object  # a State agent with no role

    @property
    def call(self):
        return self.dossier.call


def selected_project(call=None, *, granted=Decimal("200"), **call_fields):
    """A laureate dossier (state « lauréat », granted ``granted`` k€), with its people."""
    call = call or CallFactory(**call_fields)
    dossier = DossierFactory(call=call)
    sponsor = add_member(dossier, role=DossierMember.Role.SPONSOR)
    team = add_member(dossier, role=DossierMember.Role.TEAM)
    partner = add_member(dossier, role=DossierMember.Role.PARTNER)
    manager = grant(call, CallRole.Role.MANAGER)
    cdc = grant(call, CallRole.Role.CDC)
    Dossier.objects.filter(pk=dossier.pk).update(granted_amount=granted, decided_at=timezone.now())
    dossier = at_state(dossier, Dossier.State.SELECTED)
    return Project(
        dossier=dossier,
        lead=lead_of(dossier),
        sponsor=sponsor,
        team=team,
        partner=partner,
        manager=manager,
        cdc=cdc,
        outsider=AgentFactory(),
    )


def running_project(call=None, *, starts_on=None, months=24, **call_fields):
    """A project whose convention is signed (state « en cours »): it starts on ``starts_on``
    (today by default) for ``months`` months, with two milestones (half-way and the end)."""
    project = selected_project(call, **call_fields)
    starts_on = starts_on or timezone.localdate()
    ends_on = add_months(starts_on, months)
    Convention.objects.create(
        dossier=project.dossier,
        funding_terms="Aide de 200 k€ versée en deux tranches.",
        eligible_expenses="Frais de personnel interne et prestations.",
        starts_on=starts_on,
        ends_on=ends_on,
        sponsor_signatory="Préfet de la région Bretagne",
        sponsor_signed_on=starts_on,
        cdc_signatory="Directeur régional de la Caisse des dépôts",
        cdc_signed_on=starts_on,
        signed_at=timezone.now(),
    )
    Milestone.objects.create(
        dossier=project.dossier,
        label="Mi-parcours",
        due_on=add_months(starts_on, months // 2),
        order=1,
    )
    Milestone.objects.create(dossier=project.dossier, label="Fin", due_on=ends_on, order=2)
    project.dossier = at_state(project.dossier, Dossier.State.IN_PROGRESS)
    return project
