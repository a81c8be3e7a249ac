"""The smart directory's search: the faceted page (whole, or its results for htmx), the CSV export
of a search for SGAR officers and administrators, and the completion of skill names."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from directory.permissions import can_export_agents
from maillage.routes import reversed_once
from search.api import (
    EXPORT_LIMIT,
    SORTS,
    export_agents,
    params_from_querydict,
    search_agents,
    suggest_skills,
)
from search.backends import SearchUnavailable
from search.views import search_unavailable

PER_PAGE = 20
SKILL_SUGGESTIONS = 10
# The parameters of a search, in the order the addresses show them.
SEARCH_PARAMS = ("q", "sort", "region", "department", "ministry", "kind", "skill", "community")


@login_required
@require_GET
def search(request):
    try:
        result = search_agents(
            request.user, per_page=PER_PAGE, **params_from_querydict(request.GET)
        )
    except SearchUnavailable:  # the engine does not answer: 503 in French, as /recherche/
        return search_unavailable(request)
    page = result.page
    _hang_links(result.agents)
    # The DSFR pagination shows this list of numbers, with « … » for the elided ones.
    page.pages_list = list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    params = _search_params(request.GET)
    context = {
        "result": result,
        "page": page,
        "sorts": list(SORTS.items()),
        "active_filters": [
            (label, _address(request.path, _without(params, name, value)))
            for name, value, label in result.applied
        ],
        "can_export": can_export_agents(request.user),
        "export_url": _address(reverse("directory:search_export"), params),
        "title": _("Annuaire"),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        # The results, and the facets (their counts changed) swapped out of band.
        context["facets_oob"] = True
        response = render(request, "directory/partials/search_results.html", context)
        page_param = [("page", str(page.number))] if page.number > 1 else []
        response["HX-Push-Url"] = _address(request.path, params + page_param)
    else:
        response = render(request, "directory/search.html", context)
    # The same address answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _hang_links(agents):
    """Each card's links (the profile, the service, its department and region), from routes
    reversed once per page: ``reverse`` per link cost about 3 ms of a page of 20 cards."""
    profile = reversed_once("directory:profile", ...)
    service = reversed_once("directory:service", ...)
    department = reversed_once("directory:department", ...)
    region = reversed_once("directory:region", ...)
    for agent in agents:
        agent.profile_url = profile(agent.pk)
        if agent.service is not None:
            agent.service_url = service(agent.service.slug)
            agent.region_url = region(agent.service.region.slug)
            if agent.service.department is not None:
                agent.department_url = department(agent.service.department.slug)


@cache_control(private=True, no_store=True)  # personal data: not cached, not kept on disk
@login_required
@require_GET
def search_export_csv(request):
    if not can_export_agents(request.user):
        raise PermissionDenied(
            _(
                "L'export de l'annuaire est réservé aux chargés de mission SGAR et aux "
                "administrateurs de la plateforme."
            )
        )
    params = params_from_querydict(request.GET)
    params.pop("page")
    export = export_agents(request.user, limit=EXPORT_LIMIT, **params)
    filename = f"annuaire-{timezone.localdate():%Y-%m-%d}"
    if export.truncated:
        filename += f"-{len(export.agents)}-premiers-sur-{export.total}"
    response = HttpResponse(_csv_content(export.agents), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["X-Export-Total"] = str(export.total)
    if export.truncated:
        response["X-Export-Truncated"] = f"{len(export.agents)}/{export.total}"
    return response


@login_required
@require_GET
def skill_autocomplete(request):
    """JSON list of existing skill names for the profile form's completion."""
    names = suggest_skills(request.GET.get("q", ""), limit=SKILL_SUGGESTIONS)
    return JsonResponse(names, safe=False)


# --- helpers ---------------------------------------------------------------------------------


def _search_params(data):
    """The non-empty search parameters of a query, page excluded, as (name, value) pairs."""
    return [
        (name, value.strip())
        for name in SEARCH_PARAMS
        for value in data.getlist(name)
        if value.strip()
    ]


def _without(params, name, value):
    return [(n, v) for n, v in params if not (n == name and v == value)]


def _address(path, params):
    return path + (f"?{urlencode(params)}" if params else "")


CSV_HEADER = [
    "nom",
    "prénom",
    "fonction",
    "service",
    "ministère",
    "département",
    "région",
    "compétences",
    "adresse électronique",
]
# A cell starting with one of these is a formula for Excel or LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    value = str(value or "")
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_content(agents):
    """UTF-8 with a byte-order mark and semicolons: what Excel opens as columns in France. The
    e-mail only where its owner shows it to every agent; never the phone."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for agent in agents:
        service = agent.service
        writer.writerow(
            _cell(value)
            for value in (
                agent.last_name,
                agent.first_name,
                agent.position,
                service.name if service else "",
                service.ministry.short_name if service else "",
                service.department.name if service and service.department else "",
                service.region.name if service else "",
                ", ".join(sorted((tag.name for tag in agent.skills.all()), key=str.lower)),
                agent.email if agent.email_visibility == agent.Visibility.ALL else "",
            )
        )
    return buffer.getvalue()
