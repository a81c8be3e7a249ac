"""What the library adds to the platform's pages: the « Documents » tool switch of a community,
its menu entry and the dashboard's « Derniers documents » (registered by ``DocumentsConfig``
through ``documents.registrations``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import menu
from communities.tools import register_tool
from maillage.registries import register_dashboard_block


def register():
    register_tool("documents", label=_("Documents"), order=40)
    menu.register(
        "documents",
        label=_("Documents"),
        url=lambda community: reverse("documents:index", args=[community.slug]),
        visible=lambda ab, community: community.tool_documents and ab.can_read,
        order=45,
        testid="community-documents-link",
    )
    register_dashboard_block(
        "documents",
        template="documents/dashboard.html",
        context=_dashboard_block,
        order=40,
    )


def _dashboard_block(agent):
    """« Derniers documents »: the latest files of the agent's communities (hidden when none)."""
    from documents.selectors import recent_documents_for

    documents = recent_documents_for(agent)
    return {"documents": documents} if documents else None
