"""What every library view starts with: the community, the abilities, the ids checked against
the community of the address (another community's folder, file or version answers 404)."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from communities.views.common import community_view
from documents import services
from documents.models import Document, DocumentVersion, Folder
from documents.permissions import LibraryAbilities
from maillage.http import Refused
from maillage.routes import reversed_once


def library_view(ability="can_read"):
    """Decorate a view ``(request, community, ab, la, ...)``: 404 unless the agent reads the
    community's library (tool on) and has ``ability``."""

    def decorator(view):
        @community_view(tool="documents", ability="can_read")
        @wraps(view)
        def wrapper(request, community, ab, *args, **kwargs):
            la = LibraryAbilities(agent=request.user, community=community, ab=ab)
            if not la.can_read or not getattr(la, ability):
                raise Http404
            return view(request, community, ab, la, *args, **kwargs)

        return wrapper

    return decorator


def folder_or_404(community, folder_id):
    """A live folder of this community (the root included)."""
    folder = Folder.objects.filter(
        pk=folder_id, community=community, deleted_at__isnull=True
    ).first()
    if folder is None:
        raise Http404
    folder.community = community
    return folder


def root_of(community):
    root = services.library_root(community)
    root.community = community
    return root


def document_or_404(community, la, document_id):
    """A live file of this community (hidden ones for those who moderate only)."""
    document = (
        Document.objects.select_related("folder", "created_by", "updated_by", "current_version")
        .filter(pk=document_id, community=community)
        .first()
    )
    if document is None or not la.can_read_document(document):
        raise Http404
    document.community = community
    document.folder.community = community
    return document


def version_or_404(document, number):
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise Http404
    version.document = document
    return version


def url_maker(name, *args):
    """A function ``id → URL`` of the route ``name`` whose last argument is the id, reversed once
    (``reverse`` per row was a large part of a 50-row page's time; ``maillage.routes``)."""
    return reversed_once(name, *args, ...)


def icon_of(content_type):
    """The DSFR icon of a file without a thumbnail (as ``includes/file_icon.html`` picks it)."""
    content_type = content_type or ""
    if content_type == "application/pdf":
        return "fr-icon-file-pdf-line"
    if "image/" in content_type:
        return "fr-icon-image-line"
    if "spreadsheet" in content_type or "excel" in content_type or content_type == "text/csv":
        return "fr-icon-table-line"
    return "fr-icon-file-text-line"


def base_context(community, ab, la, **extra):
    return {"community": community, "ab": ab, "library_ab": la, **extra}


def attempt(request, func, *, success=None, **kwargs):
    """Call a service: ``(result, None)``, or ``(None, refusal)`` with its French message put on
    the page (the view answers with the refusal's status)."""
    try:
        result = func(**kwargs)
    except Refused as error:
        messages.error(request, str(error))
        return None, error
    if success:
        messages.success(request, success)
    return result, None


def submitted(request, act, *, page, then, form=None):
    """The library's forms and confirmations (a new folder, a rename, a move, a deletion, a new
    version, a comment, the quota): on POST, ``form`` is checked (400 when it is not valid; no
    form, nothing to check), then ``act(cleaned_data)`` calls a service through ``attempt``;
    its result goes to ``then``, which answers where to go (anything ``redirect`` takes), and a
    refusal answers ``page(status)`` with the refusal's status. A GET answers ``page(200)``."""
    status = 200
    if request.method == "POST":
        status = 400
        if form is None or form.is_valid():
            result, error = act(form.cleaned_data if form is not None else None)
            if error is None:
                return redirect(then(result))
            status = error.status
    return page(status)
