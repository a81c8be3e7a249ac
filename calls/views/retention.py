"""« Conservation des données » (``calls:retention``): for a call's managers, the call's
retention period of non-selected dossiers (R9; set on the call's settings page), the dossiers
whose personal data the scheduled purge removes within 30 days, with their date, and the log of
what it purged (the fields' names, never their values). 404 for anyone else."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls import retention
from calls.models import PurgeLog
from calls.permissions import manages
from calls.views.common import CALL_PREFIX as C
from calls.views.common import call_for

# How far ahead the page lists the coming purges.
HORIZON_DAYS = 30


@login_required
@require_http_methods(["GET", "HEAD"])
def retention_page(request, slug):
    call, _abilities = call_for(request, slug)
    if not manages(request.user, call):
        raise Http404
    now = timezone.now()
    coming = retention.scheduled(call=call, until=now + timedelta(days=HORIZON_DAYS))
    logs = list(PurgeLog.objects.filter(call=call).order_by("-purged_at", "-id"))
    for log in logs:
        log.field_labels = [retention.field_label(name) for name in log.fields]
    return render(
        request,
        "calls/retention/retention.html",
        {
            "title": _("Conservation des données — %(call)s") % {"call": call.title},
            "call": call,
            "coming": coming,
            "now": now,
            "horizon": HORIZON_DAYS,
            "kept": list(retention.kept_for_registry(call)),
            "logs": logs,
            "dossier_fields": [retention.field_label(name) for name in retention.DOSSIER_FIELDS],
            "partner_fields": [
                retention.field_label(f"partners.{name}") for name in retention.PARTNER_FIELDS
            ],
        },
    )


urlpatterns = [path(C + "conservation/", retention_page, name="retention")]
