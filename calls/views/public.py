"""Outside any call's address: the public page of a selected project (R56), readable without
signing in, and the innovators' registry (R32) the signed-in agents read.

The public page shows only what R56 makes public: the project's acronym, title and summary, the
grant awarded and its start, the sponsor's name and e-mail address, the partners and the person
responsible in each. Never a budget line, a phone number, a postal address, a score or an
opinion: the page reads those fields and nothing else (``PUBLIC_FIELDS``).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls.models import Dossier
from calls.permissions import FOLLOWED
from calls.views.calls import k_euros
from directory.roles import principal
from maillage.http import id_or_404

# The dossier's fields the public page reads (R56); a test holds the page to them.
PUBLIC_FIELDS = (
    "acronym",
    "title",
    "summary",
    "granted_amount",
    "decided_at",
    "sponsor_name",
    "sponsor_email",
)


def _community_link(user, community):
    """The community's address when the viewer may see it exists, else None."""
    if community is None or not user.is_authenticated:
        return None
    from communities.permissions import abilities

    if not abilities(user, community).can_view:
        return None
    return community.get_absolute_url()


@require_http_methods(["GET", "HEAD"])
def project(request, dossier_id):
    """The public page of a selected project, from its selection to its close (404 for any
    other dossier)."""
    found = (
        Dossier.objects.filter(pk=id_or_404(dossier_id), state__in=FOLLOWED)
        .select_related("call", "community")
        .only(*PUBLIC_FIELDS, "state", "call__title", "call__slug", "community")
        .first()
    )
    if found is None:
        raise Http404
    partners = found.partners.order_by("order", "id").values("name", "contact_name")
    return render(
        request,
        "calls/public/project.html",
        {
            "title": str(found),
            "dossier": found,
            "call": found.call,
            "granted": k_euros(found.granted_amount) if found.granted_amount else "",
            "partners": list(partners),
            "community_url": _community_link(request.user, found.community),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def registry(request):
    """« Annuaire des innovateurs publics »: the promising projects whose sponsor agreed to be
    listed; the others never appear."""
    if not principal(request.user).is_state_agent:
        raise Http404
    listed = (
        Dossier.objects.filter(
            state=Dossier.State.PROMISING,
            registry_consent=True,
            call__published_at__isnull=False,
        )
        .select_related("call", "region")
        .only("acronym", "title", "region__name", "call__title", "call__slug")
        .order_by("region__name", "title", "id")
    )
    return render(
        request,
        "calls/public/registry.html",
        {"title": _("Annuaire des innovateurs publics"), "dossiers": listed},
    )
