"""The kinds of notifications the wiki produces (a followed page changed, a new page under a
followed page), registered with the notifications from ``wiki.social`` (``notifications.kinds``).

The target of both is the page (hiding it withdraws them: the moderation withdraws the
notifications of what it hides); the notification's address says which change (the diff of a
revision with the one before it).

Each check is batched (``visible_many(agents, page)``): the recipients' memberships of the
community are read in one query (``communities.notification_kinds.abilities_many``), then the
community's abilities answer for each. A notification is about what its recipient may read now:
the wiki tool on, the community's content readable, the page not hidden — for the animators too
(a hidden page is not news).
"""

from django.utils.translation import gettext_lazy as _

from communities.notification_kinds import abilities_many
from notifications import kinds
from notifications.models import Email


def _page_visible(agents, page):
    """A followed page changed, a new page under a followed page: the readers of the wiki,
    while the page is not hidden."""
    if page.is_hidden:
        return set()
    return {
        agent.pk
        for agent, ability in abilities_many(agents, page.community)
        if ability.can_read and ability.tool("wiki")
    }


def register():
    kinds.register(
        "wiki_page_changed",
        label=_("Pages de wiki modifiées"),
        description=_(
            "Une modification d'une page de wiki que vous suivez (celles que vous avez créées "
            "ou modifiées), avec le lien vers les différences."
        ),
        visible_many=_page_visible,
        default_email=Email.DAILY,
        order=62,
        related=("community",),
    )
    kinds.register(
        "wiki_page_created",
        label=_("Nouvelles pages de wiki"),
        description=_("Une nouvelle page sous une page de wiki que vous suivez."),
        visible_many=_page_visible,
        default_email=Email.WEEKLY,
        order=63,
        related=("community",),
    )
