"""Agents propose communities; the platform's administrators accept or decline them (issue 13,
item 12)."""

from html import unescape

import pytest
from django.urls import reverse

from communities.models import AuditLog, Community, CommunityProposal, Membership, Theme
from communities.proposals import PROPOSAL, proposal_accept, proposal_create, proposal_decline
from directory.models import Region
from maillage.http import Refused
from notifications.models import Notification
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db
P = CommunityProposal.Status


def text(response):
    return unescape(response.content.decode())


def form_data(**changes):
    data = {
        "name": "Référents France Rénov'",
        "objective": "Harmoniser l'instruction des dossiers.",
        "kind": Community.Kind.EXPERTISE,
        "visibility": Community.Visibility.ON_REQUEST,
        "why": "Nous nous appelons chaque semaine.",
        "themes": [Theme.objects.order_by("pk").first().pk],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def propose(agent, **changes):
    data = form_data(**changes)
    themes = Theme.objects.filter(pk__in=data.pop("themes", []))
    return proposal_create(agent=agent, themes=themes, **data)


@pytest.fixture
def admin(db):
    return AgentFactory(platform_admin=True)


@pytest.fixture
def sgar(db):
    return AgentFactory(sgar=True, sgar_region=Region.objects.get(code="53"))


PERSONAS = {
    "agent": lambda: AgentFactory(),
    "external": lambda: ExternalAgentFactory(),
    "sgar": lambda: AgentFactory(sgar=True, sgar_region=Region.objects.get(code="53")),
    "admin": lambda: AgentFactory(platform_admin=True),
}
# What each persona gets, written out: (propose form GET, propose POST creates, list GET,
# sees another's pending proposal, may decide it).
MATRIX = {
    "agent": (200, True, 200, 404, False),
    "external": (404, False, 404, 404, False),
    "sgar": (200, True, 200, 404, False),
    "admin": (200, True, 200, 200, True),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_permission_matrix(client, persona):
    """State agents (the SGAR officer included) propose; external partners do not; only the
    administrators see others' proposals and decide them."""
    someone = AgentFactory()
    other = propose(someone, name="Proposition d'un autre")
    user = PERSONAS[persona]()
    client.force_login(user)
    form_get, creates, list_get, sees_other, decides = MATRIX[persona]
    assert client.get(reverse("communities:proposal_create")).status_code == form_get
    client.post(reverse("communities:proposal_create"), form_data(name="Ma proposition"))
    assert CommunityProposal.objects.filter(proposer=user).exists() is creates
    assert client.get(reverse("communities:proposals")).status_code == list_get
    assert client.get(reverse("communities:proposal", args=[other.pk])).status_code == sees_other
    response = client.post(
        reverse("communities:proposal_decide", args=[other.pk]), {"decision": "accept"}
    )
    assert (response.status_code == 404) is not decides
    other.refresh_from_db()
    assert (other.status == P.ACCEPTED) is decides


def test_sgar_officer_proposes_from_the_communities_page_and_follows_it(client, sgar):
    """The SGAR officer finds « Proposer une communauté » on the communities page, sends it and
    sees it « En attente » among their proposals."""
    client.force_login(sgar)
    page = text(client.get(reverse("communities:list")))
    assert 'data-testid="propose-link"' in page and "Proposer une communauté" in page
    response = client.post(reverse("communities:proposal_create"), form_data())
    assert response.status_code == 302
    proposal = CommunityProposal.objects.get(proposer=sgar)
    assert response["Location"] == reverse("communities:proposal", args=[proposal.pk])
    detail = text(client.get(response["Location"]))
    assert "Votre proposition est transmise" in detail and "En attente" in detail
    mine = text(client.get(reverse("communities:proposals")))
    assert 'data-testid="my-proposal"' in mine and "Référents France Rénov'" in mine
    assert 'data-testid="pending-proposals"' not in mine


def test_administrators_are_notified_and_reach_pending_proposals(
    client, admin, sgar, django_capture_on_commit_callbacks
):
    """A new proposal notifies the administrators (not the proposer); their communities page
    links to the pending proposals."""
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(sgar)
    assert Notification.objects.filter(
        kind="community_proposal", recipient=admin, target_id=proposal.pk
    ).exists()
    assert not Notification.objects.filter(kind="community_proposal", recipient=sgar).exists()
    client.force_login(admin)
    page = text(client.get(reverse("communities:list")))
    assert 'data-testid="proposals-link"' in page and "1 en attente" in page
    listing = text(client.get(reverse("communities:proposals")))
    assert 'data-testid="pending-proposal"' in listing and proposal.name in listing


def test_accepting_creates_the_community_with_the_proposer_animating(
    client, admin, sgar, django_capture_on_commit_callbacks
):
    """Accepting creates the community through the creation service (charter v1, audit), the
    proposer its animator; the proposer is notified."""
    proposal = propose(sgar)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communities:proposal_decide", args=[proposal.pk]), {"decision": "accept"}
        )
    proposal.refresh_from_db()
    assert proposal.status == P.ACCEPTED and proposal.decided_by == admin
    community = proposal.community
    assert response["Location"] == community.get_absolute_url()
    assert community.name == proposal.name and community.kind == proposal.kind
    assert community.visibility == Community.Visibility.ON_REQUEST
    assert list(community.themes.all()) == list(proposal.themes.all())
    assert community.current_charter.number == 1
    membership = Membership.objects.get(community=community, agent=sgar)
    assert membership.is_animator
    assert AuditLog.objects.filter(community=community, action="community_created").exists()
    assert AuditLog.objects.filter(action="proposal_accepted", target_agent=sgar).exists()
    notification = Notification.objects.get(kind="proposal_answered", recipient=sgar)
    assert "est acceptée" in notification.summary
    assert notification.url == community.get_absolute_url()
    # E-mailed at once by default.
    assert notification.email == "immediate"


def test_declining_needs_a_reason_and_tells_the_proposer(
    client, admin, sgar, django_capture_on_commit_callbacks
):
    """Declining without a reason is refused in French; with one, the proposer is notified with
    the reason and reads it on the proposal."""
    proposal = propose(sgar)
    client.force_login(admin)
    url = reverse("communities:proposal_decide", args=[proposal.pk])
    response = client.post(url, {"decision": "decline", "reason": "   "})
    assert response.status_code == 400 and "Indiquez le motif du refus." in text(response)
    proposal.refresh_from_db()
    assert proposal.status == P.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "decline", "reason": "Une communauté existe déjà."})
    proposal.refresh_from_db()
    assert (
        proposal.status == P.DECLINED and proposal.decline_reason == "Une communauté existe déjà."
    )
    assert proposal.community is None
    assert not Community.objects.filter(name=proposal.name).exists()
    notification = Notification.objects.get(kind="proposal_answered", recipient=sgar)
    assert "Une communauté existe déjà." in notification.summary
    client.force_login(sgar)
    detail = text(client.get(reverse("communities:proposal", args=[proposal.pk])))
    assert "Refusée" in detail and "Motif : Une communauté existe déjà." in detail


def test_state_machine(admin, sgar):
    """pending → accepted and pending → declined only; an answered proposal is not answered
    again; a reason is required to decline; only administrators move it."""
    assert {(m.sources, m.target) for m in PROPOSAL.transitions} == {
        ((P.PENDING,), P.ACCEPTED),
        ((P.PENDING,), P.DECLINED),
    }
    proposal = propose(sgar)
    with pytest.raises(Refused):
        proposal_accept(proposal=proposal, actor=sgar)
    with pytest.raises(Refused, match="motif"):
        proposal_decline(proposal=proposal, actor=admin, reason="")
    proposal_decline(proposal=proposal, actor=admin, reason="Doublon")
    with pytest.raises(Refused):
        proposal_accept(proposal=proposal, actor=admin)
    with pytest.raises(Refused):
        proposal_decline(
            proposal=CommunityProposal.objects.get(pk=proposal.pk), actor=admin, reason="Encore"
        )
    second = propose(sgar, name="Deuxième")
    proposal_accept(proposal=second, actor=admin)
    with pytest.raises(Refused):
        proposal_accept(proposal=CommunityProposal.objects.get(pk=second.pk), actor=admin)
    assert Community.objects.filter(name="Deuxième").count() == 1


def test_empty_fields_are_refused_in_french(client, sgar):
    """Empty (or blank) fields answer 400 with a French message per field, nothing saved."""
    client.force_login(sgar)
    response = client.post(
        reverse("communities:proposal_create"),
        form_data(name="   ", objective="", why=" ", kind="", visibility=""),
    )
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Donnez un nom à la communauté proposée.",
        "Indiquez l'objectif commun de la communauté.",
        "Expliquez pourquoi cette communauté est utile.",
        "Choisissez le type de la communauté.",
        "Choisissez la visibilité de la communauté.",
    ):
        assert message in page, message
    assert not CommunityProposal.objects.exists()


def test_html_in_fields_is_escaped(client, sgar, admin):
    """HTML and script typed in a proposal are shown as text to the proposer and the
    administrators."""
    client.force_login(sgar)
    client.post(
        reverse("communities:proposal_create"),
        form_data(
            name="<b>Réseau</b>",
            objective='<script>alert("o")</script>',
            why='<img src=x onerror="alert(1)">',
        ),
    )
    proposal = CommunityProposal.objects.get()
    for user in (sgar, admin):
        client.force_login(user)
        html = client.get(reverse("communities:proposal", args=[proposal.pk])).content.decode()
        assert '<script>alert("o")' not in html and "<img src=x" not in html
        assert "<b>Réseau</b>" not in html and "&lt;b&gt;Réseau&lt;/b&gt;" in html


def test_a_forged_decision_is_refused(client, admin, sgar):
    """A decision that is neither accept nor decline answers 400 in French, nothing moves."""
    proposal = propose(sgar)
    client.force_login(admin)
    response = client.post(
        reverse("communities:proposal_decide", args=[proposal.pk]), {"decision": "maybe"}
    )
    assert response.status_code == 400
    assert "Choisissez d'accepter ou de refuser" in text(response)
    assert client.get("/communautes/propositions/99999999/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == P.PENDING
