"""The notification centre, the preferences (mutes included) and the unsubscribe page.

Every view but the unsubscribe page is for signed-in agents; an id that is not one of the
agent's own (someone else's notification or mute, an unknown or malformed id) answers 404 and
changes nothing. A notification the agent may no longer see (``notifications.selectors``) is
withdrawn by the services when read: never shown, never followed. The unsubscribe page works
without signing in: its signed token is the authentication, and mail clients' one-click
unsubscribe posts it without a CSRF token.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from maillage.http import id_or_404, safe_next
from maillage.redirects import local_path
from notifications import kinds, services
from notifications.forms import MuteForm, PreferencesForm
from notifications.models import CommunityMute, Preference

PER_PAGE = 30
# The heading of the notifications that belong to no community.
WITHOUT_COMMUNITY = gettext_lazy("Messagerie et compte")
DIGEST_LABELS = {
    "digest-daily": gettext_lazy("Résumé quotidien de vos notifications"),
    "digest-weekly": gettext_lazy("Résumé hebdomadaire de vos notifications"),
}


def _me(request):
    """The signed-in agent itself, not the lazy proxy of ``request.user`` (the services keep
    its unread count up to date on the instance)."""
    user = request.user
    user.pk  # noqa: B018 - evaluates the lazy object
    return getattr(user, "_wrapped", user)


# --- the centre ----------------------------------------------------------------------------------


def group_by_community(notifications):
    """``[(community or None, [notification, …])]``, the groups in the order of their newest
    notification, each newest first (the order given)."""
    groups = {}
    for notification in notifications:
        groups.setdefault(notification.community_id, (notification.community, []))[1].append(
            notification
        )
    return list(groups.values())


@login_required
def centre(request):
    """The agent's notifications, checked against the policy now: what they may no longer see
    is withdrawn (and leaves the bell's count) before the page is cut."""
    page = services.centre_page(
        agent=_me(request), number=request.GET.get("page"), per_page=PER_PAGE
    )
    labels = {key: spec.label for key, spec in kinds.KINDS.items()}
    for notification in page.object_list:
        notification.kind_label = labels.get(notification.kind, notification.kind)
    return render(
        request,
        "notifications/centre.html",
        {
            "title": _("Notifications"),
            "page": page,
            "groups": group_by_community(page.object_list),
            "without_community": WITHOUT_COMMUNITY,
        },
    )


@require_http_methods(["GET"])
def unread_count(request):
    """``{"unread": N}`` for the bell: notifications.js asks it when its tab comes back or its
    WebSocket reconnects, in case a push was missed meanwhile. The count is a field of the agent:
    no query beyond the session's."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Connectez-vous.")}, status=401)
    response = JsonResponse({"unread": request.user.notifications_unread})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def open_notification(request, pk):
    """Mark the notification read and go where it points; one the agent may no longer see is
    withdrawn and answers 404, like someone else's."""
    try:
        notification = services.mark_read(agent=_me(request), notification_id=id_or_404(pk))
    except services.NotificationError:
        raise Http404 from None
    return redirect(local_path(request, notification.url) or reverse("notifications:centre"))


@login_required
@require_POST
def mark_read(request, pk):
    try:
        services.mark_read(agent=_me(request), notification_id=id_or_404(pk))
    except services.NotificationError:
        raise Http404 from None
    return redirect(safe_next(request, reverse("notifications:centre")))


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(agent=_me(request))
    messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect(safe_next(request, reverse("notifications:centre")))


# --- preferences and mutes -----------------------------------------------------------------------


def current_preferences(agent):
    """``{kind: (in_app, email)}``: the saved choices, the kinds' defaults elsewhere (one query)."""
    saved = {
        kind: (in_app, email)
        for kind, in_app, email in Preference.objects.filter(agent=agent).values_list(
            "kind", "in_app", "email"
        )
    }
    return {
        key: saved.get(key, (spec.default_in_app, spec.default_email))
        for key, spec in kinds.KINDS.items()
    }


def _preferences_page(request, *, form=None, mute_form=None, status=200):
    mutes = list(
        CommunityMute.objects.filter(agent=request.user)
        .select_related("community")
        .order_by("community__name", "kind")
    )
    labels = {key: spec.label for key, spec in kinds.KINDS.items()}
    for mute in mutes:
        mute.kind_label = labels.get(mute.kind, mute.kind) if mute.kind else ""
    return render(
        request,
        "notifications/preferences.html",
        {
            "title": _("Préférences de notification"),
            "form": form or PreferencesForm(current=current_preferences(request.user)),
            "mute_form": mute_form or MuteForm(agent=request.user),
            "mutes": mutes,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "GET":
        return _preferences_page(request)
    form = PreferencesForm(request.POST, current=current_preferences(request.user))
    if not form.is_valid():
        return _preferences_page(request, form=form, status=400)
    for kind, in_app, email in form.choices():
        services.preference_set(agent=request.user, kind=kind, in_app=in_app, email=email)
    messages.success(request, _("Vos préférences de notification sont enregistrées."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def mute(request):
    form = MuteForm(request.POST, agent=request.user)
    if not form.is_valid():
        return _preferences_page(request, mute_form=form, status=400)
    community, kind = form.cleaned_data["community"], form.cleaned_data["kind"]
    services.community_mute(agent=request.user, community=community, kind=kind)
    if kind:
        text = _("Vous ne recevrez plus « %(kind)s » de « %(community)s ».") % {
            "kind": kinds.get(kind).label,
            "community": community.name,
        }
    else:
        text = _("Vous ne recevrez plus de notifications de « %(community)s ».") % {
            "community": community.name
        }
    messages.success(request, text)
    return redirect(safe_next(request, reverse("notifications:preferences")))


@login_required
@require_POST
def unmute(request):
    """Lift one mute (``mute``: its id; someone else's is a 404), or every mute of one community
    (``community``: its id; nothing to lift is not an error, the button may be pressed twice)."""
    default = reverse("notifications:preferences")
    mine = CommunityMute.objects.filter(agent=request.user).select_related("community")
    if "mute" in request.POST:
        mute = mine.filter(pk=id_or_404(request.POST["mute"])).first()
        if mute is None:
            raise Http404
        mute.delete()
        community = mute.community
    else:
        mutes = list(mine.filter(community_id=id_or_404(request.POST.get("community"))))
        if not mutes:
            return redirect(safe_next(request, default))
        community = mutes[0].community
        services.community_unmute(agent=request.user, community=community)
    messages.success(
        request,
        _("Les notifications de « %(community)s » sont réactivées.")
        % {"community": community.name},
    )
    return redirect(safe_next(request, default))


# --- unsubscribing from an e-mail ----------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET names what the link stops and asks to confirm; POST (the button, or the mail client's
    one-click « List-Unsubscribe-Post ») stops those e-mails. The signed token is the
    authentication: no sign-in, no CSRF token (this view only)."""
    try:
        agent, kind = services.unsubscribe_read(token)
    except services.NotificationError as error:
        return render(
            request,
            "notifications/unsubscribe_invalid.html",
            {"title": _("Lien de désabonnement invalide"), "error": str(error)},
            status=400,
        )
    label = DIGEST_LABELS[kind] if isinstance(kind, str) else kind.label
    done = False
    if request.method == "POST":
        services.unsubscribe(token)
        done = True
    response = render(
        request,
        "notifications/unsubscribe.html",
        {"title": _("Désabonnement"), "label": label, "token": token, "done": done},
    )
    # The token is a credential: keep it out of the Referer of the page's links.
    response["Referrer-Policy"] = "no-referrer"
    return response
