"""What the chat adds to the platform's pages: its navigation entry (with the unread badge its
script fills) the « Messagerie » entry of a community's menu and its tool switch (registered by ``ChatConfig``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool
from maillage.registries import register_navigation


def register():
    register_tool("chat", label=_("Messagerie instantanée"), order=50)
    register_navigation(
        "chat",
        label=_("Messagerie"),
        url="chat:index",
        order=30,
        suffix_template="chat/partials/navigation_badge.html",
        compact_template="chat/partials/navigation_compact.html",
    )
    menu.register(
        "chat",
        label=_("Messagerie"),
        url=lambda community: reverse("chat:community", args=[community.slug]),
        visible=lambda ab, community: community.tool_chat and (ab.is_member or ab.is_admin),
        order=50,
        testid="community-chat-link",
        current=_room_of_the_community_on_screen,
    )


def _room_of_the_community_on_screen(request, url, context):
    room = context.get("room")
    community = context.get("community")
    return url in request.path or bool(room and community and room.community_id == community.pk)
