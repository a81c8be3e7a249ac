"""What the idea boxes add to the platform's pages: the « Boîte à idées » tool switch of a
community and its menu entry, the navigation's link to the platform box « Améliorer Maillage »,
and the dashboard's « Idées : dernières réponses » (registered by ``IdeasConfig`` through
``ideas.registrations``)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool
from maillage.registries import register_dashboard_block, register_navigation

# The platform box's community (``ideas.services.platform_box`` creates it).
PLATFORM_SLUG = "ameliorer-maillage"  # ideas.services.PLATFORM_SLUG
# The dashboard shows the answers of the last days, at most this many.
DASHBOARD_DAYS = 30
DASHBOARD_SIZE = 5


def register():
    register_tool("ideas", label=_("Boîte à idées"), order=35)
    menu.register(
        "ideas",
        label=_("Boîte à idées"),
        url=lambda community: reverse("ideas:index", args=[community.slug]),
        visible=lambda ab, community: community.tool_ideas and ab.can_read,
        order=35,
        testid="community-ideas-link",
    )
    register_navigation(
        "ideas_platform",
        label=_("Améliorer Maillage"),
        url=lambda request: reverse("ideas:index", args=[PLATFORM_SLUG]),
        order=90,
        visible=_state_agent,
    )
    register_dashboard_block(
        "ideas",
        template="ideas/dashboard.html",
        context=_dashboard_block,
        order=25,
    )


def _state_agent(request):
    """The platform box is for signed-in State agents (external partners do not see it)."""
    user = request.user
    return user.is_authenticated and not getattr(user, "is_external", False)


def _dashboard_block(agent):
    """« Idées : dernières réponses »: the ideas of the agent's communities whose status moved
    in the last days, latest first (one query; hidden when there is none)."""
    from communities.permissions import communities_of
    from ideas.models import Idea
    from maillage import policy

    if not agent.is_authenticated:
        return None
    since = timezone.now() - timedelta(days=DASHBOARD_DAYS)
    # What the policy lets the agent read (as every other surface asks), in their communities.
    ideas = list(
        policy.readable_by(agent, Idea)
        .filter(
            community__in=communities_of(agent),
            community__archived_at__isnull=True,
            is_hidden=False,
            status_changed_at__gt=since,
        )
        .exclude(status=Idea.Status.MERGED)
        .select_related("community")
        .order_by("-status_changed_at", "-id")[:DASHBOARD_SIZE]
    )
    return {"ideas": ideas} if ideas else None
