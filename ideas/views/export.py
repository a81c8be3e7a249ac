"""The export of an idea box (``ideas:export``): its page says what the file holds, its two
links download it as CSV or ODS (``?format=csv|ods``). The animators' and the platform
administrators' only: anyone else gets a 404, as for every animation page."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ideas import exports
from ideas.views.common import base_context, ideas_view
from maillage import tables


@ideas_view("can_export")
@require_GET
def export(request, community, ab, ia):
    requested = request.GET.get("format")
    if requested is None:
        return render(
            request,
            "ideas/export.html",
            base_context(community, ab, ia, title=_("Exporter les idées"), formats=tables.FORMATS),
        )
    fmt = tables.parse_format(requested)
    if fmt is None:
        return render(
            request,
            "ideas/export.html",
            base_context(
                community,
                ab,
                ia,
                title=_("Exporter les idées"),
                formats=tables.FORMATS,
                error=_("Choisissez le format CSV ou ODS."),
            ),
            status=400,
        )
    return tables.table_response(
        exports.filename(community),
        exports.headers(),
        exports.rows(community, site_url=settings.SITE_URL),
        fmt,
        sheet=_("Idées"),
    )
