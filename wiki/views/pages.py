"""The wiki's home, a page, a new page, the editor (with its preview, its attachments and the
conflict screen), the list of pages and « Modifications récentes »."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.content import services as content_services
from maillage.http import positive_id, run_service, status_of
from maillage.routes import reversed_once
from wiki import diff, markup, selectors, services
from wiki.forms import AttachmentForm, NewPageForm, PageForm
from wiki.models import Page, normalise_title
from wiki.views.common import base_context, page_view, wiki_view
from wiki.views.history import label_rows

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _page_context(request, community, ab, wa, page):
    include_hidden = wa.can_moderate
    targets = selectors.link_targets(page)
    rendered = markup.render_page(page, community=community, targets=targets)
    context = base_context(
        community,
        ab,
        wa,
        title=page.title,
        page=page,
        crumbs=selectors.ancestors(page),
        children=selectors.children(page, include_hidden=include_hidden),
        backlinks=selectors.backlinks(page, include_hidden=include_hidden),
        rendered=rendered,
        attachments=content_services.attachments_of(page),
        can_edit=wa.can_edit(page),
        edit_refusal=wa.refusal(page) if wa.signed_in else None,
    )
    if page.is_faq:
        intro, entries = markup.faq_entries(page.body)
        context["faq_intro"] = markup.render(intro, community=community, targets=targets).html
        for entry in entries:
            entry.html = markup.render(entry.answer, community=community, targets=targets).html
        context["faq_entries"] = entries
    return context


@wiki_view()
def home(request, community, ab, wa):
    """The wiki's home page; without one, a contributor creates it (POST), the others read that
    the wiki is empty."""
    page = services.home_page(community)
    if page is not None and (not page.is_hidden or wa.can_moderate):
        page.community = community
        if request.method == "POST":
            return redirect(page.get_absolute_url())
        context = _page_context(request, community, ab, wa, page)
        context["is_home_address"] = True
        return render(request, "wiki/page.html", context)
    status = 200
    if request.method == "POST":
        try:
            page = services.home_create(community=community, agent=request.user)
        except services.WikiError as error:
            messages.error(request, str(error))
            status = status_of(error)
        else:
            messages.success(
                request, _("La page d'accueil du wiki est créée : à vous de l'écrire.")
            )
            return redirect(reverse("wiki:page_edit", args=[community.slug, page.slug]))
    context = base_context(
        community,
        ab,
        wa,
        title=_("Wiki"),
        top_pages=selectors.top_pages(community, include_hidden=wa.can_moderate),
        refusal=wa.refusal(),
    )
    return render(request, "wiki/home_empty.html", context, status=status)


@page_view()
def page_detail(request, community, ab, wa, page):
    return render(request, "wiki/page.html", _page_context(request, community, ab, wa, page))


def _parent_of(community, wa, value):
    parent_id = positive_id(value)
    if parent_id is None:
        return None
    parent = Page.objects.filter(pk=parent_id, community=community).first()
    if parent is None or not wa.can_read_page(parent):
        return None
    return parent


@wiki_view()
def page_new(request, community, ab, wa):
    """A new page (from « Nouvelle page », a missing link's ``?titre=…`` or a page's « Ajouter
    une sous-page » ``?parent=…``); a title that already has its page leads to it."""
    data = request.POST if request.method == "POST" else None
    title = " ".join(request.GET.get("titre", "").split())[:200]
    if title and data is None:
        existing = Page.objects.filter(
            community=community, title_key=normalise_title(title)
        ).first()
        if existing is not None and wa.can_read_page(existing):
            existing.community = community
            return redirect(existing.get_absolute_url())
    parent = _parent_of(community, wa, (data or request.GET).get("parent"))
    form = NewPageForm(
        data,
        initial={"title": title, "parent": parent.pk if parent else None, "kind": Page.Kind.PAGE},
    )
    status = 200
    if data is not None:
        if form.is_valid():
            page, ok = run_service(
                request,
                services.page_create,
                community=community,
                agent=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
                kind=form.cleaned_data["kind"],
                parent=parent,
                success=_("La page est créée."),
            )
            if ok:
                return redirect(page.get_absolute_url())
        status = 400
    context = base_context(
        community,
        ab,
        wa,
        title=_("Nouvelle page"),
        form=form,
        parent=parent,
        refusal=wa.refusal(),
    )
    return render(request, "wiki/page_new.html", context, status=status)


def _attach(request, community, wa, page, body):
    """The file of the editor's « Joindre » button, attached to the page, and its Markdown
    (an image shown, another file linked) added at the end of the text being edited."""
    upload_form = AttachmentForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        for error in upload_form.errors.get("file", []):
            messages.error(request, error)
        return body, False
    attachment, ok = run_service(
        request,
        services.page_attach,
        page=page,
        agent=request.user,
        upload=upload_form.cleaned_data["file"],
    )
    if not ok:
        return body, False
    url = reverse("communities:attachment", args=[attachment.pk])
    name = attachment.name.replace("]", "").replace("[", "")
    snippet = f"![{name}]({url})" if attachment.mime_type in IMAGE_TYPES else f"[{name}]({url})"
    messages.success(
        request,
        _("Le fichier « %(name)s » est joint ; son lien est ajouté à la fin du texte.")
        % {"name": attachment.name},
    )
    return (body.rstrip("\n") + "\n\n" + snippet + "\n").lstrip("\n"), True


@page_view()
def page_edit(request, community, ab, wa, page):
    """The editor. Its buttons: « Enregistrer », « Prévisualiser » (without JavaScript; the tab
    asks ``wiki:preview``), « Joindre » (a file, its Markdown added to the text). A save from an
    older revision is merged with the others', or shows the conflict: both texts, their diff,
    the agent's text kept in the form."""
    data = request.POST if request.method == "POST" else None
    form = PageForm(
        data,
        faq=page.is_faq,
        initial={"title": page.title, "body": page.body, "base_number": page.last_number},
    )
    status, preview, conflict, conflict_rows = 200, None, None, None
    action = (data or {}).get("action", "save")
    if data is not None:
        if not form.is_valid():
            status = 400
        elif action in ("preview", "attach"):
            body = form.cleaned_data["body"]
            if action == "attach":
                body, ok = _attach(request, community, wa, page, body)
                status = 200 if ok else 400
                form = PageForm({**data.dict(), "body": body}, faq=page.is_faq)
                form.is_valid()
            preview = markup.render(
                body, community=community, targets=selectors.targets_for(community, _keys(body))
            )
        else:
            try:
                saved = services.page_save(
                    page=page,
                    agent=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    summary=form.cleaned_data["summary"],
                    base_number=form.cleaned_data["base_number"],
                )
            except services.EditConflict as error:
                conflict = error
                conflict_rows = diff.diff_rows(error.their_body, error.body)
                # Saving again now starts from their revision: the agent's text replaces it.
                form = PageForm({**data.dict(), "base_number": error.their_number}, faq=page.is_faq)
                form.is_valid()
                status = 409
            except services.WikiError as error:
                messages.error(request, str(error))
                status = status_of(error)
            else:
                if saved.revision is None:
                    messages.info(
                        request, _("Aucune modification : la page est restée telle quelle.")
                    )
                elif saved.merged:
                    messages.success(
                        request,
                        _(
                            "La page avait été modifiée pendant que vous l'éditiez, à d'autres "
                            "endroits : les deux modifications sont fusionnées (version n° "
                            "%(number)s)."
                        )
                        % {"number": saved.revision.number},
                    )
                else:
                    messages.success(request, _("La page est enregistrée."))
                saved.page.community = community
                return redirect(saved.page.get_absolute_url())
    context = base_context(
        community,
        ab,
        wa,
        title=_("Modifier « %(title)s »") % {"title": page.title},
        page=page,
        form=form,
        upload_form=AttachmentForm(),
        preview=preview,
        conflict=conflict,
        conflict_rows=conflict_rows,
        can_edit=wa.can_edit(page),
        refusal=wa.refusal(page),
        attachments=content_services.attachments_of(page),
    )
    return render(request, "wiki/page_edit.html", context, status=status)


def _keys(body):
    return [key for key, _title in markup.wiki_links(body)]


@wiki_view()
def preview(request, community, ab, wa):
    """The Markdown preview of the editor's tab (htmx POST): the text rendered as the page will
    be, wiki links resolved."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = (request.POST.get("body") or "").replace("\r\n", "\n")[:200_000]
    rendered = markup.render(
        body, community=community, targets=selectors.targets_for(community, _keys(body))
    )
    return render(
        request,
        "wiki/partials/preview.html",
        base_context(community, ab, wa, preview=rendered),
    )


@wiki_view()
def page_list(request, community, ab, wa):
    """The tree's top (with the home page) and every page by title, 100 at a time, the next ones
    behind « Pages suivantes » (a keyset cursor, ``?apres=<title_key>``)."""
    include_hidden = wa.can_moderate
    top = selectors.top_pages(community, include_hidden=include_hidden)
    listing = selectors.pages_list(
        community, request.GET.get("apres"), include_hidden=include_hidden
    )
    context = base_context(
        community, ab, wa, title=_("Toutes les pages"), top_pages=top, listing=listing
    )
    return render(request, "wiki/pages.html", context)


@wiki_view()
def recent(request, community, ab, wa):
    """« Modifications récentes », 50 at a time, older ones behind « Modifications plus
    anciennes » (a keyset cursor)."""
    changes = selectors.recent_changes(
        community, request.GET.get("avant"), include_hidden=wa.can_moderate
    )
    # Each row's links from routes reversed once per page (maillage.routes), its date and kind
    # worked out here.
    page_url = reversed_once("wiki:page", community.slug, ...)
    diff_url = reversed_once("wiki:diff", community.slug, ...)
    revision_url = reversed_once("wiki:revision", community.slug, ..., ...)
    for revision in label_rows(changes.changes):
        slug = revision.page.slug
        revision.page_url = page_url(slug)
        revision.diff_url = f"{diff_url(slug)}?de={revision.number - 1}&a={revision.number}"
        revision.revision_url = revision_url(slug, revision.number)
    context = base_context(community, ab, wa, title=_("Modifications récentes"), changes=changes)
    return render(request, "wiki/recent.html", context)
