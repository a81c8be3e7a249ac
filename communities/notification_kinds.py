"""The kinds of notifications the communities produce, with the policy check of each, registered
with the notifications from ``CommunitiesConfig.ready()`` (``notifications.kinds``).

The membership kinds (a request to answer, the answer, an invitation) are e-mailed at once unless
the agent chose otherwise: they were e-mailed at once before they were notifications, and someone
waits for each of them.

Each check is batched (``visible_many(agents, target)``): the recipients' memberships of the
community are read in one query, then the community's abilities answer for each.
"""

from django.utils.translation import gettext_lazy as _

from communities.models import CommunityProposal, Membership, Report
from communities.permissions import (
    abilities,
    communities_of,
    is_platform_admin,
    remember_memberships,
)
from notifications import kinds
from notifications.models import Email

S = Membership.State


def abilities_many(agents, community):
    """``[(agent, CommunityAbilities)]`` of each agent, their memberships read in one query (the
    chat's kinds use it for the community rooms)."""
    if len(agents) == 1:  # one agent (a read): the policy's membership remembered in its scope
        return [(agents[0], abilities(agents[0], community))]
    memberships = {
        membership.agent_id: membership
        for membership in Membership.objects.filter(
            community=community, agent_id__in=[agent.pk for agent in agents]
        )
    }
    return [(agent, abilities(agent, community, memberships.get(agent.pk))) for agent in agents]


def _join_request_visible(agents, membership):
    if membership.state != S.REQUESTED:
        return set()
    return {
        agent.pk
        for agent, ability in abilities_many(agents, membership.community)
        if ability.can_manage_members
    }


def _request_answer_visible(agents, community):
    return {agent.pk for agent, ability in abilities_many(agents, community) if ability.can_view}


def _invitation_visible(agents, membership):
    if membership.state != S.INVITED:
        return set()
    return {agent.pk for agent in agents if agent.pk == membership.agent_id}


def _charter_visible(agents, version):
    if version.community.current_charter_id != version.pk:
        return set()
    return {
        agent.pk
        for agent, ability in abilities_many(agents, version.community)
        if ability.is_member
    }


def _announcement_visible(agents, announcement):
    if announcement.is_hidden or announcement.is_draft:
        return set()
    return {
        agent.pk
        for agent, ability in abilities_many(agents, announcement.community)
        if ability.is_member
    }


def _comment_visible(agents, comment):
    """A comment of a followed announcement: while both are visible, to who may read them."""
    if (
        comment.is_hidden
        or comment.is_deleted
        or comment.announcement.is_hidden
        or comment.announcement.is_draft
    ):
        return set()
    return {
        agent.pk for agent, ability in abilities_many(agents, comment.community) if ability.can_read
    }


def _report_visible(agents, report):
    if report.status != Report.Status.OPEN:
        return set()
    return {
        agent.pk
        for agent, ability in abilities_many(agents, report.community)
        if ability.can_moderate
    }


def _proposal_visible(agents, proposal):
    """A new proposal: to the administrators while it waits."""
    if proposal.status != CommunityProposal.Status.PENDING:
        return set()
    return {agent.pk for agent in agents if is_platform_admin(agent)}


def _proposal_answer_visible(agents, proposal):
    """The answer to a proposal: to its proposer only."""
    return {agent.pk for agent in agents if agent.pk == proposal.proposer_id}


kinds.register_communities(of_agent=communities_of, remember_memberships=remember_memberships)
kinds.register(
    "join_request",
    label=_("Demandes d'adhésion"),
    description=_("Quelqu'un demande à rejoindre une communauté que vous animez."),
    visible_many=_join_request_visible,
    default_email=Email.IMMEDIATE,
    order=10,
    related=("community",),
    email_template="communities/email/notification_join_request",
)
kinds.register(
    "request_answered",
    label=_("Réponses à vos demandes"),
    description=_("Les animateurs ont accepté ou refusé votre demande d'adhésion."),
    visible_many=_request_answer_visible,
    default_email=Email.IMMEDIATE,
    order=20,
)
kinds.register(
    "invitation",
    label=_("Invitations"),
    description=_("Vous êtes invité à rejoindre une communauté."),
    visible_many=_invitation_visible,
    default_email=Email.IMMEDIATE,
    order=30,
    email_template="communities/email/notification_invitation",
)
kinds.register(
    "charter_version",
    label=_("Chartes à accepter"),
    description=_("Une nouvelle version de la charte d'une de vos communautés."),
    visible_many=_charter_visible,
    order=40,
    related=("community",),
)
kinds.register(
    "announcement",
    label=_("Annonces"),
    description=_("Une nouvelle annonce dans une de vos communautés."),
    visible_many=_announcement_visible,
    order=50,
    related=("community",),
)
kinds.register(
    "comment",
    label=_("Commentaires"),
    description=_(
        "Un commentaire sur une annonce que vous suivez (les vôtres, celles commentées)."
    ),
    visible_many=_comment_visible,
    order=55,
    related=("community", "announcement"),
)
kinds.register(
    "report",
    label=_("Signalements"),
    description=_("Un contenu signalé dans une communauté que vous animez."),
    visible_many=_report_visible,
    order=80,
    related=("community",),
)
kinds.register(
    "community_proposal",
    label=_("Propositions de communautés"),
    description=_("Un agent propose une communauté (administration de la plateforme)."),
    visible_many=_proposal_visible,
    default_email=Email.IMMEDIATE,
    order=90,
)
kinds.register(
    "proposal_answered",
    label=_("Réponses à vos propositions de communautés"),
    description=_("L'administration a accepté ou refusé une communauté que vous avez proposée."),
    visible_many=_proposal_answer_visible,
    default_email=Email.IMMEDIATE,
    order=25,
)
