"""Agents propose communities; the platform's administrators accept or decline them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import proposals
from communities.forms.proposal import DeclineForm, ProposalForm
from communities.models import CommunityProposal
from communities.views.common import run_service
from maillage.http import id_or_404

P = CommunityProposal.Status


def _proposal_or_404(request, proposal_id):
    """A proposal its proposer or an administrator may see; 404 for anyone else."""
    proposal = get_object_or_404(
        CommunityProposal.objects.select_related("proposer", "community", "decided_by"),
        pk=id_or_404(proposal_id),
    )
    if not proposals.can_see_proposal(request.user, proposal):
        raise Http404
    return proposal


@login_required
def proposal_list(request):
    """The agent's own proposals and their state; for the administrators, every proposal, the
    pending ones first."""
    reviewer = proposals.can_review_proposals(request.user)
    if not reviewer and not proposals.can_propose_community(request.user):
        raise Http404
    mine = CommunityProposal.objects.filter(proposer=request.user).select_related("community")
    context = {
        "title": _("Propositions de communautés"),
        "mine": list(mine[:100]),
        "reviewer": reviewer,
        "can_propose": proposals.can_propose_community(request.user),
    }
    if reviewer:
        every = CommunityProposal.objects.select_related("proposer", "community")
        context["pending"] = list(every.filter(status=P.PENDING).order_by("created_at")[:200])
        context["decided"] = list(every.exclude(status=P.PENDING).order_by("-decided_at")[:50])
    return render(request, "communities/proposals.html", context)


@login_required
def proposal_create(request):
    if not proposals.can_propose_community(request.user):
        raise Http404
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            proposal, ok = run_service(
                request,
                proposals.proposal_create,
                agent=request.user,
                success=_(
                    "Votre proposition est transmise à l'administration de la plateforme : sa "
                    "réponse vous parviendra par notification et par courriel."
                ),
                themes=form.cleaned_data["themes"],
                **{
                    name: form.cleaned_data[name]
                    for name in ("name", "objective", "kind", "visibility", "why")
                },
            )
            if ok:
                return redirect("communities:proposal", proposal.pk)
        status = 400
    return render(
        request,
        "communities/proposal_form.html",
        {"title": _("Proposer une communauté"), "form": form},
        status=status,
    )


@login_required
def proposal_detail(request, proposal_id):
    proposal = _proposal_or_404(request, proposal_id)
    reviewer = proposals.can_review_proposals(request.user)
    return render(
        request,
        "communities/proposal_detail.html",
        {
            "title": proposal.name,
            "proposal": proposal,
            "themes": list(proposal.themes.all()),
            "can_decide": reviewer and proposal.status == P.PENDING,
            "decline_form": DeclineForm(),
        },
    )


@require_POST
@login_required
def proposal_decide(request, proposal_id):
    """Accept (``decision=accept``) or decline with a reason (``decision=decline``)."""
    proposal = _proposal_or_404(request, proposal_id)
    if not proposals.can_review_proposals(request.user):
        raise Http404
    decision = request.POST.get("decision")
    if decision == "accept":
        _result, ok = run_service(
            request,
            proposals.proposal_accept,
            proposal=proposal,
            actor=request.user,
            success=_("La communauté « %(name)s » est créée ; son auteur l'anime.")
            % {"name": proposal.name},
        )
        if ok:
            return redirect(proposal.community.get_absolute_url())
        return redirect("communities:proposal", proposal.pk)
    if decision != "decline":
        return render(
            request,
            "communities/proposal_detail.html",
            {
                "title": proposal.name,
                "proposal": proposal,
                "themes": list(proposal.themes.all()),
                "can_decide": proposal.status == P.PENDING,
                "decline_form": DeclineForm(),
                "decision_error": _("Choisissez d'accepter ou de refuser la proposition."),
            },
            status=400,
        )
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "communities/proposal_detail.html",
            {
                "title": proposal.name,
                "proposal": proposal,
                "themes": list(proposal.themes.all()),
                "can_decide": proposal.status == P.PENDING,
                "decline_form": form,
            },
            status=400,
        )
    run_service(
        request,
        proposals.proposal_decline,
        proposal=proposal,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        success=_("La proposition est refusée ; son auteur en est notifié avec le motif."),
    )
    return redirect("communities:proposal", proposal.pk)
