"""A file's thumbnail and its inline preview, as pictures made by the server.

Decision: the preview of a PDF is its first pages rendered as pictures (``PREVIEW_PAGES``, by
PDFium, as the thumbnail is), never the PDF itself in an ``<iframe>`` or an ``<embed>``. A PDF
shown inline runs in the browser's PDF reader, with its scripts, forms, links and attachments
and the reader's own bugs; a sandboxed frame would still have to be given the file on our
origin. A picture carries nothing but pixels, looks the same in every browser, needs no plug-in
or JavaScript, and is what the thumbnail already makes. An image is previewed the same way:
re-encoded by Pillow (``documents.thumbnails.rendition``), so whatever hid in it (an SVG's
script, HTML behind a ``.png`` name) is never sent, and a file that is not a real picture gets
no preview at all. The whole file is always one click away, through the download.

Both answers go through the library's policy (the community readable, the tool on, the file
live and not hidden from the agent), the id checked against the community of the address: a
forged id of another community's file answers 404 like a missing one. They are sent as
``image/webp`` with ``nosniff``, a sandbox CSP and ``Cache-Control: private, no-cache``: the
agent's browser may keep a copy but asks again each time (a 304 thanks to the ETag), so losing
access to the community loses the pictures; no shared cache ever keeps one.

Rendering costs time, so a rendered page is kept in the cache under the version's SHA-256 (the
same bytes give the same picture; the policy is checked before the cache is read), a failure
too, so that a hostile file is decoded once.
"""

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified

from communities.views.common import community_view
from documents import thumbnails
from documents.models import Document, DocumentVersion
from documents.permissions import LibraryAbilities
from maillage.http import positive_id

# The preview's pictures: as wide as the page's main column at most, and how many pages of a
# PDF are shown.
PREVIEW_WIDTH = 1000
PREVIEW_MAX_HEIGHT = 2000
PREVIEW_PAGES = 3
CACHE_SECONDS = 24 * 3600
IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}
PDF_TYPE = "application/pdf"


def preview_kind(version):
    """``"image"``, ``"pdf"`` or ``None``: how a version is previewed (its type was checked
    against its content when it was uploaded)."""
    if version is None:
        return None
    if version.content_type in IMAGE_TYPES:
        return "image"
    if version.content_type == PDF_TYPE:
        return "pdf"
    return None


def pdf_page_count(version):
    """The number of pages of a PDF version (0 when unreadable), kept in the cache."""
    key = f"documents:pages:{version.sha256}"
    count = cache.get(key)
    if count is None:
        try:
            with version.file.open("rb") as handle:
                count = thumbnails.pdf_page_count(handle)
        except (FileNotFoundError, OSError, ValueError):
            count = 0
        cache.set(key, count, CACHE_SECONDS)
    return count


def _document_or_404(request, community, ab, document_id):
    """The live file ``document_id`` of ``community`` that the agent may read, or 404."""
    document = (
        Document.objects.filter(pk=document_id, community=community)
        .select_related("current_version")
        .first()
    )
    library = LibraryAbilities(agent=request.user, community=community, ab=ab)
    if document is None or not library.can_read_document(document):
        raise Http404
    return document


def _picture_headers(response, etag):
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = "inline"
    return response


def _not_modified(request, etag):
    if request.headers.get("If-None-Match") == etag:
        return _picture_headers(HttpResponseNotModified(), etag)
    return None


@community_view(tool="documents")
def thumbnail(request, community, ab, document_id):
    """The thumbnail of a file's current version (made by ``documents.tasks``), or 404."""
    document = _document_or_404(request, community, ab, document_id)
    if not document.thumbnail:
        raise Http404
    etag = f'"{document.thumbnail.name.rsplit("/", 1)[-1]}"'
    if (response := _not_modified(request, etag)) is not None:
        return response
    try:
        handle = document.thumbnail.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    return _picture_headers(FileResponse(handle, content_type=thumbnails.CONTENT_TYPE), etag)


@community_view(tool="documents")
def preview(request, community, ab, document_id):
    """Page ``?page=`` (1 to ``PREVIEW_PAGES``) of a PDF, or the picture, of the current version
    of a file, or of its version ``?version=``, as a WebP; 404 for anything else."""
    document = _document_or_404(request, community, ab, document_id)
    version = document.current_version
    if "version" in request.GET:
        number = positive_id(request.GET["version"])
        version = (
            DocumentVersion.objects.filter(document=document, number=number).first()
            if number
            else None
        )
    page = positive_id(request.GET.get("page", "1"))
    kind = preview_kind(version)
    if kind is None or page is None or page > (PREVIEW_PAGES if kind == "pdf" else 1):
        raise Http404
    etag = f'"{version.sha256[:40]}-{page}"'
    if (response := _not_modified(request, etag)) is not None:
        return response
    key = f"documents:preview:{version.sha256}:{page}:{PREVIEW_WIDTH}"
    data = cache.get(key)
    if data is None:
        try:
            with version.file.open("rb") as handle:
                data = thumbnails.rendition(
                    handle, width=PREVIEW_WIDTH, max_height=PREVIEW_MAX_HEIGHT, page=page - 1
                )
        except (FileNotFoundError, OSError, ValueError):
            raise Http404 from None
        # A failure is kept too (as b""), so a hostile file is decoded once.
        data = data or b""
        cache.set(key, data, CACHE_SECONDS)
    if not data:
        raise Http404
    return _picture_headers(HttpResponse(data, content_type=thumbnails.CONTENT_TYPE), etag)
