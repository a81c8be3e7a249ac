"""The blocks of an agent's personal dashboard on the home page.

Each later app adds its block by registering a function ``(agent) -> dict | None`` here.
"""

from django.utils.translation import gettext as _

PROFILE_FIELDS = ("first_name", "last_name", "service_id", "position", "phone", "bio", "photo")


def profile_completeness(agent):
    filled = sum(1 for field in PROFILE_FIELDS if getattr(agent, field))
    filled += 1 if agent.skills.exists() else 0
    return round(100 * filled / (len(PROFILE_FIELDS) + 1))


def dashboard_for(agent):
    return {
        "completeness": profile_completeness(agent),
        "communities": [],
        "communities_empty": _("Vous ne faites encore partie d'aucune communauté."),
    }
