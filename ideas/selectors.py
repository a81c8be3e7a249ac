"""The idea box's reads: a page of a box's list (sorted and filtered), the roadmap, the similar
ideas of a title, the candidates of a merge, the end of a merge chain.

Every list reads a bounded number of rows through an index of ``Idea.Meta.indexes``: a page of
the list is ``IDEAS_PER_PAGE`` ids taken by an indexed offset on the sort's index (within the
community, or within the community and a status), capped at ``MAX_IDEA_PAGE`` as the forums do,
then those rows with their authors — one query, no COUNT over the box (« Page suivante » is
known by reading one row more). The trending sort reads the kept ``recent_support_count``,
refreshed for the box at most once an hour (``services.refresh_trending``).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ideas.models import IDEAS_PER_PAGE, Idea, IdeaSupport, IdeaTitleWord
from maillage.http import positive_id

S = Idea.Status

# A page number past this shows the last one allowed (an address cannot make the database skip
# rows without end).
MAX_IDEA_PAGE = 200

# The sorts of the list (``?tri=``), the first one the default, with their order on the index.
SORTS = {
    "soutiens": _("Les plus soutenues"),
    "tendance": _("Tendance (30 derniers jours)"),
    "recentes": _("Les plus récentes"),
    "commentees": _("Les plus commentées"),
}
ORDERS = {
    "soutiens": ("-support_count", "-id"),
    "tendance": ("-recent_support_count", "-id"),
    "recentes": ("-created_at", "-id"),
    "commentees": ("-comment_count", "-id"),
}
DEFAULT_SORT = "soutiens"
# The « Afficher » filters (``?mes=``).
MINE = ("idees", "soutenues")
# How often a box's trending counts are recounted (seconds), at most.
TRENDING_REFRESH = 3600
# Similar ideas: at most this many shown; words of the typed title looked up (the longest),
# and ideas read per word (the newest having it).
SIMILAR_MAX = 5
SIMILAR_WORDS = 5
SIMILAR_PER_WORD = 200
# Merge candidates shown.
MERGE_CANDIDATES = 10


@dataclass
class IdeaPage:
    """A page of a box's list, and what the page's form and pagination need."""

    ideas: list
    number: int
    has_next: bool
    tri: str = DEFAULT_SORT
    statut: str = ""
    theme: str = ""
    mes: str = ""
    # The query string of the filters, ending with « & » when not empty (``?{{ query }}page=``).
    query: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def filtered(self):
        return bool(self.statut or self.theme or self.mes)


def box_themes(community):
    """The themes an idea of this box may carry (the community's), by name."""
    return list(community.themes.order_by("name"))


def _page_number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_IDEA_PAGE)


def maybe_refresh_trending(community):
    """Queue the recount of the box's trending counts if that was not done in the last hour: the
    background worker runs it (``ideas.tasks``), never the reader's request."""
    from ideas.tasks import refresh_box_trending

    if cache.add(f"ideas:trending:{community.pk}", 1, timeout=TRENDING_REFRESH):
        refresh_box_trending.enqueue(community_id=community.pk)


def ideas_page(
    agent, community, *, tri="", statut="", theme="", mes="", page=None, include_hidden=False
):
    """One page of the box's list: ``tri`` one of ``SORTS`` (else the most supported),
    ``statut`` a status (merged ideas are listed only when asked for), ``theme`` the slug of
    one of the community's themes, ``mes`` « idees » (the agent's) or « soutenues » (those the
    agent supports). An unknown value is ignored; a page past ``MAX_IDEA_PAGE`` is that one."""
    tri = tri if tri in ORDERS else DEFAULT_SORT
    statut = statut if statut in S.values else ""
    signed_in = bool(agent and agent.is_authenticated)
    mes = mes if mes in MINE and signed_in else ""
    theme_obj = community.themes.filter(slug=theme).first() if theme else None
    theme = theme_obj.slug if theme_obj is not None else ""
    number = _page_number(page)

    ideas = Idea.objects.filter(community=community)
    ideas = ideas.filter(status=statut) if statut else ideas.exclude(status=S.MERGED)
    if not include_hidden:
        ideas = ideas.filter(is_hidden=False)
    if theme_obj is not None:
        ideas = ideas.filter(
            Exists(
                Idea.themes.through.objects.filter(idea_id=OuterRef("pk"), theme_id=theme_obj.pk)
            )
        )
    if mes == "idees":
        ideas = ideas.filter(author=agent)
    elif mes == "soutenues":
        ideas = ideas.filter(
            Exists(IdeaSupport.objects.filter(idea_id=OuterRef("pk"), agent=agent))
        )
    if tri == "tendance":
        maybe_refresh_trending(community)
    order = ORDERS[tri]
    start = (number - 1) * IDEAS_PER_PAGE
    ids = ideas.order_by(*order).values("pk")[start : start + IDEAS_PER_PAGE + 1]
    rows = list(
        Idea.objects.filter(pk__in=ids).select_related("author", "answered_by").order_by(*order)
    )
    for idea in rows:
        idea.community = community
    filters = {
        key: value
        for key, value in (("tri", tri), ("statut", statut), ("theme", theme), ("mes", mes))
        if value and not (key == "tri" and value == DEFAULT_SORT)
    }
    return IdeaPage(
        ideas=rows[:IDEAS_PER_PAGE],
        number=number,
        has_next=len(rows) > IDEAS_PER_PAGE and number < MAX_IDEA_PAGE,
        tri=tri,
        statut=statut,
        theme=theme,
        mes=mes,
        query=urlencode(filters) + "&" if filters else "",
        filters=filters,
    )


def idea_list(community, agent, sort="", status="", theme="", mine=False, supported=False, page=1):
    """The same page with English names: ``mine`` True for the agent's ideas, ``supported`` True
    for those they support."""
    mes = "idees" if mine else "soutenues" if supported else ""
    return ideas_page(agent, community, tri=sort, statut=status, theme=theme, mes=mes, page=page)


def roadmap(community, statuses=None, *, per_status=10, include_hidden=False):
    """``(counts, tops)``: the number of ideas of each status (one grouped count on the
    (community, status) index) and, for each of ``statuses``, its ``per_status`` most supported
    ideas (one indexed query per column)."""
    statuses = list(statuses or [s for s in S.values if s != S.MERGED])
    ideas = Idea.objects.filter(community=community)
    if not include_hidden:
        ideas = ideas.filter(is_hidden=False)
    counts = {
        row["status"]: row["n"] for row in ideas.order_by().values("status").annotate(n=Count("pk"))
    }
    tops = {}
    for status in statuses:
        tops[status] = list(
            ideas.filter(status=status)
            .select_related("author")
            .order_by("-support_count", "-id")[:per_status]
        )
        for idea in tops[status]:
            idea.community = community
    return counts, tops


def similar_ideas(community, title, exclude=None, *, limit=SIMILAR_MAX):
    """Up to ``limit`` live ideas of the box (neither merged nor hidden) sharing significant
    words with ``title``, those sharing the most first, then the most supported. Bounded: the
    ``SIMILAR_WORDS`` longest words of the title, ``SIMILAR_PER_WORD`` ideas read per word on
    the (community, word) index, then the few best by id."""
    from ideas.services import title_words

    words = sorted(title_words((title or "")[:300]), key=len, reverse=True)[:SIMILAR_WORDS]
    if not words:
        return []
    exclude_id = positive_id(exclude) if exclude is not None else None
    scores = {}
    for word in words:
        for idea_id in (
            IdeaTitleWord.objects.filter(community=community, word=word)
            .order_by("-idea")
            .values_list("idea_id", flat=True)[:SIMILAR_PER_WORD]
        ):
            if idea_id != exclude_id:
                scores[idea_id] = scores.get(idea_id, 0) + 1
    if not scores:
        return []
    best = sorted(scores, key=lambda pk: (scores[pk], pk), reverse=True)[: limit * 4]
    found = list(
        Idea.objects.filter(pk__in=best, community=community, is_hidden=False)
        .exclude(status=S.MERGED)
        .select_related("author")
    )
    found.sort(key=lambda idea: (-scores[idea.pk], -idea.support_count, -idea.pk))
    for idea in found:
        idea.community = community
    return found[:limit]


def merge_candidates(community, idea, q=""):
    """The ideas ``idea`` may be merged into: live ideas of the same box but itself — those
    whose titles share words with ``q`` (or with the idea's own title when ``q`` is empty), or
    « #123 » for an idea by its number."""
    q = (q or "").strip()
    candidates = []
    number = positive_id(q.removeprefix("#")) if q.startswith("#") or q.isdigit() else None
    if number is not None and number != idea.pk:
        candidates = list(
            Idea.objects.filter(pk=number, community=community, is_hidden=False)
            .exclude(status=S.MERGED)
            .select_related("author")
        )
    if not candidates:
        candidates = similar_ideas(
            community, q or idea.title, exclude=idea.pk, limit=MERGE_CANDIDATES
        )
    if not candidates and not q:
        candidates = list(
            Idea.objects.filter(community=community, is_hidden=False)
            .exclude(status=S.MERGED)
            .exclude(pk=idea.pk)
            .select_related("author")
            .order_by("-support_count", "-id")[:MERGE_CANDIDATES]
        )
    for candidate in candidates:
        candidate.community = community
    return candidates


def merge_target(idea, max_hops=20):
    """Where a merged idea's address leads: the end of its chain of merges (None if it is not
    merged or the chain is broken or loops)."""
    target, seen = idea, {idea.pk}
    for _hop in range(max_hops):
        if target.merged_into_id is None:
            return target if target is not idea else None
        if target.merged_into_id in seen:
            return None
        seen.add(target.merged_into_id)
        target = Idea.objects.filter(pk=target.merged_into_id).select_related("community").first()
        if target is None:
            return None
    return None


def supported_ids(agent, ideas):
    """The ids among ``ideas`` the agent supports: one query for a page."""
    if not agent or not agent.is_authenticated or not ideas:
        return set()
    return set(
        IdeaSupport.objects.filter(agent=agent, idea__in=[idea.pk for idea in ideas]).values_list(
            "idea_id", flat=True
        )
    )
