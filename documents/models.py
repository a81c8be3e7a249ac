"""A community's document library (« Documents »): a tree of folders, files kept with every version,
comments on a file, a bin, and a quota.

- Every community has one root folder (``parent`` None, no name), made on first use
  (``documents.services.library_root``); every other folder and every file sits in a folder of
  the same community.
- A folder stores ``path``, the ids of its ancestors and its own (``"/3/17/42/"``): the
  breadcrumb is one query on those ids, a move that would put a folder under itself is refused
  by comparing paths, and a folder's whole content is ``path__startswith``.
- A file's current version is denormalised on ``Document`` (size, type, date, author, number of
  versions), so a folder's page reads one row per file and never its versions.
- The bin: deleting a folder or a file sets ``deleted_at`` on it and on everything inside it,
  with ``bin_root`` naming the folder whose deletion took them along (None on what was deleted
  itself: the bin's lines). Restoring a line restores what it took along; emptying the bin
  removes the rows and, once the transaction commits, the stored files.
- The quota: ``LibrarySettings.used_bytes`` is the sum of the sizes of every version kept
  (in the bin too, until it is emptied), updated by the services with each change, so no page
  sums the versions.
- Stored files live under ``documents/<community id>/<random>``, never named after the upload
  (kept in ``original_name``) and never served by URL: only through the views, after the policy,
  by ``maillage.uploads.protected_download``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content.models import Comment, ModeratedContent

# Files and folders on one page of a folder.
ITEMS_PER_PAGE = 50
# How deep folders may nest (the root is depth 0); keeps ``path`` short.
MAX_DEPTH = 12


def version_upload_to(version, filename):
    # The community and a random part; never the uploaded name (kept in original_name).
    return f"documents/{version.document.community_id}/{secrets.token_hex(16)}"


def thumbnail_upload_to(document, filename):
    return f"documents/{document.community_id}/vignettes/{secrets.token_hex(16)}.webp"


class LibrarySettings(models.Model):
    """A community's library settings: its quota (None: ``settings.DOCUMENTS_QUOTA_BYTES``) and
    the bytes its kept versions use (maintained by the services)."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="library_settings"
    )
    quota_bytes = models.PositiveBigIntegerField(_("quota (octets)"), null=True, blank=True)
    used_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("réglages de la bibliothèque")
        verbose_name_plural = _("réglages des bibliothèques")

    def __str__(self):
        return f"Bibliothèque de {self.community_id}"

    @property
    def effective_quota(self):
        return self.quota_bytes if self.quota_bytes is not None else settings.DOCUMENTS_QUOTA_BYTES


class Folder(models.Model):
    """A folder of a community's library; the root folder has no parent and no name."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="document_folders"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    # Ids of the ancestors and of the folder itself, "/root/…/self/".
    path = models.CharField(max_length=255, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The folder whose deletion took this one to the bin (None: deleted itself, or live).
    bin_root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(parent__isnull=True),
                name="documents_one_root",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(deleted_at__isnull=True),
                name="documents_folder_name_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["parent", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="documents_folder_listing",
            ),
            models.Index(
                fields=["community", "-deleted_at"],
                condition=Q(deleted_at__isnull=False, bin_root__isnull=True),
                name="documents_folder_bin",
            ),
        ]

    def __str__(self):
        return self.name or "Documents"

    def get_absolute_url(self):
        from django.urls import reverse

        if self.is_root:
            return reverse("documents:index", args=[self.community.slug])
        return reverse("documents:folder", args=[self.community.slug, self.pk])

    @property
    def is_root(self):
        return self.parent_id is None

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def ancestor_ids(self):
        """The ids of the folders above this one, from the root down."""
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Document(ModeratedContent):
    """A file of the library: its name in its folder and its current version, denormalised."""

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("en attente")
        READY = "ready", _("extrait")
        FAILED = "failed", _("échec")
        UNSUPPORTED = "unsupported", _("type non pris en charge")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="documents"
    )
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("nom"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The current version, denormalised.
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The versions are numbered 1..version_count without gaps.
    version_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bin_root = models.ForeignKey(
        Folder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Made by documents-media from the current version (a JPEG), when it can be.
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=255, blank=True)
    # The current version's text, extracted by documents-media, for the search.
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "name"],
                condition=Q(deleted_at__isnull=True),
                name="documents_document_name_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["folder", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="documents_by_name",
            ),
            models.Index(
                fields=["folder", "-updated_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="documents_by_date",
            ),
            models.Index(
                fields=["folder", "-size", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="documents_by_size",
            ),
            models.Index(
                fields=["community", "-updated_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="documents_recent",
            ),
            models.Index(
                fields=["community", "-deleted_at"],
                condition=Q(deleted_at__isnull=False, bin_root__isnull=True),
                name="documents_bin",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("documents:document", args=[self.community.slug, self.pk])

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def extension(self):
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


class DocumentVersion(models.Model):
    """One version of a file; never changed once stored (restoring one adds a new version)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=255)
    original_name = models.CharField(_("nom d'origine"), max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(_("commentaire de version"), max_length=300, blank=True)
    # The version this one restored (« Restaurer cette version »), if any.
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("version de document")
        verbose_name_plural = _("versions de document")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documents_version_number_once"
            )
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="documents_version_author")]

    def __str__(self):
        return f"{self.original_name} (version {self.number})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(
            "documents:download",
            args=[self.document.community.slug, self.document_id, self.number],
        )


class DocumentComment(Comment):
    """A comment on a file (the content contract's comment table)."""

    hidden_with = ("document__is_hidden",)

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")

    class Meta(Comment.Meta):
        verbose_name = _("commentaire de document")
        verbose_name_plural = _("commentaires de document")

    def get_absolute_url(self):
        return self.document.get_absolute_url() + f"#commentaire-{self.pk}"
