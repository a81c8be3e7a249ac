"""The « Messagerie » list, a room's page and sending a message, without JavaScript: plain
forms and POST-redirect-GET (chat.js adds the live part on the same markup)."""

import json
import uuid
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import selectors, services
from chat.models import MAX_MESSAGE_LENGTH, Message, ReadMarker, Room
from chat.views.common import guarded_upload, int_or_none, readable_room, status_of
from communities.models import Community
from maillage.markup import plain_text

PARTICIPANTS_SHOWN = 500
MAX_QUERY_LENGTH = 200


def room_groups(agent):
    """The agent's rooms as the index and a room's side menu list them: the conversations (most
    recent first) and each community's rooms (the main one, then by name), with unread counts."""
    rooms = selectors.rooms_for_list(agent)
    conversations = [room for room in rooms if not room.is_community]
    for room in conversations:
        room.participant_count = len(room._prefetched_participants)
    by_community = OrderedDict()
    for room in rooms:
        if room.is_community:
            by_community.setdefault(room.community_id, (room.community, []))[1].append(room)
    communities = [
        {"community": community, "rooms": sorted(group, key=lambda r: (not r.is_main, r.name))}
        for community, group in by_community.values()
    ]
    return {
        "conversations": conversations,
        "communities": communities,
        "unread_total": sum(room.unread for room in rooms),
    }


@login_required
def index(request):
    return render(
        request,
        "chat/index.html",
        {"title": _("Messagerie"), **room_groups(request.user)},
    )


@login_required
def room(request, pk):
    room, abilities = readable_room(request, pk)
    return render_room(request, room, abilities)


@login_required
def community_room(request, slug):
    """The community's main room (the « Messagerie » entry of the community's pages)."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    main = services.room_for_community(community)
    return redirect(readable_room(request, main.pk)[0])


def _posting_refusal(room, abilities):
    """Why the agent cannot write here, in French, with a link when there is something to do."""
    if abilities.can_post:
        return None
    if abilities.is_muted:
        return {"kind": "muted", "until": abilities.muted_until}
    if room.is_community:
        ca = abilities.community_abilities
        if ca.archived:
            return {"kind": "archived"}
        if ca.must_accept_charter:
            return {
                "kind": "charter",
                "url": reverse("communities:charter", args=[ca.community.slug]),
            }
        if not ca.is_member:
            return {"kind": "not_member"}
    return {"kind": "other"}


def _entry(message, abilities, agent, first_unread_id, content_type_id):
    """What the page shows of a message: its payload (the same the WebSocket sends) and what
    the agent may do with it."""
    payload = selectors.message_payload(message)
    deleted = payload["deleted"]
    own = message.author_id == agent.pk
    can_report = abilities.can_report and not own and not deleted
    reactions = [
        {
            "emoji": reaction["emoji"],
            "count": len(reaction["agents"]),
            "mine": agent.pk in reaction["agents"],
            "names": ", ".join(reaction["names"]),
        }
        for reaction in payload["reactions"]
    ]
    return {
        "id": message.pk,
        "seq": message.seq,
        "payload": payload,
        "author": message.author,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "deleted": deleted,
        "moderated": payload["moderated"],
        "reactions": reactions,
        "first_unread": message.pk == first_unread_id,
        "can_reply": abilities.can_post and not deleted,
        "can_react": abilities.can_post and not deleted,
        "can_edit": abilities.can_edit(message),
        "can_delete": abilities.can_delete(message),
        "can_report": can_report,
        "report_url": reverse(
            "communities:report", args=[abilities.room.community.slug, content_type_id, message.pk]
        )
        if can_report
        else "",
        "can_see_history": abilities.can_see_history(message),
        "can_mute": abilities.can_moderate and not own,
    }


def render_room(request, room, abilities, *, status=200, composer=None, error=None):
    """The room's page: the latest messages (or older ones, those around one, a search), the
    composer or why the agent cannot write. ``composer`` keeps what was typed when a send was
    refused (``error``)."""
    agent = request.user
    query = (
        " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH] if composer is None else ""
    )
    before = int_or_none(request.GET.get("avant")) if composer is None else None
    around = int_or_none(request.GET.get("autour")) if composer is None else None
    results = []
    page = []
    if query:
        view = "search"
        results = selectors.search(room, query)
    elif before is not None:
        view = "before"
        page = selectors.history(room, before=before)
    elif around is not None:
        view = "around"
        page = selectors.history(room, around=around)
    else:
        view = "latest"
        page = selectors.history(room)
    prefetch_related_objects(page + results, "mentions")

    last_read_id = (
        ReadMarker.objects.filter(room=room, agent=agent).values_list("last_read_id", flat=True)
    ).first() or 0
    first_unread_id = selectors.first_unread_id(room, agent)
    has_older = bool(page) and room.messages.filter(pk__lt=page[0].pk).exists()
    has_newer = (
        view != "latest" and bool(page) and room.messages.filter(pk__gt=page[-1].pk).exists()
    )

    content_type_id = ContentType.objects.get_for_model(Message).pk if abilities.can_report else 0
    entries = [_entry(m, abilities, agent, first_unread_id, content_type_id) for m in page]
    found = [
        {
            "id": m.pk,
            "author": m.author,
            "created_at": m.created_at,
            "excerpt": plain_text(m.body, 300),
        }
        for m in results
    ]

    channels = []
    if room.is_community:
        channels = list(
            Room.objects.filter(community_id=room.community_id).order_by("-is_main", "name", "pk")
        )
    participants = list(selectors.room_participants(room)[:PARTICIPANTS_SHOWN])

    reply_to = None
    reply_id = composer["reply_to"] if composer else int_or_none(request.GET.get("repondre"))
    if reply_id is not None and abilities.can_post:
        original = room.messages.select_related("author").filter(pk=reply_id).first()
        if original is not None and not original.is_deleted:
            reply_to = {
                "id": original.pk,
                "author": original.author.display_name,
                "excerpt": plain_text(original.body, 140),
            }

    if view == "latest" and page and composer is None:
        services.read_mark(agent=agent, room=room, message_id=page[-1].pk)

    client_id = (composer or {}).get("client_id") or uuid.uuid4().hex
    # After the read position above: the open room counts nothing unread.
    sidebar = room_groups(agent)
    context = {
        "title": selectors.room_title(room, agent),
        "room": room,
        "ab": abilities,
        "view": view,
        "query": query,
        "entries": entries,
        # The report link of a message drawn live by chat.js (« /0/ » stands for its id).
        "report_url_template": reverse(
            "communities:report", args=[room.community.slug, content_type_id, 0]
        )
        if abilities.can_report
        else "",
        "results": found,
        "has_older": has_older,
        "has_newer": has_newer,
        "older_id": page[0].pk if page else None,
        "newer_id": page[-1].pk if page else None,
        "last_read_id": last_read_id,
        "first_unread_id": first_unread_id,
        "first_unread_shown": any(e["first_unread"] for e in entries),
        "channels": channels,
        "sidebar": sidebar,
        # The community's rooms, when the agent reads them without being a member (the side
        # menu lists the agent's own).
        "channels_outside": bool(channels)
        and not any(group["community"].pk == room.community_id for group in sidebar["communities"]),
        "participants": participants,
        "participants_json": [{"id": a.pk, "name": a.display_name} for a in participants],
        "emojis": services.EMOJIS,
        "emojis_json": json.dumps(services.EMOJIS, ensure_ascii=False),
        "refusal": _posting_refusal(room, abilities),
        "reply_to": reply_to,
        "body": (composer or {}).get("body", ""),
        "client_id": client_id,
        "error": error,
        "accept": ",".join(f".{suffix}" for suffix in sorted(settings.UPLOAD_TYPES)),
        "max_attachment": settings.UPLOAD_MAX_BYTES,
        # Where the forms of the page come back to (not the send address of a refused send).
        "current_path": request.get_full_path() if composer is None else room.get_absolute_url(),
    }
    return render(request, "chat/room.html", context, status=status)


@require_POST
@login_required
@guarded_upload
def send(request, pk):
    room, abilities = readable_room(request, pk)
    body = request.POST.get("body", "")
    client_id = request.POST.get("client_id", "")
    reply_to = request.POST.get("reply_to", "").strip() or None
    attachment = request.FILES.get("attachment")
    composer = {
        "body": body[: MAX_MESSAGE_LENGTH * 2],
        "client_id": client_id if services.CLIENT_ID.match(client_id or "") else "",
        "reply_to": int_or_none(reply_to),
    }
    if request.too_large_upload:
        error = services.ChatError(
            _(
                "Le fichier « %(name)s » dépasse la taille maximale de %(max)s : "
                "votre message n'est pas envoyé. Joignez un fichier plus léger."
            )
            % {
                "name": request.too_large_upload,
                "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            "invalid_file",
        )
        return render_room(request, room, abilities, status=413, composer=composer, error=error)
    try:
        message = services.message_send(
            agent=request.user,
            room=room,
            body=body,
            client_id=client_id,
            reply_to_id=reply_to,
            attachment=attachment,
        )
    except services.ChatError as error:
        return render_room(
            request, room, abilities, status=status_of(error), composer=composer, error=error
        )
    return redirect(f"{room.get_absolute_url()}#message-{message.pk}")


@require_POST
@login_required
def direct(request, agent_pk):
    """Open (or find) the direct conversation with an agent, from their profile."""
    other = get_user_model().objects.filter(pk=agent_pk).first()
    if other is None:
        raise Http404
    try:
        room = services.direct_open(agent=request.user, other=other)
    except services.ChatError as error:
        messages.error(request, str(error))
        if other.pk == request.user.pk:
            return redirect(other.get_absolute_url())
        return redirect("chat:index")
    return redirect(room)
