"""The e-mails of memberships: an agent is told through the notification kinds (their
preferences, their mutes, the unsubscribe link), whoever calls the service; an address with no
account gets the service's direct e-mail, on commit."""

import pytest
from django.conf import settings
from django.urls import reverse

from communities import services
from communities.models import Invitation, Membership
from notifications.models import CommunityMute, Email, Notification, Preference
from notifications.services import preferences_of
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

S = Membership.State
UNSUBSCRIBE = f"{settings.SITE_URL}/notifications/desabonnement/"


@pytest.fixture
def animator():
    return AgentFactory(first_name="Nathalie", last_name="Moreau")


@pytest.fixture
def on_request(animator):
    community = CommunityFactory(name="Contrôleurs", on_request=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


@pytest.fixture
def private(animator):
    community = CommunityFactory(name="Innov@teurs", private_listed=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


def mails_to(mailoutbox, agent):
    return [message for message in mailoutbox if message.to == [agent.email]]


def assert_unsubscribable(message):
    """The e-mail carries its kind's unsubscribe link, in the text and in the headers."""
    assert UNSUBSCRIBE in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{UNSUBSCRIBE}")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("kind", ["join_request", "request_answered", "invitation"])
def test_membership_kinds_are_emailed_at_once_by_default(kind):
    """Requests, answers and invitations were e-mailed at once before they were notifications:
    without a choice, they still are (and shown in the app)."""
    agent = AgentFactory()
    assert preferences_of([agent.pk], kind) == {agent.pk: (True, Email.IMMEDIATE)}


def test_a_request_reaches_the_animators_whoever_calls_the_service(
    agent, animator, on_request, mailoutbox, capture_effects
):
    """The service alone (no view) tells the animators: in the app and by e-mail, with the
    request's message and the unsubscribe link."""
    with capture_effects() as effects:
        services.community_request(community=on_request, agent=agent, message="Je suis DDT.")
    assert effects.mailed == []  # an agent is never e-mailed directly
    assert Notification.objects.get(recipient=animator).kind == "join_request"
    [message] = mails_to(mailoutbox, animator)
    assert "Anne Martin demande à rejoindre « Contrôleurs »" in message.subject
    assert "Son message : Je suis DDT." in message.body
    assert f"{settings.SITE_URL}{reverse('communities:members', args=[on_request.slug])}" in (
        message.body
    )
    assert_unsubscribable(message)


def test_an_animator_who_muted_the_community_gets_no_request_email(
    agent, animator, on_request, mailoutbox, capture_effects
):
    """An animator who muted the community is neither notified nor e-mailed of a request; the
    other animators are."""
    other = MembershipFactory(community=on_request, animator=True).agent
    CommunityMute.objects.create(agent=animator, community=on_request)
    with capture_effects():
        services.community_request(community=on_request, agent=agent, message="")
    assert mails_to(mailoutbox, animator) == []
    assert not Notification.objects.filter(recipient=animator).exists()
    assert len(mails_to(mailoutbox, other)) == 1


def test_an_animator_who_muted_only_requests_gets_no_request_email(
    agent, animator, on_request, mailoutbox, capture_effects
):
    """Muting a community for requests alone is enough."""
    CommunityMute.objects.create(agent=animator, community=on_request, kind="join_request")
    with capture_effects():
        services.community_request(community=on_request, agent=agent, message="")
    assert mailoutbox == []


def test_an_animator_who_chose_the_digest_waits_for_it(
    agent, animator, on_request, mailoutbox, capture_effects
):
    """An animator who chose the weekly digest for requests gets no e-mail at once."""
    Preference.objects.create(agent=animator, kind="join_request", in_app=True, email=Email.WEEKLY)
    with capture_effects():
        services.community_request(community=on_request, agent=agent, message="")
    assert mailoutbox == []
    assert Notification.objects.get(recipient=animator).email == Email.WEEKLY


def test_answers_carry_the_unsubscribe_link(
    agent, other_agent, animator, on_request, mailoutbox, capture_effects
):
    """An accepted and a refused request are e-mailed to their agent with the unsubscribe link;
    the refusal says the animators' reason."""
    accepted = MembershipFactory(community=on_request, agent=agent, requested=True)
    refused = MembershipFactory(community=on_request, agent=other_agent, requested=True)
    with capture_effects():
        services.request_answer(membership=accepted, actor=animator, accept=True)
        services.request_answer(
            membership=refused, actor=animator, accept=False, reason="Réservée\n à la DREAL."
        )
    [welcome] = mails_to(mailoutbox, agent)
    assert "Votre demande pour « Contrôleurs » est acceptée" in welcome.subject
    assert_unsubscribable(welcome)
    [refusal] = mails_to(mailoutbox, other_agent)
    assert "n'est pas acceptée. Motif : Réservée à la DREAL." in refusal.body
    assert_unsubscribable(refusal)


def test_a_long_refusal_reason_is_cut_to_fit_the_notification(
    agent, animator, on_request, capture_effects
):
    """A reason of 1,000 characters is cut, with an ellipsis, to the notification's length."""
    membership = MembershipFactory(community=on_request, agent=agent, requested=True)
    with capture_effects():
        services.request_answer(
            membership=membership, actor=animator, accept=False, reason="mot " * 250
        )
    summary = Notification.objects.get(recipient=agent).summary
    assert len(summary) <= 300 and summary.endswith("…")
    assert "Motif : mot mot" in summary


def test_an_agent_who_chose_never_gets_no_invitation_email(
    agent, animator, private, client, mailoutbox, capture_effects
):
    """An agent who chose « Pas d'e-mail » for invitations is invited in the app only, from the
    members' page as from anywhere."""
    Preference.objects.create(agent=agent, kind="invitation", in_app=True, email=Email.NONE)
    client.force_login(animator)
    with capture_effects() as effects:
        client.post(reverse("communities:invite", args=[private.slug]), {"agents": [agent.pk]})
    assert Membership.objects.get(agent=agent, community=private).state == S.INVITED
    assert mailoutbox == [] and effects.mailed == []
    assert Notification.objects.get(recipient=agent, kind="invitation").in_app


def test_an_invitation_is_emailed_with_the_unsubscribe_link(
    agent, animator, private, mailoutbox, capture_effects
):
    """Without a choice, an invited agent gets the invitation at once, with how to answer and
    the link that stops these e-mails."""
    with capture_effects():
        services.invite(community=private, actor=animator, agent=agent)
    [message] = mails_to(mailoutbox, agent)
    assert "Nathalie Moreau vous invite à rejoindre « Innov@teurs »" in message.subject
    assert "Acceptez ou déclinez l'invitation" in message.body
    assert f"{settings.SITE_URL}/communautes/{private.slug}/" in message.body
    assert_unsubscribable(message)


def test_an_address_of_an_agent_is_a_notification_not_a_direct_email(
    agent, animator, private, mailoutbox, capture_effects
):
    """Inviting by the address of an existing agent invites the agent: their preferences
    apply, no direct e-mail goes out."""
    Preference.objects.create(agent=agent, kind="invitation", in_app=True, email=Email.NONE)
    with capture_effects() as effects:
        services.invite(community=private, actor=animator, email=agent.email.upper())
    assert effects.mailed == [] and mailoutbox == []
    assert not Invitation.objects.exists()
    assert Membership.objects.get(agent=agent, community=private).state == S.INVITED


def test_an_address_with_no_account_is_emailed_only_after_commit(
    animator, private, mailoutbox, capture_effects
):
    """The invitation of an address is e-mailed once it is committed, with the links built on
    the site's address (no request needed)."""
    with capture_effects() as effects:
        invitation = services.invite(community=private, actor=animator, email="x@ddt.gouv.fr")
        assert mailoutbox == []  # not before the commit
    assert [m["to"] for m in effects.mailed] == ["x@ddt.gouv.fr"]
    assert invitation.token not in mailoutbox[0].body
    assert f"{settings.SITE_URL}/inscription/" in mailoutbox[0].body
    assert "Nathalie Moreau vous invite" in mailoutbox[0].body
