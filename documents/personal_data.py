"""What the document library holds about an agent: their section of the personal-data export
(the versions they uploaded, the folders they made, their comments, what they sent to the bin)
with the files they uploaded in the archive, and what closing the account removes.

A closed account's files, versions and comments stay in their communities' libraries, shared
work that they are, attributed to « ancien agent » as every contribution is; what only served
the agent goes: their follows of files and folders (nobody to notify).
"""

from django.contrib.contenttypes.models import ContentType

from communities.content.models import Subscription
from directory.personal_data import registry
from documents.models import Document, DocumentComment, DocumentVersion, Folder

# The uploaded files the archive carries at most, in bytes (the newest first); the section lists
# every version, saying whether its file is in the archive.
EXPORT_FILES_MAX_BYTES = 200 * 1024 * 1024


def _exported_versions(agent):
    """The versions whose bytes the agent uploaded (a restored version is the same bytes),
    newest first, within ``EXPORT_FILES_MAX_BYTES``: their ids."""
    total, ids = 0, set()
    for pk, size in (
        DocumentVersion.objects.filter(author=agent, restored_from__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("pk", "size")
    ):
        if total + size > EXPORT_FILES_MAX_BYTES:
            continue
        total += size
        ids.add(pk)
    return ids


def _archive_name(version):
    return f"documents/{version.document_id}-v{version.number}-{version.original_name}"


def export_documents(agent):
    in_archive = _exported_versions(agent)
    return {
        "versions_deposees": [
            {
                "communaute": v.document.community.name,
                "fichier": v.document.name,
                "version": v.number,
                "nom_envoye": v.original_name,
                "taille_octets": v.size,
                "type": v.content_type,
                "sha256": v.sha256,
                "commentaire": v.comment,
                "deposee_le": v.created_at,
                "restauration_de_la_version": v.restored_from,
                "dans_l_archive": _archive_name(v) if v.pk in in_archive else None,
            }
            for v in DocumentVersion.objects.filter(author=agent)
            .select_related("document__community")
            .order_by("created_at", "pk")
            .iterator(chunk_size=500)
        ],
        "dossiers_crees": [
            {"communaute": f.community.name, "dossier": f.name, "cree_le": f.created_at}
            for f in Folder.objects.filter(created_by=agent)
            .select_related("community")
            .order_by("created_at", "pk")
        ],
        "commentaires": [
            {
                "communaute": c.community.name,
                "fichier": c.document.name,
                "texte": c.body,
                "ecrit_le": c.created_at,
                "supprime_le": c.deleted_at,
                "masque": c.is_hidden,
            }
            for c in DocumentComment.objects.filter(author=agent)
            .select_related("community", "document")
            .order_by("created_at", "pk")
        ],
        "mis_a_la_corbeille": [
            {"communaute": d.community.name, "fichier": d.name, "le": d.deleted_at}
            for d in Document.objects.filter(deleted_by=agent, deleted_at__isnull=False)
            .select_related("community")
            .order_by("deleted_at", "pk")
        ],
    }


def export_document_files(agent):
    ids = _exported_versions(agent)
    for version in DocumentVersion.objects.filter(pk__in=ids).order_by("pk"):
        yield _archive_name(version), version.file


def account_closed(sender, agent, **kwargs):
    """A closed account follows no file or folder (its files and comments stay)."""
    types = ContentType.objects.get_for_models(Document, Folder)
    Subscription.objects.filter(agent=agent, content_type__in=list(types.values())).delete()


def register():
    from directory.signals import agent_closed

    registry.section("documents")(export_documents)
    registry.files(export_document_files)
    agent_closed.connect(account_closed, dispatch_uid="documents_account_closed")
