"""What the forums add to the platform's pages: the « Forum » tool switch of a community, its
menu entry and the dashboard's « Forums : nouveaux messages » (registered by ``ForumsConfig``
through ``forums.registrations``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool
from maillage.registries import register_dashboard_block


def register():
    register_tool("forum", label=_("Forum"), order=20)
    menu.register(
        "forum",
        label=_("Forum"),
        url=lambda community: reverse("forums:index", args=[community.slug]),
        visible=lambda ab, community: community.tool_forum and ab.can_read,
        order=25,
        testid="community-forum-link",
    )
    register_dashboard_block(
        "forums",
        template="forums/dashboard.html",
        context=_dashboard_block,
        order=15,
    )


def _dashboard_block(agent):
    """« Forums : nouveaux messages »: the latest unread topics of the agent's communities
    (hidden when there is none)."""
    from forums.selectors import unread_topics_of

    topics = unread_topics_of(agent)
    return {"topics": topics} if topics else None
