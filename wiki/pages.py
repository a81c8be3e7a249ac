"""What the wiki adds to the platform's pages: the « Wiki » tool switch of a community and its
menu entry (registered by ``WikiConfig`` through ``wiki.registrations``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool


def register():
    register_tool("wiki", label=_("Wiki"), order=30)
    menu.register(
        "wiki",
        label=_("Wiki"),
        url=lambda community: reverse("wiki:home", args=[community.slug]),
        visible=lambda ab, community: community.tool_wiki and ab.can_read,
        order=30,
        testid="community-wiki-link",
    )
