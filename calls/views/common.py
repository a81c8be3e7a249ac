"""What the calls' views share: the call and the dossier of an address, read once and checked
against the policy (a dossier of another call, or one the viewer may not read, is a 404: a
forged id reveals nothing)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from calls.models import Call, Dossier
from calls.permissions import call_abilities, dossier_abilities


def call_for(request, slug):
    """``(call, abilities)``; 404 when the viewer may not read the call."""
    call = get_object_or_404(Call.objects.select_related("region"), slug=slug)
    abilities = call_abilities(request.user, call)
    if not abilities.can_read:
        raise Http404
    return call, abilities


def dossier_for(request, slug, dossier_id):
    """``(dossier, abilities)`` of a dossier of the call ``slug``; 404 when it is another
    call's or the viewer may not read it."""
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "call", "wave", "region", "operational_service", "main_theme", "secondary_theme"
        ),
        pk=dossier_id,
        call__slug=slug,
    )
    abilities = dossier_abilities(request.user, dossier)
    if not abilities.can_read:
        raise Http404
    return dossier, abilities


# --- the pages of a selected project's follow-up ----------------------------------------------

# The follow-up's parts, in its side menu's order: key, url name, label, the ability to see it
# (None: every reader of the follow-up).
FOLLOW_UP_PARTS = [
    ("convention", "calls:convention", gettext_lazy("Convention"), None),
    ("tranches", "calls:tranches", gettext_lazy("Tranches et versements"), None),
    ("indicators", "calls:indicators", gettext_lazy("Indicateurs"), None),
    ("reports", "calls:follow_up", gettext_lazy("Rapports et revues"), None),
]


def follow_up_view(*methods):
    """A page of a selected project's follow-up: signed in, the methods it answers, the dossier
    of the address read through the policy (404 otherwise, and 404 for a reader who may not
    read the follow-up: a dossier not selected, or an expert's view); the view gets
    ``(request, dossier, abilities, ...)``."""

    def decorate(func):
        @login_required
        @require_http_methods(list(methods))
        @wraps(func)
        def view(request, slug, dossier_id, *args, **kwargs):
            dossier, abilities = dossier_for(request, slug, dossier_id)
            if not abilities.can_read_follow_up:
                raise Http404
            return func(request, dossier, abilities, *args, **kwargs)

        return view

    return decorate


def follow_up_render(request, dossier, abilities, part, template, context, *, status=200):
    """Render ``template`` (which extends ``calls/follow_up/base.html`` and fills its block
    ``part``) with the follow-up's side menu, ``part`` being the current one."""
    args = [dossier.call.slug, dossier.pk]
    menu = [
        {"key": key, "label": label, "url": reverse(name, args=args), "current": key == part}
        for key, name, label, _ability in FOLLOW_UP_PARTS
    ]
    title = next(label for key, _name, label, _ability in FOLLOW_UP_PARTS if key == part)
    base = {
        "dossier": dossier,
        "call": dossier.call,
        "ab": abilities,
        "part": part,
        "menu": menu,
        "title": f"{title} — {dossier}",
        "part_title": title,
    }
    base.update(context)
    return render(request, template, base, status=status)


# The addresses of a call's pages and of a dossier's, for the views modules' ``urlpatterns``.
CALL_PREFIX = "<slug:slug>/"
DOSSIER_PREFIX = CALL_PREFIX + "dossiers/<int:dossier_id>/"
