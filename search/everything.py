"""The search over everything an agent may see: what the page, the suggestions and the tests
call, whatever the backend.

    result = search_everything(request.user, query="l'hôpital", filters={"type": ["wiki_page"]})
    result.total, result.hits, result.facets, result.page_number, result.pages

The viewer's access keys come from the permission policy (``search.registry.access_for``); the
backend keeps only documents holding one of them. The hits of the page are then asked to the
policy once more (``maillage.policy.readable_by``, one query per type on the page), so a
document the index has not caught up with yet — hidden a second ago — is never shown; it is
queued to be indexed again.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from maillage import policy
from search import registry
from search.backends import document_backend
from search.documents import EVERYTHING, FACETS, PERIODS, SORTS, SearchRequest
from search.query import parse

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
MAX_PAGE = 50
PER_PAGE = 20
SUGGESTIONS = 6


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list

    @property
    def selected(self):
        return [value for value in self.values if value.selected]


@dataclass
class EverythingResult:
    query: str
    parsed: object
    sort: str
    filters: dict
    total: int
    hits: list
    facets: list = field(default_factory=list)
    page_number: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self):
        return min(max((self.total + self.per_page - 1) // self.per_page, 1), MAX_PAGE)

    @property
    def has_previous(self):
        return self.page_number > 1

    @property
    def has_next(self):
        return self.page_number < self.pages

    @property
    def searched(self):
        return bool(self.parsed) or bool(self.filters)


def clean_filters(filters):
    known_types = {kind.name for kind in registry.types()}
    periods = {value for value, _label, _days in PERIODS}
    cleaned = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            continue
        if isinstance(values, str):
            values = [values]
        kept = []
        for value in values or ():
            value = str(value).strip()[:40]
            if name == "type" and value not in known_types:
                continue
            if name == "community" and not (value.isdigit() and 0 < int(value) < 2**63):
                continue
            if name == "period" and value not in periods:
                continue
            if name == "region" and not value.isalnum():
                continue
            if value and value not in kept:
                kept.append(value)
        if name == "period":
            kept = kept[:1]
        if kept:
            cleaned[name] = tuple(kept[:MAX_VALUES_PER_FACET])
    return cleaned


# The searchable type whose objects are the communities (the « Communauté » facet's values).
COMMUNITY_TYPE = "community"


def findable(viewer, kind):
    """Everything of ``kind``'s model ``viewer`` may find: the policy's ``readable_by``, unless
    the type says who finds it (a listed community's card is found by those who may not read
    its content)."""
    return kind.readable(viewer) if kind.readable else policy.readable_by(viewer, kind.model)


def findable_filters(viewer, filters):
    """``filters`` without the communities ``viewer`` may not find (a forged or stale id): their
    names would be shown among the active filters and the facet."""
    wanted = filters.get("community")
    kind = registry.get_type(COMMUNITY_TYPE)
    if not wanted or kind is None:
        return filters
    found = {
        str(pk)
        for pk in findable(viewer, kind)
        .filter(pk__in=[int(value) for value in wanted])
        .values_list("pk", flat=True)
    }
    kept = tuple(value for value in wanted if value in found)
    filters = {name: values for name, values in filters.items() if name != "community"}
    if kept:
        filters["community"] = kept
    return filters


def clean_page(page):
    try:
        number = int(str(page).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def search_everything(
    viewer, *, query="", filters=None, sort="relevance", page=1, per_page=PER_PAGE
):
    """One page of what ``viewer`` may read matching ``query`` and ``filters`` (facet name →
    values: OR within a facet, AND between facets), by relevance or date. Raises
    ``search.backends.SearchUnavailable`` when the index does not answer."""
    parsed = parse(str(query or "")[:MAX_QUERY_LENGTH])
    filters = findable_filters(viewer, clean_filters(filters))
    sort = sort if sort in SORTS else "relevance"
    page = clean_page(page)
    access, denied = registry.access_for(viewer)
    if not parsed and not filters or not access:
        return EverythingResult(parsed.text, parsed, sort, filters, 0, [], [], page, per_page)
    results = document_backend().search(
        SearchRequest(
            query=parsed,
            access=access,
            denied=denied,
            filters=filters,
            sort=sort,
            offset=(page - 1) * per_page,
            limit=per_page,
            now=timezone.now(),
        )
    )
    hits = readable_hits(viewer, results.hits, access)
    return EverythingResult(
        query=parsed.text,
        parsed=parsed,
        sort=sort,
        filters=filters,
        total=results.total,
        hits=hits,
        facets=labelled_facets(results.facets, filters),
        page_number=page,
        per_page=per_page,
    )


def suggest(viewer, query, *, limit=SUGGESTIONS, filters=None):
    """The first few matches of what is being typed (its last word as a prefix)."""
    parsed = parse(str(query or "")[:MAX_QUERY_LENGTH], prefix=True)
    access, denied = registry.access_for(viewer)
    if not parsed or not access:
        return []
    results = document_backend().search(
        SearchRequest(
            query=parsed,
            access=access,
            denied=denied,
            filters=findable_filters(viewer, clean_filters(filters)),
            limit=limit,
            facets=False,
            now=timezone.now(),
        )
    )
    return readable_hits(viewer, results.hits, access)


def readable_hits(viewer, hits, access):
    """The hits ``viewer`` may read, asked to the policy (one query per type on the page); the
    others are queued to be indexed again."""
    if access == EVERYTHING or not hits:
        return hits
    from search.indexing import queue

    by_type = {}
    for hit in hits:
        by_type.setdefault(hit.type, []).append(hit.id)
    readable = set()
    for type_name, ids in by_type.items():
        kind = registry.get_type(type_name)
        if kind is None:
            continue
        readable.update(
            (type_name, pk)
            for pk in findable(viewer, kind).filter(pk__in=ids).values_list("pk", flat=True)
        )
    stale = [(hit.type, hit.id) for hit in hits if (hit.type, hit.id) not in readable]
    if stale:
        queue(stale)
    return [hit for hit in hits if (hit.type, hit.id) in readable]


def labelled_facets(counts, filters):
    kinds = {kind.name: kind for kind in registry.types()}
    facets = []
    for name, label in FACETS.items():
        found = dict(counts.get(name, ()))
        selected = set(filters.get(name, ()))
        if name == "type":
            values = [
                FacetValue(
                    kind.name, str(kind.plural), found.get(kind.name, 0), kind.name in selected
                )
                for kind in kinds.values()
                if found.get(kind.name) or kind.name in selected
            ]
        elif name == "period":
            values = [
                FacetValue(value, period_label, found.get(value, 0), value in selected)
                for value, period_label, _days in PERIODS
                if found.get(value) or value in selected
            ]
        else:
            keys = list(dict.fromkeys([*found, *selected]))
            names = registry.labels(name, keys)
            values = sorted(
                (
                    FacetValue(
                        str(key), str(names.get(key, key)), found.get(key, 0), key in selected
                    )
                    for key in keys
                ),
                key=lambda value: (-value.count, value.label),
            )
        facets.append(Facet(name, label, values))
    return facets
