"""A page's history, the diff of two of its revisions, one revision, and its restore."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.french import MONTHS
from maillage.http import positive_id, status_of
from maillage.routes import reversed_once
from wiki import diff, markup, selectors, services
from wiki.models import Revision
from wiki.views.common import base_context, page_view

KIND_LABELS = dict(Revision.Kind.choices)


def when(value):
    """« 7 décembre 2026 à 10:05 », as the ``date:"j F Y à H:i"`` filter wrote it, from the
    month table (a history or recent changes prints one per row)."""
    local = timezone.localtime(value)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


def label_rows(revisions):
    """Each revision's date and kind, worked out here once instead of by filters per row."""
    for revision in revisions:
        revision.when = when(revision.created_at)
        revision.kind_label = KIND_LABELS.get(revision.kind, revision.kind)
    return revisions


@page_view()
def history(request, community, ab, wa, page):
    """The revisions, newest first, 30 at a time; two radio columns choose the diff."""
    history_page = selectors.history_page(page, request.GET.get("page"))
    # The revision and restore links, reversed once per page (maillage.routes).
    revision_url = reversed_once("wiki:revision", community.slug, page.slug, ...)
    restore_url = reversed_once("wiki:restore", community.slug, page.slug, ...)
    for revision in label_rows(history_page.revisions):
        revision.url = revision_url(revision.number)
        revision.restore_url = restore_url(revision.number)
    context = base_context(
        community,
        ab,
        wa,
        title=_("Historique de « %(title)s »") % {"title": page.title},
        page=page,
        history=history_page,
        can_restore=wa.can_restore(page),
    )
    return render(request, "wiki/history.html", context)


@page_view()
def compare(request, community, ab, wa, page):
    """The diff from revision ``de`` to revision ``a`` (by default the last change); numbers
    that are not revisions of the page answer 404, two equal numbers a French message."""
    last = page.last_number
    new_number = positive_id(request.GET.get("a")) if request.GET.get("a") else last
    if request.GET.get("de"):
        old_number = positive_id(request.GET.get("de"))
    else:
        old_number = max(1, (new_number or last) - 1)
    status = 200
    if old_number is None or new_number is None or old_number > last or new_number > last:
        context = base_context(
            community,
            ab,
            wa,
            title=_("Comparer deux versions"),
            page=page,
            error=_("Ces versions n'existent pas : la page compte %(count)s version(s).")
            % {"count": last},
        )
        return render(request, "wiki/diff.html", context, status=404)
    if old_number > new_number:
        old_number, new_number = new_number, old_number
    old = selectors.revision_or_404(page, old_number)
    new = old if new_number == old_number else selectors.revision_or_404(page, new_number)
    table, added, removed = diff.revision_diff_table(old, new) if old is not new else ("", 0, 0)
    context = base_context(
        community,
        ab,
        wa,
        title=_("Comparer deux versions de « %(title)s »") % {"title": page.title},
        page=page,
        old=old,
        new=new,
        table=table,
        added=added,
        removed=removed,
        same=old is new,
        title_changed=old.title != new.title,
    )
    return render(request, "wiki/diff.html", context, status=status)


@page_view()
def revision(request, community, ab, wa, page, number):
    """One revision as it read then (its links resolved as the wiki is now)."""
    rev = selectors.revision_or_404(page, number)
    keys = [key for key, _title in markup.wiki_links(rev.body)]
    rendered = markup.render(
        rev.body, community=community, targets=selectors.targets_for(community, keys)
    )
    context = base_context(
        community,
        ab,
        wa,
        title=_("« %(title)s », version n° %(number)s")
        % {"title": rev.title, "number": rev.number},
        page=page,
        rev=rev,
        step=_("Version n° %(number)s") % {"number": rev.number},
        rendered=rendered,
        can_restore=wa.can_restore(page) and rev.number != page.last_number,
    )
    return render(request, "wiki/revision.html", context)


@page_view()
def restore(request, community, ab, wa, page, number):
    """Confirm (GET), then restore (POST): a new revision with this one's text."""
    rev = selectors.revision_or_404(page, number)
    status = 200
    if request.method == "POST":
        try:
            result = services.page_restore(page=page, agent=request.user, number=rev.number)
        except services.WikiError as error:
            messages.error(request, str(error))
            status = status_of(error)
        else:
            messages.success(
                request,
                _("Le texte de la version n° %(old)s est rétabli (version n° %(new)s).")
                % {"old": rev.number, "new": result.number},
            )
            return redirect(page.get_absolute_url())
    context = base_context(
        community,
        ab,
        wa,
        title=_("Restaurer la version n° %(number)s") % {"number": rev.number},
        page=page,
        rev=rev,
        can_restore=wa.can_restore(page),
        refusal=wa.refusal(page),
    )
    return render(request, "wiki/restore.html", context, status=status)
