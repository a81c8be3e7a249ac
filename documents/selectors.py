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
from maillage.http import positive_id

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
# The sorts whose « Page suivante » is a keyset cursor ``<name>_<id>`` instead of an offset: a
# name does not change as the pages are read, a date or a size may.
KEYSET_SORTS = {"nom": False, "-nom": True}  # sort → descending


@dataclass
class FolderPage:
    folder: object
    breadcrumb: list
    subfolders: list
    documents: list
    sort: str
    page: int
    has_next: bool
    # « Page suivante »'s keyset cursor in the name sorts (``?apres=``), else "" (an offset).
    next_cursor: str = ""


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


def name_cursor(value):
    """``(name, id)`` of a « Page suivante » cursor in the name sorts (``Relevé.pdf_42``), or
    None for anything else."""
    if not value or "_" not in value:
        return None
    name, _sep, pk = value.rpartition("_")
    pk = positive_id(pk)
    # A NUL would make PostgreSQL refuse the query (a 500), as a name never holds one.
    if pk is None or "\x00" in name or len(name) > Document._meta.get_field("name").max_length:
        return None
    return name, pk


def folder_page(folder, *, sort=DEFAULT_SORT, page=1, after=None):
    """One page of ``folder``: its sub-folders (on the first page) and ``ITEMS_PER_PAGE`` files.

    In the name sorts, the files after the cursor ``after`` (« Page suivante »'s, see
    ``name_cursor``) start where the index does, instead of skipping ``page - 1`` pages of it;
    ``page`` is then the page's number shown. A cursor that does not parse is ignored."""
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
    order = SORTS[sort]
    files = Document.objects.filter(folder=folder, deleted_at__isnull=True)
    cursor = name_cursor(after) if sort in KEYSET_SORTS else None
    start = (page - 1) * ITEMS_PER_PAGE
    if cursor is not None:
        name, pk = cursor
        start = 0
        # ``name >= cursor`` bounds the scan of the (folder, name, id) index; the rest breaks ties.
        if KEYSET_SORTS[sort]:
            files = files.filter(name__lte=name).filter(Q(name__lt=name) | Q(id__lt=pk))
        else:
            files = files.filter(name__gte=name).filter(Q(name__gt=name) | Q(id__gt=pk))
    # The page's ids first, in a subquery (an index-only scan of the sort's index), then their
    # rows with their authors: a late page no longer joins the authors of every row before it.
    ids = files.order_by(*order).values("pk")[start : start + ITEMS_PER_PAGE + 1]
    rows = list(Document.objects.filter(pk__in=ids).select_related("updated_by").order_by(*order))
    has_next = len(rows) > ITEMS_PER_PAGE
    rows = rows[:ITEMS_PER_PAGE]
    next_cursor = ""
    if has_next and sort in KEYSET_SORTS:
        next_cursor = f"{rows[-1].name}_{rows[-1].pk}"
    return FolderPage(
        folder=folder,
        breadcrumb=breadcrumb(folder),
        subfolders=subfolders,
        documents=rows,
        sort=sort,
        page=page,
        has_next=has_next,
        next_cursor=next_cursor,
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
