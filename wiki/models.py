"""The wiki of a community: a tree of pages (one of them the home page), some of them FAQs,
each with its full history of revisions, the ``[[Titre]]`` links between them, and the old
addresses of renamed or moved pages.

Revisions are **whole Markdown snapshots**, numbered 1..N without gaps per page (as a forum
topic's posts): the history is a range of numbers, any revision is one indexed lookup, a diff
compares two snapshots, a restore copies one into a new revision. Real-time co-editing, later,
keeps a sequence of operations per page on the real-time kernel and snapshots it into revisions
(``docs/adr/0008-wiki-revisions-and-co-editing.md``).

The page row carries its current revision (``last_number``, ``title``, ``body``, ``updated_at``,
``updated_by``), so reading a page, a list of pages or the tree never touches the revisions.
"""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content.models import ModeratedContent

TITLE_MAX = 200
SLUG_MAX = 220
BODY_MAX = 200_000
# What an agent's save may hold (the form and the services): 80,000 characters, a long page
# (the bench's pages are 50 KB); longer texts are better split into sub-pages.
TEXT_MAX = 80_000
SUMMARY_MAX = 300
# Revisions on one page of a page's history, and changes on one page of « Modifications récentes ».
REVISIONS_PER_PAGE = 30
CHANGES_PER_PAGE = 50
PAGES_PER_PAGE = 100


def normalise_title(title):
    """The key a ``[[Titre]]`` link and a page's title meet on: Unicode NFC, spaces collapsed,
    case folded (« Guide  du Télétravail » and « guide du télétravail » are the same page; accents
    count, as they do in French)."""
    text = unicodedata.normalize("NFC", title or "")
    return re.sub(r"\s+", " ", text).strip().casefold()[:TITLE_MAX]


class WikiSettings(models.Model):
    """A community's wiki settings; a community without a row has the defaults."""

    class Editors(models.TextChoices):
        MEMBERS = "members", _("Les membres")
        ANIMATORS = "animators", _("Les animateurs seulement")

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="wiki_settings"
    )
    who_may_edit = models.CharField(
        _("qui peut modifier les pages"),
        max_length=10,
        choices=Editors.choices,
        default=Editors.MEMBERS,
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réglages du wiki")
        verbose_name_plural = _("réglages des wikis")

    def __str__(self):
        return f"Wiki de {self.community_id}"


class Page(ModeratedContent):
    """A page of a community's wiki, with its current revision denormalised.

    ``slug`` is unique in the community and names the page in its address
    (``/communautes/<c>/wiki/pages/<slug>/``); renaming or moving a page keeps its history and
    leaves a ``PageRedirect`` from its old slug. ``title_key`` (``normalise_title``) is unique in
    the community too: a ``[[Titre]]`` link names exactly one page. ``author`` is who created it
    (the content contract's author); ``updated_by`` who wrote its current revision.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        FAQ = "faq", _("Foire aux questions")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="wiki_pages"
    )
    # No index of its own: the (community, parent, position) index serves the children.
    parent = models.ForeignKey(
        "self",
        # RESTRICT, not PROTECT: a page with children cannot be deleted alone, but the
        # community's deletion, which cascades to every page, goes through.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,
    )
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    title_key = models.CharField(max_length=TITLE_MAX, editable=False)
    slug = models.SlugField(_("adresse"), max_length=SLUG_MAX, allow_unicode=False)
    kind = models.CharField(_("type"), max_length=4, choices=Kind.choices, default=Kind.PAGE)
    # Order among its siblings (then the title).
    position = models.PositiveIntegerField(_("ordre"), default=0)
    # Only animators edit, rename, move or restore a protected page.
    protected = models.BooleanField(_("protégée"), default=False)
    is_home = models.BooleanField(_("page d'accueil"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The current revision: its number (the page's revisions are 1..last_number), its text, when
    # and by whom.
    last_number = models.PositiveIntegerField(default=0)
    body = models.TextField(_("contenu"), max_length=BODY_MAX, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "title_key", "pk"]
        verbose_name = _("page de wiki")
        verbose_name_plural = _("pages de wiki")
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="wiki_page_slug_once"),
            models.UniqueConstraint(fields=["community", "title_key"], name="wiki_page_title_once"),
            models.UniqueConstraint(
                fields=["community"], condition=Q(is_home=True), name="wiki_one_home_page"
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "parent", "position", "title_key"], name="wiki_page_children"
            ),
            models.Index(fields=["community", "-updated_at", "-id"], name="wiki_page_updated"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title_key = normalise_title(self.title)
        super().save(*args, **kwargs)

    @property
    def is_faq(self):
        return self.kind == self.Kind.FAQ

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("wiki:page", args=[self.community.slug, self.slug])


class Revision(models.Model):
    """One saved state of a page: its whole title and Markdown body, numbered 1..N per page.

    ``base_number`` is the revision the editor started from (equal to ``number - 1`` for a plain
    edit; lower when a concurrent edit was merged in; None for the first). The unique
    (page, number) index serves the history, newest first (a backward scan), and every lookup of
    one revision; (community, -created_at) serves « Modifications récentes ».
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("création")
        EDIT = "edit", _("modification")
        RESTORE = "restore", _("restauration")
        RENAME = "rename", _("renommage")
        MOVE = "move", _("déplacement")
        IMPORT = "import", _("import")
        MERGE = "merge", _("fusion de modifications simultanées")
        REORDER = "reorder", _("questions réordonnées")

    # No index of its own: the unique (page, number) index serves it.
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    # The page's community, copied so recent changes read one index.
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    number = models.PositiveIntegerField()
    base_number = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.EDIT)
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    body = models.TextField(_("contenu"), max_length=BODY_MAX, blank=True)
    summary = models.CharField(_("résumé de la modification"), max_length=SUMMARY_MAX, blank=True)
    # The body's length in characters and its change from the previous revision (« +120 »).
    length = models.PositiveIntegerField(default=0)
    delta = models.IntegerField(default=0)
    # For a restore: the number of the revision restored.
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["page", "-number"]
        verbose_name = _("révision de page de wiki")
        verbose_name_plural = _("révisions de pages de wiki")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_number_once")
        ]
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="wiki_recent_changes"),
            models.Index(fields=["author", "-created_at"], name="wiki_revision_author"),
        ]

    def __str__(self):
        return f"{self.title} (n° {self.number})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(
            "wiki:revision", args=[self.page.community.slug, self.page.slug, self.number]
        )


class PageLink(models.Model):
    """A ``[[Titre]]`` link in a page's current body: the normalised title it names, and the page
    of that title if one exists (None: a missing page, shown as such and creatable from the link).
    Rebuilt from the body at each save; a page created later takes the links waiting for its
    title (the (community, target_key) index)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # No index of its own: the unique (source, target_key) index serves it.
    source = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="links_out", db_index=False
    )
    target_key = models.CharField(max_length=TITLE_MAX)
    # The title as written in the first link (to offer it when creating the missing page).
    target_title = models.CharField(max_length=TITLE_MAX)
    target = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="backlinks"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_key"], name="wiki_link_once")
        ]
        indexes = [models.Index(fields=["community", "target_key"], name="wiki_link_target")]

    def __str__(self):
        return f"{self.source_id} → {self.target_title}"


class PageRedirect(models.Model):
    """An old slug of a renamed or moved page: its old address redirects to the page."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    slug = models.SlugField(max_length=SLUG_MAX)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="wiki_redirect_slug_once")
        ]

    def __str__(self):
        return f"{self.slug} → {self.page_id}"
