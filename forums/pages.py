"""What the forums add to the platform's pages: the « Forum » tool switch of a community and its
menu entry (registered by ``ForumsConfig`` through ``forums.registrations``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool


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
