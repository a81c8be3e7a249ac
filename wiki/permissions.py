"""The wiki's part of the permission policy: who reads a community's wiki, creates and edits its
pages, restores, renames, moves, protects them, reorders a FAQ and sets who may edit.

The community's own abilities (``communities.permissions``) decide; this module composes them, as
every community tool does:

- read: the community's content is readable and its wiki tool is on (a hidden page only for
  those who moderate);
- write (create a page, edit, restore, rename, move): contribute (active member, current charter
  accepted, community not archived) when the wiki's settings let the members edit (the default),
  or moderate; a protected page only for those who moderate;
- the home page stays at the top of the tree (it is renamed, never moved);
- animate (protect, reorder a FAQ's questions, the wiki's settings): moderate.
"""

from dataclasses import dataclass
from functools import cached_property

from communities.permissions import UNSET, CommunityAbilities, abilities, content_visible_to
from wiki.models import Page, Revision, WikiSettings


@dataclass
class WikiAbilities:
    """What one agent may do in one community's wiki (``ab``: the community's abilities)."""

    agent: object
    community: object
    ab: CommunityAbilities

    @property
    def signed_in(self):
        return self.ab.signed_in

    @property
    def tool_on(self):
        return self.ab.tool("wiki")

    @property
    def can_read(self):
        return self.tool_on and self.ab.can_read

    @property
    def can_contribute(self):
        return self.can_read and self.ab.can_contribute

    @property
    def must_accept_charter(self):
        return self.can_read and self.ab.must_accept_charter

    @property
    def can_moderate(self):
        """Animate the wiki: protect pages, reorder FAQs, hide pages, set who may edit."""
        return self.can_read and self.ab.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.ab.can_report

    @cached_property
    def who_may_edit(self):
        """The wiki's setting (« members » when the community has no settings row)."""
        row = (
            WikiSettings.objects.filter(community_id=self.community.pk)
            .values_list("who_may_edit", flat=True)
            .first()
        )
        return row or WikiSettings.Editors.MEMBERS

    @property
    def members_edit(self):
        return self.who_may_edit == WikiSettings.Editors.MEMBERS

    @property
    def can_write(self):
        """Create pages and edit the unprotected ones."""
        if self.can_moderate:
            return True
        return self.can_contribute and self.members_edit

    @property
    def can_create(self):
        return self.can_write

    @property
    def can_manage_settings(self):
        return self.can_moderate

    # --- on pages ------------------------------------------------------------------------------
    def can_read_page(self, page):
        return self.can_read and (not page.is_hidden or self.can_moderate)

    def can_edit(self, page):
        """Edit, restore an old revision, rename: write, the page readable and not hidden, an
        animator for a protected page."""
        if not self.can_read_page(page) or page.is_hidden or not self.can_write:
            return False
        return not page.protected or self.can_moderate

    def can_restore(self, page):
        return self.can_edit(page)

    def can_rename(self, page):
        return self.can_edit(page)

    def can_move(self, page):
        return self.can_edit(page) and not page.is_home

    def can_protect(self, page):
        return self.can_moderate and self.can_read_page(page)

    def can_reorder(self, page):
        """Reorder the questions of a FAQ page."""
        return page.is_faq and self.can_moderate and not page.is_hidden

    def can_report_page(self, page):
        return self.can_report and self.can_read_page(page) and not page.is_hidden

    def refusal(self, page=None):
        """Why the agent may not edit (a French sentence), or None when they may."""
        from django.utils.translation import gettext as _

        if page is not None and self.can_edit(page) or page is None and self.can_write:
            return None
        if not self.signed_in:
            return _("Connectez-vous pour modifier le wiki.")
        if self.ab.archived:
            return _("Cette communauté est archivée : plus rien n'y change.")
        if self.must_accept_charter:
            return _("Acceptez la charte de la communauté avant de modifier le wiki.")
        if not self.ab.is_member:
            return _("Seuls les membres de la communauté modifient son wiki.")
        if not self.members_edit:
            return _("Seule l'animation modifie les pages de ce wiki.")
        if page is not None and page.protected:
            return _("Cette page est protégée : seule l'animation la modifie.")
        return _("Vous ne pouvez pas modifier cette page.")


def wiki_abilities(agent, community, membership=UNSET):
    """The abilities of ``agent`` in the wiki of ``community`` (the membership read once per
    request or event through the policy's scope)."""
    return WikiAbilities(
        agent=agent, community=community, ab=abilities(agent, community, membership)
    )


@dataclass
class WikiObjectAbilities:
    """The policy's answer for one page or revision (``can_read`` at least), for what reads
    across the apps (downloads of attachments, notifications, search, the leak tests)."""

    wiki: WikiAbilities
    obj: object

    @property
    def page(self):
        return self.obj.page if isinstance(self.obj, Revision) else self.obj

    @property
    def can_read(self):
        return self.wiki.can_read_page(self.page)

    @property
    def can_moderate(self):
        return self.wiki.can_moderate

    @property
    def can_report(self):
        return self.wiki.can_report_page(self.page)

    @property
    def can_edit(self):
        return self.wiki.can_edit(self.page)

    def __getattr__(self, name):
        return getattr(self.wiki, name)


def object_abilities(agent, obj):
    return WikiObjectAbilities(wiki=wiki_abilities(agent, obj.community), obj=obj)


def pages_readable_by(agent):
    """The pages the agent reads (not hidden; the wiki tool on; the community readable)."""
    return content_visible_to(agent, Page.objects.all())


def revisions_readable_by(agent):
    """The revisions of the pages the agent reads."""
    return Revision.objects.filter(page__in=pages_readable_by(agent))
