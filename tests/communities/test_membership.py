"""Joining, requests, invitations (agents, new State addresses, external partners), leaving,
and the members' page with the animators' actions."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import AuditLog, Community, Invitation, Membership
from directory.models import Agent
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

S = Membership.State
R = Membership.Role
SCRIPT = "<script>alert('x')</script>"


def page_text(response):
    return unescape(response.content.decode())


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_text(client, response):
    """The page a redirect leads to, with its messages."""
    assert response.status_code == 302, page_text(response)
    return page_text(client.get(response["Location"]))


@pytest.fixture
def animator():
    return AgentFactory(email="anim@dreal.gouv.fr", first_name="Nathalie", last_name="Moreau")


@pytest.fixture
def open_community(animator):
    community = CommunityFactory(name="Politique de l'eau", open=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


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


# --- joining -------------------------------------------------------------------------------------


def test_join_an_open_community(agent_client, agent, open_community):
    """One click makes the agent a member, who is asked to accept the charter."""
    response = agent_client.post(url("join", open_community))
    text = follow_text(agent_client, response)
    membership = Membership.objects.get(community=open_community, agent=agent)
    assert membership.state == S.ACTIVE
    assert "Bienvenue dans la communauté" in text
    assert 'data-testid="charter-banner"' in text
    open_community.refresh_from_db()
    assert open_community.member_count == 2


def test_state_changing_views_refuse_get(agent_client, open_community):
    """Joining, cancelling, answering, leaving, restoring and member actions are POST only."""
    for name in ("join", "request_cancel", "invitation_answer", "leave", "restore"):
        assert agent_client.get(url(name, open_community)).status_code == 405, name
    membership = Membership.objects.get(community=open_community)
    response = agent_client.get(url("member_action", open_community, membership.pk, "promote"))
    assert response.status_code == 405


def test_double_join_gets_a_french_error_and_one_membership(agent_client, agent, open_community):
    """Joining twice says so in French and keeps one membership."""
    agent_client.post(url("join", open_community))
    response = agent_client.post(url("join", open_community))
    assert "Vous êtes déjà membre de cette communauté." in follow_text(agent_client, response)
    assert Membership.objects.filter(community=open_community, agent=agent).count() == 1


def test_join_of_an_on_request_community_is_refused(agent_client, agent, on_request):
    """An on-request community does not open in one click."""
    response = agent_client.post(url("join", on_request))
    assert "ne s'ouvre pas en un clic" in follow_text(agent_client, response)
    assert not Membership.objects.filter(agent=agent).exists()


def test_banned_agent_cannot_join_nor_ask(agent_client, agent, open_community, on_request):
    """A banned agent is told so, and neither joins nor asks again."""
    MembershipFactory(community=open_community, agent=agent, banned=True)
    MembershipFactory(community=on_request, agent=agent, banned=True)
    response = agent_client.post(url("join", open_community))
    assert "Vous avez été exclu de cette communauté." in follow_text(agent_client, response)
    response = agent_client.post(url("request", on_request), {"message": "Encore moi"})
    assert "Vous avez été exclu de cette communauté." in follow_text(agent_client, response)
    response = agent_client.get(url("request", on_request))
    assert "Vous avez été exclu de cette communauté." in follow_text(agent_client, response)
    assert set(Membership.objects.filter(agent=agent).values_list("state", flat=True)) == {S.BANNED}


# --- requests ------------------------------------------------------------------------------------


def test_request_accept_flow_through_the_pages(
    client, agent, animator, on_request, mailoutbox, django_capture_on_commit_callbacks
):
    """The agent asks with a message; the animators are told (their notification, e-mailed at
    once by default) and see it; accepting it makes a member, who is told the same way."""
    client.force_login(agent)
    form = client.get(url("request", on_request))
    assert form.status_code == 200
    assert 'name="message"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request", on_request), {"message": "Je suis inspectrice."})
    assert "Votre demande a été envoyée" in follow_text(client, response)
    membership = Membership.objects.get(community=on_request, agent=agent)
    assert membership.state == S.REQUESTED and membership.message == "Je suis inspectrice."
    assert [m.to for m in mailoutbox] == [[animator.email]]
    assert "Anne Martin demande à rejoindre « Contrôleurs »" in mailoutbox[0].subject
    assert "Je suis inspectrice." in mailoutbox[0].body
    assert f"{settings.SITE_URL}/notifications/desabonnement/" in mailoutbox[0].body

    client.force_login(animator)
    members = page_text(client.get(url("members", on_request)))
    assert "Je suis inspectrice." in members
    assert url("member_action", on_request, membership.pk, "accept") in members
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("member_action", on_request, membership.pk, "accept"))
    assert response["Location"] == url("members", on_request)
    membership.refresh_from_db()
    assert membership.state == S.ACTIVE
    message = mailoutbox[-1]
    assert message.to == [agent.email]
    assert "Votre demande pour « Contrôleurs » est acceptée" in message.subject
    assert f"{settings.SITE_URL}/communautes/{on_request.slug}/" in message.body


def test_refused_request_tells_the_reason(
    client, agent, animator, on_request, mailoutbox, django_capture_on_commit_callbacks
):
    """Refusing with a reason deletes the request and tells the agent the reason (their
    notification, e-mailed at once by default)."""
    membership = MembershipFactory(community=on_request, agent=agent, requested=True)
    client.force_login(animator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("member_action", on_request, membership.pk, "refuse"),
            {"reason": "Réservée aux agents d'Occitanie."},
        )
    # « de » elided before the agent's vowel-initial name (Anne Martin).
    assert "La demande d'Anne Martin a été refusée." in follow_text(client, response)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (
        AuditLog.objects.get(action="request_refused").reason == "Réservée aux agents d'Occitanie."
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [agent.email]
    assert "Réservée aux agents d'Occitanie." in mailoutbox[0].body
    assert "Réservée aux agents d'Occitanie." in mailoutbox[0].alternatives[0][0].replace(
        "&#x27;", "'"
    )


def test_request_message_is_escaped_on_the_members_page(client, agent, animator, on_request):
    """HTML or script in a request message is shown as text to the animators."""
    client.force_login(agent)
    client.post(url("request", on_request), {"message": f"Bonjour {SCRIPT}"})
    client.force_login(animator)
    html = client.get(url("members", on_request)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_request_cancel(agent_client, agent, on_request):
    """An agent cancels their pending request."""
    MembershipFactory(community=on_request, agent=agent, requested=True)
    response = agent_client.post(url("request_cancel", on_request))
    assert "Votre demande a été annulée." in follow_text(agent_client, response)
    assert not Membership.objects.filter(agent=agent).exists()


def test_request_page_of_an_open_community_redirects(agent_client, open_community):
    """Asking to join a community that does not take requests says why."""
    response = agent_client.get(url("request", open_community))
    assert "n'accepte pas de demande" in follow_text(agent_client, response)


def test_too_long_request_message_gets_the_form_again(agent_client, agent, on_request):
    """A message over 1,000 characters is refused on the form, nothing is recorded."""
    response = agent_client.post(url("request", on_request), {"message": "x" * 1001})
    assert response.status_code == 400
    assert not Membership.objects.filter(agent=agent).exists()


# --- invitations answered by agents -------------------------------------------------------------


def test_invited_agent_accepts_or_declines(client, agent, other_agent, private):
    """An invited agent sees the invitation on the home, and accepts or declines it."""
    MembershipFactory(community=private, agent=agent, invited=True)
    MembershipFactory(community=private, agent=other_agent, invited=True)
    client.force_login(agent)
    assert "Accepter l'invitation" in page_text(client.get(url("home", private)))
    client.post(url("invitation_answer", private), {"answer": "accept"})
    assert Membership.objects.get(agent=agent).state == S.ACTIVE
    client.force_login(other_agent)
    response = client.post(url("invitation_answer", private), {"answer": "decline"})
    assert response["Location"] == reverse("communities:home", args=[private.slug])
    assert not Membership.objects.filter(agent=other_agent).exists()


def test_invitation_answer_with_a_wrong_value(agent_client, agent, private):
    """An answer other than accept or decline changes nothing and says so."""
    MembershipFactory(community=private, agent=agent, invited=True)
    response = agent_client.post(url("invitation_answer", private), {"answer": "peut-être"})
    assert "Réponse inconnue" in follow_text(agent_client, response)
    assert Membership.objects.get(agent=agent).state == S.INVITED


def test_declining_a_secret_invitation_leads_back_to_the_list(agent_client, agent):
    """After declining, a secret community is out of reach: the agent lands on the list."""
    community = CommunityFactory(private_secret=True)
    MembershipFactory(community=community, agent=agent, invited=True)
    response = agent_client.post(url("invitation_answer", community), {"answer": "decline"})
    assert response["Location"] == reverse("communities:list")


# --- leaving -------------------------------------------------------------------------------------


def test_member_leaves(agent_client, agent, open_community):
    """A member leaves the community."""
    MembershipFactory(community=open_community, agent=agent)
    response = agent_client.post(url("leave", open_community))
    assert "Vous avez quitté la communauté" in follow_text(agent_client, response)
    assert not Membership.objects.filter(agent=agent).exists()


def test_last_animator_cannot_leave(client, animator, open_community):
    """The last animator gets the French error and stays."""
    client.force_login(animator)
    response = client.post(url("leave", open_community))
    assert "Vous êtes la dernière personne à animer" in follow_text(client, response)
    assert Membership.objects.get(agent=animator, community=open_community).is_animator


# --- the members' page ---------------------------------------------------------------------------


def test_members_page_for_a_member(client, agent, animator, open_community):
    """A member sees the members with role, service and charter version, not the management."""
    MembershipFactory(community=open_community, agent=agent, without_charter=True)
    MembershipFactory(community=open_community, requested=True)
    client.force_login(agent)
    response = client.get(url("members", open_community))
    assert response.status_code == 200
    text = page_text(response)
    assert "Nathalie Moreau" in text and "Animation" in text
    assert "Version 1" in text and "Non acceptée" in text
    assert agent.service.short_name in text
    assert 'data-testid="pending-requests"' not in text
    assert "Confier l'animation" not in text


def test_members_page_for_the_animator(client, animator, open_community):
    """The animator sees pending requests, invitations (agents and addresses) and banned members."""
    MembershipFactory(community=open_community, requested=True, message="Ma demande")
    invited = MembershipFactory(community=open_community, invited=True)
    banned = MembershipFactory(community=open_community, banned=True, reason="Propos injurieux")
    Invitation.objects.create(
        community=open_community, email="new@ddt.gouv.fr", invited_by=animator
    )
    client.force_login(animator)
    text = page_text(client.get(url("members", open_community)))
    assert "Ma demande" in text
    assert invited.agent.display_name in text and "new@ddt.gouv.fr" in text
    assert banned.agent.display_name in text and "Propos injurieux" in text
    assert "Lever l'exclusion" in text


def test_members_page_of_an_on_request_community_is_404_for_outsiders(agent_client, on_request):
    """An outsider cannot list the members of a community they may not read."""
    assert agent_client.get(url("members", on_request)).status_code == 404


def test_members_page_query_count_does_not_grow(
    client, animator, open_community, django_assert_max_num_queries
):
    """The members' page costs the same with few or many members, requests and invitations."""
    client.force_login(animator)

    def grow(n):
        for _ in range(n):
            MembershipFactory(community=open_community)
            MembershipFactory(community=open_community, requested=True)
            MembershipFactory(community=open_community, invited=True, invited_by=animator)
            MembershipFactory(community=open_community, banned=True)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("members", open_community)).status_code == 200
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("members", open_community)).status_code == 200


# --- the animators' actions ----------------------------------------------------------------------


def test_promote_demote_remove_ban_unban(client, animator, open_community):
    """The animator promotes, demotes, removes, bans with a reason and lifts a ban."""
    membership = MembershipFactory(community=open_community)
    other = MembershipFactory(community=open_community)
    client.force_login(animator)

    def act(m, action, **data):
        return client.post(url("member_action", open_community, m.pk, action), data)

    act(membership, "promote")
    membership.refresh_from_db()
    assert membership.role == R.ANIMATOR
    act(membership, "demote")
    membership.refresh_from_db()
    assert membership.role == R.MEMBER
    response = act(membership, "ban")
    assert "Indiquez le motif de l'exclusion." in follow_text(client, response)
    membership.refresh_from_db()
    assert membership.state == S.ACTIVE
    act(membership, "ban", reason="Propos injurieux")
    membership.refresh_from_db()
    assert membership.state == S.BANNED and membership.reason == "Propos injurieux"
    act(membership, "unban")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    act(other, "remove")
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_forged_membership_of_another_community_is_404(client, animator, open_community):
    """A membership id of another community answers 404 and changes nothing."""
    elsewhere = MembershipFactory(community=CommunityFactory(), requested=True)
    victim = MembershipFactory(community=CommunityFactory())
    client.force_login(animator)
    for target, action in (
        (elsewhere, "accept"),
        (elsewhere, "refuse"),
        (victim, "ban"),
        (victim, "remove"),
        (victim, "promote"),
    ):
        response = client.post(
            url("member_action", open_community, target.pk, action), {"reason": "x"}
        )
        assert response.status_code == 404
    elsewhere.refresh_from_db()
    victim.refresh_from_db()
    assert elsewhere.state == S.REQUESTED
    assert victim.state == S.ACTIVE and victim.role == R.MEMBER


def test_unknown_action_and_non_animator_get_404(client, agent, animator, open_community):
    """An unknown action, or a member who does not animate, gets 404."""
    target = MembershipFactory(community=open_community)
    MembershipFactory(community=open_community, agent=agent)
    client.force_login(animator)
    assert client.post(url("member_action", open_community, target.pk, "delete")).status_code == 404
    client.force_login(agent)
    assert (
        client.post(
            url("member_action", open_community, target.pk, "ban"), {"reason": "x"}
        ).status_code
        == 404
    )
    target.refresh_from_db()
    assert target.state == S.ACTIVE


def test_last_animator_cannot_be_demoted(client, animator, open_community, platform_admin):
    """Demoting the last animator is refused with a French message."""
    membership = Membership.objects.get(agent=animator)
    client.force_login(platform_admin)
    response = client.post(url("member_action", open_community, membership.pk, "demote"))
    assert "La communauté garde au moins une personne à l'animation." in follow_text(
        client, response
    )
    membership.refresh_from_db()
    assert membership.role == R.ANIMATOR


# --- inviting ------------------------------------------------------------------------------------


def test_invite_search_finds_agents_not_yet_members(client, animator, private):
    """The search finds agents by name or address, not members, closed accounts or externals."""
    wanted = AgentFactory(first_name="Gwenaëlle", last_name="Le Bihan", email="gwen@ddtm.gouv.fr")
    member = AgentFactory(first_name="Gwenaëlle", last_name="Membre")
    MembershipFactory(community=private, agent=member)
    closed = AgentFactory(first_name="Gwenaëlle", last_name="Partie")
    closed.closed_at = closed.date_joined
    closed.save()
    ExternalAgentFactory(first_name="Gwenaëlle", last_name="Externe")
    client.force_login(animator)
    text = page_text(client.get(url("invite", private) + "?q=gwenaëlle"))
    assert "Le Bihan" in text
    assert "Membre" not in text.split('id="invite-candidates"')[1].split("</form>")[0]
    assert "Partie" not in text and "Externe" not in text
    by_email = client.get(url("invite", private) + "?q=gwen@ddtm", HTTP_HX_REQUEST="true")
    assert "<html" not in by_email.content.decode()
    assert f'value="{wanted.pk}"' in by_email.content.decode()


def test_invite_agents_and_tell_them(
    client, animator, private, mailoutbox, django_capture_on_commit_callbacks
):
    """Picking agents invites them; each is notified, by e-mail at once by default, with the
    community's link."""
    first, second = AgentFactory(), AgentFactory()
    client.force_login(animator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invite", private), {"agents": [first.pk, second.pk]})
    assert response["Location"] == url("members", private)
    assert set(
        Membership.objects.filter(community=private, state=S.INVITED).values_list(
            "agent", flat=True
        )
    ) == {first.pk, second.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert f"{settings.SITE_URL}/communautes/{private.slug}/" in mailoutbox[0].body


def test_invite_an_unregistered_state_address(
    client, animator, private, mailoutbox, capture_effects
):
    """A State address with no account gets an invitation waiting for the sign-up, e-mailed by
    the service once the invitation is committed."""
    client.force_login(animator)
    with capture_effects() as effects:
        client.post(url("invite", private), {"email": "Nouvelle.Agente@DDT.gouv.fr"})
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle.agente@ddt.gouv.fr" and not invitation.external
    assert [(m["to"], m["template"]) for m in effects.mailed] == [
        ("nouvelle.agente@ddt.gouv.fr", "communities/email/invited_signup")
    ]
    assert mailoutbox[0].to == ["nouvelle.agente@ddt.gouv.fr"]
    assert f"{settings.SITE_URL}/inscription/" in mailoutbox[0].body
    assert invitation.token not in mailoutbox[0].body


def test_invite_an_external_partner(client, animator, private, mailoutbox, capture_effects):
    """An address outside the State domains gets the link creating an external account."""
    client.force_login(animator)
    with capture_effects() as effects:
        client.post(url("invite", private), {"email": "elu@mairie-rennes.fr"})
    invitation = Invitation.objects.get()
    assert invitation.external
    link = reverse("communities:external_invitation", args=[invitation.token])
    assert [m["template"] for m in effects.mailed_to("elu@mairie-rennes.fr")] == [
        "communities/email/invited_external"
    ]
    assert f"{settings.SITE_URL}{link}" in mailoutbox[0].body


def test_invite_refuses_forged_or_empty_choices(client, animator, private):
    """An external agent's id, a member's id or nothing at all is refused; nothing is created."""
    external = ExternalAgentFactory()
    member = MembershipFactory(community=private).agent
    client.force_login(animator)
    for data in (
        {"agents": [external.pk]},
        {"agents": [member.pk]},
        {"agents": ["abc"]},
        {},
        {"email": "pas-une-adresse"},
    ):
        response = client.post(url("invite", private), data)
        assert response.status_code == 400, data
    assert "Choisissez au moins un agent" in page_text(client.post(url("invite", private), {}))
    assert not Membership.objects.filter(state=S.INVITED).exists()
    assert not Invitation.objects.exists()


def test_invite_twice_says_so(client, animator, private):
    """Inviting an address twice gets the service's French message."""
    client.force_login(animator)
    client.post(url("invite", private), {"email": "elu@mairie-rennes.fr"})
    response = client.post(url("invite", private), {"email": "elu@mairie-rennes.fr"})
    assert "Une invitation attend déjà cette adresse." in follow_text(client, response)
    assert Invitation.objects.count() == 1


def test_invite_page_is_404_for_members(agent_client, agent, private):
    """A member who does not animate cannot invite."""
    MembershipFactory(community=private, agent=agent)
    assert agent_client.get(url("invite", private)).status_code == 404


# --- e-mail invitations claimed at sign-in -------------------------------------------------------


def test_invitation_waits_for_the_first_sign_in(client, animator, private, password):
    """An agent invited by address before signing up finds the invitation after signing in."""
    Invitation.objects.create(community=private, email="future@ddt.gouv.fr", invited_by=animator)
    agent = AgentFactory(email="future@ddt.gouv.fr")
    response = client.post(
        reverse("login"), {"username": "Future@DDT.gouv.fr", "password": password}
    )
    assert response.status_code == 302
    assert Membership.objects.get(agent=agent, community=private).state == S.INVITED
    assert Invitation.objects.get().used_at is not None
    assert "Accepter l'invitation" in page_text(client.get(url("home", private)))


# --- external users ------------------------------------------------------------------------------


@pytest.fixture
def external_invitation(animator, private):
    return Invitation.objects.create(
        community=private, email="elu@mairie-rennes.fr", invited_by=animator, external=True
    )


def external_url(invitation):
    return reverse("communities:external_invitation", args=[invitation.token])


def test_external_invitation_creates_an_account_limited_to_its_community(
    client, external_invitation, private, open_community
):
    """The partner creates an active external account, is signed in, accepts the invitation and
    then sees only their community."""
    page = client.get(external_url(external_invitation))
    assert page.status_code == 200
    assert "Innov@teurs" in page_text(page)
    response = client.post(
        external_url(external_invitation),
        {
            "first_name": "Élise",
            "last_name": "Durand",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert response["Location"] == reverse("communities:home", args=[private.slug])
    agent = Agent.objects.get(email="elu@mairie-rennes.fr")
    assert agent.is_external and agent.is_active
    assert client.session["_auth_user_id"] == str(agent.pk)
    external_invitation.refresh_from_db()
    assert external_invitation.used_at is not None
    assert "Accepter l'invitation" in page_text(client.get(response["Location"]))
    client.post(url("invitation_answer", private), {"answer": "accept"})
    assert Membership.objects.get(agent=agent).state == S.ACTIVE
    listing = client.get(reverse("communities:list"))
    assert re.findall(
        r'<h3 class="fr-card__title">\s*<a href="([^"]+)"', listing.content.decode()
    ) == [reverse("communities:home", args=[private.slug])]
    assert client.get(url("home", open_community)).status_code == 404
    assert client.post(url("join", open_community)).status_code == 404


def test_external_invitation_refuses_weak_or_different_passwords(client, external_invitation):
    """Mismatched passwords get the form again, with no account."""
    response = client.post(
        external_url(external_invitation),
        {"first_name": "A", "last_name": "B", "password1": "abc", "password2": "abd"},
    )
    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas" in page_text(response)
    assert not Agent.objects.filter(email="elu@mairie-rennes.fr").exists()


def test_unknown_or_used_invitation_token(client, external_invitation):
    """An unknown token answers a French 404 page; a used one a French 400 page."""
    response = client.get(reverse("communities:external_invitation", args=["nimporte-quoi"]))
    assert response.status_code == 404
    assert "Ce lien d'invitation n'existe pas." in page_text(response)
    external_invitation.used_at = external_invitation.created_at
    external_invitation.save()
    response = client.get(external_url(external_invitation))
    assert response.status_code == 400
    assert "a déjà servi" in page_text(response)
    response = client.post(
        external_url(external_invitation),
        {"first_name": "A", "last_name": "B", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 400
    assert not Agent.objects.filter(email="elu@mairie-rennes.fr").exists()


def test_external_invitation_for_an_existing_account_asks_to_sign_in(
    client, external_invitation, private, password
):
    """When the address already has an account, the page asks to sign in; signed in with that
    address, the invitation is claimed and the agent lands on the community."""
    existing = ExternalAgentFactory(email="elu@mairie-rennes.fr")
    response = client.get(external_url(external_invitation))
    assert "connectez-vous" in page_text(response)
    login = f"{reverse('login')}?next={external_url(external_invitation)}"
    assert login in page_text(response)
    client.force_login(existing)
    response = client.get(external_url(external_invitation))
    assert response["Location"] == reverse("communities:home", args=[private.slug])
    assert Membership.objects.get(agent=existing).state == S.INVITED


def test_external_invitation_while_signed_in_as_someone_else(agent_client, external_invitation):
    """Someone signed in with another address is told the invitation is not theirs."""
    response = agent_client.get(external_url(external_invitation))
    assert response.status_code == 403
    assert not Membership.objects.filter(state=S.INVITED).exists()


def test_state_address_invitation_link_points_to_sign_up(client, animator, private):
    """A State address invitation opened by its token sends to the agents' sign-up."""
    invitation = Invitation.objects.create(
        community=private, email="new@ddt.gouv.fr", invited_by=animator
    )
    response = client.get(external_url(invitation))
    assert response.status_code == 200
    assert reverse("signup") in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_private_listed_community_is_invitation_only(agent_client, agent, private):
    """A private listed community offers no join or request to an outsider."""
    assert agent_client.post(url("join", private)).status_code == 302
    assert agent_client.post(url("request", private), {"message": "x"}).status_code == 302
    assert not Membership.objects.filter(agent=agent).exists()


def test_secret_community_request_is_404(agent_client, agent):
    """Asking to join a secret community answers 404, as for a missing one."""
    community = CommunityFactory(private_secret=True)
    assert agent_client.post(url("request", community), {"message": "x"}).status_code == 404
    assert not Membership.objects.filter(agent=agent).exists()
    assert Community.objects.filter(pk=community.pk).exists()
