"""Withdrawing an invitation by e-mail (to an address with no account) from the members' page."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import AuditLog, Invitation
from communities.services import CommunityError
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def animator():
    return AgentFactory(first_name="Nathalie", last_name="Moreau")


@pytest.fixture
def community(animator):
    community = CommunityFactory(name="Innov@teurs", private_listed=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


@pytest.fixture
def invitation(community, animator):
    return Invitation.objects.create(
        community=community, email="elu@mairie-rennes.fr", invited_by=animator, external=True
    )


def withdraw_url(community, invitation):
    return reverse("communities:invitation_withdraw", args=[community.slug, invitation.pk])


def test_the_animator_sees_and_withdraws_an_invitation(client, animator, community, invitation):
    """The members' page offers « Retirer l'invitation » for a pending address; withdrawing it
    deletes it, says so, writes the journal, and its link no longer works."""
    client.force_login(animator)
    members = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert withdraw_url(community, invitation) in members
    response = client.post(withdraw_url(community, invitation))
    assert response["Location"] == reverse("communities:members", args=[community.slug])
    page = client.get(response["Location"]).content.decode()
    assert "L&#x27;invitation de elu@mairie-rennes.fr est retirée." in page
    assert "elu@mairie-rennes.fr" not in page.split('data-testid="pending-invitations"')[1]
    assert not Invitation.objects.exists()
    entry = AuditLog.objects.get(action="invitation_withdrawn")
    assert (entry.actor, entry.reason) == (animator, "elu@mairie-rennes.fr")
    journal = client.get(reverse("communities:audit_log", args=[community.slug])).content.decode()
    assert "Invitation par courriel retirée" in journal
    client.logout()
    link = reverse("communities:external_invitation", args=[invitation.token])
    assert client.get(link).status_code == 404


def _outsider(community):
    return AgentFactory()


def _member(community):
    return MembershipFactory(community=community).agent


def _requested(community):
    return MembershipFactory(community=community, requested=True).agent


def _other_animator(community):
    return MembershipFactory(community=CommunityFactory(), animator=True).agent


def _animator(community):
    return MembershipFactory(community=community, animator=True).agent


def _platform_admin(community):
    return AgentFactory(platform_admin=True)


@pytest.mark.parametrize(
    ("who", "status", "withdrawn"),
    [
        (_animator, 302, True),
        (_platform_admin, 302, True),
        (_member, 404, False),
        (_requested, 404, False),
        (_outsider, 404, False),
        (_other_animator, 404, False),
    ],
    ids=["animator", "platform admin", "member", "pending", "outsider", "other animator"],
)
def test_who_may_withdraw(client, community, invitation, who, status, withdrawn):
    """Only those who manage the members withdraw an invitation; anyone else gets 404."""
    client.force_login(who(community))
    assert client.post(withdraw_url(community, invitation)).status_code == status
    assert Invitation.objects.filter(pk=invitation.pk).exists() is not withdrawn


def test_anonymous_is_sent_to_sign_in(client, community, invitation):
    """A visitor who is not signed in is sent to the sign-in page; nothing changes."""
    response = client.post(withdraw_url(community, invitation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_withdraw_is_post_only(client, animator, community, invitation):
    """A GET changes nothing."""
    client.force_login(animator)
    assert client.get(withdraw_url(community, invitation)).status_code == 405
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_forged_id_of_another_communitys_invitation_is_404(client, animator, community):
    """An invitation of another community, under this community's address, answers 404 and
    stays."""
    elsewhere = Invitation.objects.create(
        community=CommunityFactory(), email="autre@mairie.fr", invited_by=AgentFactory()
    )
    client.force_login(animator)
    assert client.post(withdraw_url(community, elsewhere)).status_code == 404
    assert Invitation.objects.filter(pk=elsewhere.pk).exists()


def test_a_used_invitation_cannot_be_withdrawn(client, animator, community, invitation):
    """An invitation already used (the account exists) is refused with a French message."""
    invitation.used_at = invitation.created_at
    invitation.save()
    client.force_login(animator)
    response = client.post(withdraw_url(community, invitation), follow=True)
    assert "Cette invitation a déjà servi ou a déjà été retirée." in response.content.decode()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not AuditLog.objects.filter(action="invitation_withdrawn").exists()


def test_the_service_checks_the_actor(community, invitation):
    """The service refuses a member who does not animate, whoever calls it."""
    member = MembershipFactory(community=community).agent
    with pytest.raises(CommunityError):
        services.invitation_withdraw(invitation=invitation, actor=member)
    assert Invitation.objects.filter(pk=invitation.pk).exists()
