"""What a search returns, whatever the backend: plain objects the views and templates read."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

# The facets of the agents' search, in the order the page shows them.
FACETS = {
    "region": _("Région"),
    "department": _("Département"),
    "ministry": _("Ministère"),
    "kind": _("Type de service"),
    "skill": _("Compétence"),
    "community": _("Communauté"),
}
SORTS = {"relevance": _("Pertinence"), "name": _("Nom")}
FACET_SIZE = 10


class FacetOption(NamedTuple):
    """One value of a facet: what goes in the URL, what the page shows, how many agents match."""

    value: str
    label: str
    count: int


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    # The values of this facet applied to the search (always among the options).
    selected: tuple[str, ...] = ()

    def __iter__(self):
        return iter(self.options)


@dataclass
class SearchResult:
    query: str
    sort: str
    # The filters actually applied: unknown values and values the viewer may not see are dropped.
    filters: dict[str, tuple[str, ...]]
    total: int
    # A django.core.paginator.Page: its object_list is the agents of the page.
    page: object
    facets: list[Facet]
    # True when the page asked for was past the last one (the last page is given instead).
    page_out_of_range: bool = False
    # (facet, value, label) of each applied filter, for the « filtres actifs » tags.
    applied: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def agents(self):
        return self.page.object_list

    @property
    def filtered(self):
        return bool(self.query.strip() or self.filters)

    @property
    def ranks_by_endorsements(self):
        return bool(self.filters.get("skill"))


@dataclass
class ExportResult:
    total: int
    # The agents to export, at most the limit asked for, in the order of the search.
    agents: list
    limit: int

    @property
    def truncated(self):
        return self.total > len(self.agents)
