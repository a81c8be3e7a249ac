"""Group conversations: choosing participants in the directory (a plain GET search that keeps
the chosen ones ticked), creating the group, adding people, leaving."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chat import selectors, services
from chat.forms import GroupNameForm
from chat.models import MAX_GROUP_SIZE
from chat.views.common import int_or_none, readable_room, status_of
from communities.permissions import agents_visible_to
from search.api import search_agents

SEARCH_RESULTS = 10
MAX_QUERY_LENGTH = 200


def _chosen_ids(data, *, exclude=()):
    """The agent ids ticked in the form (``membres``), in order, without duplicates."""
    ids = []
    for value in data.getlist("membres")[: MAX_GROUP_SIZE * 2]:
        pk = int_or_none(value)
        if pk is not None and pk not in ids and pk not in exclude:
            ids.append(pk)
    return ids


def _visible_agents(viewer, ids):
    """The agents behind ``ids`` the viewer may see and write to, in the order of ``ids``."""
    if not ids:
        return []
    Agent = get_user_model()
    found = agents_visible_to(
        viewer, Agent.objects.filter(pk__in=ids, is_active=True, closed_at__isnull=True)
    ).select_related("service")
    by_id = {agent.pk: agent for agent in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _chooser(request, *, exclude):
    """The chosen agents and the directory's answer to ``?q=`` (the chosen left out)."""
    source = request.POST if request.method == "POST" else request.GET
    chosen = _visible_agents(request.user, _chosen_ids(source, exclude=exclude))
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    found = []
    if query:
        result = search_agents(request.user, query=query, per_page=SEARCH_RESULTS)
        taken = {agent.pk for agent in chosen} | set(exclude)
        found = [agent for agent in result.page.object_list if agent.pk not in taken]
    return {"chosen": chosen, "query": query, "found": found, "max_size": MAX_GROUP_SIZE}


@login_required
def group_new(request):
    context = _chooser(request, exclude={request.user.pk})
    status = 200
    if request.method == "POST":
        form = GroupNameForm(request.POST)
        if form.is_valid():
            try:
                room = services.group_create(
                    agent=request.user, name=form.cleaned_data["name"], members=context["chosen"]
                )
            except services.ChatError as refusal:
                context["error"] = str(refusal)
                status = status_of(refusal)
            else:
                messages.success(request, _("La conversation de groupe est créée."))
                return redirect(room)
        else:
            status = 400
    else:
        form = GroupNameForm(initial={"name": request.GET.get("name", "")[:80]})
    return render(
        request,
        "chat/group_form.html",
        {**context, "form": form, "title": _("Nouvelle conversation de groupe"), "room": None},
        status=status,
    )


@login_required
def group_add(request, pk):
    room, abilities = readable_room(request, pk)
    if not abilities.can_manage_participants:
        raise PermissionDenied(_("On n'ajoute des participants qu'aux conversations de groupe."))
    present = set(room.participants.values_list("agent_id", flat=True))
    context = _chooser(request, exclude=present)
    status = 200
    if request.method == "POST":
        try:
            added = services.group_add(agent=request.user, room=room, members=context["chosen"])
        except services.ChatError as refusal:
            context["error"] = str(refusal)
            status = status_of(refusal)
        else:
            if added:
                messages.success(
                    request,
                    _("Ajouté à la conversation : %(names)s.")
                    % {"names": ", ".join(agent.display_name for agent in added)},
                )
            else:
                messages.info(request, _("Personne n'a été ajouté."))
            return redirect(room)
    return render(
        request,
        "chat/group_form.html",
        {
            **context,
            "title": _("Ajouter des participants"),
            "room": room,
            "present_count": len(present),
        },
        status=status,
    )


@login_required
def group_leave(request, pk):
    room, abilities = readable_room(request, pk)
    if not abilities.can_leave:
        raise PermissionDenied(_("On ne quitte que les conversations de groupe."))
    if request.method == "POST":
        try:
            services.group_leave(agent=request.user, room=room)
        except services.ChatError as refusal:
            messages.error(request, str(refusal))
            return redirect(room)
        messages.success(request, _("Vous avez quitté la conversation."))
        return redirect("chat:index")
    return render(
        request,
        "chat/group_leave.html",
        {
            "title": _("Quitter la conversation"),
            "room": room,
            "room_title": selectors.room_title(room, request.user),
        },
    )
