"""The service layer of communities, on the real database: memberships, invitations, the
animators' community, charters, archiving, comments, reports and moderation, and the bad input
each of them must refuse with a French message while changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities import services
from communities.content import moderation
from communities.models import (
    Activity,
    AnnouncementComment,
    AuditLog,
    CharterAcceptance,
    CharterTemplate,
    CharterVersion,
    Community,
    Invitation,
    Membership,
    Report,
)
from communities.permissions import (
    abilities,
    communities_listed_for,
    content_visible_to,
)
from communities.selectors import community_activity
from communities.services import CommunityError
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

V = Community.Visibility
S = Membership.State
R = Membership.Role


# --- builders --------------------------------------------------------------------------------


def fresh(obj):
    """The object as the database has it now (services work on their own copies)."""
    return type(obj).objects.get(pk=obj.pk)


def make_community(admin, animators, *, visibility=V.OPEN, name="Politique de l'eau en Bretagne"):
    return services.community_create(
        actor=admin,
        animators=animators,
        name=name,
        description=f"Description de « {name} »",
        objective="Partager les pratiques entre services de l'État.",
        kind=Community.Kind.POLICY,
        visibility=visibility,
        scope=Community.Scope.NATIONAL,
    )


def membership(community, agent):
    return Membership.objects.get(community=community, agent=agent)


def accept(community, agent):
    community = fresh(community)
    services.charter_accept(
        community=community, agent=fresh(agent), version_id=community.current_charter_id
    )


def add_member(community, agent=None, *, charter=True):
    """An active member, through an invitation the animator sends (any visibility)."""
    agent = agent or AgentFactory()
    community = fresh(community)
    animator = community.memberships.filter(role=R.ANIMATOR, state=S.ACTIVE).first().agent
    services.invite(community=community, actor=animator, agent=agent)
    services.invitation_answer(community=community, agent=fresh(agent), accept=True)
    if charter:
        accept(community, agent)
    return fresh(agent)


@pytest.fixture
def admin():
    return AgentFactory(platform_admin=True, email="admin@sgar.gouv.fr")


@pytest.fixture
def animator():
    return AgentFactory(email="animatrice@dreal.gouv.fr", first_name="Alice", last_name="Anim")


@pytest.fixture
def community(admin, animator):
    """An open community whose animator has accepted its charter."""
    community = make_community(admin, [animator])
    accept(community, animator)
    return fresh(community)


def make_in(visibility, admin, animator):
    community = make_community(admin, [animator], visibility=visibility)
    accept(community, animator)
    return fresh(community)


# --- creating --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [{}, {"sgar": True}])
def test_create_refused_to_non_admins(role):
    """Only platform administrators create communities; others get a French refusal."""
    agent = AgentFactory(**role)
    with pytest.raises(CommunityError, match="Seuls les administrateurs créent des communautés"):
        make_community(agent, [agent])
    assert not Community.objects.filter(is_animators_community=False).exists()


def test_create_starts_with_charter_v1_from_the_platform_template(admin, animator):
    """A new community starts with charter version 1, copied from the template staff edit."""
    template = CharterTemplate.load()
    template.text = "## Charte régionale\n\nRespecter chacun."
    template.save()
    community = fresh(make_community(admin, [animator]))
    assert community.current_charter.number == 1
    assert community.current_charter.text == "## Charte régionale\n\nRespecter chacun."
    assert list(community.charter_versions.values_list("number", flat=True)) == [1]
    assert membership(community, animator).is_animator
    assert community.member_count == 1
    assert AuditLog.objects.filter(community=community, action="community_created").exists()
    assert Activity.objects.filter(community=community, verb="created").exists()


def test_create_without_animators_makes_the_creator_animate(admin):
    """With no animator named, the creating administrator animates the community."""
    community = make_community(admin, [])
    assert membership(community, admin).is_animator


# --- joining ---------------------------------------------------------------------------------


def test_join_open_community(community):
    """Joining an open community makes an active member, counts them and writes the stream."""
    agent = AgentFactory()
    services.community_join(community=community, agent=agent)
    assert membership(community, agent).state == S.ACTIVE
    assert fresh(community).member_count == 2
    line = Activity.objects.get(community=community, verb="joined")
    assert line.actor == agent


def test_join_twice_is_refused(community):
    """A second join answers « déjà membre » and leaves one membership."""
    agent = AgentFactory()
    services.community_join(community=community, agent=agent)
    with pytest.raises(CommunityError, match="Vous êtes déjà membre de cette communauté"):
        services.community_join(community=fresh(community), agent=fresh(agent))
    assert Membership.objects.filter(community=community, agent=agent).count() == 1
    assert fresh(community).member_count == 2


@pytest.mark.parametrize("visibility", [V.ON_REQUEST, V.PRIVATE_LISTED, V.PRIVATE_SECRET])
def test_join_refused_unless_open(visibility, admin, animator):
    """One-click join is refused on on-request and private communities."""
    community = make_in(visibility, admin, animator)
    agent = AgentFactory()
    with pytest.raises(CommunityError, match="ne s'ouvre pas en un clic"):
        services.community_join(community=community, agent=agent)
    assert not Membership.objects.filter(community=community, agent=agent).exists()


@pytest.mark.parametrize("visibility", [V.OPEN, V.PRIVATE_LISTED, V.PRIVATE_SECRET])
def test_request_refused_unless_on_request(visibility, admin, animator):
    """A request to join is refused on open and private (listed or secret) communities."""
    community = make_in(visibility, admin, animator)
    agent = AgentFactory()
    with pytest.raises(CommunityError, match="n'accepte pas de demande d'adhésion"):
        services.community_request(community=community, agent=agent, message="Bonjour")
    assert not Membership.objects.filter(community=community, agent=agent).exists()


def test_external_user_cannot_join_nor_request(admin, animator):
    """An external user reaches only what they were invited to: no join, no request."""
    external = ExternalAgentFactory()
    open_community = make_in(V.OPEN, admin, animator)
    on_request = make_in(V.ON_REQUEST, admin, animator)
    with pytest.raises(CommunityError):
        services.community_join(community=open_community, agent=external)
    with pytest.raises(CommunityError):
        services.community_request(community=on_request, agent=external)
    assert not Membership.objects.filter(agent=external).exists()


def test_banned_agent_can_neither_join_nor_request(community, animator):
    """A banned agent is told they were excluded, and stays banned, whatever they try."""
    agent = add_member(community)
    services.member_remove(
        membership=membership(community, agent), actor=animator, ban=True, reason="Injures"
    )
    with pytest.raises(CommunityError, match="Vous avez été exclu de cette communauté"):
        services.community_join(community=fresh(community), agent=fresh(agent))
    Community.objects.filter(pk=community.pk).update(visibility=V.ON_REQUEST)
    with pytest.raises(CommunityError, match="Vous avez été exclu de cette communauté"):
        services.community_request(community=fresh(community), agent=fresh(agent))
    assert membership(community, agent).state == S.BANNED


# --- requests --------------------------------------------------------------------------------


@pytest.fixture
def on_request(admin, animator):
    return make_in(V.ON_REQUEST, admin, animator)


def test_request_then_accepted(on_request, animator):
    """The animator accepts a request: the member is active, counted, streamed and audited."""
    agent = AgentFactory()
    request = services.community_request(
        community=on_request, agent=agent, message="  Je travaille sur l'eau.  "
    )
    assert request.state == S.REQUESTED and request.message == "Je travaille sur l'eau."
    services.request_answer(membership=fresh(request), actor=animator, accept=True)
    assert membership(on_request, agent).state == S.ACTIVE
    assert fresh(on_request).member_count == 2
    assert Activity.objects.filter(community=on_request, verb="joined", actor=agent).exists()
    line = AuditLog.objects.get(community=on_request, action="request_accepted")
    assert line.actor == animator and line.target_agent == agent


def test_request_then_refused_with_reason(on_request, animator):
    """Refusing deletes the request and audits the refusal with its reason."""
    agent = AgentFactory()
    request = services.community_request(community=on_request, agent=agent)
    services.request_answer(
        membership=fresh(request), actor=animator, accept=False, reason="Réservé aux DDT"
    )
    assert not Membership.objects.filter(community=on_request, agent=agent).exists()
    line = AuditLog.objects.get(community=on_request, action="request_refused")
    assert line.reason == "Réservé aux DDT" and line.target_agent == agent
    assert fresh(on_request).member_count == 1


def test_request_twice_is_refused(on_request):
    """A second request while one waits is refused, and one request remains."""
    agent = AgentFactory()
    services.community_request(community=on_request, agent=agent)
    with pytest.raises(CommunityError, match="Votre demande est déjà en attente"):
        services.community_request(community=fresh(on_request), agent=fresh(agent))
    assert Membership.objects.filter(community=on_request, agent=agent).count() == 1


def test_request_answered_twice_is_refused(on_request, animator):
    """Answering a request that was already accepted is refused."""
    request = services.community_request(community=on_request, agent=AgentFactory())
    services.request_answer(membership=fresh(request), actor=animator, accept=True)
    with pytest.raises(CommunityError, match="Cette demande a déjà reçu une réponse"):
        services.request_answer(membership=fresh(request), actor=animator, accept=False)
    assert fresh(request).state == S.ACTIVE


def test_refused_request_cannot_be_accepted_from_a_stale_page(on_request, admin, animator):
    """Accepting an already refused request (stale page) is refused and creates no member."""
    agent = AgentFactory()
    request = services.community_request(community=on_request, agent=agent)
    seen_by_first, seen_by_second = fresh(request), fresh(request)
    services.request_answer(membership=seen_by_first, actor=animator, accept=False, reason="Non")
    with pytest.raises(CommunityError):
        services.request_answer(membership=seen_by_second, actor=admin, accept=True)
    assert not Membership.objects.filter(community=on_request, agent=agent).exists()


def test_accepted_request_cannot_be_refused_from_a_stale_page(on_request, admin, animator):
    """Refusing an already accepted request (stale page) is refused and keeps the member."""
    agent = AgentFactory()
    request = services.community_request(community=on_request, agent=agent)
    seen_by_first, seen_by_second = fresh(request), fresh(request)
    services.request_answer(membership=seen_by_first, actor=animator, accept=True)
    with pytest.raises(CommunityError):
        services.request_answer(membership=seen_by_second, actor=admin, accept=False, reason="Non")
    assert membership(on_request, agent).state == S.ACTIVE
    assert fresh(on_request).member_count == 2


def test_request_answer_by_a_member_is_refused(on_request):
    """Only the animation answers requests."""
    member = add_member(on_request)
    request = services.community_request(community=on_request, agent=AgentFactory())
    with pytest.raises(CommunityError, match="Seule l'animation répond aux demandes"):
        services.request_answer(membership=fresh(request), actor=member, accept=True)
    assert fresh(request).state == S.REQUESTED


def test_request_cancel(on_request):
    """The agent withdraws their request; withdrawing again says there is none."""
    agent = AgentFactory()
    services.community_request(community=on_request, agent=agent)
    services.request_cancel(community=on_request, agent=agent)
    assert not Membership.objects.filter(community=on_request, agent=agent).exists()
    with pytest.raises(CommunityError, match="Aucune demande en attente"):
        services.request_cancel(community=on_request, agent=agent)


# --- invitations -----------------------------------------------------------------------------


@pytest.fixture
def private(admin, animator):
    return make_in(V.PRIVATE_LISTED, admin, animator)


def test_invite_agent_then_accept(private, animator):
    """An invited agent holds an invitation, audited; accepting makes them an active member."""
    agent = AgentFactory()
    invited = services.invite(community=private, actor=animator, agent=agent)
    assert invited.state == S.INVITED and invited.invited_by == animator
    assert AuditLog.objects.filter(community=private, action="invited", target_agent=agent).exists()
    services.invitation_answer(community=private, agent=fresh(agent), accept=True)
    assert membership(private, agent).state == S.ACTIVE
    assert fresh(private).member_count == 2


def test_invite_agent_then_decline(private, animator):
    """Declining an invitation deletes it."""
    agent = AgentFactory()
    services.invite(community=private, actor=animator, agent=agent)
    services.invitation_answer(community=private, agent=fresh(agent), accept=False)
    assert not Membership.objects.filter(community=private, agent=agent).exists()
    assert fresh(private).member_count == 1


def test_answer_without_invitation_is_refused(private):
    """Answering an invitation nobody sent is refused and creates nothing."""
    agent = AgentFactory()
    with pytest.raises(CommunityError, match="Aucune invitation en attente"):
        services.invitation_answer(community=private, agent=agent, accept=True)
    assert not Membership.objects.filter(community=private, agent=agent).exists()


def test_invite_email_outside_the_state_is_external_and_claimed(private, animator):
    """A non-State address gets an external invitation, claimed once into an invitation."""
    invitation = services.invite(
        community=private, actor=animator, email="  Claire.Dupont@Mairie-Rennes.fr "
    )
    assert isinstance(invitation, Invitation)
    assert invitation.email == "claire.dupont@mairie-rennes.fr"
    assert invitation.external is True
    assert AuditLog.objects.filter(community=private, action="invited_by_email").exists()

    partner = ExternalAgentFactory(email="claire.dupont@mairie-rennes.fr")
    services.claim_invitations(agent=partner)
    services.claim_invitations(agent=partner)
    claimed = membership(private, partner)
    assert claimed.state == S.INVITED and claimed.invited_by == animator
    assert fresh(invitation).used_at is not None
    services.invitation_answer(community=private, agent=fresh(partner), accept=True)
    assert abilities(fresh(partner), fresh(private)).can_read


def test_external_sign_up_claims_the_invitation(private, animator):
    """An external partner creating their account from the invitation gets it to answer."""
    from communities.invitations import external_account_create

    invitation = services.invite(community=private, actor=animator, email="l.roux@ademe.fr")
    partner = external_account_create(
        invitation=invitation, first_name="Léa", last_name="Roux", password="mot-de-passe-long-1"
    )
    assert partner.is_external
    assert membership(private, partner).state == S.INVITED
    assert fresh(invitation).used_at is not None
    assert not abilities(fresh(partner), fresh(private)).can_read


def test_invite_email_of_a_state_agent_waits_for_their_sign_in(private, animator, client):
    """A State address with no account gets a non-external invitation, claimed at sign-in."""
    invitation = services.invite(
        community=private, actor=animator, email="jean.morel@ddtm-finistere.gouv.fr"
    )
    assert invitation.external is False
    agent = AgentFactory(email="jean.morel@ddtm-finistere.gouv.fr")
    assert not Membership.objects.filter(agent=agent).exists()
    client.force_login(agent)
    assert membership(private, agent).state == S.INVITED
    assert fresh(invitation).used_at is not None


def test_invite_email_of_an_existing_agent_invites_the_agent(private, animator):
    """An address that already has an account invites that account directly."""
    agent = AgentFactory(email="paul.leroy@dreal.gouv.fr")
    invited = services.invite(community=private, actor=animator, email="Paul.Leroy@dreal.gouv.fr")
    assert isinstance(invited, Membership) and invited.agent == agent
    assert not Invitation.objects.exists()


def test_invite_same_email_twice_is_refused(private, animator):
    """A second invitation to an address that has one waiting is refused."""
    services.invite(community=private, actor=animator, email="a.b@mairie-brest.fr")
    with pytest.raises(CommunityError, match="Une invitation attend déjà cette adresse"):
        services.invite(community=private, actor=animator, email="A.B@mairie-brest.fr")
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("email", ["", "   ", "pas-une-adresse", "a@"])
def test_invite_invalid_email_is_refused(private, animator, email):
    """An empty or malformed address is refused in French and no invitation is stored."""
    with pytest.raises(CommunityError):
        services.invite(community=private, actor=animator, email=email)
    assert not Invitation.objects.exists()


def test_invite_already_member_is_refused(private, animator):
    """Inviting a member answers « déjà membre » and changes nothing."""
    agent = add_member(private)
    with pytest.raises(CommunityError, match="est déjà membre"):
        services.invite(community=private, actor=animator, agent=agent)
    assert membership(private, agent).state == S.ACTIVE


def test_invite_already_invited_is_refused(private, animator):
    """Inviting someone already invited answers « déjà invité »."""
    agent = AgentFactory()
    services.invite(community=private, actor=animator, agent=agent)
    with pytest.raises(CommunityError, match="est déjà invité"):
        services.invite(community=private, actor=animator, agent=agent)


def test_invite_someone_who_asked_accepts_their_request(on_request, animator):
    """Inviting an agent who asked to join accepts their request."""
    agent = AgentFactory()
    services.community_request(community=on_request, agent=agent)
    services.invite(community=on_request, actor=animator, agent=agent)
    assert membership(on_request, agent).state == S.ACTIVE


def test_invite_by_a_member_is_refused(private):
    """Only the animation invites."""
    member = add_member(private)
    agent = AgentFactory()
    with pytest.raises(CommunityError, match="Seule l'animation invite"):
        services.invite(community=private, actor=member, agent=agent)
    assert not Membership.objects.filter(agent=agent).exists()


def test_invite_closed_account_is_refused(private, animator):
    """A closed account cannot be invited."""
    agent = AgentFactory(closed_at=timezone.now())
    with pytest.raises(CommunityError, match="Ce compte a été fermé"):
        services.invite(community=private, actor=animator, agent=agent)


# --- leaving, roles, removing, banning -------------------------------------------------------


def test_leave(community):
    """A member leaves: the membership goes and the count follows."""
    agent = add_member(community)
    services.community_leave(community=fresh(community), agent=agent)
    assert not Membership.objects.filter(community=community, agent=agent).exists()
    assert fresh(community).member_count == 1


def test_leave_when_not_a_member_is_refused(community):
    """Leaving a community one does not belong to is refused."""
    with pytest.raises(CommunityError, match="Vous n'êtes pas membre de cette communauté"):
        services.community_leave(community=community, agent=AgentFactory())


def test_last_animator_cannot_leave(community, animator):
    """The last animator is asked to name another one before leaving."""
    with pytest.raises(CommunityError, match="Vous êtes la dernière personne à animer"):
        services.community_leave(community=community, agent=animator)
    assert membership(community, animator).is_animator


def test_last_animator_cannot_be_demoted(community, admin, animator):
    """The last animator cannot be demoted, by themselves or by an administrator."""
    for actor in (animator, admin):
        with pytest.raises(CommunityError, match="La communauté garde au moins une personne"):
            services.member_set_role(
                membership=membership(community, animator), actor=fresh(actor), role=R.MEMBER
            )
    assert membership(community, animator).is_animator


@pytest.mark.parametrize("ban", [False, True])
def test_last_animator_cannot_be_removed_nor_banned(community, admin, animator, ban):
    """An administrator cannot remove or ban the last animator."""
    with pytest.raises(CommunityError, match="La communauté garde au moins une personne"):
        services.member_remove(
            membership=membership(community, animator), actor=admin, ban=ban, reason="Motif"
        )
    assert membership(community, animator).is_animator


def test_promote_then_demote(community, animator):
    """An animator promotes a member, then demotes them; both audited."""
    agent = add_member(community)
    services.member_set_role(
        membership=membership(community, agent), actor=animator, role=R.ANIMATOR
    )
    assert membership(community, agent).is_animator
    services.member_set_role(membership=membership(community, agent), actor=animator, role=R.MEMBER)
    assert membership(community, agent).role == R.MEMBER
    actions = set(AuditLog.objects.filter(community=community).values_list("action", flat=True))
    assert {"role_animator", "role_member"} <= actions


def test_set_unknown_role_is_refused(community, animator):
    """A forged role value (not member nor animator) is refused and nothing is saved."""
    agent = add_member(community)
    with pytest.raises(CommunityError):
        services.member_set_role(
            membership=membership(community, agent), actor=animator, role="admin"
        )
    assert membership(community, agent).role == R.MEMBER


def test_set_role_of_a_pending_member_is_refused(private, animator):
    """Only an active member changes role: an invitee cannot be promoted."""
    agent = AgentFactory()
    services.invite(community=private, actor=animator, agent=agent)
    with pytest.raises(CommunityError, match="Seul un membre peut changer de rôle"):
        services.member_set_role(
            membership=membership(private, agent), actor=animator, role=R.ANIMATOR
        )


def test_remove_member(community, animator):
    """An animator removes a member: membership deleted, count updated, audited."""
    agent = add_member(community)
    services.member_remove(membership=membership(community, agent), actor=animator)
    assert not Membership.objects.filter(community=community, agent=agent).exists()
    assert fresh(community).member_count == 1
    assert AuditLog.objects.filter(
        community=community, action="removed", target_agent=agent
    ).exists()


def test_removing_oneself_is_refused(community, animator):
    """An animator does not remove themselves: they leave."""
    services.member_set_role(
        membership=membership(community, add_member(community)), actor=animator, role=R.ANIMATOR
    )
    with pytest.raises(CommunityError, match="Quitter la communauté"):
        services.member_remove(membership=membership(community, animator), actor=fresh(animator))


@pytest.mark.parametrize("reason", ["", "   "])
def test_ban_requires_a_reason(community, animator, reason):
    """Banning without a reason is refused and the member stays."""
    agent = add_member(community)
    with pytest.raises(CommunityError, match="Indiquez le motif de l'exclusion"):
        services.member_remove(
            membership=membership(community, agent), actor=animator, ban=True, reason=reason
        )
    assert membership(community, agent).state == S.ACTIVE


def test_ban_then_no_way_back_then_unban(community, animator):
    """A banned member cannot rejoin nor be invited until unbanned; then they may join again."""
    agent = add_member(community)
    services.member_remove(
        membership=membership(community, agent), actor=animator, ban=True, reason=" Injures "
    )
    banned = membership(community, agent)
    assert banned.state == S.BANNED and banned.reason == "Injures"
    assert fresh(community).member_count == 1
    assert AuditLog.objects.filter(
        community=community, action="banned", reason=" Injures "
    ).exists()
    assert not abilities(fresh(agent), fresh(community)).can_read
    with pytest.raises(CommunityError, match="exclu"):
        services.community_join(community=fresh(community), agent=fresh(agent))
    with pytest.raises(CommunityError, match="levez l'exclusion"):
        services.invite(community=fresh(community), actor=animator, agent=fresh(agent))
    assert membership(community, agent).state == S.BANNED

    services.member_unban(membership=membership(community, agent), actor=animator)
    assert AuditLog.objects.filter(community=community, action="unbanned").exists()
    services.community_join(community=fresh(community), agent=fresh(agent))
    assert membership(community, agent).state == S.ACTIVE


def test_claiming_an_invitation_does_not_lift_a_ban(community, animator):
    """A waiting e-mail invitation claimed by a banned agent leaves them banned."""
    agent = add_member(community)
    services.member_remove(
        membership=membership(community, agent), actor=animator, ban=True, reason="Injures"
    )
    Invitation.objects.create(community=community, email=agent.email, invited_by=animator)
    services.claim_invitations(agent=fresh(agent))
    assert membership(community, agent).state == S.BANNED


def test_unban_someone_not_banned_is_refused(community, animator):
    """Unbanning an active member is refused and they stay."""
    agent = add_member(community)
    with pytest.raises(CommunityError, match="Ce membre n'est pas exclu"):
        services.member_unban(membership=membership(community, agent), actor=animator)
    assert membership(community, agent).state == S.ACTIVE


def test_member_management_by_a_member_is_refused(community):
    """A plain member can neither promote, remove nor ban."""
    member, other = add_member(community), add_member(community)
    target = membership(community, other)
    with pytest.raises(CommunityError, match="Seule l'animation gère les membres"):
        services.member_set_role(membership=target, actor=member, role=R.ANIMATOR)
    with pytest.raises(CommunityError, match="Seule l'animation gère les membres"):
        services.member_remove(membership=target, actor=member, ban=True, reason="Motif")
    assert fresh(target).state == S.ACTIVE and fresh(target).role == R.MEMBER


def test_managing_members_of_another_community_is_refused(community, admin):
    """An animator of B cannot act on a membership of A (a forged membership id)."""
    other_animator = AgentFactory()
    make_community(admin, [other_animator], name="Covoiturage des agents LRMP")
    target = membership(community, add_member(community))
    with pytest.raises(CommunityError):
        services.member_remove(membership=target, actor=other_animator, ban=True, reason="X")
    with pytest.raises(CommunityError):
        services.member_set_role(membership=target, actor=other_animator, role=R.ANIMATOR)
    assert fresh(target).state == S.ACTIVE and fresh(target).role == R.MEMBER


# --- the animators' community ----------------------------------------------------------------


def in_animators_community(agent):
    return Membership.objects.filter(
        community__is_animators_community=True, agent=agent, state=S.ACTIVE
    ).exists()


def test_animators_community_follows_promotions_and_demotions(community, admin, animator):
    """Animator anywhere → in the animators' community; animator nowhere → out of it."""
    assert in_animators_community(animator)
    other = make_community(admin, [animator], name="Innov@teurs Bourgogne-Franche-Comté")
    agent = add_member(community)
    add_member(other, agent)
    assert not in_animators_community(agent)

    services.member_set_role(
        membership=membership(community, agent), actor=animator, role=R.ANIMATOR
    )
    services.member_set_role(membership=membership(other, agent), actor=animator, role=R.ANIMATOR)
    assert in_animators_community(agent)
    assert services.animators_community().member_count == 2

    services.member_set_role(membership=membership(community, agent), actor=animator, role=R.MEMBER)
    assert in_animators_community(agent)  # still animates the other one
    services.member_set_role(membership=membership(other, agent), actor=animator, role=R.MEMBER)
    assert not in_animators_community(agent)
    assert services.animators_community().member_count == 1


def test_animator_who_leaves_leaves_the_animators_community(community, animator):
    """An animator who leaves their only community leaves the animators' community too."""
    agent = add_member(community)
    services.member_set_role(
        membership=membership(community, agent), actor=animator, role=R.ANIMATOR
    )
    assert in_animators_community(agent)
    services.community_leave(community=fresh(community), agent=fresh(agent))
    assert not in_animators_community(agent)


def test_removed_animator_leaves_the_animators_community(community, animator):
    """An animator removed from their only community leaves the animators' community too."""
    agent = add_member(community)
    services.member_set_role(
        membership=membership(community, agent), actor=animator, role=R.ANIMATOR
    )
    services.member_remove(membership=membership(community, agent), actor=animator)
    assert not in_animators_community(agent)


def test_archiving_the_only_animated_community_leaves_the_animators_community(
    community, admin, animator
):
    """Animating only an archived community is animating nothing; restoring brings them back."""
    services.community_archive(community=community, actor=admin)
    assert not in_animators_community(animator)
    services.community_restore(community=fresh(community), actor=admin)
    assert in_animators_community(animator)


# --- the charter -----------------------------------------------------------------------------


def test_accepting_records_version_and_time(community):
    """Accepting records who accepted which version and when; nothing is left to accept."""
    agent = AgentFactory()
    services.community_join(community=community, agent=agent)
    assert abilities(fresh(agent), fresh(community)).must_accept_charter
    before = timezone.now()
    accept(community, agent)
    acceptance = CharterAcceptance.objects.get(agent=agent)
    assert acceptance.version == community.current_charter
    assert acceptance.version.number == 1
    assert before <= acceptance.accepted_at <= timezone.now() + timedelta(seconds=1)
    assert membership(community, agent).charter_accepted == community.current_charter
    assert not abilities(fresh(agent), fresh(community)).must_accept_charter


def test_new_version_must_be_accepted_again_before_contributing(community, animator):
    """After v2 members still read but cannot comment until they accept v2; both records stay."""
    agent = add_member(community)
    announcement = services.announcement_create(
        community=community, actor=animator, title="Réunion de mars", body="Le 12 mars."
    )
    version = services.charter_publish(
        community=community, actor=animator, text="## Charte v2\n\nNouvelles règles."
    )
    assert version.number == 2 and fresh(community).current_charter == version
    ability = abilities(fresh(agent), fresh(community))
    assert ability.must_accept_charter and ability.can_read and not ability.can_contribute
    # the animator who published it subscribes to it at once
    assert not abilities(fresh(animator), fresh(community)).must_accept_charter
    with pytest.raises(CommunityError, match="Acceptez la charte de la communauté"):
        services.comment_create(announcement=fresh(announcement), agent=fresh(agent), body="Oui")
    assert not AnnouncementComment.objects.exists()

    accept(community, agent)
    services.comment_create(announcement=fresh(announcement), agent=fresh(agent), body="Oui")
    assert AnnouncementComment.objects.count() == 1
    # the record shows who accepted which version: v1 and v2 both stay
    numbers = CharterAcceptance.objects.filter(agent=agent).values_list(
        "version__number", flat=True
    )
    assert sorted(numbers) == [1, 2]


def test_accepting_the_outdated_version_is_refused(community, animator):
    """Accepting v1 once v2 is out is refused and records nothing."""
    agent = add_member(community)
    v1 = fresh(community).current_charter
    services.charter_publish(community=community, actor=animator, text="Charte v2")
    count = CharterAcceptance.objects.count()
    with pytest.raises(CommunityError, match="n'est plus en vigueur"):
        services.charter_accept(community=fresh(community), agent=fresh(agent), version_id=v1.pk)
    assert CharterAcceptance.objects.count() == count
    assert membership(community, agent).charter_accepted == v1


@pytest.mark.parametrize("version_id", ["abc", None, "", "1 OR 1=1", [1]])
def test_non_numeric_version_is_refused(community, version_id):
    """A version id that is not a number is refused in French and records nothing."""
    agent = add_member(community, charter=False)
    with pytest.raises(CommunityError, match="Version de charte inconnue"):
        services.charter_accept(
            community=fresh(community), agent=fresh(agent), version_id=version_id
        )
    assert not CharterAcceptance.objects.filter(agent=agent).exists()


def test_charter_of_another_community_is_refused(community, admin):
    """The current version of community B cannot be accepted as A's (a forged id)."""
    agent = add_member(community, charter=False)
    other = make_community(admin, [AgentFactory()], name="Contrôleurs sécurité alimentaire")
    with pytest.raises(CommunityError):
        services.charter_accept(
            community=fresh(community), agent=fresh(agent), version_id=other.current_charter_id
        )
    assert not CharterAcceptance.objects.filter(agent=agent).exists()
    assert membership(community, agent).charter_accepted is None


def test_non_member_cannot_accept_the_charter(community):
    """Only members accept the charter."""
    agent = AgentFactory()
    with pytest.raises(CommunityError, match="Seuls les membres acceptent la charte"):
        services.charter_accept(
            community=community, agent=agent, version_id=community.current_charter_id
        )
    assert not CharterAcceptance.objects.filter(agent=agent).exists()


@pytest.mark.parametrize("text", ["", "  \n  "])
def test_empty_charter_is_refused(community, animator, text):
    """An empty charter version is refused and v1 stays current."""
    with pytest.raises(CommunityError, match="La charte ne peut pas être vide"):
        services.charter_publish(community=community, actor=animator, text=text)
    assert fresh(community).current_charter.number == 1
    assert CharterVersion.objects.filter(community=community).count() == 1


def test_publishing_by_a_member_is_refused(community):
    """Only the animation publishes a charter version."""
    member = add_member(community)
    with pytest.raises(CommunityError, match="Seule l'animation publie la charte"):
        services.charter_publish(community=community, actor=member, text="Ma charte")
    assert CharterVersion.objects.filter(community=community).count() == 1


# --- archiving -------------------------------------------------------------------------------


def test_archive_makes_the_community_read_only_and_unlisted(community, admin, animator):
    """Archived: every write refused, unlisted, still read by members; restoring relists it."""
    member = add_member(community)
    announcement = services.announcement_create(
        community=community, actor=animator, title="Bilan", body="Le bilan de l'année."
    )
    services.community_archive(community=community, actor=admin, reason="Mission terminée")
    assert AuditLog.objects.filter(
        community=community, action="community_archived", reason="Mission terminée"
    ).exists()
    archived = fresh(community)
    outsider = AgentFactory()

    with pytest.raises(CommunityError):
        services.community_join(community=archived, agent=outsider)
    with pytest.raises(CommunityError):
        services.comment_create(announcement=fresh(announcement), agent=fresh(member), body="Oui")
    with pytest.raises(CommunityError):
        services.charter_publish(community=archived, actor=fresh(animator), text="v2")
    with pytest.raises(CommunityError):
        services.announcement_create(
            community=archived, actor=fresh(animator), title="Encore", body="Texte"
        )
    with pytest.raises(CommunityError):
        services.invite(community=archived, actor=fresh(animator), agent=AgentFactory())
    with pytest.raises(CommunityError):
        moderation.report_create(agent=fresh(member), content=fresh(announcement), reason="Faux")
    assert not Membership.objects.filter(community=community, agent=outsider).exists()
    assert not AnnouncementComment.objects.exists()
    assert CharterVersion.objects.filter(community=community).count() == 1
    assert not Report.objects.exists()

    assert community not in communities_listed_for(outsider)
    assert community not in communities_listed_for(fresh(member))
    assert abilities(fresh(member), archived).can_read

    services.community_restore(community=archived, actor=admin)
    assert community in communities_listed_for(outsider)
    assert AuditLog.objects.filter(community=community, action="community_restored").exists()


def test_archive_and_restore_only_by_admins(community, animator, admin):
    """An animator neither archives nor restores; an admin cannot archive twice."""
    with pytest.raises(CommunityError, match="Seuls les administrateurs archivent"):
        services.community_archive(community=community, actor=animator)
    assert not fresh(community).is_archived
    services.community_archive(community=community, actor=admin)
    with pytest.raises(CommunityError):
        services.community_archive(community=fresh(community), actor=admin)
    with pytest.raises(CommunityError, match="Seuls les administrateurs restaurent"):
        services.community_restore(community=fresh(community), actor=fresh(animator))
    assert fresh(community).is_archived


def test_invitation_to_an_archived_community_cannot_be_accepted(private, admin, animator):
    """An invitation waiting when the community is archived cannot be accepted."""
    agent = AgentFactory()
    services.invite(community=private, actor=animator, agent=agent)
    services.community_archive(community=private, actor=admin)
    with pytest.raises(CommunityError, match="archivée"):
        services.invitation_answer(community=fresh(private), agent=fresh(agent), accept=True)
    assert membership(private, agent).state == S.INVITED


# --- announcements and comments --------------------------------------------------------------


@pytest.fixture
def announcement(community, animator):
    return services.announcement_create(
        community=community, actor=animator, title="Réunion du réseau", body="Le 12 mars."
    )


def test_comment_by_a_member(announcement):
    """A member who accepted the charter comments; the stream records it."""
    member = add_member(announcement.community)
    comment = services.comment_create(announcement=announcement, agent=member, body="  Présent.  ")
    assert comment.body == "Présent." and comment.community == announcement.community
    assert Activity.objects.filter(verb="comment", object_id=comment.pk).exists()


def test_comment_by_a_non_member_is_refused(announcement):
    """An outsider, even of an open community they may read, cannot comment."""
    outsider = AgentFactory()
    assert abilities(outsider, announcement.community).can_read
    with pytest.raises(CommunityError, match="Seuls les membres commentent"):
        services.comment_create(announcement=announcement, agent=outsider, body="Bonjour")
    assert not AnnouncementComment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n "])
def test_empty_comment_is_refused(announcement, body):
    """An empty comment is refused in French."""
    member = add_member(announcement.community)
    with pytest.raises(CommunityError, match="Le commentaire est vide"):
        services.comment_create(announcement=announcement, agent=member, body=body)
    assert not AnnouncementComment.objects.exists()


def test_comment_on_a_hidden_announcement_is_refused(announcement, animator):
    """A hidden announcement takes no new comment."""
    member = add_member(announcement.community)
    moderation.content_set_hidden(content=announcement, actor=animator, hidden=True)
    with pytest.raises(CommunityError, match="Cette annonce a été masquée"):
        services.comment_create(announcement=fresh(announcement), agent=member, body="Bonjour")


def test_comment_belongs_to_the_announcement_community(announcement, admin):
    """A comment goes to its announcement's community; membership elsewhere grants nothing."""
    other = make_community(admin, [AgentFactory()], name="Covoiturage des agents LRMP")
    member_of_other = add_member(other)
    with pytest.raises(CommunityError):
        services.comment_create(announcement=announcement, agent=member_of_other, body="Intrus")
    assert not AnnouncementComment.objects.exists()

    add_member(announcement.community, member_of_other)
    comment = services.comment_create(
        announcement=fresh(announcement), agent=fresh(member_of_other), body="Bonjour"
    )
    assert comment.community_id == announcement.community_id != other.pk
    assert Activity.objects.get(verb="comment").community_id == announcement.community_id


@pytest.mark.parametrize("title", ["", "   "])
def test_announcement_without_title_is_refused(community, animator, title):
    """An announcement with an empty title is refused in French and nothing is published."""
    with pytest.raises(CommunityError):
        services.announcement_create(community=community, actor=animator, title=title, body="Texte")
    assert not community.announcements.exists()


def test_announcement_by_a_member_is_refused(community):
    """Only the animation posts announcements."""
    member = add_member(community)
    with pytest.raises(CommunityError, match="Seule l'animation publie des annonces"):
        services.announcement_create(community=community, actor=member, title="Moi", body="Texte")
    assert not community.announcements.exists()


# --- reports and moderation ------------------------------------------------------------------


def test_report_hide_restore(announcement, animator):
    """Hiding closes open reports, hides content and its stream lines, audited; restore undoes."""
    community = announcement.community
    reporter, second = add_member(community), add_member(community)
    report = moderation.report_create(agent=reporter, content=announcement, reason="  Hors sujet ")
    moderation.report_create(agent=second, content=announcement, reason="Doublon")
    assert report.status == Report.Status.OPEN and report.reason == "Hors sujet"
    assert report.community == community and report.content == announcement

    moderation.content_set_hidden(
        content=announcement, actor=animator, hidden=True, reason="Contraire à la charte"
    )
    assert fresh(announcement).is_hidden
    reports = Report.objects.filter(object_id=announcement.pk)
    assert set(reports.values_list("status", flat=True)) == {Report.Status.HIDDEN}
    assert set(reports.values_list("handled_by", flat=True)) == {animator.pk}
    assert Activity.objects.get(verb="announcement").is_hidden
    assert "announcement" not in [line.verb for line in community_activity(reporter, community)]
    line = AuditLog.objects.get(community=community, action="hidden")
    assert line.object_id == announcement.pk and line.reason == "Contraire à la charte"
    assert announcement not in content_visible_to(reporter, community.announcements.all())

    moderation.content_set_hidden(content=fresh(announcement), actor=animator, hidden=False)
    assert not fresh(announcement).is_hidden
    assert not Activity.objects.get(verb="announcement").is_hidden
    assert AuditLog.objects.filter(community=community, action="restored").exists()
    assert announcement in content_visible_to(reporter, community.announcements.all())


def test_hiding_an_announcement_hides_its_comments_everywhere(announcement, animator):
    """Hiding an announcement hides its comments and their stream lines (they quote its title)."""
    community = announcement.community
    member = add_member(community)
    comment = services.comment_create(announcement=announcement, agent=member, body="Présent")
    moderation.content_set_hidden(content=announcement, actor=animator, hidden=True)
    reader = add_member(community)
    assert comment not in content_visible_to(reader, AnnouncementComment.objects.all())
    summaries = [line.summary for line in community_activity(reader, community)]
    assert not [s for s in summaries if announcement.title in s]


def test_report_dismiss(announcement, animator):
    """Dismissing closes the report, audited; dismissing it again is refused."""
    reporter = add_member(announcement.community)
    report = moderation.report_create(agent=reporter, content=announcement, reason="Doute")
    moderation.report_dismiss(report=report, actor=animator, reason="Conforme")
    report = fresh(report)
    assert report.status == Report.Status.DISMISSED and report.handled_by == animator
    assert AuditLog.objects.filter(action="report_dismissed", reason="Conforme").exists()
    assert not fresh(announcement).is_hidden
    with pytest.raises(CommunityError, match="déjà été traité"):
        moderation.report_dismiss(report=fresh(report), actor=animator)


@pytest.mark.parametrize("reason", ["", "  "])
def test_report_without_reason_is_refused(announcement, reason):
    """A report without a reason is refused in French and nothing is filed."""
    member = add_member(announcement.community)
    with pytest.raises(CommunityError, match="Indiquez le motif du signalement"):
        moderation.report_create(agent=member, content=announcement, reason=reason)
    assert not Report.objects.exists()


def test_report_by_a_non_member_is_refused(announcement):
    """An outsider who can read an open community cannot report in it."""
    with pytest.raises(CommunityError, match="Seuls les membres signalent"):
        moderation.report_create(agent=AgentFactory(), content=announcement, reason="Spam")
    assert not Report.objects.exists()


def test_report_is_filed_under_the_content_community(announcement, admin):
    """A report is filed under the content's own community; outsiders to it cannot report."""
    other = make_community(admin, [AgentFactory()], name="Covoiturage des agents LRMP")
    only_other = add_member(other)
    with pytest.raises(CommunityError):
        moderation.report_create(agent=only_other, content=announcement, reason="Spam")
    both = add_member(other)
    add_member(announcement.community, both)
    comment = services.comment_create(announcement=announcement, agent=both, body="Bonjour")
    report = moderation.report_create(agent=fresh(both), content=comment, reason="Spam")
    assert report.community_id == announcement.community_id
    assert not Report.objects.filter(community=other).exists()


def test_moderation_by_an_outsider_or_another_animator_is_refused(announcement, admin):
    """Only the content's own animation moderates: not a member, not another one's animator."""
    community = announcement.community
    member = add_member(community)
    report = moderation.report_create(agent=member, content=announcement, reason="Spam")
    other_animator = AgentFactory()
    make_community(admin, [other_animator], name="Covoiturage des agents LRMP")
    for actor in (member, other_animator):
        with pytest.raises(CommunityError, match="Seule l'animation modère"):
            moderation.content_set_hidden(content=announcement, actor=actor, hidden=True)
        with pytest.raises(CommunityError, match="Seule l'animation modère"):
            moderation.report_dismiss(report=fresh(report), actor=actor)
    assert not fresh(announcement).is_hidden
    assert fresh(report).status == Report.Status.OPEN
    assert not AuditLog.objects.filter(action__in=["hidden", "report_dismissed"]).exists()


def test_admin_moderates_any_community(announcement, admin):
    """A platform administrator, not a member, may hide content of any community."""
    moderation.content_set_hidden(content=announcement, actor=admin, hidden=True, reason="Illicite")
    assert fresh(announcement).is_hidden
    assert AuditLog.objects.get(action="hidden").actor == admin


def test_hiding_twice_is_refused(announcement, animator):
    """Hiding hidden content, or restoring visible content, is refused and not audited twice."""
    with pytest.raises(CommunityError):
        moderation.content_set_hidden(content=announcement, actor=animator, hidden=False)
    moderation.content_set_hidden(content=announcement, actor=animator, hidden=True)
    with pytest.raises(CommunityError):
        moderation.content_set_hidden(content=fresh(announcement), actor=animator, hidden=True)
    assert AuditLog.objects.filter(action="hidden").count() == 1


def test_closing_an_account_ends_its_memberships(community, animator):
    """A closed account leaves its communities: counts follow, the last animator's departure is
    logged, the animators' community forgets them."""
    from directory.services import agent_close_account

    member = add_member(community)
    count = fresh(community).member_count
    agent_close_account(agent=fresh(member))
    assert fresh(community).member_count == count - 1
    assert not Membership.objects.filter(agent=member).exists()
    agent_close_account(agent=fresh(animator))
    assert not Membership.objects.filter(agent=animator).exists()
    assert AuditLog.objects.filter(community=community, action="left_without_animator").exists()
    assert not in_animators_community(animator)
