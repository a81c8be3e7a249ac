"""The document library's reads: a folder's page (its breadcrumb, sub-folders and one page of
files), a file's versions and comments, the bin, the latest files of an agent's communities.

A folder's page costs the same few queries whatever the folder holds: the breadcrumb is one query
on the ids of ``Folder.path``, the files are one indexed slice (by name, date or size, among live
files: the indexes of ``Document.Meta``) with one row more than the page to know whether another
follows — never a count over the folder's files.
"""

from dataclasses import dataclass

from django.db.models import Q

from documents.models import ITEMS_PER_PAGE, Document, DocumentComment, DocumentVersion, Folder

# ``?tri=`` → the order of the files (each served by an index of Document.Meta).
SORTS = {
    "nom": ("name", "id"),
    "-nom": ("-name", "-id"),
    "date": ("-updated_at", "-id"),
    "-date": ("updated_at", "id"),
    "taille": ("-size", "-id"),
    "-taille": ("size", "id"),
}
DEFAULT_SORT = "nom"
# Sub-folders listed on a folder's first page (folders are few; files are paged).
MAX_SUBFOLDERS = 500
# Versions listed on a file's page (the latest; all of them on the versions' pages, by ranges of
# numbers), and comments (the latest; older ones by « Commentaires plus anciens »).
VERSIONS_SHOWN = 20
VERSIONS_PER_PAGE = 50
COMMENTS_SHOWN = 50
BIN_SHOWN = 200


@dataclass
class FolderPage:
    folder: object
    breadcrumb: list
    subfolders: list
    documents: list
    sort: str
    page: int
    has_next: bool


def breadcrumb(folder):
    """The folders above ``folder``, from the root down (one query)."""
    ids = folder.ancestor_ids()
    if not ids:
        return []
    found = {f.pk: f for f in Folder.objects.filter(pk__in=ids, community=folder.community_id)}
    return [found[pk] for pk in ids if pk in found]


def live_folder(community, folder_id):
    return (
        Folder.objects.filter(community=community, pk=folder_id, deleted_at__isnull=True)
        .select_related("community")
        .first()
    )


def folder_page(folder, *, sort=DEFAULT_SORT, page=1):
    """One page of ``folder``: its sub-folders (on the first page) and ``ITEMS_PER_PAGE`` files."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    page = page if isinstance(page, int) and 1 <= page <= 100_000 else 1
    subfolders = []
    if page == 1:
        order = ("-name", "-id") if sort == "-nom" else ("name", "id")
        subfolders = list(
            Folder.objects.filter(parent=folder, deleted_at__isnull=True).order_by(*order)[
                :MAX_SUBFOLDERS
            ]
        )
    start = (page - 1) * ITEMS_PER_PAGE
    order = SORTS[sort]
    # The page's ids first, in a subquery (an index-only scan of the sort's index), then their
    # rows with their authors: a late page no longer joins the authors of every row before it.
    ids = (
        Document.objects.filter(folder=folder, deleted_at__isnull=True)
        .order_by(*order)
        .values("pk")[start : start + ITEMS_PER_PAGE + 1]
    )
    rows = list(Document.objects.filter(pk__in=ids).select_related("updated_by").order_by(*order))
    return FolderPage(
        folder=folder,
        breadcrumb=breadcrumb(folder),
        subfolders=subfolders,
        documents=rows[:ITEMS_PER_PAGE],
        sort=sort,
        page=page,
        has_next=len(rows) > ITEMS_PER_PAGE,
    )


def versions_of(document):
    """The file's latest versions, the latest first."""
    return list(
        DocumentVersion.objects.filter(document=document)
        .select_related("author")
        .order_by("-number")[:VERSIONS_SHOWN]
    )


def version_pages(document):
    """How many pages of ``VERSIONS_PER_PAGE`` versions the file has (at least one)."""
    return max(1, -(-document.version_count // VERSIONS_PER_PAGE))


def versions_page(document, page):
    """Page ``page`` of the file's versions, the latest first: the numbers are dense (1..N), so a
    page is a range of numbers on the (document, number) index, never an offset."""
    high = document.version_count - (page - 1) * VERSIONS_PER_PAGE
    return list(
        DocumentVersion.objects.filter(
            document=document, number__lte=high, number__gt=high - VERSIONS_PER_PAGE
        )
        .select_related("author")
        .order_by("-number")
    )


def comments_of(document, *, can_moderate=False, before=None):
    """``(comments, older)``: the file's latest ``COMMENTS_SHOWN`` comments (those before the
    comment ``before`` if given), oldest first, and whether older ones exist."""
    comments = DocumentComment.objects.filter(document=document).select_related("author")
    if not can_moderate:
        comments = comments.filter(is_hidden=False)
    if before is not None:
        comments = comments.filter(pk__lt=before)
    rows = list(comments.order_by("-pk")[: COMMENTS_SHOWN + 1])
    return rows[:COMMENTS_SHOWN][::-1], len(rows) > COMMENTS_SHOWN


def bin_of(community, agent, *, everything):
    """What the bin lists: ``(folders, documents)`` deleted themselves (not taken along), the
    latest first; only the agent's own deletions unless ``everything``."""
    own = Q() if everything else Q(deleted_by=agent)
    folders = list(
        Folder.objects.filter(own, community=community, deleted_at__isnull=False, bin_root=None)
        .select_related("deleted_by", "parent")
        .order_by("-deleted_at", "-pk")[:BIN_SHOWN]
    )
    documents = list(
        Document.objects.filter(own, community=community, deleted_at__isnull=False, bin_root=None)
        .select_related("deleted_by", "folder")
        .order_by("-deleted_at", "-pk")[:BIN_SHOWN]
    )
    return folders, documents


def folder_choices(community, *, exclude_path=None):
    """The live folders a file or a folder may move to, by path (at most 1,000)."""
    folders = list(
        Folder.objects.filter(community=community, deleted_at__isnull=True).order_by("path")[:1000]
    )
    if exclude_path:
        folders = [f for f in folders if not f.path.startswith(exclude_path)]
    names = {f.pk: f.name for f in folders}
    choices = []
    for f in folders:
        parts = [names.get(pk, "…") for pk in f.ancestor_ids()[1:]] + ([f.name] if f.name else [])
        choices.append((f.pk, " / ".join(["Documents", *parts])))
    choices.sort(key=lambda c: c[1].lower())
    return choices


def recent_documents_for(agent, limit=5):
    """The latest files of the libraries the agent reads among their communities."""
    from communities.permissions import communities_of
    from documents.permissions import documents_readable_by

    return list(
        documents_readable_by(agent)
        .filter(community__in=communities_of(agent))
        .select_related("community", "updated_by")
        .order_by("-updated_at", "-id")[:limit]
    )
