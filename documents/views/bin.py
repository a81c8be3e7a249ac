"""The bin (« Corbeille »): what was deleted (contributors see their own deletions, the
animators everything), restoring an item, emptying it; and the library's settings (the quota)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import selectors, services
from documents.forms import QuotaForm
from documents.models import Document, Folder
from documents.views.common import attempt, base_context, library_view, submitted
from maillage.http import positive_id


@library_view("can_see_bin")
def bin_index(request, community, ab, la):
    folders, documents = selectors.bin_of(community, request.user, everything=la.can_moderate)
    used, quota = services.quota_of(community)
    context = base_context(
        community,
        ab,
        la,
        title=_("Corbeille"),
        bin_folders=folders,
        bin_documents=documents,
        used=used,
        quota=quota,
    )
    return render(request, "documents/bin.html", context)


@require_POST
@library_view("can_see_bin")
def bin_restore(request, community, ab, la):
    """Restore one item of the bin: ``dossier=<id>`` or ``fichier=<id>``."""
    folder_id = positive_id(request.POST.get("dossier"))
    document_id = positive_id(request.POST.get("fichier"))
    if folder_id is not None:
        item = Folder.objects.filter(
            pk=folder_id, community=community, deleted_at__isnull=False, bin_root=None
        ).first()
        service, kwargs = services.folder_restore, {"folder": item}
    elif document_id is not None:
        item = Document.objects.filter(
            pk=document_id, community=community, deleted_at__isnull=False, bin_root=None
        ).first()
        service, kwargs = services.document_restore, {"document": item}
    else:
        item = None
    if item is None:
        raise Http404
    item.community = community
    result, error = attempt(request, service, agent=request.user, **kwargs)
    if error is None:
        restored, note = result
        message = _("« %(name)s » est restauré.") % {"name": restored.name}
        if note:
            message = f"{message[:-1]} : {note}."
        messages.success(request, message)
    return redirect("documents:bin", community.slug)


@library_view("can_see_bin")
def bin_empty(request, community, ab, la):
    def then(count):
        messages.success(
            request,
            _("La corbeille est vidée (%(count)s fichier(s) supprimé(s) définitivement).")
            % {"count": count},
        )
        return reverse("documents:bin", args=[community.slug])

    def page(status):
        context = base_context(
            community, ab, la, title=_("Vider la corbeille"), allowed=la.can_empty_bin
        )
        return render(request, "documents/bin_empty.html", context, status=status)

    return submitted(
        request,
        lambda _data: attempt(request, services.bin_empty, community=community, agent=request.user),
        then=then,
        page=page,
    )


@library_view()
def library_settings(request, community, ab, la):
    if not la.can_set_quota:
        raise Http404
    row = services.library_settings(community)
    initial = {"quota_mb": row.quota_bytes // (1024 * 1024) if row.quota_bytes else None}
    form = QuotaForm(request.POST or None, initial=initial)

    def page(status):
        used, quota = services.quota_of(community)
        context = base_context(
            community,
            ab,
            la,
            title=_("Réglages de la bibliothèque"),
            form=form,
            used=used,
            quota=quota,
        )
        return render(request, "documents/settings.html", context, status=status)

    return submitted(
        request,
        lambda data: attempt(
            request,
            services.quota_set,
            community=community,
            agent=request.user,
            quota_bytes=data["quota_mb"] * 1024 * 1024 if data["quota_mb"] else None,
            success=_("Le quota de la bibliothèque est enregistré."),
        ),
        form=form,
        then=lambda _result: reverse("documents:settings", args=[community.slug]),
        page=page,
    )
