"""The animators' tools of a community's messaging: named channels, muting members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import selectors, services
from chat.forms import ChannelForm, MuteForm
from chat.models import Mute
from chat.views.common import readable_room, status_of
from communities.models import Community, Membership
from communities.permissions import abilities as community_abilities
from maillage.french import long_datetime


def _moderated_community(request, slug):
    """The community, its main room and the agent's abilities there: 404 unless the agent reads
    the community's rooms, 403 unless they animate it."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    main, abilities = readable_room(request, services.room_for_community(community).pk)
    if not abilities.can_moderate:
        raise PermissionDenied(_("Seuls les animateurs de la communauté ont accès à cette page."))
    return community, main, abilities


def _page(request, template, community, context, status=200):
    context = {
        "community": community,
        "ab": community_abilities(request.user, community),
        **context,
    }
    return render(request, template, context, status=status)


@login_required
def channel_new(request, slug):
    community, main, _abilities = _moderated_community(request, slug)
    form = ChannelForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                room = services.channel_create(
                    agent=request.user,
                    community=community,
                    name=form.cleaned_data["name"],
                    topic=form.cleaned_data["topic"],
                )
            except services.ChatError as refusal:
                error, status = str(refusal), status_of(refusal)
            else:
                messages.success(
                    request, _("Le salon « %(name)s » est créé.") % {"name": room.name}
                )
                return redirect(room)
        else:
            status = 400
    return _page(
        request,
        "chat/channel_form.html",
        community,
        {"title": _("Nouveau salon"), "form": form, "error": error, "main": main},
        status=status,
    )


@login_required
def channel_delete(request, pk):
    room, abilities = readable_room(request, pk)
    if not room.is_community or room.is_main:
        raise PermissionDenied(_("Seuls les salons nommés d'une communauté se suppriment."))
    if not abilities.can_moderate:
        raise PermissionDenied(_("Seuls les animateurs de la communauté suppriment un salon."))
    community = room.community
    if request.method == "POST":
        try:
            services.channel_delete(agent=request.user, room=room)
        except services.ChatError as refusal:
            messages.error(request, str(refusal))
            return redirect(room)
        messages.success(request, _("Le salon « %(name)s » est supprimé.") % {"name": room.name})
        return redirect("chat:community", community.slug)
    return _page(
        request,
        "chat/channel_delete.html",
        community,
        {
            "title": _("Supprimer le salon"),
            "room": room,
            "message_count": room.messages.count(),
        },
    )


@login_required
def mutes(request, slug):
    community, main, _abilities = _moderated_community(request, slug)
    current = (
        Mute.objects.filter(community=community, until__gt=timezone.now())
        .select_related("agent", "created_by")
        .order_by("until")
    )
    return _page(
        request,
        "chat/mutes.html",
        community,
        {"title": _("Membres rendus muets"), "mutes": current, "main": main},
    )


def _member_or_404(community, agent_pk):
    membership = (
        Membership.objects.filter(
            community=community, agent_id=agent_pk, state=Membership.State.ACTIVE
        )
        .select_related("agent")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.agent


@login_required
def mute(request, slug, agent_pk):
    community, main, _abilities = _moderated_community(request, slug)
    member = _member_or_404(community, agent_pk)
    form = MuteForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                muted = services.member_mute(
                    agent=request.user,
                    community=community,
                    member=member,
                    minutes=form.cleaned_data["minutes"],
                    reason=form.cleaned_data["reason"],
                )
            except services.ChatError as refusal:
                error, status = str(refusal), status_of(refusal)
            else:
                messages.success(
                    request,
                    _("%(name)s ne peut plus écrire dans la communauté jusqu'au %(until)s.")
                    % {"name": member.display_name, "until": long_datetime(muted.until)},
                )
                return redirect("chat:mutes", community.slug)
        else:
            status = 400
    return _page(
        request,
        "chat/mute_form.html",
        community,
        {
            "title": _("Rendre muet"),
            "member": member,
            "form": form,
            "error": error,
            "main": main,
            "main_title": selectors.room_title(main, request.user),
        },
        status=status,
    )


@require_POST
@login_required
def unmute(request, slug, agent_pk):
    community, _main, _abilities = _moderated_community(request, slug)
    member = _member_or_404(community, agent_pk)
    try:
        services.member_unmute(agent=request.user, community=community, member=member)
    except services.ChatError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("%(name)s peut de nouveau écrire.") % {"name": member.display_name}
        )
    return redirect("chat:mutes", community.slug)
