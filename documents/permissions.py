"""The document library's part of the permission policy: who reads a community's library, adds
files, changes them, empties the bin and sets the quota.

The community's own abilities (``communities.permissions``) decide; this module composes them:

- read (folders, files, every version, comments): the community's content is readable and its
  « Documents » tool is on; a file hidden by the moderation only for those who moderate; what is
  in the bin is read by nobody through the library (the bin's page lists it);
- add (upload, create a folder, a new version, restore a version, comment): contribute (active
  member, current charter accepted, community not archived);
- rename, move, delete a file or a folder: its creator while they contribute, or the animators
  (a member deletes a folder of theirs only when it holds nothing of somebody else's: the
  services check it);
- the bin: contributors see what they deleted themselves and restore it; the animators see and
  restore everything and empty it;
- the quota: the animators and the platform's administrators (``can_moderate``).
"""

from dataclasses import dataclass

from communities.permissions import (
    UNSET,
    CommunityAbilities,
    abilities,
    communities_readable_by,
    content_visible_to,
)
from documents.models import Document, DocumentComment, DocumentVersion, Folder


@dataclass
class LibraryAbilities:
    """What one agent may do in one community's library (``ab``: the community's abilities)."""

    agent: object
    community: object
    ab: CommunityAbilities

    @property
    def signed_in(self):
        return self.ab.signed_in

    @property
    def tool_on(self):
        return self.ab.tool("documents")

    @property
    def can_read(self):
        return self.tool_on and self.ab.can_read

    @property
    def can_contribute(self):
        """Upload, create folders, add and restore versions, comment."""
        return self.can_read and self.ab.can_contribute

    @property
    def can_upload(self):
        return self.can_contribute

    @property
    def must_accept_charter(self):
        return self.can_read and self.ab.must_accept_charter

    @property
    def can_moderate(self):
        """Manage everything: others' files and folders, the whole bin, the quota."""
        return self.can_read and self.ab.can_moderate

    @property
    def can_see_bin(self):
        return self.can_contribute or self.can_moderate

    @property
    def can_empty_bin(self):
        return self.can_moderate

    @property
    def can_set_quota(self):
        return self.can_moderate

    # --- on objects --------------------------------------------------------------------------
    def _is_creator(self, obj):
        return self.signed_in and obj.created_by_id == self.agent.pk

    def can_read_folder(self, folder):
        return self.can_read and folder.deleted_at is None

    def can_read_document(self, document):
        return (
            self.can_read
            and document.deleted_at is None
            and (not document.is_hidden or self.can_moderate)
        )

    def can_add_version(self, document):
        return self.can_contribute and self.can_read_document(document)

    def can_restore_version(self, document):
        return self.can_add_version(document)

    def can_comment(self, document):
        return self.can_contribute and self.can_read_document(document)

    def can_change_document(self, document):
        """Rename, move, delete to the bin."""
        if not self.can_read_document(document):
            return False
        return self.can_moderate or (self.can_contribute and self._is_creator(document))

    def can_change_folder(self, folder):
        """Rename, move, delete to the bin (never the root)."""
        if folder.parent_id is None or not self.can_read_folder(folder):
            return False
        return self.can_moderate or (self.can_contribute and self._is_creator(folder))

    def can_restore_from_bin(self, item):
        """Bring a file or a folder back from the bin: who deleted it, or the animators."""
        if item.deleted_at is None or item.bin_root_id is not None:
            return False
        if self.can_moderate:
            return True
        return self.can_contribute and item.deleted_by_id == self.agent.pk

    def can_delete_comment(self, comment):
        if comment.is_deleted or self.ab.archived:
            return False
        return self.can_moderate or (
            self.ab.is_member and self.signed_in and comment.author_id == self.agent.pk
        )


def library_abilities(agent, community, membership=UNSET):
    """The abilities of ``agent`` in the library of ``community``."""
    return LibraryAbilities(
        agent=agent, community=community, ab=abilities(agent, community, membership)
    )


@dataclass
class LibraryObjectAbilities:
    """The policy's answer for one folder, file, version or comment (``can_read`` at least), for
    what reads across the apps (notifications, search, the leak tests)."""

    library: LibraryAbilities
    obj: object

    @property
    def can_read(self):
        obj = self.obj
        if isinstance(obj, Folder):
            return self.library.can_read_folder(obj)
        if isinstance(obj, Document):
            return self.library.can_read_document(obj)
        if isinstance(obj, DocumentVersion):
            return self.library.can_read_document(obj.document)
        if isinstance(obj, DocumentComment):
            return self.library.can_read_document(obj.document) and (
                not obj.is_hidden or self.library.can_moderate
            )
        return self.library.can_read

    @property
    def can_moderate(self):
        return self.library.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.library.ab.can_report

    def __getattr__(self, name):
        return getattr(self.library, name)


def object_abilities(agent, obj):
    community = obj.document.community if isinstance(obj, DocumentVersion) else obj.community
    return LibraryObjectAbilities(library=library_abilities(agent, community), obj=obj)


def folders_readable_by(agent):
    """The live folders of the libraries the agent reads (tool on, community readable)."""
    return Folder.objects.filter(
        community__in=communities_readable_by(agent),
        community__tool_documents=True,
        deleted_at__isnull=True,
    )


def documents_readable_by(agent):
    """The live files the agent reads (not hidden, not in the bin; the tool on)."""
    return content_visible_to(agent, Document.objects.filter(deleted_at__isnull=True))


def versions_readable_by(agent):
    return DocumentVersion.objects.filter(document__in=documents_readable_by(agent))


def comments_readable_by(agent):
    """The comments the agent reads (neither they nor their file hidden, the file not in the
    bin; the tool on)."""
    return content_visible_to(
        agent, DocumentComment.objects.filter(document__deleted_at__isnull=True)
    )
