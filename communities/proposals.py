"""Agents propose communities to the platform's administrators, until the calls for projects
arrive: any signed-in State agent proposes (name, objective, type, themes, visibility, why); an
administrator accepts — the community is created through ``services.community_create`` with the
proposer as its animator — or declines with a reason. The proposal's life goes through the
workflow helper (pending → accepted / declined); the proposer hears of the answer, the
administrators of each new proposal (``communities/notification_kinds.py``)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import services
from communities.content import audit
from communities.errors import CommunityError
from communities.models import Community, CommunityProposal
from communities.permissions import is_platform_admin
from directory.roles import principal
from maillage.workflow import Transition, Workflow
from notifications.services import notify

P = CommunityProposal.Status
# How many proposals one agent may have waiting at once (a form posted in a loop stays small).
MAX_PENDING = 5


def can_propose_community(agent):
    """Any signed-in State agent (not an external partner, not a closed account)."""
    return principal(agent).is_state_agent and not getattr(agent, "is_closed", False)


def can_review_proposals(agent):
    return is_platform_admin(agent)


def can_see_proposal(agent, proposal):
    return proposal.proposer_id == getattr(agent, "pk", None) or can_review_proposals(agent)


def proposals_pending_count():
    return CommunityProposal.objects.filter(status=P.PENDING).count()


def _admin_ids():
    from django.db.models import Q

    from directory.models import Agent

    return list(
        Agent.objects.filter(Q(role=Agent.Role.ADMIN) | Q(is_superuser=True))
        .filter(is_active=True, closed_at__isnull=True)
        .values_list("pk", flat=True)
    )


def proposal_create(*, agent, name, objective, kind, visibility, why, themes=()):
    """Propose a community; the administrators are notified."""
    if not can_propose_community(agent):
        raise CommunityError(_("Seuls les agents de l'État proposent des communautés."))
    name = " ".join((name or "").split())
    objective, why = (objective or "").strip(), (why or "").strip()
    if not name:
        raise CommunityError(_("Donnez un nom à la communauté proposée."))
    if not objective:
        raise CommunityError(_("Indiquez l'objectif commun de la communauté."))
    if not why:
        raise CommunityError(_("Expliquez pourquoi cette communauté est utile."))
    if kind not in Community.Kind.values:
        raise CommunityError(_("Choisissez le type de la communauté."))
    if visibility not in Community.Visibility.values:
        raise CommunityError(_("Choisissez la visibilité de la communauté."))
    pending = CommunityProposal.objects.filter(proposer=agent, status=P.PENDING).count()
    if pending >= MAX_PENDING:
        raise CommunityError(
            _("Vous avez déjà %(n)s propositions en attente : attendez leur réponse.")
            % {"n": pending}
        )
    with transaction.atomic():
        proposal = CommunityProposal.objects.create(
            proposer=agent,
            name=name,
            objective=objective,
            kind=kind,
            visibility=visibility,
            why=why,
        )
        proposal.themes.set(themes)
        notify(
            "community_proposal",
            _admin_ids(),
            target=proposal,
            actor=agent,
            summary=_("%(agent)s propose la communauté « %(name)s »")
            % {"agent": agent.display_name, "name": name},
            url=reverse("communities:proposal", args=[proposal.pk]),
        )
    return proposal


# --- the workflow ----------------------------------------------------------------------------


def _reviewer(actor, proposal):
    return can_review_proposals(actor)


def _accept(proposal, actor, reason):
    """The community is created by the creation service, the proposer animating it; a refusal
    of that service (a name it rejects) rolls the whole move back."""
    community = services.community_create(
        actor=actor,
        animators=[proposal.proposer],
        themes=list(proposal.themes.all()),
        name=proposal.name,
        description=proposal.objective,
        objective=proposal.objective,
        kind=proposal.kind,
        visibility=proposal.visibility,
        scope=Community.Scope.NATIONAL,
    )
    proposal.community = community
    proposal.decided_by, proposal.decided_at = actor, timezone.now()


def _decline(proposal, actor, reason):
    proposal.decline_reason = reason
    proposal.decided_by, proposal.decided_at = actor, timezone.now()


def _audit(proposal, actor, move, reason):
    audit.record(
        community=proposal.community,
        actor=actor,
        action=move.audit,
        target=proposal,
        target_agent=proposal.proposer,
        reason=reason,
    )


def _notify(proposal, actor, move, reason):
    if move.target == P.ACCEPTED:
        summary = _("Votre proposition « %(name)s » est acceptée : la communauté est créée") % {
            "name": proposal.name
        }
        url = proposal.community.get_absolute_url()
    else:
        summary = _("Votre proposition « %(name)s » n'est pas retenue. Motif : %(reason)s") % {
            "name": proposal.name,
            "reason": " ".join(reason.split()),
        }
        url = reverse("communities:proposal", args=[proposal.pk])
    if len(summary) > services.SUMMARY_LENGTH:
        summary = summary[: services.SUMMARY_LENGTH - 1].rstrip() + "…"
    # ``notify`` queues on commit; the workflow calls this hook once its move is committed.
    notify(
        move.notification,
        [proposal.proposer_id],
        target=proposal,
        community=proposal.community,
        actor=actor,
        summary=summary,
        url=url,
    )


PROPOSAL = Workflow(
    state_field="status",
    transitions=[
        Transition(
            P.PENDING,
            P.ACCEPTED,
            allowed=_reviewer,
            label=_("Accepter et créer la communauté"),
            audit="proposal_accepted",
            notification="proposal_answered",
            effect=_accept,
        ),
        Transition(
            P.PENDING,
            P.DECLINED,
            allowed=_reviewer,
            label=_("Refuser"),
            audit="proposal_declined",
            reason_required=True,
            notification="proposal_answered",
            effect=_decline,
        ),
    ],
    audit=_audit,
    notify=_notify,
)


def proposal_accept(*, proposal, actor):
    """Accept a pending proposal: the community is created, the proposer animates it."""
    PROPOSAL.transition(proposal, P.ACCEPTED, actor=actor)
    return proposal


def proposal_decline(*, proposal, actor, reason):
    """Decline a pending proposal with a reason the proposer is told."""
    PROPOSAL.transition(proposal, P.DECLINED, actor=actor, reason=reason)
    return proposal
