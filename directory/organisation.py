"""Reads for the organisation pages (a service, a region, a department).

Each list is one query whatever its length: counts are annotations, related rows are joined or
prefetched. The communities around a service, a region or a department are a section the
communities add to these pages (``directory.sections``), read through their own policy.
"""

from django.db.models import Count, Q

from directory.models import Agent, Department, Region, Service
from directory.relations import visible_agents

AGENTS_PER_PAGE = 30
_LIVE_AGENT = Q(agents__is_active=True, agents__closed_at__isnull=True, agents__is_external=False)


def may_browse_organisation(viewer):
    """Organisation pages are for State agents: an external partner reaches only the members of
    their communities, not the directory."""
    return viewer.is_authenticated and viewer.is_active and not viewer.is_external


def region_index():
    return Region.objects.only("name", "slug", "overseas")


def service_detail(slug):
    return Service.objects.select_related("kind", "ministry", "region", "department").get(slug=slug)


def region_detail(slug):
    return Region.objects.get(slug=slug)


def department_detail(slug):
    return Department.objects.select_related("region").get(slug=slug)


def service_agents(viewer, service):
    """The service's agents the viewer may see: active, not closed, by name."""
    agents = Agent.objects.filter(
        service=service, is_active=True, closed_at__isnull=True, is_external=False
    )
    return (
        visible_agents(viewer, agents)
        .only("first_name", "last_name", "email", "position", "closed_at")
        .order_by("last_name", "first_name", "pk")
    )


def services_with_counts(services):
    """Services with their number of agents, grouped by kind (ordered for ``{% regroup %}``)."""
    return (
        services.select_related("kind", "ministry", "department")
        .annotate(agent_count=Count("agents", filter=_LIVE_AGENT))
        .order_by("kind__code", "department__code", "short_name", "name", "pk")
    )


def region_services(region):
    return services_with_counts(Service.objects.filter(region=region))


def department_services(department):
    return services_with_counts(Service.objects.filter(department=department))


def region_departments(region):
    return region.departments.annotate(
        service_count=Count("services", distinct=True),
        agent_count=Count(
            "services__agents",
            filter=Q(
                services__agents__is_active=True,
                services__agents__closed_at__isnull=True,
                services__agents__is_external=False,
            ),
            distinct=True,
        ),
    ).order_by("code")
