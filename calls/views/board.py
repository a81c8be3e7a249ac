"""« Suivi des projets » (``calls:board``, ``/appels/suivi/``): the follow-up board of the
selected projects for the call managers, the CDC and the SGAR officers (``calls.board``),
filtered by region and call in the address (``?region=&appel=``, a GET form: no JavaScript), with
its counts at the top and its export (``?format=csv|ods``, the same filters).

An agent with none of these roles gets a 403 with the reason; a filter value that is not a
number is ignored, with a French notice; an unknown format is a 400 with a French message.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls import board as boards
from calls.views.calls import k_euros
from maillage import tables
from maillage.http import positive_id


def _filter(request, name, label, notices):
    """The id given as ``name`` in the address, or None (a value that is not an id ignored,
    with a notice)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = positive_id(raw)
    if value is None:
        notices.append(
            _("Le filtre « %(label)s » n'est pas valide : il est ignoré.") % {"label": label}
        )
    return value


@login_required
@require_http_methods(["GET", "HEAD"])
def board(request):
    user = request.user
    if not boards.may_see_board(user):
        raise PermissionDenied(
            _(
                "Le suivi des projets est réservé aux gestionnaires des appels, à la Caisse des "
                "dépôts et aux SGAR."
            )
        )
    notices = []
    region = _filter(request, "region", _("Région"), notices)
    call = _filter(request, "appel", _("Appel"), notices)
    requested = request.GET.get("format")
    fmt = None
    if requested is not None:
        fmt = tables.parse_format(requested)
        if fmt is None:
            notices.append(_("Choisissez le format CSV ou ODS pour l'export."))
    today = timezone.localdate()
    if fmt is not None:
        rows = boards.board_rows(user, region=region, call=call, today=today)
        return tables.table_response(
            f"suivi-des-projets-{today:%Y-%m-%d}",
            boards.EXPORT_HEADERS,
            boards.export_rows(rows),
            fmt,
            sheet=_("Suivi des projets"),
        )
    found = boards.board(user, region=region, call=call, today=today)
    for row in found.rows:
        row.amount_label = k_euros(row.next_tranche.amount) if row.next_tranche else ""
    query = {}
    if region is not None:
        query["region"] = region
    if call is not None:
        query["appel"] = call
    address = reverse("calls:board")
    exports = [
        (label, f"{address}?{urlencode({**query, 'format': fmt_name})}")
        for fmt_name, label in (("csv", "CSV"), ("ods", "ODS"))
    ]
    return render(
        request,
        "calls/board/board.html",
        {
            "title": _("Suivi des projets"),
            "board": found,
            "region": region,
            "call_id": call,
            "notices": notices,
            "exports": exports,
        },
        status=400 if requested is not None else 200,
    )


urlpatterns = [path("suivi/", board, name="board")]
