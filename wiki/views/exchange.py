"""Export a community's wiki as a ZIP (``wiki:export``: the animators and the platform's
administrators, even of an archived community: reading out is not changing), and import one into
an empty wiki (``wiki:import``: the animators; its page also offers the export). The archive's
layout and the import's limits are ``wiki.exchange``'s."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.forms import DsfrFormMixin
from maillage.http import run_service
from wiki import exchange
from wiki.models import Page
from wiki.views.common import base_context, wiki_view


class ImportForm(DsfrFormMixin, forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("Archive ZIP du wiki"),
        help_text=gettext_lazy(
            "Une archive exportée d'un wiki de Maillage (pages Markdown dans des dossiers, "
            "fichiers joints dans _fichiers/), de %(max)s au plus."
        )
        % {"max": filesizeformat(exchange.MAX_ARCHIVE_BYTES)},
        error_messages={
            "required": gettext_lazy("Choisissez l'archive ZIP à importer."),
            "invalid": gettext_lazy("Choisissez l'archive ZIP à importer."),
            "empty": gettext_lazy("Le fichier choisi est vide."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


def may_export(ab, wa):
    """Who exports a wiki: its animators and the platform's administrators."""
    return wa.can_read and wa.signed_in and (ab.is_animator or ab.is_admin)


@wiki_view("signed_in")
def export(request, community, ab, wa):
    if not may_export(ab, wa):
        raise Http404
    response = HttpResponse(exchange.export_zip(community), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{exchange.export_filename(community)}"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@wiki_view("can_moderate")
def import_(request, community, ab, wa):
    empty = not Page.objects.filter(community=community).exists()
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        if not empty:
            messages.error(
                request,
                _(
                    "Le wiki de cette communauté n'est pas vide : l'import est réservé à un wiki vide."
                ),
            )
            status = 400
        elif form.is_valid():
            pages, ok = run_service(
                request,
                exchange.import_zip,
                community=community,
                agent=request.user,
                upload=form.cleaned_data["archive"],
            )
            if ok:
                messages.success(
                    request,
                    _("Le wiki est importé : %(count)s pages.") % {"count": len(pages)},
                )
                return redirect("wiki:pages", community.slug)
            status = 400
        else:
            status = 400
    return render(
        request,
        "wiki/exchange.html",
        base_context(
            community,
            ab,
            wa,
            title=_("Exporter et importer le wiki"),
            form=form,
            empty=empty,
            may_export=may_export(ab, wa),
            max_size=exchange.MAX_ARCHIVE_BYTES,
        ),
        status=status,
    )
