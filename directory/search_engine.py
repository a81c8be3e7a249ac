"""The agents' search on the engine (OpenSearch or Elasticsearch): ``SEARCH_BACKEND = "engine"``,
registered by ``DirectoryConfig`` with the search core (``search.backends``).

There is no index of its own: the search over everything already indexes every active agent
(``directory.search.agent_document``) with its access keys, and with what this search reads —
``tags`` ("region:<code>", "department:<code>", "ministry:<code>", "kind:<code>",
"skill:<tag id>", and the groups' facets: "community:<slug>"), ``ranks`` (peer endorsements per
skill) and ``sort_key`` (the name order) — kept true on commit by the same queue
(``search.indexing``) and rebuilt by the same ``search_reindex``.

One engine request (``facet_search`` of the engine backend) gives the total, the page's ids in
order and the facets' counts, each counted with the other facets' filters; who may be found is
what the viewer's access keys open (``search.registry.access_for``): every active agent for a
State agent, the members of their communities for an external partner — the rule
``directory.relations.visible_agents`` states, which the page's rows are checked against once
more. The rest is the database backend's: the filter values resolved (unknown values and groups
the viewer may not filter by dropped, one query), the page's rows loaded by their ids, the skill
badges and endorsement counts, the facets' labels, the skill completion and the CSV export.
"""

import math

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator

from directory.facet_labels import by_code
from directory.models import Agent
from directory.relations import visible_agents
from directory.search_backend import (
    PAGE_RELATED,
    SERVICE_FACETS,
    DatabaseBackend,
    _group_facets,
)
from search import registry
from search.backends import document_backend
from search.query import parse
from search.results import FACETS, FacetOption, SearchResult


class EngineBackend(DatabaseBackend):
    name = "engine"

    def search_agents(self, viewer, *, query, filters, sort, page, per_page):
        selected = self._resolve(viewer, filters)
        names = (*SERVICE_FACETS, "skill", *_group_facets)
        skills = selected.get("skill", ())
        ask = {
            "type": "agent",
            "query": self._query(query),
            "tag_filters": {
                name: [self._tag_value(name, item) for item in items]
                for name, items in selected.items()
            },
            "rank_keys": [f"skill:{item.pk}" for item in skills] if sort == "relevance" else [],
            "sort": sort,
            "limit": per_page,
        }
        ask["access"], ask["denied"] = registry.access_for(viewer)
        engine = self._engine()
        found = engine.facet_search(**ask, facet_names=names, offset=(page - 1) * per_page)
        total = found.total
        num_pages = max(math.ceil(total / per_page), 1)
        out_of_range = page > num_pages
        number = min(page, num_pages)
        ids = found.ids
        if out_of_range and total:  # past the last page: the last one
            ids = engine.facet_search(**ask, offset=(number - 1) * per_page).ids
        agents = self._rows(viewer, ids)
        self._attach_skills(agents, skills)
        page_obj = Page(agents, number, Paginator(range(total), per_page))

        facets = self._service_facets_from(found.facets, selected)
        facets["skill"] = self._skill_facet_from(dict(found.facets.get("skill", ())), skills)
        for name in _group_facets:
            facets[name] = self._group_facet_from(
                name, viewer, dict(found.facets.get(name, ())), selected.get(name, [])
            )
        return SearchResult(
            query=query,
            sort=sort,
            filters={name: tuple(s.value for s in items) for name, items in selected.items()},
            total=total,
            page=page_obj,
            facets=[facets[name] for name in FACETS if name in facets],
            page_out_of_range=out_of_range,
            applied=[
                (name, item.value, item.label) for name, items in selected.items() for item in items
            ],
        )

    def export_agents(self, viewer, *, query, filters, sort, limit):
        """The CSV export stays on the database (the database backend's): up to 5,000 rows
        read whole, in the database's text matching and order, for a few officers."""
        return super().export_agents(viewer, query=query, filters=filters, sort=sort, limit=limit)

    # --- building blocks -------------------------------------------------------------------

    @staticmethod
    def _engine():
        engine = document_backend()
        if not hasattr(engine, "facet_search"):
            raise ImproperlyConfigured(
                'SEARCH_BACKEND = "engine" needs the search over everything on an engine '
                "(SEARCH_ENGINE: OpenSearch or Elasticsearch)."
            )
        return engine

    @staticmethod
    def _query(text):
        """The engine's words (accents, case and elisions dropped, stemmed by the engine); the
        last one also matches as the start of a word, as the database's substrings do."""
        query = parse(text, prefix=True)
        return query if query or query.excluded else None

    @staticmethod
    def _tag_value(name, item):
        # Skills are tagged by their id (a slug may change with the name); the rest by value.
        return str(item.pk) if name == "skill" else item.value

    @staticmethod
    def _rows(viewer, ids):
        """The page's agents in the engine's order, their services joined and skills
        read by ``_attach_skills``; an agent the index has not caught up with (deactivated, no longer
        visible) is left out and indexed again."""
        if not ids:
            return []
        rows = Agent.objects.filter(pk__in=ids, is_active=True, closed_at__isnull=True)
        rows = visible_agents(viewer, rows).select_related(*PAGE_RELATED)
        by_id = {agent.pk: agent for agent in rows}
        stale = [pk for pk in ids if pk not in by_id]
        if stale:
            from search.indexing import queue

            queue([("agent", pk) for pk in stale])
        return [by_id[pk] for pk in ids if pk in by_id]

    def _service_facets_from(self, counted, selected):
        """The four facets of the organisation from the engine's counts by code, labelled as
        the database backend labels them (``directory.facet_labels``)."""
        facets = {}
        for name in SERVICE_FACETS:
            labels = by_code(name)
            options = {
                code: FacetOption(code, self._label(name, code, labels[code]), count)
                for code, count in counted.get(name, ())
                if code in labels
            }
            facets[name] = self._make_facet(name, options, selected.get(name, []))
        return facets
