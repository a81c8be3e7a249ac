"""The blocks of an agent's personal dashboard on the home page.

Each later app adds its block by registering a function ``(agent) -> dict | None`` here.
"""

from django.utils.translation import gettext as _

PROFILE_FIELDS = ("first_name", "last_name", "service_id", "position", "phone", "bio", "photo")
DASHBOARD_ACTIVITY = 10


def profile_completeness(agent):
    filled = sum(1 for field in PROFILE_FIELDS if getattr(agent, field))
    filled += 1 if agent.skills.exists() else 0
    return round(100 * filled / (len(PROFILE_FIELDS) + 1))


def dashboard_for(agent):
    from communities import permissions, selectors
    from communities.models import Membership

    communities = list(
        permissions.communities_of(agent)
        .filter(archived_at__isnull=True, is_animators_community=False)
        .select_related("region", "department")
        .order_by("name")
    )
    animators_community = (
        permissions.communities_of(agent).filter(is_animators_community=True).first()
    )
    invitations = list(
        Membership.objects.filter(
            agent=agent, state=Membership.State.INVITED, community__archived_at__isnull=True
        )
        .select_related("community")
        .order_by("-created_at")
    )
    return {
        "completeness": profile_completeness(agent),
        "communities": communities,
        "animators_community": animators_community,
        "communities_empty": _("Vous ne faites encore partie d'aucune communauté."),
        "invitations": invitations,
        "activity": list(selectors.personal_activity(agent, limit=DASHBOARD_ACTIVITY)),
    }
