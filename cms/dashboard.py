"""The blocks of an agent's personal dashboard on the home page.

Each later app adds its block by registering a function ``(agent) -> dict | None`` here.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

DASHBOARD_ACTIVITY = 10
DASHBOARD_SUGGESTIONS = 5


# What a complete profile has, with the French label of what is missing. The names are required
# at sign-up, so they do not count. Tag lists and the career path use the prefetched rows when the
# caller loaded them (the profile page does), one ``EXISTS`` query each otherwise.
PROFILE_ITEMS = (
    ("photo", _lazy("une photo"), lambda agent: bool(agent.photo)),
    ("service", _lazy("votre service"), lambda agent: bool(agent.service_id)),
    ("position", _lazy("votre fonction"), lambda agent: bool(agent.position)),
    ("phone", _lazy("votre numéro de téléphone"), lambda agent: bool(agent.phone)),
    ("bio", _lazy("une présentation"), lambda agent: bool(agent.bio)),
    ("skills", _lazy("vos compétences"), lambda agent: agent.skills.exists()),
    (
        "expertise",
        _lazy("les sujets sur lesquels vous pouvez aider"),
        lambda agent: agent.expertise.exists(),
    ),
    ("career", _lazy("votre parcours"), lambda agent: agent.career.exists()),
)


def profile_completion(agent):
    """``(percentage, missing)``: how complete the profile is and the French labels of what is
    missing, in the order of the profile form."""
    missing = [str(label) for _key, label, filled in PROFILE_ITEMS if not filled(agent)]
    percentage = round(100 * (len(PROFILE_ITEMS) - len(missing)) / len(PROFILE_ITEMS))
    return percentage, missing


def profile_completeness(agent):
    """How complete the agent's profile is, in percent."""
    return profile_completion(agent)[0]


def profile_missing(agent):
    """The French labels of what the agent's profile still lacks (empty when complete)."""
    return profile_completion(agent)[1]


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
