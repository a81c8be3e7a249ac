"""The blocks of an agent's personal dashboard on the home page.

Each later app adds its block by registering a function ``(agent) -> dict | None`` here.
"""

from django.utils.translation import gettext as _

from directory.profile import profile_completeness

DASHBOARD_ACTIVITY = 10
DASHBOARD_SUGGESTIONS = 5


def dashboard_for(agent):
    from communities import permissions, selectors
    from communities.models import Membership
    from directory.suggestions import suggestions_for

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
        # « Qui rencontrer ? »: one query, scored by the database (directory.suggestions).
        "suggestions": suggestions_for(agent, limit=DASHBOARD_SUGGESTIONS),
        "suggestions_empty": _(
            "Renseignez vos compétences et rejoignez des communautés : nous vous suggérerons "
            "des collègues d'autres services qui travaillent sur les mêmes sujets."
        ),
    }
