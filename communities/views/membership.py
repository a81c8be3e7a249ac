"""Joining, requests, invitations, leaving, the members' page and the external invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from communities import invitations, selectors, services
from communities.forms.membership import (
    ExternalAccountForm,
    InviteForm,
    ReasonForm,
    RequestForm,
)
from communities.models import Invitation, Membership
from communities.permissions import abilities
from communities.services import CommunityError
from communities.views.browse import paginate
from communities.views.common import back_to, community_view, run_service
from directory.models import Agent
from maillage.french import de

S = Membership.State
R = Membership.Role
MEMBERS_PER_PAGE = 50


def _members_page(community):
    return redirect("communities:members", slug=community.slug)


# --- joining and leaving ---------------------------------------------------------------------


@require_POST
@community_view()
def join(request, community, ab):
    run_service(
        request,
        services.community_join,
        success=_("Bienvenue dans la communauté ! Lisez et acceptez sa charte pour y contribuer."),
        community=community,
        agent=request.user,
    )
    return back_to(community)


def _why_no_request(ab):
    if ab.has_requested:
        return _("Votre demande est déjà en attente.")
    if ab.is_member:
        return _("Vous êtes déjà membre de cette communauté.")
    if ab.is_banned:
        return _("Vous avez été exclu de cette communauté.")
    if ab.is_invited:
        return _("Vous êtes invité : répondez à l'invitation.")
    return _("Cette communauté n'accepte pas de demande d'adhésion.")


@community_view()
def request_join(request, community, ab):
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            run_service(
                request,
                services.community_request,
                success=_("Votre demande a été envoyée à l'animation de la communauté."),
                community=community,
                agent=request.user,
                message=form.cleaned_data["message"],
            )
            return back_to(community)
    elif not ab.can_request:
        messages.info(request, _why_no_request(ab))
        return back_to(community)
    return render(
        request,
        "communities/request.html",
        {"community": community, "ab": ab, "form": form, "title": _("Demander à rejoindre")},
        status=400 if form.errors else 200,
    )


@require_POST
@community_view()
def request_cancel(request, community, ab):
    run_service(
        request,
        services.request_cancel,
        success=_("Votre demande a été annulée."),
        community=community,
        agent=request.user,
    )
    return _home_or_list(request, community)


@require_POST
@community_view()
def invitation_answer(request, community, ab):
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("Réponse inconnue : acceptez ou déclinez l'invitation."))
        return back_to(community)
    accept = answer == "accept"
    run_service(
        request,
        services.invitation_answer,
        success=_("Bienvenue dans la communauté ! Lisez et acceptez sa charte pour y contribuer.")
        if accept
        else _("Vous avez décliné l'invitation."),
        community=community,
        agent=request.user,
        accept=accept,
    )
    return _home_or_list(request, community)


@require_POST
@community_view()
def leave(request, community, ab):
    _result, ok = run_service(
        request,
        services.community_leave,
        success=_("Vous avez quitté la communauté « %(name)s ».") % {"name": community.name},
        community=community,
        agent=request.user,
    )
    if not ok:
        return back_to(community)
    return _home_or_list(request, community)


def _home_or_list(request, community):
    """After leaving or declining, the home of a private community may be out of reach."""
    if abilities(request.user, community).can_view:
        return back_to(community)
    return redirect("communities:list")


# --- the members' page -----------------------------------------------------------------------


@community_view(ability="can_see_members")
def members(request, community, ab):
    context = {
        "community": community,
        "ab": ab,
        "page": paginate(request, selectors.members_of(community), MEMBERS_PER_PAGE),
        "title": _("Membres"),
    }
    if ab.can_manage_members:
        context.update(
            requests=selectors.members_of(community, states=[S.REQUESTED]).order_by("created_at"),
            invited=selectors.members_of(community, states=[S.INVITED]).select_related(
                "invited_by"
            ),
            email_invitations=community.invitations.filter(used_at=None)
            .select_related("invited_by")
            .order_by("-created_at"),
            banned=selectors.members_of(community, states=[S.BANNED]),
        )
    return render(request, "communities/members.html", context)


MEMBER_ACTIONS = ("accept", "refuse", "promote", "demote", "remove", "ban", "unban")


@require_POST
@community_view(ability="can_manage_members")
def member_action(request, community, ab, membership_id, action):
    if action not in MEMBER_ACTIONS:
        raise Http404
    # Another community's membership is not found here, whatever its id.
    membership = get_object_or_404(
        Membership.objects.select_related("agent"), pk=membership_id, community=community
    )
    membership.community = community
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le motif est trop long (1 000 caractères au plus)."))
        return _members_page(community)
    reason = form.cleaned_data["reason"]
    agent, actor = membership.agent, request.user
    name = agent.display_name
    if action in ("accept", "refuse"):
        accept = action == "accept"
        run_service(
            request,
            services.request_answer,
            success=(
                _("%(agent)s a rejoint la communauté.")
                if accept
                else _("La demande %(of_agent)s a été refusée.")
            )
            % {"agent": name, "of_agent": de(name)},
            membership=membership,
            actor=actor,
            accept=accept,
            reason=reason,
        )
    elif action in ("promote", "demote"):
        promote = action == "promote"
        run_service(
            request,
            services.member_set_role,
            success=(
                _("%(agent)s anime désormais la communauté.")
                if promote
                else _("%(agent)s n'anime plus la communauté.")
            )
            % {"agent": name},
            membership=membership,
            actor=actor,
            role=R.ANIMATOR if promote else R.MEMBER,
        )
    elif action in ("remove", "ban"):
        ban = action == "ban"
        run_service(
            request,
            services.member_remove,
            success=(
                _("%(agent)s a été exclu de la communauté.")
                if ban
                else _("%(agent)s ne fait plus partie de la communauté.")
            )
            % {"agent": name},
            membership=membership,
            actor=actor,
            ban=ban,
            reason=reason,
        )
    else:
        run_service(
            request,
            services.member_unban,
            success=_("L'exclusion %(of_agent)s est levée.") % {"of_agent": de(name)},
            membership=membership,
            actor=actor,
        )
    return _members_page(community)


# --- invitations -----------------------------------------------------------------------------


@require_POST
@community_view(ability="can_manage_members")
def invitation_withdraw(request, community, ab, invitation_id):
    # Another community's invitation is not found here, whatever its id.
    invitation = get_object_or_404(
        Invitation.objects.select_related("community"), pk=invitation_id, community=community
    )
    run_service(
        request,
        services.invitation_withdraw,
        success=_("L'invitation de %(email)s est retirée.") % {"email": invitation.email},
        invitation=invitation,
        actor=request.user,
    )
    return _members_page(community)


@community_view(ability="can_invite")
def invite(request, community, ab):
    data = request.POST if request.method == "POST" else None
    q = (data or request.GET).get("q", "")
    form = InviteForm(community, request.user, data, q=q)
    context = {"community": community, "ab": ab, "form": form, "title": _("Inviter")}
    htmx = getattr(request, "htmx", None)
    if request.method != "POST" and htmx and not htmx.history_restore_request:
        return render(request, "communities/partials/invite_results.html", context)
    if request.method == "POST" and form.is_valid():
        targets = [{"agent": agent} for agent in form.cleaned_data["agents"]]
        if form.cleaned_data["email"]:
            targets.append({"email": form.cleaned_data["email"]})
        invited = []
        for target in targets:
            _result, ok = run_service(
                request, services.invite, community=community, actor=request.user, **target
            )
            if ok:
                invited.append(
                    target["agent"].display_name if "agent" in target else target["email"]
                )
        if invited:
            messages.success(
                request, _("Invitation envoyée : %(names)s.") % {"names": ", ".join(invited)}
            )
        return _members_page(community)
    return render(request, "communities/invite.html", context, status=400 if form.errors else 200)


INVITATION_TITLES = {
    "unknown": _("Invitation introuvable"),
    "used": _("Invitation déjà utilisée"),
    "archived": _("Communauté archivée"),
    "other_account": _("Invitation adressée à une autre adresse"),
    "sign_in": _("Connectez-vous pour rejoindre la communauté"),
    "signup": _("Créez votre compte d'agent"),
    "form": _("Créer votre compte"),
}


@sensitive_post_parameters("password1", "password2")
def external_invitation(request, token):
    invitation = invitations.invitation_by_token(token)

    def page(state, status=200, **extra):
        return render(
            request,
            "communities/external_invitation.html",
            {
                "state": state,
                "invitation": invitation,
                "title": str(INVITATION_TITLES[state]),
                **extra,
            },
            status=status,
        )

    if invitation is None:
        return page("unknown", status=404)
    community = invitation.community
    user = request.user
    if user.is_authenticated:
        if user.email.lower() == invitation.email.lower():
            services.claim_invitations(agent=user)
            return redirect(community.get_absolute_url())
        return page("other_account", status=403)
    if invitation.used_at is not None:
        return page("used", status=400)
    if community.is_archived:
        return page("archived", status=400)
    if Agent.objects.filter(email__iexact=invitation.email).exists():
        return page("sign_in", login_url=f"{reverse('login')}?next={request.path}")
    if not invitation.external:
        return page("signup")
    form = ExternalAccountForm(invitation.email, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agent = invitations.external_account_create(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except CommunityError as error:
            messages.error(request, str(error))
        else:
            login(request, agent, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Votre compte est créé. Acceptez l'invitation pour rejoindre la communauté, "
                    "puis sa charte."
                ),
            )
            return redirect(community.get_absolute_url())
    return page("form", status=400 if form.errors else 200, form=form)
