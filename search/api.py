"""The search API: what views call, whatever backend ``settings.SEARCH_BACKEND`` selects.

    result = search_agents(request.user, query="urbanisme", filters={"region": ["53"]})
    result.total, result.page.object_list, result.facets, result.filters

Every argument is sanitised here, so backends receive clean values and a hand-written URL never
raises: unknown facets and sorts are ignored, a wrong page number becomes the first page.
"""

from search.backends import get_backend
from search.results import FACETS, SORTS, ExportResult, Facet, FacetOption, SearchResult

__all__ = [
    "EXPORT_LIMIT",
    "FACETS",
    "SORTS",
    "ExportResult",
    "Facet",
    "FacetOption",
    "SearchResult",
    "export_agents",
    "params_from_querydict",
    "search_agents",
    "suggest_skills",
]

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 100
MAX_PER_PAGE = 100
EXPORT_LIMIT = 5000


def search_agents(viewer, *, query="", filters=None, sort="relevance", page=1, per_page=20):
    """One page of the active agents ``viewer`` may see matching ``query`` and ``filters``.

    ``filters`` maps a facet name (``FACETS``) to a value or a list of values: values of one facet
    are OR-ed, facets are AND-ed. ``sort`` is "relevance" (weighted text matches, and peer
    endorsements of the filtered skills first when a skill filter is given) or "name". Returns a
    ``SearchResult`` with the page, the total and the facets with their counts (each facet counted
    with the other facets' filters, so that several values of one facet can be chosen).
    """
    return get_backend().search_agents(
        viewer,
        query=_clean_query(query),
        filters=_clean_filters(filters),
        sort=_clean_sort(sort),
        page=_clean_page(page),
        per_page=min(max(_clean_page(per_page), 1), MAX_PER_PAGE),
    )


def export_agents(viewer, *, query="", filters=None, sort="relevance", limit=EXPORT_LIMIT):
    """The agents of a search, in its order, at most ``limit`` (services, skills loaded).

    Whether ``viewer`` may export at all is the caller's question (the permission policy's
    ``can_export_agents``); this only applies what they may see."""
    return get_backend().export_agents(
        viewer,
        query=_clean_query(query),
        filters=_clean_filters(filters),
        sort=_clean_sort(sort),
        limit=max(int(limit), 0),
    )


def suggest_skills(query, *, limit=10):
    """Names of existing agents' skills matching ``query`` regardless of accents and case:
    those starting with it first, then those containing it, the most used first."""
    query = _clean_query(query)
    if not query.strip():
        return []
    return get_backend().suggest_skills(query, limit=limit)


def params_from_querydict(data):
    """The keyword arguments of ``search_agents`` from a GET query (``q``, ``sort``, ``page`` and
    one repeatable parameter per facet)."""
    return {
        "query": data.get("q", ""),
        "sort": data.get("sort", "relevance"),
        "page": data.get("page", 1),
        "filters": {name: data.getlist(name) for name in FACETS if name in data},
    }


# --- sanitising -----------------------------------------------------------------------------


def _clean_query(query):
    return str(query or "")[:MAX_QUERY_LENGTH]


def _clean_sort(sort):
    return sort if sort in SORTS else "relevance"


def _clean_page(page):
    try:
        number = int(str(page).strip())
    except (TypeError, ValueError):  # "abc", None, and integers too long to parse
        return 1
    return max(number, 1)


def _clean_filters(filters):
    cleaned = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            continue
        if isinstance(values, str):
            values = [values]
        kept = []
        for value in values or ():
            value = str(value).strip()[:MAX_VALUE_LENGTH]
            if value and value not in kept:
                kept.append(value)
        if kept:
            cleaned[name] = tuple(kept[:MAX_VALUES_PER_FACET])
    return cleaned
