"""The search over everything an agent may read: the page (whole, or its results for htmx), the
suggestions of the header's box as an agent types, and the French answer when the index does not
answer (503).

Everything is a GET form: the page works without JavaScript, htmx only spares the reloads. What
the address carries is cleaned by ``search.everything`` (unknown facet values dropped, the page
kept between 1 and the last, a community the agent may not find dropped from the filters, so
that its name is never shown to someone who cannot see it).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from maillage.http import page_or_fragment
from search import registry
from search.backends import SearchUnavailable
from search.documents import FACETS, SORTS
from search.everything import (
    MAX_PAGE,
    MAX_QUERY_LENGTH,
    clean_filters,
    search_everything,
    suggest,
)

# How long a client should wait before asking again when the index does not answer.
RETRY_AFTER = 30


@login_required
@require_GET
def search_page(request):
    query = _query_text(request.GET.get("q"))
    sort = request.GET.get("sort", "")
    filters = _filters_of(request.GET)
    try:
        result = search_everything(
            request.user, query=query, filters=filters, sort=sort, page=request.GET.get("page")
        )
        out_of_range = result.total > 0 and result.page_number > result.pages
        if out_of_range:
            # Past the last page: its last page, and a word about it.
            result = search_everything(
                request.user, query=query, filters=filters, sort=sort, page=result.pages
            )
    except SearchUnavailable:
        return search_unavailable(request)

    params = _params(result)
    page_param = [("page", str(result.page_number))] if result.page_number > 1 else []
    context = {
        "result": result,
        "hits": _decorated(result.hits),
        "pagination": _pagination(request.path, params, result),
        "sorts": list(SORTS.items()),
        "active_filters": _active_filters(request.path, result, params),
        "scope": _community_scope(request.path, result, params),
        "out_of_range": out_of_range,
        "start": (result.page_number - 1) * result.per_page + 1,
        "title": f"Recherche\u00a0: {result.query}" if result.query else "Recherche",
    }
    return page_or_fragment(
        request,
        "search/search.html",
        "search/partials/results.html",
        {**context, "facets_oob": True},
        push_url=_address(request.path, params + page_param),
    )


@login_required
@require_GET
def suggestions(request):
    """The first few matches of what the header's box holds (its last word as a prefix): a list
    of links, fetched by htmx as the agent types. Without JavaScript the box's form is simply
    submitted to the page."""
    query = _query_text(request.GET.get("q"))
    unavailable = False
    try:
        hits = suggest(request.user, query)
    except SearchUnavailable:
        hits, unavailable = [], True
    response = render(
        request,
        "search/partials/suggestions.html",
        {"hits": _decorated(hits), "query": query, "unavailable": unavailable},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- helpers ---------------------------------------------------------------------------------


def _query_text(value):
    """What the agent typed, at most MAX_QUERY_LENGTH characters cut between two words (a word
    cut in half would be searched as such), without NUL (which no database stores)."""
    text = str(value or "").replace("\x00", "")
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[: MAX_QUERY_LENGTH + 1]
        text = cut.rsplit(None, 1)[0] if " " in cut.strip() else cut[:MAX_QUERY_LENGTH]
    return text


def _filters_of(data):
    return clean_filters({name: data.getlist(name) for name in FACETS})


def _params(result):
    """The search's parameters as the address shows them, page excluded: ``[(name, value)]``."""
    params = [("q", result.query)] if result.query else []
    if result.sort != "relevance":
        params.append(("sort", result.sort))
    for name in FACETS:
        params.extend((name, value) for value in result.filters.get(name, ()))
    return params


def _address(path, params):
    return path + (f"?{urlencode(params)}" if params else "")


def _without(params, name, value=None):
    return [(n, v) for n, v in params if not (n == name and value in (None, v))]


def _active_filters(path, result, params):
    """``[(facet label, value label, address without it)]`` for every value ticked."""
    return [
        (facet.label, value.label, _address(path, _without(params, facet.name, value.value)))
        for facet in result.facets
        for value in facet.selected
    ]


def _community_scope(path, result, params):
    """When the search is restricted to communities: their names and the address of the same
    search everywhere."""
    chosen = result.filters.get("community")
    if not chosen:
        return None
    names = registry.labels("community", list(chosen))
    return {
        "names": [str(names[value]) for value in chosen],
        "everywhere_url": _address(path, _without(params, "community")),
    }


def _pagination(path, params, result):
    """The DSFR pagination over the reachable results (at most MAX_PAGE pages), each link the
    cleaned address of its page; None when everything fits in one."""
    if result.pages <= 1:
        return None
    reachable = min(result.total, MAX_PAGE * result.per_page)
    page = Paginator(range(reachable), result.per_page).get_page(result.page_number)

    def url(number):
        return _address(path, params + ([("page", str(number))] if number > 1 else []))

    return {
        "number": page.number,
        "count": page.paginator.num_pages,
        "first": url(1) if page.has_previous() else None,
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "last": url(page.paginator.num_pages) if page.has_next() else None,
        "pages": [
            {"number": number, "url": url(number) if isinstance(number, int) else None}
            for number in page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        ],
    }


def _decorated(hits):
    """Each hit with its type's label and its community's name (one call for the page)."""
    community_ids = list(dict.fromkeys(str(hit.community_id) for hit in hits if hit.community_id))
    names = registry.labels("community", community_ids) if community_ids else {}
    decorated = []
    for hit in hits:
        kind = registry.get_type(hit.type)
        decorated.append(
            {
                "hit": hit,
                "type_label": kind.label if kind else hit.type,
                "community": names.get(str(hit.community_id)) if hit.community_id else None,
            }
        )
    return decorated


def search_unavailable(request):
    """503 with the French page; htmx, which swaps no error, is sent to that page. Every page
    whose search the engine answers says it this way (the directory's too)."""
    response = render(request, "search/unavailable.html", {"title": "Recherche"}, status=503)
    if getattr(request, "htmx", None):
        response["HX-Redirect"] = request.get_full_path()
    response["Retry-After"] = str(RETRY_AFTER)
    patch_vary_headers(response, ["HX-Request"])
    return response
