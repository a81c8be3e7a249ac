"""Reads for the communities' pages: each takes the viewing agent and returns only what they may
see (through the permission policy)."""

from django.db.models import Count, Prefetch, Q

from communities.models import Activity, Announcement, Membership
from communities.permissions import (
    communities_listed_for,
    communities_of,
    communities_readable_by,
    communities_visible_to,
    content_visible_to,
    is_platform_admin,
)

S = Membership.State


def community_list(
    agent,
    *,
    q="",
    theme=None,
    region=None,
    department=None,
    ministry=None,
    kind=None,
    mine=False,
    archived=False,
):
    """The browsing page: visible, not archived, filtered; memberships of the viewer attached.
    ``archived``: the archived communities instead, for the platform's administrators only."""
    if archived and is_platform_admin(agent):
        qs = communities_visible_to(agent).filter(archived_at__isnull=False)
    else:
        qs = communities_listed_for(agent)
    if mine:
        qs = qs.filter(pk__in=communities_of(agent).values("pk"))
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(description__icontains=q) | Q(objective__icontains=q)
        )
    if theme:
        qs = qs.filter(themes__slug=theme)
    if region:
        qs = qs.filter(Q(region__code=region) | Q(department__region__code=region))
    if department:
        qs = qs.filter(department__code=department)
    if ministry:
        qs = qs.filter(ministries__code=ministry)
    if kind:
        qs = qs.filter(kind=kind)
    return (
        qs.distinct()
        .select_related("region", "department")
        .prefetch_related(
            "themes",
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(agent=agent)
                if agent.is_authenticated
                else Membership.objects.none(),
                to_attr="viewer_memberships",
            ),
        )
        .order_by("name")
    )


def animators_of(community):
    return [
        m.agent
        for m in community.memberships.filter(state=S.ACTIVE, role=Membership.Role.ANIMATOR)
        .select_related("agent__service")
        .order_by("agent__last_name")
    ]


def announcements_for(agent, community, *, include_hidden=False):
    """The published posts of the blog (``communities.blog.posts_for`` filters and sorts)."""
    qs = Announcement.objects.filter(community=community, published_at__isnull=False)
    if not include_hidden:
        qs = content_visible_to(agent, qs)
    # Explicit order: Meta.ordering is dropped from the GROUP BY query the count makes.
    return (
        qs.select_related("author")
        .annotate(comment_count=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("-pinned", "-published_at", "-pk")
    )


def community_activity(agent, community, limit=20):
    qs = Activity.objects.filter(community=community, is_hidden=False)
    qs = qs.filter(community__in=communities_readable_by(agent))
    return qs.select_related("actor")[:limit]


def personal_activity(agent, limit=20):
    """The dashboard's « dans mes communautés »: the streams of the communities they belong to."""
    return (
        Activity.objects.filter(is_hidden=False, community__in=communities_of(agent))
        .filter(community__in=communities_readable_by(agent))
        .select_related("actor", "community")[:limit]
    )


def members_of(community, *, states=(S.ACTIVE,)):
    return (
        community.memberships.filter(state__in=states)
        .select_related("agent__service", "charter_accepted")
        .order_by("role", "agent__last_name", "agent__first_name")  # "animator" < "member"
    )
