"""The wiki's reads: a page by its address (or an old one), its children, breadcrumbs, backlinks
and link targets, a page of its history, the list of pages, « Modifications récentes ».

Every list is bounded: a page of the history is a range of revision numbers (the unique
(page, number) index), recent changes a keyset page on (community, -created_at, -id), the list of
pages a keyset page on (community, title_key); so a page with 1,000 revisions or a wiki of
20,000 pages costs the same few queries as a small one.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404
from django.utils.dateparse import parse_datetime

from maillage.http import positive_id
from wiki.models import (
    CHANGES_PER_PAGE,
    PAGES_PER_PAGE,
    REVISIONS_PER_PAGE,
    TITLE_MAX,
    Page,
    PageLink,
    PageRedirect,
    Revision,
    normalise_title,
)
from wiki.services import MAX_DEPTH

BACKLINKS_SHOWN = 50
CHILDREN_SHOWN = 200


def page_or_redirect(community, slug, *, include_hidden=False):
    """``(page, None)`` for the page of this address, ``(None, page)`` when it is an old address
    of a renamed page; 404 otherwise (and for a hidden page, unless ``include_hidden``)."""
    page = (
        Page.objects.select_related("parent", "updated_by", "author")
        .filter(community=community, slug=slug)
        .first()
    )
    if page is None:
        redirect = (
            PageRedirect.objects.select_related("page")
            .filter(community=community, slug=slug)
            .first()
        )
        if redirect is None or (redirect.page.is_hidden and not include_hidden):
            raise Http404
        redirect.page.community = community
        return None, redirect.page
    if page.is_hidden and not include_hidden:
        raise Http404
    page.community = community
    return page, None


def ancestors(page):
    """The page's ancestors, the top first (one query per level, at most ``MAX_DEPTH``)."""
    chain, current = [], page.parent
    seen = {page.pk}
    while current is not None and len(chain) < MAX_DEPTH and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = (
            Page.objects.filter(pk=current.parent_id)
            .only("pk", "title", "slug", "parent_id")
            .first()
            if current.parent_id
            else None
        )
    return list(reversed(chain))


def children(page, *, include_hidden=False):
    rows = Page.objects.filter(community_id=page.community_id, parent=page).only(
        "pk", "title", "slug", "kind", "is_hidden", "protected", "position", "title_key"
    )
    if not include_hidden:
        rows = rows.filter(is_hidden=False)
    return list(rows.order_by("position", "title_key")[:CHILDREN_SHOWN])


def backlinks(page, *, include_hidden=False):
    """« Pages qui pointent ici »: the pages whose text links to this one (the first 50)."""
    rows = Page.objects.filter(links_out__target=page).only("pk", "title", "slug")
    if not include_hidden:
        rows = rows.filter(is_hidden=False)
    return list(rows.order_by("title_key")[:BACKLINKS_SHOWN])


def link_targets(page):
    """normalised title -> slug (None: missing) of the ``[[links]]`` of the page's current text,
    from its link rows (one query)."""
    return {
        key: (slug if not hidden else None)
        for key, slug, hidden in PageLink.objects.filter(source=page).values_list(
            "target_key", "target__slug", "target__is_hidden"
        )
    }


def targets_for(community, keys):
    """normalised title -> slug of the pages of these titles (a preview, an old revision)."""
    keys = [normalise_title(key) for key in keys][:500]
    found = dict(
        Page.objects.filter(community=community, title_key__in=keys, is_hidden=False).values_list(
            "title_key", "slug"
        )
    )
    return {key: found.get(key) for key in keys}


@dataclass
class HistoryPage:
    """One page of a page's history, newest first: revisions ``high`` down to ``low``."""

    revisions: list
    number: int
    num_pages: int

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def history_page(page, number):
    """The revisions of one page of the history (``number`` from 1, clamped): a range of revision
    numbers read through the unique (page, number) index."""
    total = page.last_number
    num_pages = max(1, -(-total // REVISIONS_PER_PAGE))
    number = min(max(positive_id(number) or 1, 1), num_pages)
    high = total - (number - 1) * REVISIONS_PER_PAGE
    low = max(1, high - REVISIONS_PER_PAGE + 1)
    revisions = list(
        Revision.objects.filter(page=page, number__gte=low, number__lte=high)
        .select_related("author")
        .defer("body")
        .order_by("-number")
    )
    return HistoryPage(revisions=revisions, number=number, num_pages=num_pages)


def revision_or_404(page, number):
    number = positive_id(number)
    if number is None or number > page.last_number:
        raise Http404
    revision = Revision.objects.select_related("author").filter(page=page, number=number).first()
    if revision is None:
        raise Http404
    revision.page = page
    return revision


@dataclass
class PagesPage:
    """One keyset page of the list of pages by title: the rows after ``cursor``, and the
    cursor of the next page (empty on the last)."""

    pages: list
    next_cursor: str = ""
    is_first: bool = True


def _title_cursor(value):
    """The ``title_key`` after which a « Pages suivantes » page starts, or None for anything
    that cannot be one (empty, too long, control characters): the first page."""
    if not value or len(value) > TITLE_MAX or any(ord(char) < 32 for char in value):
        return None
    key = normalise_title(value)
    return key or None


def pages_list(community, cursor=None, *, include_hidden=False):
    """The wiki's pages by title, ``PAGES_PER_PAGE`` at a time after the keyset ``cursor`` (a
    ``title_key``) on the unique (community, title_key) index: no count and no offset, so the
    200th page of a 20,000-page wiki reads 101 rows like the first."""
    rows = Page.objects.filter(community=community).only(
        "pk",
        "title",
        "slug",
        "kind",
        "protected",
        "is_home",
        "is_hidden",
        "updated_at",
        "parent_id",
        "title_key",
    )
    if not include_hidden:
        rows = rows.filter(is_hidden=False)
    after = _title_cursor(cursor)
    if after is not None:
        rows = rows.filter(title_key__gt=after)
    rows = list(rows.order_by("title_key")[: PAGES_PER_PAGE + 1])
    next_cursor = ""
    if len(rows) > PAGES_PER_PAGE:
        rows = rows[:PAGES_PER_PAGE]
        next_cursor = rows[-1].title_key
    return PagesPage(pages=rows, next_cursor=next_cursor, is_first=after is None)


def top_pages(community, *, include_hidden=False):
    """The pages at the top of the tree (the home page first)."""
    rows = Page.objects.filter(community=community, parent__isnull=True).only(
        "pk", "title", "slug", "kind", "protected", "is_home", "is_hidden", "position", "title_key"
    )
    if not include_hidden:
        rows = rows.filter(is_hidden=False)
    return list(rows.order_by("-is_home", "position", "title_key")[:CHILDREN_SHOWN])


@dataclass
class ChangesPage:
    changes: list
    next_cursor: str = ""
    is_first: bool = True
    extra: dict = field(default_factory=dict)


def _cursor(value):
    """``(created_at, id)`` of a « plus anciennes » cursor (``2026-12-07T10:00:00+00:00_42``),
    or None for anything else."""
    if not value or "_" not in value:
        return None
    stamp, _sep, pk = value.rpartition("_")
    pk = positive_id(pk)
    try:
        when = parse_datetime(stamp)
    except ValueError:
        return None
    if when is None or pk is None or not isinstance(when, datetime) or when.tzinfo is None:
        return None
    return when, pk


def recent_changes(community, cursor=None, *, include_hidden=False):
    """« Modifications récentes »: the community's revisions, newest first, ``CHANGES_PER_PAGE``
    at a time after the keyset ``cursor`` (the (community, -created_at, -id) index)."""
    rows = Revision.objects.filter(community=community)
    if not include_hidden:
        rows = rows.filter(page__is_hidden=False)
    after = _cursor(cursor)
    if after is not None:
        when, pk = after
        from django.db.models import Q

        rows = rows.filter(Q(created_at__lt=when) | Q(created_at=when, id__lt=pk))
    rows = list(
        rows.select_related("author", "page")
        .defer("body", "page__body")
        .order_by("-created_at", "-id")[: CHANGES_PER_PAGE + 1]
    )
    next_cursor = ""
    if len(rows) > CHANGES_PER_PAGE:
        rows = rows[:CHANGES_PER_PAGE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}_{last.pk}"
    for revision in rows:
        revision.page.community = community
    return ChangesPage(changes=rows, next_cursor=next_cursor, is_first=after is None)


def move_choices(page, *, include_hidden=False):
    """The pages ``page`` may be moved under: every page of the wiki but itself and its own
    sub-pages (found level by level, as the tree is shallow), by title."""
    excluded = {page.pk}
    frontier = [page.pk]
    depth = 0
    while frontier and depth < MAX_DEPTH:
        frontier = list(
            Page.objects.filter(community_id=page.community_id, parent_id__in=frontier)
            .exclude(pk__in=excluded)
            .values_list("pk", flat=True)
        )
        excluded.update(frontier)
        depth += 1
    rows = Page.objects.filter(community_id=page.community_id).exclude(pk__in=excluded)
    if not include_hidden:
        rows = rows.filter(is_hidden=False)
    return list(rows.only("pk", "title").order_by("title_key")[:1000])
