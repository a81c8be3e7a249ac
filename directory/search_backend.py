"""The agents' database search backend: the ORM on ``Agent.search_text``, on SQLite and PostgreSQL
alike. Registered with the search core (``search.backends``) by ``DirectoryConfig``.

``search_text`` holds the agent's searchable fields lower-cased and without accents, in weighted
segments (``search.text.segmented_text``); query terms are normalised the same way, so a plain
``LIKE '%term%'`` (``search_text__contains``) is accent- and case-insensitive on every engine,
without the ``unaccent`` extension or a collation. Each term must appear. Relevance is computed in
SQL from the segment where each term first appears (name > skills > position > service > other).

One search runs a constant number of queries, whatever the number of agents: the labels of the
selected skills and groups (one UNION, only when they are filtered on); for a search with words
(and no filter of the organisation) or with a skill or group filter (and no words), one
statement that reads the matches once (``_one_pass``: grouped by
service, which gives the total and the four facets of the organisation — region, department,
ministry, kind of service —, sorted for the page's ids, and their stored tags unnested for the
skill and group facets no filter of their own narrows), otherwise one GROUP BY service, the
page's ids and one pass over the stored tags; then the page's rows (services joined), their
skills (one query), the endorsements of its agents (only with a skill filter), one more pass
over the stored tags for each skill or group facet a filter narrows (without it), the skills'
labels and the groups the facet may list. The tags are stored on the agents' rows
(``Agent.facet_tags``, kept by ``directory.facet_tags``). The organisation's labels come from
``directory.facet_labels`` (the cache; one UNION over the small reference tables after they
changed).

The group facets are the facets by the groups agents are active members of, which the apps above
the directory make and register here (``register_group_facet``): the communities add
« Communauté ». Who may be found at all is ``directory.relations.visible_agents``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left, StrIndex
from django.db.models.lookups import LessThan
from taggit.models import Tag, TaggedItem

from directory import whole_counts
from directory.facet_labels import facet_labels
from directory.models import Agent, Endorsement
from directory.relations import visible_agents
from search.results import FACET_SIZE, FACETS, ExportResult, Facet, FacetOption, SearchResult
from search.text import SEGMENT_MARKERS, normalize, terms

# Weight of a term found first in the name, skills (and expertise), position, service; anything
# else (interests) weighs 1.
SEGMENT_WEIGHTS = (10, 5, 3, 2)
OTHER_WEIGHT = 1
SKILL_VOCABULARY_CACHE_KEY = "search:skill-vocabulary"
SKILL_VOCABULARY_TTL = 300  # seconds: a new skill shows in the completion within five minutes
SKILL_VOCABULARY_MAX = 20000

PAGE_RELATED = ("service__kind", "service__ministry", "service__region", "service__department")
# The text starts with "last name first name", normalised: ordering by it sorts names the French
# way ("Élève" among the E, "de Gaulle" among the D) on every engine, without a collation. Its
# first NAME_KEY_LENGTH characters (the name and more) are the key, as the partial index
# ``directory_agent_active_by_name`` holds it on PostgreSQL (migration 0008): the directory in
# name order reads 20 entries of that index instead of sorting every agent (45 → 1 ms at 82,000
# agents). A whole text would not fit a B-tree entry (a long biography).
NAME_KEY_LENGTH = 120
NAME_ORDER = (Left("search_text", NAME_KEY_LENGTH), "pk")


# Agents' skills are taggit's default through model restricted to the Agent content type (the
# other tag lists of an agent have their own through models). Matched on the content type's
# natural key rather than its id, so no ContentType look-up (cached or not) is needed.
def agent_skill_items():
    # The content type as a scalar subquery, not a join: joined by app label and model,
    # PostgreSQL misjudges the row count (~1,000 for ~90,000) and picks nested loops.
    agent_type = ContentType.objects.filter(app_label="directory", model="agent").values("pk")[:1]
    return TaggedItem.objects.filter(content_type_id=Subquery(agent_type))


SERVICE_FACETS = ("region", "department", "ministry", "kind")


@dataclass(frozen=True)
class GroupFacet:
    """A facet of the agents' search by a kind of group (the communities), given by its app.

    ``choices(viewer, values)``: the groups among ``values`` (their ``value`` field) that
    ``viewer`` may filter by — a value they may not use is dropped, never an error.
    ``members(ids)``: the ids of the agents who are active members of one of the groups ``ids``
    (a single-column queryset).
    ``listable(viewer, values, chosen)``: the groups among ``values`` the facet may list to
    ``viewer`` (``chosen``, the selected values, always), a queryset of groups whose ``value``
    and ``label`` fields the facet shows. Its counts are those of the agents' stored tags
    "<name>:<value>" (``directory.search.register_agent_tags``, ``directory.facet_tags``).
    """

    choices: Callable
    members: Callable
    listable: Callable
    value: str = "slug"
    label: str = "name"
    # The models whose saves and deletions change the facet's counts (``directory.whole_counts``).
    watched: tuple = ()


_group_facets = {}


def register_group_facet(name, **kwargs):
    """A facet named ``name`` (one of ``search.results.FACETS``) by a kind of group."""
    facet = GroupFacet(**kwargs)
    _group_facets[name] = facet
    for model in facet.watched:
        whole_counts.watch(model)


class _ServiceRow(NamedTuple):
    service: int | None
    region: int | None
    department: int | None
    ministry: int | None
    kind: int | None


def _passes(row, selected, without=None):
    """Whether a group by service passes the selected service filters (but ``without``'s)."""
    return all(
        getattr(row, name) in {item.pk for item in selected[name]}
        for name in SERVICE_FACETS
        if name != without and name in selected
    )


@dataclass(frozen=True)
class _Selected:
    pk: int
    value: str
    label: str


@dataclass
class SkillBadge:
    """A skill on a result card; ``endorsements`` is None unless the search ranks by them."""

    name: str
    slug: str
    selected: bool = False
    endorsements: int | None = None


class DatabaseBackend:
    name = "database"

    # --- the public interface (see search.api) ---------------------------------------------

    def search_agents(self, viewer, *, query, filters, sort, page, per_page):
        words = terms(query)
        selected = self._resolve(viewer, filters)
        base = self._base(viewer, words)
        conditions = {name: self._condition(name, values) for name, values in selected.items()}
        matching = self._narrow(base, conditions)

        # The matches grouped by service, filtered on everything but the service facets: the
        # total and those four facets are then counted in Python from at most one row per
        # service, instead of five scans of the matches.
        # Counts over the whole directory (no words, no filter but the facet's own) come from
        # ``directory.whole_counts`` while nothing counted changed.
        def whole(*counted):
            return not words and all(name in counted for name in conditions)

        names = ("skill", *_group_facets)
        free = [name for name in names if name not in conditions]
        counted = {}
        narrowed_by_service = any(name in SERVICE_FACETS for name in conditions)
        if (words and not narrowed_by_service) or (
            not words and any(name not in SERVICE_FACETS for name in conditions)
        ):
            # Words, or a skill or group: their matches are read once for the groups by
            # service, the page and the free tags (``_one_pass``). Words with the
            # organisation's filters: the page and the tags are a few of the matches, read
            # apart with every filter (below), instead of ranking every match of the words.
            groups, total, number, ids, tags = self._one_pass(
                base, words, selected, conditions, sort, page, per_page, tagged=free
            )
            num_pages = max(math.ceil(total / per_page), 1)
            out_of_range = page > num_pages
        else:
            # The groups by service (the whole directory's from ``directory.whole_counts``), then
            # the page and the free tags of the matches with every filter.
            groups = self._service_groups(
                self._narrow(base, conditions, without=SERVICE_FACETS),
                whole=whole(*SERVICE_FACETS),
            )
            total = sum(count for row, count in groups if _passes(row, selected))
            num_pages = max(math.ceil(total / per_page), 1)
            out_of_range = page > num_pages
            number = min(page, num_pages)
            ids = []
            if total:
                offset = (number - 1) * per_page
                ordered = self._ordered(matching, words, selected, sort)
                ids = list(ordered.values_list("pk", flat=True)[offset : offset + per_page])
            tags = self._tag_counts(matching, whole=not conditions) if free else {}
        agents = []
        if ids:
            # The page's rows with their joins, loaded apart: joining the services of every
            # match before sorting costs more than this second query.
            rows = Agent.objects.filter(pk__in=ids).select_related(*PAGE_RELATED)
            by_id = {agent.pk: agent for agent in rows}
            agents = [by_id[pk] for pk in ids if pk in by_id]
            self._attach_skills(agents, selected.get("skill", ()))
        # The page of a Paginator over the total, holding the agents already fetched: the DSFR
        # pagination reads it like any other page, without a second count.
        page_obj = Page(agents, number, Paginator(range(total), per_page))

        facets = self._service_facets(groups, selected)
        # The skill and group facets from the agents' stored tags: the free ones (no filter of
        # their own narrows them) from the pass above, one more pass for each that is filtered
        # (without its filter).
        counted.update({name: tags.get(name, {}) for name in free})
        for name in names:
            if name in conditions:
                narrowed = self._narrow(base, conditions, without=(name,))
                counted[name] = self._tag_counts(narrowed, whole=whole(name)).get(name, {})
        facets["skill"] = self._skill_facet_from(counted["skill"], selected.get("skill", []))
        for name in _group_facets:
            facets[name] = self._group_facet_from(
                name, viewer, counted[name], selected.get(name, [])
            )
        facets = [facets[name] for name in FACETS if name in facets]
        return SearchResult(
            query=query,
            sort=sort,
            filters={name: tuple(s.value for s in items) for name, items in selected.items()},
            total=total,
            page=page_obj,
            facets=facets,
            page_out_of_range=out_of_range,
            applied=[
                (name, item.value, item.label) for name, items in selected.items() for item in items
            ],
        )

    def export_agents(self, viewer, *, query, filters, sort, limit):
        words = terms(query)
        selected = self._resolve(viewer, filters)
        conditions = {name: self._condition(name, values) for name, values in selected.items()}
        matching = self._narrow(self._base(viewer, words), conditions)
        total = matching.count()
        agents = []
        if total and limit:
            ordered = self._ordered(matching, words, selected, sort)
            agents = list(
                ordered.select_related(*PAGE_RELATED)
                .prefetch_related("skills")[:limit]
                .iterator(chunk_size=1000)
            )
        return ExportResult(total=total, agents=agents, limit=limit)

    def suggest_skills(self, query, *, limit):
        needle = normalize(query)
        if not needle:
            return []
        vocabulary = cache.get(SKILL_VOCABULARY_CACHE_KEY)
        if vocabulary is None:
            vocabulary = self._skill_vocabulary()
            cache.set(SKILL_VOCABULARY_CACHE_KEY, vocabulary, SKILL_VOCABULARY_TTL)
        # The vocabulary is a few thousand names at most, ordered by use: three passes are cheap.
        prefix = [name for norm, name in vocabulary if norm.startswith(needle)]
        word = [name for norm, name in vocabulary if f" {needle}" in norm and name not in prefix]
        inside = [
            name
            for norm, name in vocabulary
            if needle in norm and name not in prefix and name not in word
        ]
        return (prefix + word + inside)[:limit]

    # --- building blocks -------------------------------------------------------------------

    def _base(self, viewer, words):
        """Active agents the viewer may see, matching every term."""
        qs = Agent.objects.filter(is_active=True, closed_at__isnull=True)
        qs = visible_agents(viewer, qs)
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs

    @staticmethod
    def _narrow(qs, conditions, without=()):
        for name, condition in conditions.items():
            if name not in without:
                qs = qs.filter(condition)
        return qs

    @staticmethod
    def _condition(name, selected):
        ids = [item.pk for item in selected]
        if name in SERVICE_FACETS:
            return Q(**{f"service__{name}_id__in": ids})
        if connection.vendor == "postgresql":
            # The stored tags, through their GIN index (migration 0009): a skill's 14,000
            # agents among 82,000 are read from the index instead of joining every agent.
            condition = Q()
            for item in selected:
                value = item.pk if name == "skill" else item.value
                condition |= Q(facet_tags__contains=[f"{name}:{value}"])
            return condition
        if name == "skill":
            return Q(pk__in=agent_skill_items().filter(tag_id__in=ids).values("object_id"))
        return Q(pk__in=_group_facets[name].members(ids))

    def _resolve(self, viewer, filters):
        """The known values of the filters, with their ids and labels: the organisation's from
        ``directory.facet_labels`` (the cache), the skills and groups in one UNION query.

        Unknown values, and groups the viewer may not filter by, are dropped: a shared or edited
        address never fails and never reveals a secret community's members."""
        if not filters:
            return {}
        found = {}
        labels = facet_labels()
        for name in SERVICE_FACETS:
            wanted = set(filters.get(name, ()))
            for pk, (code, label) in labels[name].items():
                if code in wanted:
                    found.setdefault(name, {})[code] = _Selected(
                        pk, code, self._label(name, code, label)
                    )
        sources = {
            "skill": (Tag.objects.filter(slug__in=filters.get("skill", ())), "slug", "name"),
        }
        for name, facet in _group_facets.items():
            if filters.get(name):
                sources[name] = (facet.choices(viewer, filters[name]), facet.value, facet.label)
        parts = [
            qs.order_by()
            .annotate(
                facet_name=Value(name, output_field=CharField()),
                facet_id=F("pk"),
                facet_value=F(value),
                facet_label=F(label),
            )
            .values_list("facet_name", "facet_id", "facet_value", "facet_label")
            for name, (qs, value, label) in sources.items()
            if filters.get(name)
        ]
        rows = ()
        if parts:
            rows = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
        for name, pk, value, label in rows:
            found.setdefault(name, {})[value] = _Selected(
                pk, value, self._label(name, value, label)
            )
        # In the order the filters were given.
        return {
            name: [found[name][value] for value in filters[name] if value in found[name]]
            for name in FACETS
            if found.get(name)
        }

    @staticmethod
    def _label(name, value, label):
        return f"{label} ({value})" if name == "department" else label

    def _ordered(self, qs, words, selected, sort):
        if sort == "name":
            return qs.order_by(*NAME_ORDER)
        keys = []
        skills = selected.get("skill")
        if skills:
            # « Who knows what »: the peers' endorsements of the filtered skills come first.
            endorsements = (
                Endorsement.objects.filter(
                    agent=OuterRef("pk"), tag_id__in=[item.pk for item in skills]
                )
                .order_by()
                .values("agent")
                .annotate(n=Count("pk"))
                .values("n")
            )
            qs = qs.annotate(endorsement_count=Coalesce(Subquery(endorsements), 0))
            keys.append("-endorsement_count")
        if words:
            qs = qs.annotate(search_score=self._score(words))
            keys.append("-search_score")
        return qs.order_by(*keys, *NAME_ORDER)

    def _one_pass(self, base, words, selected, conditions, sort, page, per_page, *, tagged):
        """The matches of a search read once, in one statement: ``(groups, total, page number,
        the page's ids, {facet: {value: agents}} of the free tags)``.

        The matches without the organisation's filters (``m``, materialized: id, service and
        its four references, stored tags, sort keys) are grouped by service — the total and
        the organisation's facets, counted in Python — and, with those filters, sorted for
        the page and unnested for the tag facets: three scans of a word's or a skill's
        matches became one (a skill's 14,000 agents: 5,500 heap pages read once instead of
        three times). The peers' endorsements of the filtered skills are joined grouped by
        agent, once, instead of counted agent by agent."""
        columns = ["pk", "service_id", *(f"service__{name}_id" for name in SERVICE_FACETS)]
        scope = self._narrow(base, conditions, without=SERVICE_FACETS).annotate(
            name_key=NAME_ORDER[0], search_score=self._score(words) if words else Value(0)
        )
        try:
            inner, params = (
                scope.order_by()
                .values_list(*columns, "facet_tags", "name_key", "search_score")
                .query.sql_with_params()
            )
        except EmptyResultSet:  # a viewer who may see nobody
            return [], 0, 1, [], {}
        names = ["id", "service_id", *(f"{name}_id" for name in SERVICE_FACETS)]
        sql = [
            f"WITH m ({', '.join(names)}, facet_tags, name_key, score) "  # noqa: S608
            f"AS MATERIALIZED ({inner})"
        ]
        narrowing, narrowing_params = [], []
        for name in SERVICE_FACETS:
            if name in selected:
                ids = [item.pk for item in selected[name]]
                narrowing.append(f"f.{name}_id IN ({', '.join(['%s'] * len(ids))})")
                narrowing_params.extend(ids)
        narrowed = f" WHERE {' AND '.join(narrowing)}" if narrowing else ""
        skills = [item.pk for item in selected.get("skill", ())] if sort != "name" else []
        if skills:
            endorsements = (
                f"LEFT JOIN (SELECT agent_id, COUNT(*) AS n FROM {Endorsement._meta.db_table} "  # noqa: S608
                f"WHERE tag_id IN ({', '.join(['%s'] * len(skills))}) GROUP BY agent_id) e "
                "ON e.agent_id = f.id"
            )
            keys = ["COALESCE(e.n, 0)", "f.score", "f.name_key", "f.id"]
        else:
            endorsements = ""
            keys = ["f.name_key", "f.id"] if sort == "name" else ["f.score", "f.name_key", "f.id"]
        # The page from a bounded sort (LIMIT), its positions from a sort of its 20 rows by the
        # same keys: numbering every match (a window over all) sorted them all, 3 times slower.
        descending = len(keys) - 2
        order = ", ".join(f"{key}{' DESC' if i < descending else ''}" for i, key in enumerate(keys))
        columns = ", ".join(f"{key} AS k{i}" for i, key in enumerate(keys))
        outer = ", ".join(f"p.k{i}{' DESC' if i < descending else ''}" for i in range(len(keys)))
        page_sql = (
            f"SELECT 'page', p.k{len(keys) - 1}, NULL, NULL, NULL, NULL, "  # noqa: S608
            f"ROW_NUMBER() OVER (ORDER BY {outer}), NULL FROM "
            f"(SELECT {columns} FROM m f {endorsements}{narrowed} ORDER BY {order} "
            "LIMIT %s OFFSET %s) p"
        )
        sql.append(
            f" SELECT 'group', {', '.join(names[1:])}, COUNT(*), NULL FROM m "  # noqa: S608
            f"GROUP BY {', '.join(names[1:])}"
        )
        sql.append(f" UNION ALL {page_sql}")
        offset = (max(page, 1) - 1) * per_page
        statement_params = [*params, *skills, *narrowing_params, per_page, offset]
        if tagged:
            if connection.vendor == "postgresql":
                tags, tag = "jsonb_array_elements_text(f.facet_tags) AS t(tag)", "t.tag"
            else:
                tags, tag = "json_each(f.facet_tags) AS t", "t.value"
            # Only the facets counted here (a skill filter's own facet comes from elsewhere):
            # fewer tags to group.
            wanted = ""
            if set(tagged) != {"skill", *_group_facets}:
                wanted = f"({' OR '.join([f'{tag} LIKE %s'] * len(tagged))})"
            where = " AND ".join([*narrowing, wanted] if wanted else narrowing)
            sql.append(
                " UNION ALL SELECT 'tag', NULL, NULL, NULL, NULL, NULL, COUNT(*), "  # noqa: S608
                f"{tag} FROM m f, {tags}{f' WHERE {where}' if where else ''} GROUP BY {tag}"
            )
            statement_params.extend(narrowing_params)
            if wanted:
                statement_params.extend(f"{name}:%" for name in tagged)
        with connection.cursor() as cursor:
            cursor.execute("".join(sql), statement_params)
            rows = cursor.fetchall()
        groups, page_ids, counts = [], [], {}
        for kind, *values, n, tag in rows:
            if kind == "group":
                groups.append((_ServiceRow(*values), n))
            elif kind == "page":
                page_ids.append((n, values[0]))
            else:
                name, _colon, value = tag.partition(":")
                counts.setdefault(name, {})[value] = n
        total = sum(count for row, count in groups if _passes(row, selected))
        number = min(max(page, 1), max(math.ceil(total / per_page), 1))
        ids = [pk for _position, pk in sorted(page_ids)]
        if number != max(page, 1) and total:
            # Past the last page: the last page instead (its ids, one more query).
            ordered = self._ordered(self._narrow(base, conditions), words, selected, sort)
            start = (number - 1) * per_page
            ids = list(ordered.values_list("pk", flat=True)[start : start + per_page])
        return groups, total, number, ids, counts

    @staticmethod
    def _score(words):
        """Sum over the terms of the weight of the segment where each first appears."""
        text = F("search_text")
        markers = [StrIndex(text, Value(marker)) for marker in SEGMENT_MARKERS.values()]
        score = None
        for word in words:
            position = StrIndex(text, Value(word))
            weight = Case(
                *(
                    When(LessThan(position, marker), then=Value(points))
                    for marker, points in zip(markers, SEGMENT_WEIGHTS, strict=True)
                ),
                default=Value(OTHER_WEIGHT),
                output_field=IntegerField(),
            )
            score = weight if score is None else score + weight
        return score

    def _attach_skills(self, agents, selected_skills):
        """``agent.search_skills``: the skills of each agent of the page, the filtered ones
        first, with their endorsement counts when the search ranks by them (one query for the
        skills, one for the endorsements; read as plain rows, which costs a tenth of taggit's
        prefetch of 20 agents' tags)."""
        selected_ids = {item.pk for item in selected_skills}
        ids = [agent.pk for agent in agents]
        skills = {}
        if ids:
            rows = (
                agent_skill_items()
                .filter(object_id__in=ids)
                .order_by()
                .values_list("object_id", "tag_id", "tag__name", "tag__slug")
            )
            for agent_id, tag_id, name, slug in rows:
                skills.setdefault(agent_id, []).append((tag_id, name, slug))
        counts = {}
        if selected_ids and ids:
            rows = (
                Endorsement.objects.filter(agent_id__in=ids)
                .order_by()
                .values_list("agent_id", "tag_id")
                .annotate(n=Count("pk"))
            )
            counts = {(agent_id, tag_id): n for agent_id, tag_id, n in rows}
        for agent in agents:
            tags = sorted(skills.get(agent.pk, ()), key=lambda tag: normalize(tag[1]))
            tags.sort(key=lambda tag: tag[0] not in selected_ids)
            agent.search_skills = [
                SkillBadge(
                    name=name,
                    slug=slug,
                    selected=pk in selected_ids,
                    endorsements=counts.get((agent.pk, pk), 0) if selected_ids else None,
                )
                for pk, name, slug in tags
            ]
            if not hasattr(agent, "endorsement_count") and selected_ids:
                agent.endorsement_count = sum(counts.get((agent.pk, pk), 0) for pk in selected_ids)

    # --- facets ----------------------------------------------------------------------------

    @staticmethod
    def _service_groups(qs, whole=False):
        """``[((service, region, department, ministry, kind) ids, agents)]``: one row per service
        among ``qs`` (and one for agents without a service, all None); ``whole``: ``qs`` is the
        whole directory (the cached counts of ``directory.whole_counts``)."""
        columns = ["service_id", *(f"service__{name}_id" for name in SERVICE_FACETS)]
        rows = qs.order_by().values_list(*columns).annotate(n=Count("pk"))
        counted = whole_counts.rows(rows) if whole else rows
        return [(_ServiceRow(*row[:-1]), row[-1]) for row in counted]

    def _service_facets(self, groups, selected):
        """The four facets of the organisation, counted from the groups by service: a facet
        counts the groups that pass every selected service filter but its own."""
        counts = {name: {} for name in SERVICE_FACETS}
        for row, count in groups:
            if row.service is None:
                continue
            for name in SERVICE_FACETS:
                value = getattr(row, name)
                if value is not None and _passes(row, selected, without=name):
                    counts[name][value] = counts[name].get(value, 0) + count
        labels = self._reference_labels({name: set(counts[name]) for name in SERVICE_FACETS})
        facets = {}
        for name in SERVICE_FACETS:
            options = {
                labels[name][pk][0]: FacetOption(
                    labels[name][pk][0],
                    self._label(name, *labels[name][pk]),
                    n,
                )
                for pk, n in counts[name].items()
            }
            facets[name] = self._make_facet(name, options, selected.get(name, []))
        return facets

    @staticmethod
    def _reference_labels(ids):
        """``{facet: {id: (code, label)}}`` for the given ids (``directory.facet_labels``: from
        the cache, no query as long as the reference tables do not change)."""
        labels = facet_labels()
        return {
            name: {pk: labels[name][pk] for pk in ids.get(name, ()) if pk in labels[name]}
            for name in SERVICE_FACETS
        }

    def _make_facet(self, name, options, chosen):
        """A facet from ``{value: FacetOption}``: the FACET_SIZE values with most agents, then
        by label, plus every selected value (with a zero count when no agent has it now)."""
        for item in chosen:
            options.setdefault(item.value, FacetOption(item.value, item.label, 0))
        chosen_values = {item.value for item in chosen}
        ordered = sorted(options.values(), key=lambda o: (-o.count, normalize(o.label)))
        others = [o for o in ordered if o.value not in chosen_values][:FACET_SIZE]
        kept = {o.value for o in others} | chosen_values
        return Facet(
            name=name,
            label=str(FACETS[name]),
            options=[o for o in ordered if o.value in kept],
            selected=tuple(item.value for item in chosen),
        )

    @staticmethod
    def _tag_counts(qs, whole=False):
        """``{facet: {value: agents}}`` of the tags stored on the agents of ``qs``
        (``Agent.facet_tags``, "facet:value"), in one statement: the matches' tags unnested and
        grouped. ``whole``: ``qs`` is the whole directory (cached, ``directory.whole_counts``)."""
        try:
            sql, params = qs.order_by().values("facet_tags").query.sql_with_params()
        except EmptyResultSet:  # nobody to count (a viewer who may see nobody)
            return {}
        if connection.vendor == "postgresql":
            tags, tag = "jsonb_array_elements_text(m.facet_tags) AS t(tag)", "t.tag"
            if not whole:
                # A fence: PostgreSQL otherwise expects 100 tags per match and runs a parallel
                # plan, which doubles the count of a word's 8,000 matches on two cores (40 →
                # 20 ms). The whole directory's count (82,000 agents, then cached) gains by it.
                sql = f"{sql} OFFSET 0"
        else:
            tags, tag = "json_each(m.facet_tags) AS t", "t.value"
        counting = f"SELECT {tag}, COUNT(*) FROM ({sql}) m, {tags} GROUP BY {tag}"  # noqa: S608
        if whole:
            rows = whole_counts.rows_of(counting, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(counting, params)
                rows = cursor.fetchall()
        counts = {}
        for value, n in rows:
            name, _colon, value = value.partition(":")
            counts.setdefault(name, {})[value] = n
        return counts

    def _skill_facet_from(self, counted, chosen):
        """The skill facet from the counts by tag id."""
        counts = {int(pk): n for pk, n in counted.items() if pk.isdigit()}
        return self._skill_facet_from_counts(counts, chosen)

    def _group_facet_from(self, name, viewer, counted, chosen):
        """A group facet from the counts by value: only the groups the facet may list to the
        viewer (a secret community's members are counted, never shown)."""
        facet = _group_facets[name]
        groups = facet.listable(viewer, list(counted), [item.value for item in chosen])
        options = {
            value: FacetOption(value, label, counted[value])
            for value, label in groups.values_list(facet.value, facet.label)
            if value in counted
        }
        return self._make_facet(name, options, chosen)

    def _skill_facet_from_counts(self, counts, chosen):
        """The skill facet from ``{tag id: agents}``: the names of the skills that can make the
        top FACET_SIZE (ties included) and of the selected ones, in one query."""
        chosen_ids = {item.pk for item in chosen}
        ranked = sorted((n for pk, n in counts.items() if pk not in chosen_ids), reverse=True)
        threshold = ranked[FACET_SIZE - 1] if len(ranked) >= FACET_SIZE else 0
        wanted = [pk for pk, n in counts.items() if n >= threshold or pk in chosen_ids]
        options = {
            slug: FacetOption(slug, label, counts[pk])
            for pk, slug, label in Tag.objects.filter(pk__in=wanted).values_list(
                "pk", "slug", "name"
            )
        }
        return self._make_facet("skill", options, chosen)

    @staticmethod
    def _skill_vocabulary():
        rows = (
            agent_skill_items()
            .values("tag__name")
            .annotate(uses=Count("pk"))
            .order_by("-uses", "tag__name")[:SKILL_VOCABULARY_MAX]
        )
        return [(normalize(row["tag__name"]), row["tag__name"]) for row in rows]
