"""What the communities add to the platform's pages: their navigation entry, their dashboard
blocks, and their own entries of a community's menu (registered by ``CommunitiesConfig``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool
from maillage.registries import register_dashboard_block, register_navigation

DASHBOARD_ACTIVITY = 10


def _url(name, suffix=""):
    return lambda community: reverse(f"communities:{name}", args=[community.slug]) + suffix


def _always(ab, community):
    return True


def register():
    register_navigation("communities", label=_("Communautés"), url="communities:list", order=10)
    register_tool("announcements", label=_("Blog et annonces"), order=10)
    register_dashboard_block(
        "invitations",
        template="communities/dashboard/invitations.html",
        context=invitations_block,
        column="top",
        order=10,
    )
    register_dashboard_block(
        "communities",
        template="communities/dashboard/communities.html",
        context=communities_block,
        order=10,
    )
    register_dashboard_block(
        "activity", template="communities/dashboard/activity.html", context=activity_block, order=20
    )
    entries = [
        (
            "home",
            _("Accueil"),
            "home",
            _always,
            10,
            lambda request, url, context: request.path == url,
        ),
        (
            "announcements",
            _("Blog"),
            "announcements",
            lambda ab, community: ab.can_read and community.tool_announcements,
            20,
            None,
        ),
        ("charter", _("Charte"), "charter", _always, 30, None),
        ("members", _("Membres"), "members", lambda ab, c: ab.can_see_members, 40, None),
        ("activity", _("Activité"), "activity", lambda ab, c: ab.can_read, 60, None),
        ("moderation", _("Modération"), "moderation", lambda ab, c: ab.can_moderate, 70, None),
        ("audit_log", _("Journal"), "audit_log", lambda ab, c: ab.can_see_audit_log, 80, None),
        ("edit", _("Paramètres"), "edit", lambda ab, c: ab.can_edit, 90, None),
    ]
    for key, label, name, visible, order, current in entries:
        menu.register(
            key, label=label, url=_url(name), visible=visible, order=order, current=current
        )


def invitations_block(agent):
    from communities.models import Membership

    invitations = list(
        Membership.objects.filter(
            agent=agent, state=Membership.State.INVITED, community__archived_at__isnull=True
        )
        .select_related("community")
        .order_by("-created_at")
    )
    return {"invitations": invitations} if invitations else None


def communities_block(agent):
    from communities import permissions

    mine = permissions.communities_of(agent)
    return {
        "communities": list(
            mine.filter(archived_at__isnull=True, is_animators_community=False)
            .select_related("region", "department")
            .order_by("name")
        ),
        "animators_community": mine.filter(is_animators_community=True).first(),
        "empty": _("Vous ne faites encore partie d'aucune communauté."),
    }


def activity_block(agent):
    from communities import selectors

    return {"activity": list(selectors.personal_activity(agent, limit=DASHBOARD_ACTIVITY))}
