"""What the wiki holds about an agent: their section of the personal-data export (the pages they
created, every revision they wrote with its text, the pages they follow), and what closing the
account removes.

A closed account's pages and revisions stay, attributed to « ancien agent » as every
contribution is (the history of a page is the community's: taking a revision out would make
the next one's diff lie); what only served the agent goes: their follows of pages (nobody to
notify).
"""

from django.contrib.contenttypes.models import ContentType

from communities.content.models import Subscription
from directory.personal_data import registry
from wiki.models import Page, Revision


def _follows(agent):
    follows = Subscription.objects.filter(
        agent=agent, content_type=ContentType.objects.get_for_model(Page)
    ).order_by("pk")
    pages = Page.objects.select_related("community").in_bulk([f.object_id for f in follows])
    return [
        {
            "communaute": pages[f.object_id].community.name,
            "page": pages[f.object_id].title,
            "depuis": f.created_at,
        }
        for f in follows
        if f.object_id in pages
    ]


def export_wiki(agent):
    revisions = (
        Revision.objects.filter(author=agent)
        .select_related("community", "page")
        .order_by("created_at", "pk")
    )
    return {
        "pages_creees": [
            {
                "communaute": page.community.name,
                "titre": page.title,
                "type": page.get_kind_display(),
                "creee_le": page.created_at,
                "masquee": page.is_hidden,
            }
            for page in Page.objects.filter(author=agent)
            .select_related("community")
            .order_by("created_at", "pk")
        ],
        "revisions": [
            {
                "communaute": r.community.name,
                "page": r.page.title,
                "numero": r.number,
                "type": r.get_kind_display(),
                "titre": r.title,
                "texte": r.body,
                "resume": r.summary,
                "ecrite_le": r.created_at,
            }
            for r in revisions.iterator(chunk_size=500)
        ],
        "suivis": _follows(agent),
    }


def account_closed(sender, agent, **kwargs):
    """A closed account follows no page any more (its pages and revisions stay)."""
    Subscription.objects.filter(
        agent=agent, content_type=ContentType.objects.get_for_model(Page)
    ).delete()


def register():
    from directory.signals import agent_closed

    registry.section("wiki")(export_wiki)
    agent_closed.connect(account_closed, dispatch_uid="wiki_account_closed")
