"""What the calls' views share: the call and the dossier of an address, read once and checked
against the policy (a dossier of another call, or one the viewer may not read, is a 404: a
forged id reveals nothing)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

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
