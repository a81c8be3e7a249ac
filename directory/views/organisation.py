"""Organisation pages (services, regions, departments) and hiding a « Qui rencontrer ? »
suggestion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory import organisation, sections, suggestions
from maillage.redirects import local_path


def _get_or_404(getter, slug):
    try:
        return getter(slug)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _check_may_browse(request):
    if not organisation.may_browse_organisation(request.user):
        raise Http404


@login_required
def service_page(request, slug):
    _check_may_browse(request)
    service = _get_or_404(organisation.service_detail, slug)
    paginator = Paginator(
        organisation.service_agents(request.user, service), organisation.AGENTS_PER_PAGE
    )
    return render(
        request,
        "directory/org_service.html",
        {
            "service": service,
            "page": paginator.get_page(request.GET.get("page")),
            "sections": sections.sections_for("service", request.user, service),
            "regions": organisation.region_index(),
            "title": service.name,
        },
    )


@login_required
def region_page(request, slug):
    _check_may_browse(request)
    region = _get_or_404(organisation.region_detail, slug)
    return render(
        request,
        "directory/org_region.html",
        {
            "region": region,
            "departments": organisation.region_departments(region),
            "services": organisation.region_services(region),
            "sections": sections.sections_for("region", request.user, region),
            "regions": organisation.region_index(),
            "title": region.name,
        },
    )


@login_required
def department_page(request, slug):
    _check_may_browse(request)
    department = _get_or_404(organisation.department_detail, slug)
    return render(
        request,
        "directory/org_department.html",
        {
            "department": department,
            "region": department.region,
            "services": organisation.department_services(department),
            "sections": sections.sections_for("department", request.user, department),
            "regions": organisation.region_index(),
            "title": str(department),
        },
    )


@login_required
@require_POST
def suggestion_hide(request, pk):
    hidden = suggestions.hideable_agent(request.user, pk)
    if hidden is None:
        raise Http404
    suggestions.suggestion_hide(agent=request.user, hidden=hidden)
    if getattr(request, "htmx", False):
        return HttpResponse("")  # htmx swaps the card for nothing: it disappears
    messages.success(
        request,
        _("Suggestion masquée : vous ne verrez plus %(name)s dans « Qui rencontrer ? ».")
        % {"name": hidden.display_name},
    )
    return redirect(local_path(request, request.POST.get("next", "")) or "/")
