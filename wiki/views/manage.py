"""Renaming, moving and protecting a page, the order of a FAQ's questions, and the wiki's
settings."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.http import positive_id, run_service, status_of
from wiki import markup, selectors, services
from wiki.forms import MoveForm, RenameForm, SettingsForm
from wiki.models import Page
from wiki.views.common import base_context, page_view, wiki_view


@page_view()
def rename(request, community, ab, wa, page):
    """A new title: the page's address follows it, the old one redirects."""
    data = request.POST if request.method == "POST" else None
    form = RenameForm(data, initial={"title": page.title})
    status = 200
    if data is not None:
        if form.is_valid():
            renamed, ok = run_service(
                request,
                services.page_rename,
                page=page,
                agent=request.user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                success=_("La page est renommée ; son ancienne adresse mène à elle."),
            )
            if ok:
                renamed.community = community
                return redirect(renamed.get_absolute_url())
        status = 400
    context = base_context(
        community,
        ab,
        wa,
        title=_("Renommer « %(title)s »") % {"title": page.title},
        page=page,
        form=form,
        allowed=wa.can_rename(page),
        refusal=wa.refusal(page),
    )
    return render(request, "wiki/rename.html", context, status=status)


@page_view()
def move(request, community, ab, wa, page):
    """Another parent, chosen among the pages that are neither the page nor its sub-pages."""
    choices = selectors.move_choices(page, include_hidden=wa.can_moderate)
    data = request.POST if request.method == "POST" else None
    form = MoveForm(data, choices=choices, initial={"parent": page.parent_id or ""})
    status = 200
    if data is not None:
        if form.is_valid():
            parent_id = form.cleaned_data["parent"]
            parent = (
                Page.objects.filter(pk=parent_id, community=community).first()
                if parent_id
                else None
            )
            moved, ok = run_service(
                request,
                services.page_move,
                page=page,
                agent=request.user,
                parent=parent,
                success=_("La page est déplacée."),
            )
            if ok:
                moved.community = community
                return redirect(moved.get_absolute_url())
        status = 400
    context = base_context(
        community,
        ab,
        wa,
        title=_("Déplacer « %(title)s »") % {"title": page.title},
        page=page,
        form=form,
        allowed=wa.can_move(page),
        refusal=wa.refusal(page)
        or (_("La page d'accueil reste en haut de l'arborescence.") if page.is_home else None),
    )
    return render(request, "wiki/move.html", context, status=status)


@page_view()
def protect(request, community, ab, wa, page):
    """Protect the page (only the animators edit it then) or lift the protection (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    protected = request.POST.get("protected") == "1"
    run_service(
        request,
        services.page_protect,
        page=page,
        agent=request.user,
        protected=protected,
        success=_("La page est protégée : seule l'animation la modifie.")
        if protected
        else _("La page n'est plus protégée."),
    )
    return redirect(page.get_absolute_url())


@page_view()
def faq_reorder(request, community, ab, wa, page):
    """The FAQ's questions with « Monter » and « Descendre » buttons (each a form: no
    JavaScript needed); each move is a new revision."""
    if not page.is_faq:
        messages.error(request, _("Cette page n'est pas une foire aux questions."))
        return redirect(page.get_absolute_url())
    status = 200
    if request.method == "POST":
        direction = {"up": -1, "down": 1}.get(request.POST.get("direction"))
        try:
            services.faq_move(
                page=page,
                agent=request.user,
                anchor=request.POST.get("question", ""),
                direction=direction,
                base_number=positive_id(request.POST.get("base_number")),
            )
        except services.WikiError as error:
            messages.error(request, str(error))
            status = status_of(error)
            page.refresh_from_db()
            page.community = community
        else:
            messages.success(request, _("L'ordre des questions est enregistré."))
            return redirect(reverse("wiki:faq_reorder", args=[community.slug, page.slug]))
    _intro, entries = markup.faq_entries(page.body)
    context = base_context(
        community,
        ab,
        wa,
        title=_("Ordre des questions de « %(title)s »") % {"title": page.title},
        page=page,
        entries=entries,
        allowed=wa.can_reorder(page),
    )
    return render(request, "wiki/faq_reorder.html", context, status=status)


@wiki_view("can_manage_settings")
def wiki_settings(request, community, ab, wa):
    """Who may create and edit the pages: the members (default) or the animators only."""
    current = services.settings_of(community)
    data = request.POST if request.method == "POST" else None
    form = SettingsForm(data, initial={"who_may_edit": current.who_may_edit})
    status = 200
    if data is not None:
        if form.is_valid():
            _row, ok = run_service(
                request,
                services.settings_update,
                community=community,
                agent=request.user,
                who_may_edit=form.cleaned_data["who_may_edit"],
                success=_("Les réglages du wiki sont enregistrés."),
            )
            if ok:
                return redirect(reverse("wiki:settings", args=[community.slug]))
        status = 400
    context = base_context(community, ab, wa, title=_("Réglages du wiki"), form=form)
    return render(request, "wiki/settings.html", context, status=status)
