"""The box's list of ideas (sorts, filters, pages; htmx swaps the list), its roadmap (a column
per status) and the similar ideas shown while a title is typed."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ideas import selectors, services
from ideas.models import Idea
from ideas.views.common import base_context, decorate, ideas_view
from maillage.http import page_or_fragment

# The filters of « Afficher », for a signed-in reader.
MINE = {"idees": "Mes idées", "soutenues": "Que je soutiens"}


def idea_index(request, slug):
    """The box's list; the platform box « Améliorer Maillage » (the navigation's link) is
    created on its first visit."""
    if slug == services.PLATFORM_SLUG and request.user.is_authenticated:
        services.platform_box()
    return _idea_index(request, slug=slug)


@ideas_view()
def _idea_index(request, community, ab, ia):
    page = selectors.ideas_page(
        request.user,
        community,
        tri=request.GET.get("tri", ""),
        statut=request.GET.get("statut", ""),
        theme=request.GET.get("theme", ""),
        mes=request.GET.get("mes", ""),
        page=request.GET.get("page"),
        include_hidden=ia.can_moderate,
    )
    decorate(request, community, ia, page.ideas)
    context = base_context(
        community,
        ab,
        ia,
        title=_("Boîte à idées"),
        idea_page=page,
        sorts=selectors.SORTS,
        statuses=[(key, label) for key, label in Idea.Status.choices],
        themes=selectors.box_themes(community),
        mine=MINE if ia.can_filter_mine else {},
    )
    return page_or_fragment(
        request,
        "ideas/index.html",
        "ideas/partials/idea_list.html",
        context,
        push_url=request.get_full_path(),
    )


# The roadmap's columns, in order (merged ideas live on in their target's column).
ROADMAP = [
    Idea.Status.NEW,
    Idea.Status.STUDYING,
    Idea.Status.ADOPTED,
    Idea.Status.IMPLEMENTED,
    Idea.Status.REJECTED,
]
ROADMAP_LABELS = {
    Idea.Status.NEW: _("Nouvelles"),
    Idea.Status.STUDYING: _("À l'étude"),
    Idea.Status.ADOPTED: _("Retenues"),
    Idea.Status.IMPLEMENTED: _("Mises en œuvre"),
    Idea.Status.REJECTED: _("Non retenues"),
}
# The ideas shown in each column (« Voir toutes » leads to the filtered list).
ROADMAP_SIZE = 5


@ideas_view()
def roadmap(request, community, ab, ia):
    counts, tops = selectors.roadmap(
        community, ROADMAP, per_status=ROADMAP_SIZE, include_hidden=ia.can_moderate
    )
    prefix = reverse("ideas:idea", args=[community.slug, 0]).removesuffix("0/")
    columns = []
    for status in ROADMAP:
        ideas = tops.get(status, [])
        for idea in ideas:
            idea.url = f"{prefix}{idea.pk}/"
        columns.append(
            {
                "status": status,
                "label": ROADMAP_LABELS[status],
                "count": counts.get(status, 0),
                "ideas": ideas,
            }
        )
    context = base_context(
        community, ab, ia, title=_("Feuille de route des idées"), columns=columns
    )
    return render(request, "ideas/roadmap.html", context)


@ideas_view()
def similar(request, community, ab, ia):
    """The fragment of similar ideas (``?titre=``, or ``title`` as the form's field sends it);
    a plain GET shows the same fragment."""
    text = request.GET.get("titre") or request.GET.get("title") or ""
    found = selectors.similar_ideas(community, text, exclude=request.GET.get("sauf"))
    decorate(request, community, ia, found, supports=False)
    response = render(
        request,
        "ideas/partials/similar.html",
        {"community": community, "similar": found if text.strip() else None},
    )
    response["Vary"] = "HX-Request"
    return response
