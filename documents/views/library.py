"""The library's folders: the root and a folder's page (breadcrumb, sub-folders, one page of
files), uploads (several files, each answered), new folders, and a folder's rename, move and
deletion to the bin."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import selectors, services
from documents.forms import FolderNameForm, MoveForm
from documents.views.common import (
    attempt,
    base_context,
    folder_or_404,
    icon_of,
    library_view,
    root_of,
    submitted,
    url_maker,
)
from maillage.french import long_date, long_datetime
from maillage.http import Refused, positive_id


def _page_number(request):
    number = positive_id(request.GET.get("page"))
    return number if number is not None and number <= 100_000 else 1


def _folder_page(request, community, ab, la, folder):
    page = selectors.folder_page(
        folder,
        sort=request.GET.get("tri", ""),
        page=_page_number(request),
        after=request.GET.get("apres"),
    )
    # Each row's address, thumbnail and date, built here from addresses reversed once per page
    # (``{% url %}``, an include and a date filter per row were most of a 50-row page's time).
    folder_url = url_maker("documents:folder", community.slug)
    document_url = url_maker("documents:document", community.slug)
    thumbnail_url = url_maker("documents:thumbnail", community.slug)
    for sub in page.subfolders:
        sub.url = folder_url(sub.pk)
        sub.date_label = long_date(sub.updated_at)
    for document in page.documents:
        document.url = document_url(document.pk)
        document.thumbnail_url = thumbnail_url(document.pk) if document.thumbnail else ""
        document.icon = icon_of(document.content_type)
        document.date_label = long_datetime(document.updated_at)
    used, quota = services.quota_of(community)
    context = base_context(
        community,
        ab,
        la,
        title=_("Documents") if folder.is_root else folder.name,
        folder=folder,
        listing=page,
        sorts=[
            ("nom", _("Nom (A → Z)")),
            ("-nom", _("Nom (Z → A)")),
            ("date", _("Date (récents d'abord)")),
            ("-date", _("Date (anciens d'abord)")),
            ("taille", _("Taille (gros d'abord)")),
            ("-taille", _("Taille (petits d'abord)")),
        ],
        used=used,
        quota=quota,
        used_percent=min(100, int(used * 100 / quota)) if quota else 0,
        can_change_folder=la.can_change_folder(folder),
        max_files=services.MAX_FILES_PER_UPLOAD,
    )
    return render(request, "documents/folder.html", context)


@library_view()
def index(request, community, ab, la):
    return _folder_page(request, community, ab, la, root_of(community))


@library_view()
def folder_detail(request, community, ab, la, folder_id):
    folder = folder_or_404(community, folder_id)
    if folder.is_root:
        return redirect("documents:index", community.slug)
    return _folder_page(request, community, ab, la, folder)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@library_view()
def upload(request, community, ab, la, folder_id):
    """Several files into a folder. A plain form gets the folder back with a message per file;
    the upload script (``Accept: application/json``) gets each file's answer as JSON."""
    folder = folder_or_404(community, folder_id)
    files = request.FILES.getlist("fichiers")
    try:
        results = services.documents_upload(
            folder=folder,
            agent=request.user,
            uploads=files,
            comment=request.POST.get("commentaire", ""),
        )
    except Refused as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=error.status)
        messages.error(request, str(error))
        return redirect(folder.get_absolute_url())
    if _wants_json(request):
        return JsonResponse(
            {
                "files": [
                    {
                        "name": name,
                        "ok": error is None,
                        "created": created,
                        "error": error,
                        "url": document.get_absolute_url() if document else None,
                    }
                    for name, document, created, error in results
                ],
                "redirect": folder.get_absolute_url(),
            }
        )
    for name, _document, created, error in results:
        if error:
            messages.error(request, error)
        elif created:
            messages.success(request, _("« %(name)s » est ajouté.") % {"name": name})
        else:
            messages.success(
                request, _("« %(name)s » : nouvelle version enregistrée.") % {"name": name}
            )
    return redirect(folder.get_absolute_url())


@library_view()
def folder_new(request, community, ab, la, folder_id):
    parent = folder_or_404(community, folder_id)
    form = FolderNameForm(request.POST or None)

    def then(folder):
        folder.community = community
        return folder.get_absolute_url()

    def page(status):
        context = base_context(
            community,
            ab,
            la,
            title=_("Nouveau dossier"),
            folder=parent,
            crumbs=[*selectors.breadcrumb(parent), parent],
            form=form,
            allowed=la.can_contribute,
        )
        return render(request, "documents/folder_new.html", context, status=status)

    return submitted(
        request,
        lambda data: attempt(
            request,
            services.folder_create,
            parent=parent,
            agent=request.user,
            name=data["name"],
            success=_("Le dossier est créé."),
        ),
        form=form,
        then=then,
        page=page,
    )


def _changeable_folder(community, folder_id):
    folder = folder_or_404(community, folder_id)
    if folder.is_root:
        raise Http404
    return folder


def _folder_form_view(request, ab, la, folder, template, act, *, then=None, **extra):
    """A folder's rename, move or deletion: ``submitted`` with its page (the folder's
    breadcrumb and whether the agent may change it, ``extra`` with the form); back to the
    folder when done."""

    def page(status):
        context = base_context(
            folder.community,
            ab,
            la,
            folder=folder,
            breadcrumb=selectors.breadcrumb(folder),
            allowed=la.can_change_folder(folder),
            **extra,
        )
        return render(request, template, context, status=status)

    then = then or (lambda _result: folder.get_absolute_url())
    return submitted(request, act, form=extra.get("form"), then=then, page=page)


@library_view()
def folder_rename(request, community, ab, la, folder_id):
    folder = _changeable_folder(community, folder_id)
    return _folder_form_view(
        request,
        ab,
        la,
        folder,
        "documents/folder_rename.html",
        lambda data: attempt(
            request,
            services.folder_rename,
            folder=folder,
            agent=request.user,
            name=data["name"],
            success=_("Le dossier est renommé."),
        ),
        title=_("Renommer le dossier"),
        form=FolderNameForm(request.POST or None, initial={"name": folder.name}),
    )


@library_view()
def folder_move(request, community, ab, la, folder_id):
    folder = _changeable_folder(community, folder_id)
    choices = [
        choice
        for choice in selectors.folder_choices(community, exclude_path=folder.path)
        if choice[0] != folder.parent_id
    ]
    return _folder_form_view(
        request,
        ab,
        la,
        folder,
        "documents/folder_move.html",
        lambda data: attempt(
            request,
            services.folder_move,
            folder=folder,
            agent=request.user,
            target=folder_or_404(community, data["target"]),
            success=_("Le dossier est déplacé."),
        ),
        title=_("Déplacer le dossier"),
        form=MoveForm(request.POST or None, choices=choices),
    )


@library_view()
def folder_delete(request, community, ab, la, folder_id):
    folder = _changeable_folder(community, folder_id)
    parent = None

    def act(_data):
        nonlocal parent
        parent = folder_or_404(community, folder.parent_id)
        return attempt(
            request,
            services.folder_delete,
            folder=folder,
            agent=request.user,
            success=_("Le dossier et son contenu sont dans la corbeille."),
        )

    return _folder_form_view(
        request,
        ab,
        la,
        folder,
        "documents/folder_delete.html",
        act,
        then=lambda _result: parent.get_absolute_url(),
        title=_("Supprimer le dossier"),
    )
