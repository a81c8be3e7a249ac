"""What the communities add to the directory, which sits below them and imports none of them
(registered by ``CommunitiesConfig``):

- who an agent may see (an external partner: the members of their communities) and who shares a
  community with whom (contact details shown to « mes communautés »): ``directory.relations``;
- the communities section of a profile and of the organisation pages: ``directory.sections``;
- the shared themes of « Qui rencontrer ? »: ``directory.suggestions.register_affinity``;
- the « Communauté » facet of the agents' search: ``directory.search_backend``, and on the engine
  each agent's "community:<slug>" tags (``directory.search.register_agent_tags``, stored on
  its row and indexed by the engine) and the communities its facet may list.

Every read goes through the communities' policy, so no page of the directory lists a community
its viewer may not see.
"""

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext_lazy as _


def register():
    from communities.models import Community, Membership
    from communities.permissions import agents_visible_to, colleague_ids
    from directory import relations, search, search_backend, sections, suggestions

    relations.register_visibility(agents_visible_to)
    relations.register_colleagues(colleague_ids)

    sections.register_section(
        "profile",
        "communities",
        template="communities/directory/profile_communities.html",
        context=profile_communities,
    )
    for page, context in (
        ("service", service_communities),
        ("region", region_communities),
        ("department", department_communities),
    ):
        sections.register_section(
            page,
            "communities",
            template="communities/directory/org_communities.html",
            context=context,
        )
    suggestions.register_affinity("community_themes", shared_themes)
    search_backend.register_group_facet(
        "community",
        choices=facet_choices,
        members=facet_members,
        listable=facet_listable,
        # Its counts over the whole directory are cached until a membership or a community
        # changes (``directory.whole_counts``).
        watched=(Membership, Community),
    )
    # A membership saved or deleted already indexes its agent again (``communities.search``);
    # its agent's stored tags follow at once (the directory's database search counts them).
    search.register_agent_tags(
        agent_tags,
        stored={Membership: lambda membership: [membership.agent_id]},
        prefetch=[
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(state=Membership.State.ACTIVE)
                .select_related("community")
                .only("agent_id", "community_id", "community__slug"),
                to_attr=TAG_MEMBERSHIPS,
            )
        ],
    )


# --- sections ---------------------------------------------------------------------------------


def profile_communities(viewer, agent):
    """The agent's communities the viewer may see, by name (one query, run by the template)."""
    from communities.models import Membership
    from communities.permissions import communities_visible_to

    return {
        "communities": communities_visible_to(viewer)
        .filter(memberships__agent=agent, memberships__state=Membership.State.ACTIVE)
        .order_by("name")
    }


def service_communities(viewer, service):
    """Communities an agent of the service animates, among those the viewer may see."""
    from communities.models import Membership
    from communities.selectors import community_list

    animated = Membership.objects.filter(
        state=Membership.State.ACTIVE,
        role=Membership.Role.ANIMATOR,
        agent__service=service,
        agent__closed_at__isnull=True,
    ).values("community_id")
    return {
        "heading_id": "service-communities",
        "heading": _("Communautés animées par ses agents"),
        "communities": community_list(viewer).filter(pk__in=animated),
        "empty": _("Aucune communauté animée par un agent de ce service."),
    }


def region_communities(viewer, region):
    """Communities whose scope is the region or one of its departments."""
    from communities.models import Community
    from communities.selectors import community_list

    scope = Community.Scope
    return {
        "heading_id": "region-communities",
        "heading": _("Communautés de la région et de ses départements"),
        "communities": community_list(viewer).filter(
            Q(scope=scope.REGION, region=region)
            | Q(scope=scope.DEPARTMENT, department__region=region)
        ),
        "empty": _("Aucune communauté régionale ou départementale pour l'instant."),
    }


def department_communities(viewer, department):
    from communities.models import Community
    from communities.selectors import community_list

    return {
        "heading_id": "department-communities",
        "heading": _("Communautés du département"),
        "communities": community_list(viewer).filter(
            scope=Community.Scope.DEPARTMENT, department=department
        ),
        "empty": _("Aucune communauté départementale pour l'instant."),
    }


# --- « Qui rencontrer ? » -----------------------------------------------------------------------


def shared_themes(viewer, subject):
    """Per candidate, the themes of the communities they are an active member of that are also
    themes of ``subject``'s communities; only communities ``viewer`` may see in the list count on
    either side, so a suggestion never hints at a secret community. None when the subject's
    communities have no theme (one query for those themes)."""
    from communities.models import Community, Membership
    from communities.permissions import communities_listed_for

    active = Membership.State.ACTIVE
    visible_communities = communities_listed_for(viewer).values("pk")
    theme_ids = list(
        Community.themes.through.objects.filter(
            community__in=visible_communities,
            community__memberships__agent=subject,
            community__memberships__state=active,
        )
        .values_list("theme_id", flat=True)
        .distinct()
    )
    if not theme_ids:
        return None
    return (
        Membership.objects.filter(
            state=active, community__in=visible_communities, community__themes__in=theme_ids
        )
        .order_by()
        .values(candidate_id=F("agent_id"))
        .annotate(n=Count("community__themes", distinct=True))
    )


# --- the « Communauté » facet of the agents' search ---------------------------------------------


def facet_choices(viewer, slugs):
    """Filtering by a community lists its members: only where the viewer may read them (an
    on-request or private community keeps its member list to itself)."""
    from communities.permissions import communities_readable_by

    return communities_readable_by(viewer).filter(slug__in=slugs)


def facet_members(ids):
    from communities.models import Membership

    return Membership.objects.filter(state=Membership.State.ACTIVE, community_id__in=ids).values(
        "agent_id"
    )


TAG_MEMBERSHIPS = "search_tag_memberships"


def agent_tags(agent):
    """The « Communauté » facet's tags of an agent's document: "community:<slug>" for each
    community they are an active member of (the facet lists only those the viewer may read)."""
    from communities.models import Membership

    memberships = getattr(agent, TAG_MEMBERSHIPS, None)
    if memberships is None:
        slugs = Membership.objects.filter(agent=agent, state=Membership.State.ACTIVE).values_list(
            "community__slug", flat=True
        )
    else:
        slugs = [membership.community.slug for membership in memberships]
    return {f"community:{slug}" for slug in slugs}


def facet_listable(viewer, slugs, chosen_slugs):
    """The communities among ``slugs`` the facet lists: those the viewer may read, archived ones
    only if chosen (a secret community's members are counted in the tags, never shown)."""
    from communities.permissions import communities_readable_by

    return communities_readable_by(viewer).filter(
        Q(archived_at__isnull=True) | Q(slug__in=chosen_slugs), slug__in=slugs
    )
