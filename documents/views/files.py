"""A file's page (its current version, every version, comments, preview), its downloads, a new
version, « Restaurer cette version », its rename, move and deletion to the bin, and comments."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import selectors, services
from documents.forms import CommentForm, DocumentNameForm, MoveForm, VersionForm
from documents.models import DocumentComment
from documents.views.common import (
    attempt,
    base_context,
    document_or_404,
    folder_or_404,
    library_view,
    submitted,
    url_maker,
    version_or_404,
)
from maillage.french import long_datetime
from maillage.http import positive_id
from maillage.uploads import protected_download


def _crumbs(document):
    """The folders from the root down to the file's folder included."""
    return [*selectors.breadcrumb(document.folder), document.folder]


def _decorate_versions(community, document, versions, *, can_add_version):
    """Each version's download and restore addresses and date, built in Python from addresses
    reversed once per page."""
    download = url_maker("documents:download", community.slug, document.pk)
    restore = url_maker("documents:version_restore", community.slug, document.pk)
    for version in versions:
        version.download_url = download(version.number)
        version.is_current = version.number == document.version_count
        version.restore_url = (
            restore(version.number) if can_add_version and not version.is_current else ""
        )
        version.date_label = long_datetime(version.created_at)
    return versions


def render_document(
    request, community, ab, la, document, *, version_form=None, comment_form=None, status=200
):
    """The file's page (shown again with its errors by a refused new version or comment): its
    latest versions (all of them on the versions' pages) and its latest comments (older ones
    through ``?avant=<comment id>``)."""
    before = positive_id(request.GET.get("avant")) if request.method == "GET" else None
    comments, older_comments = selectors.comments_of(
        document, can_moderate=la.can_moderate, before=before
    )
    delete_url = url_maker("documents:comment_delete", community.slug, document.pk)
    for comment in comments:
        comment.can_delete = la.can_delete_comment(comment)
        comment.delete_url = delete_url(comment.pk) if comment.can_delete else ""
        comment.date_label = long_datetime(comment.created_at)
    can_add_version = la.can_add_version(document)
    context = base_context(
        community,
        ab,
        la,
        title=document.name,
        document=document,
        version=document.current_version,
        versions=_decorate_versions(
            community, document, selectors.versions_of(document), can_add_version=can_add_version
        ),
        comments=comments,
        older_comments=comments[0].pk if older_comments else None,
        crumbs=_crumbs(document),
        version_form=version_form or VersionForm(),
        comment_form=comment_form or CommentForm(),
        can_change=la.can_change_document(document),
        can_add_version=can_add_version,
        can_comment=la.can_comment(document),
    )
    return render(request, "documents/document.html", context, status=status)


@library_view()
def versions(request, community, ab, la, document_id):
    """Every version of the file, ``VERSIONS_PER_PAGE`` to a page, the latest first."""
    document = document_or_404(community, la, document_id)
    pages = selectors.version_pages(document)
    page = positive_id(request.GET.get("page"))
    page = page if page is not None and page <= pages else 1
    can_add_version = la.can_add_version(document)
    rows = _decorate_versions(
        community,
        document,
        selectors.versions_page(document, page),
        can_add_version=can_add_version,
    )
    context = base_context(
        community,
        ab,
        la,
        title=_("Versions de « %(name)s »") % {"name": document.name},
        document=document,
        versions=rows,
        crumbs=_crumbs(document),
        page=page,
        pages=pages,
        previous_page=page - 1 if page > 1 else None,
        next_page=page + 1 if page < pages else None,
        can_add_version=can_add_version,
    )
    return render(request, "documents/versions.html", context)


@library_view()
def document_detail(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    return render_document(request, community, ab, la, document)


@library_view()
def download(request, community, ab, la, document_id, number=None):
    """A version of the file (the current one without ``number``), as an attachment."""
    document = document_or_404(community, la, document_id)
    if number is None:
        version = document.current_version
        if version is None:
            raise Http404
        name = document.name
    else:
        version = version_or_404(document, number)
        name = version.original_name
    return protected_download(version.file, name=name, content_type=version.content_type)


@require_POST
@library_view()
def version_new(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    form = VersionForm(request.POST, request.FILES)
    return submitted(
        request,
        lambda data: attempt(
            request,
            services.version_add,
            document=document,
            agent=request.user,
            upload=data["file"],
            comment=data["comment"],
            success=_("La nouvelle version est enregistrée."),
        ),
        form=form,
        then=lambda _version: document.get_absolute_url(),
        page=lambda status: render_document(
            request, community, ab, la, document, version_form=form, status=status
        ),
    )


@require_POST
@library_view()
def version_restore(request, community, ab, la, document_id, number):
    document = document_or_404(community, la, document_id)
    version_or_404(document, number)
    _result, error = attempt(
        request,
        services.version_restore,
        document=document,
        agent=request.user,
        number=number,
        success=_("La version %(number)s est de nouveau la version actuelle.") % {"number": number},
    )
    if error is not None and error.status >= 403:
        document.refresh_from_db()
        return render_document(request, community, ab, la, document, status=error.status)
    return redirect(document.get_absolute_url())


def _document_form_view(request, ab, la, document, template, act, *, then=None, **extra):
    """A file's rename, move or deletion: ``submitted`` with its page (the file's breadcrumb and
    whether the agent may change it, ``extra`` with the form); back to the file when done."""

    def page(status):
        context = base_context(
            document.community,
            ab,
            la,
            document=document,
            crumbs=_crumbs(document),
            allowed=la.can_change_document(document),
            **extra,
        )
        return render(request, template, context, status=status)

    then = then or (lambda _result: document.get_absolute_url())
    return submitted(request, act, form=extra.get("form"), then=then, page=page)


@library_view()
def document_rename(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    return _document_form_view(
        request,
        ab,
        la,
        document,
        "documents/document_rename.html",
        lambda data: attempt(
            request,
            services.document_rename,
            document=document,
            agent=request.user,
            name=data["name"],
            success=_("Le fichier est renommé."),
        ),
        title=_("Renommer le fichier"),
        form=DocumentNameForm(request.POST or None, initial={"name": document.name}),
    )


@library_view()
def document_move(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    choices = [c for c in selectors.folder_choices(community) if c[0] != document.folder_id]
    return _document_form_view(
        request,
        ab,
        la,
        document,
        "documents/document_move.html",
        lambda data: attempt(
            request,
            services.document_move,
            document=document,
            agent=request.user,
            target=folder_or_404(community, data["target"]),
            success=_("Le fichier est déplacé."),
        ),
        title=_("Déplacer le fichier"),
        form=MoveForm(request.POST or None, choices=choices),
    )


@library_view()
def document_delete(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    return _document_form_view(
        request,
        ab,
        la,
        document,
        "documents/document_delete.html",
        lambda _data: attempt(
            request,
            services.document_delete,
            document=document,
            agent=request.user,
            success=_("« %(name)s » est dans la corbeille.") % {"name": document.name},
        ),
        then=lambda _result: document.folder.get_absolute_url(),
        title=_("Supprimer le fichier"),
    )


@require_POST
@library_view()
def comment_new(request, community, ab, la, document_id):
    document = document_or_404(community, la, document_id)
    form = CommentForm(request.POST)
    return submitted(
        request,
        lambda data: attempt(
            request,
            services.comment_add,
            document=document,
            agent=request.user,
            body=data["body"],
            success=_("Votre commentaire est publié."),
        ),
        form=form,
        then=lambda comment: document.get_absolute_url() + f"#commentaire-{comment.pk}",
        page=lambda status: render_document(
            request, community, ab, la, document, comment_form=form, status=status
        ),
    )


@require_POST
@library_view()
def comment_delete(request, community, ab, la, document_id, comment_id):
    document = document_or_404(community, la, document_id)
    comment = DocumentComment.objects.filter(
        pk=positive_id(comment_id), document=document, community=community
    ).first()
    if comment is None:
        raise Http404
    return submitted(
        request,
        lambda _data: attempt(
            request,
            services.comment_delete,
            comment=comment,
            agent=request.user,
            success=_("Le commentaire est supprimé."),
        ),
        then=lambda _result: document.get_absolute_url() + "#commentaires",
        page=lambda status: render_document(request, community, ab, la, document, status=status),
    )
