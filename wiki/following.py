"""Following wiki pages, and the notifications of their changes.

Following is the generic « suivre » of the content contract (``communities.content``'s
``Subscription``). The receivers below are connected to ``wiki.signals``, sent by
``wiki.services`` inside the transaction of the change: the subscriptions they write commit or
roll back with it, and ``notify`` queues the fan-out on commit, where each kind's check drops
the recipients who may not read (see ``wiki.notification_kinds``).

- who creates a page follows it; who saves a revision of it (an edit, a restore, a FAQ
  reordering, a rename) follows it from then on;
- the followers of a page hear of each new revision (« wiki_page_changed »), with the link to
  its diff with the revision before;
- the followers of a page hear of a new page created under it (« wiki_page_created »).

Whoever acts is never notified of their own action (``notify``). An imported page (the ZIP
import, ``wiki.exchange``) makes its importer follow nothing and tells nobody: hundreds of pages
arriving at once are not news page by page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.content import services as content
from maillage import policy
from maillage.http import Refused
from notifications.services import notify
from wiki import signals
from wiki.models import Page, Revision


class FollowRefused(Refused):
    """A follow refused: the agent may not read the page (a 404)."""


def page_url(page):
    return reverse("wiki:page", args=[page.community.slug, page.slug])


def diff_url(page, number):
    """The diff of revision ``number`` with the one before it (the page itself for the first)."""
    if number <= 1:
        return page_url(page)
    base = reverse("wiki:diff", args=[page.community.slug, page.slug])
    return f"{base}?de={number - 1}&a={number}"


# --- following --------------------------------------------------------------------------------


def follow(*, agent, page):
    """``agent`` follows a page they may read (twice is once)."""
    if not isinstance(page, Page):
        raise TypeError(f"Only wiki pages are followed here, not {type(page).__name__}.")
    if not policy.can_read(agent, page):
        raise FollowRefused(_("Cette page n'existe pas ou ne vous est pas ouverte."), "not_found")
    content.follow(agent=agent, target=page)


def unfollow(*, agent, page):
    """``agent`` stops following a page (no check: one may always stop)."""
    content.unfollow(agent=agent, target=page)


def is_following(agent, page):
    return agent.is_authenticated and content.is_following(agent, page)


def toggle(*, agent, page):
    """Follow ``page``, or stop following it; True when the agent follows it afterwards."""
    if is_following(agent, page):
        unfollow(agent=agent, page=page)
        return False
    follow(agent=agent, page=page)
    return True


# --- the receivers ------------------------------------------------------------------------------


def _imported(revision):
    return revision is not None and revision.kind == Revision.Kind.IMPORT


def _page_created(sender, page, revision=None, agent=None, **kwargs):
    if _imported(revision):
        return
    agent = agent or page.author
    content.follow(agent=agent, target=page)
    if page.parent_id is None:
        return
    parent = page.parent
    notify(
        "wiki_page_created",
        content.followers(parent),
        target=page,
        community=page.community,
        actor=agent,
        summary=_("Nouvelle page sous « %(parent)s » : %(title)s")
        % {"parent": parent.title, "title": page.title},
        url=page_url(page),
    )


def _page_changed(sender, page, revision, agent=None, **kwargs):
    if _imported(revision):
        return
    agent = agent or revision.author
    followers = content.followers(page)
    content.follow(agent=agent, target=page)
    if revision.summary:
        summary = _("%(agent)s a modifié « %(title)s » : %(summary)s") % {
            "agent": agent.display_name,
            "title": page.title,
            "summary": revision.summary,
        }
    else:
        summary = _("%(agent)s a modifié « %(title)s »") % {
            "agent": agent.display_name,
            "title": page.title,
        }
    notify(
        "wiki_page_changed",
        followers,
        target=page,
        community=page.community,
        actor=agent,
        summary=summary,
        url=diff_url(page, revision.number),
    )


def connect():
    """Connect the receivers (once, from ``wiki.social``)."""
    signals.page_created.connect(_page_created, dispatch_uid="wiki.following.created")
    signals.page_changed.connect(_page_changed, dispatch_uid="wiki.following.changed")
