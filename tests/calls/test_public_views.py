"""The public page of a selected project (R56: only what the decision makes public, readable
without signing in) and the innovators' registry (R32: only the promising projects whose sponsor
consented)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import (
    CallRole,
    Dossier,
    DossierMember,
    ExpertAssignment,
    FinancingLine,
    Score,
)
from calls.permissions import FOLLOWED
from tests.calls.factories import CallFactory, DossierFactory, add_partner, grant
from tests.factories import AgentFactory, CommunityFactory, ExternalAgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

S = Dossier.State


def html(response):
    return unescape(response.content.decode())


def selected(**fields):
    """A selected dossier with everything a dossier holds: public facts and private ones."""
    dossier = DossierFactory(
        acronym="RESO",
        title="Réseau des instructeurs",
        summary="Un réseau d'entraide entre instructeurs des installations classées.",
        sponsor_name="Préfecture de la région Bretagne",
        sponsor_email="projets@bretagne.gouv.fr",
        sponsor_phone="02 99 02 10 35",
        sponsor_address="3 avenue de la Préfecture, 35000 Rennes",
        contact_name="Jeanne Privée",
        contact_phone="06 12 34 56 78",
        contact_email="jeanne.privee@bretagne.gouv.fr",
        committee_opinion="Avis confidentiel du comité",
        decision_conditions="Conditions internes du comité",
        **fields,
    )
    add_partner(
        dossier,
        name="Conseil départemental d'Ille-et-Vilaine",
        contact_name="Paul Responsable",
        contact_email="paul.responsable@ille-et-vilaine.fr",
        contribution_amount=Decimal("37.5"),
        role="Rôle interne du partenaire",
    )
    FinancingLine.objects.create(
        dossier=dossier,
        side=FinancingLine.Side.COST,
        category="staff",
        label="Vacations de développeurs confidentielles",
        amount=Decimal("987.65"),
    )
    expert = grant(dossier.call, CallRole.Role.EXPERT)
    assignment = ExpertAssignment.objects.create(
        dossier=dossier, expert=expert, opinion="Opinion de l'expert"
    )
    Score.objects.create(
        assignment=assignment,
        criterion=dossier.call.criteria.get(code="2"),
        score=4,
        comment="Commentaire de notation",
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        state=S.SELECTED,
        granted_amount=Decimal("120"),
        decided_at=timezone.make_aware(timezone.datetime(2017, 3, 15, 10, 0)),
    )
    dossier.refresh_from_db()
    return dossier


def project_url(dossier):
    return reverse("calls:project", args=[dossier.pk])


def test_the_public_page_shows_what_r56_makes_public_to_anyone(client):
    """Without signing in: acronym, title, summary, the grant in k€, the start date, the sponsor's
    name and e-mail address, each partner and the person responsible in it."""
    dossier = selected()
    response = client.get(project_url(dossier))
    assert response.status_code == 200
    page = html(response)
    for expected in (
        "RESO",
        "Réseau des instructeurs",
        "Un réseau d'entraide entre instructeurs des installations classées.",
        "120 k€",
        "15 mars 2017",
        "Préfecture de la région Bretagne",
        "projets@bretagne.gouv.fr",
        "Conseil départemental d'Ille-et-Vilaine",
        "Paul Responsable",
    ):
        assert expected in page, expected


def test_the_public_page_never_shows_a_budget_a_phone_an_address_or_a_score(client):
    """A phone number, an address, a cost line, a contribution, a score, an opinion, the
    contacts' e-mail addresses: none of them is on the public page, even for a manager."""
    dossier = selected()
    client.force_login(grant(dossier.call, CallRole.Role.MANAGER))
    page = html(client.get(project_url(dossier)))
    for secret in (
        "02 99 02 10 35",
        "06 12 34 56 78",
        "3 avenue de la Préfecture",
        "Jeanne Privée",
        "jeanne.privee@bretagne.gouv.fr",
        "paul.responsable@ille-et-vilaine.fr",
        "Vacations de développeurs confidentielles",
        "987,65",
        "987.65",
        "37,5",
        "37.5",
        "Rôle interne du partenaire",
        "Avis confidentiel du comité",
        "Conditions internes du comité",
        "Opinion de l'expert",
        "Commentaire de notation",
    ):
        assert secret not in page, secret


@pytest.mark.parametrize("state", [s for s in S.values if s not in FOLLOWED])
def test_only_a_selected_project_has_a_public_page(client, state):
    """A dossier never selected (in any state but « lauréat » and those after it: convention
    signed, final report, closed) is a 404, even for its lead."""
    dossier = DossierFactory()
    Dossier.objects.filter(pk=dossier.pk).update(state=state)
    client.force_login(dossier.members.get(role=DossierMember.Role.LEAD).agent)
    assert client.get(project_url(dossier)).status_code == 404


def test_an_unknown_project_is_not_found(client):
    """An id that names no dossier is a 404."""
    assert client.get(reverse("calls:project", args=[987654])).status_code == 404


def test_the_public_page_escapes_what_the_team_typed(client):
    """A script in the title, the summary or a partner's name is shown as text."""
    dossier = selected()
    Dossier.objects.filter(pk=dossier.pk).update(
        title="<script>alert('t')</script>", summary="<img src=x onerror=alert(1)>"
    )
    dossier.partners.update(name="<script>alert('p')</script>")
    raw = client.get(project_url(dossier)).content.decode()
    assert "<script>alert(" not in raw
    assert "<img src=x" not in raw
    assert "&lt;script&gt;alert(" in raw


def test_the_public_page_links_the_community_to_those_who_may_see_it(client):
    """The project's community is linked for an agent who may see it; not for an anonymous
    visitor, nor for an external partner outside a private community."""
    dossier = selected()
    community = CommunityFactory(private_secret=True)
    Dossier.objects.filter(pk=dossier.pk).update(community=community)
    url = project_url(dossier)

    assert 'data-testid="project-community"' not in html(client.get(url))
    client.force_login(AgentFactory())
    assert 'data-testid="project-community"' not in html(client.get(url))
    member = MembershipFactory(community=community).agent
    client.force_login(member)
    page = html(client.get(url))
    assert 'data-testid="project-community"' in page
    assert community.get_absolute_url() in page

    community.visibility = community.Visibility.OPEN
    community.save()
    client.force_login(AgentFactory())
    assert 'data-testid="project-community"' in html(client.get(url))


# --- the innovators' registry -------------------------------------------------------------------


def promising(consent, **fields):
    dossier = DossierFactory(**fields)
    Dossier.objects.filter(pk=dossier.pk).update(state=S.PROMISING, registry_consent=consent)
    return dossier


def registry_ids(response):
    return re.findall(r'data-testid="registry-row" data-id="(\d+)"', response.content.decode())


def test_the_registry_lists_only_the_promising_projects_that_consented(client):
    """A promising project whose sponsor consented is listed with its acronym, title, region and
    call; one that did not consent never is, nor a selected or draft one."""
    listed = promising(True, acronym="INNOV", title="Laboratoire d'usages")
    hidden = promising(False, title="Projet discret")
    draft = DossierFactory(title="Brouillon consentant")
    Dossier.objects.filter(pk=draft.pk).update(registry_consent=True)
    client.force_login(AgentFactory())
    response = client.get(reverse("calls:registry"))
    assert response.status_code == 200
    assert registry_ids(response) == [str(listed.pk)]
    page = html(response)
    for expected in ("INNOV", "Laboratoire d'usages", "Bretagne", listed.call.title):
        assert expected in page
    assert "Projet discret" not in page
    assert str(hidden.pk) not in registry_ids(response)
    assert "Brouillon consentant" not in page


def test_the_registry_is_for_signed_in_state_agents(client):
    """An anonymous visitor is sent to sign in; an external partner gets a 404."""
    promising(True)
    response = client.get(reverse("calls:registry"))
    assert response.status_code == 302
    client.force_login(ExternalAgentFactory())
    assert client.get(reverse("calls:registry")).status_code == 404


def test_a_consent_withdrawn_takes_the_project_off_the_registry(client):
    """Once the sponsor withdraws consent, the project leaves the registry."""
    dossier = promising(True)
    client.force_login(AgentFactory())
    assert registry_ids(client.get(reverse("calls:registry"))) == [str(dossier.pk)]
    Dossier.objects.filter(pk=dossier.pk).update(registry_consent=False)
    assert registry_ids(client.get(reverse("calls:registry"))) == []


def test_the_registry_escapes_titles(client):
    """A script in a listed project's title is shown as text."""
    promising(True, title="<script>alert(1)</script>")
    client.force_login(AgentFactory())
    raw = client.get(reverse("calls:registry")).content.decode()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_the_call_list_links_the_registry(client):
    """« Appels à projets » links the registry."""
    CallFactory()
    client.force_login(AgentFactory())
    assert reverse("calls:registry") in html(client.get(reverse("calls:index")))
