"""What the apps add to the pages every agent sees, registered from their ``AppConfig.ready()``:
the entries of the top navigation and the blocks of the home dashboard. The base template and the
home page loop over what is here; no app edits them to add itself.

This module imports no app.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

# --- the top navigation ---------------------------------------------------------------------


@dataclass(frozen=True)
class NavigationEntry:
    key: str
    label: str
    # A URL name (reversed without arguments) or a callable (request) -> address.
    url: object
    order: int = 100
    # (request) -> bool: shown to this visitor? (default: to everyone)
    visible: object = None
    # A template rendered after the link (the chat's unread badge).
    suffix_template: str = ""
    # A template the header shows beside the menu button on small screens, where the navigation
    # is folded into the menu: a compact link with its count (the chat's unread messages).
    compact_template: str = ""


_navigation = {}


def register_navigation(
    key, *, label, url, order=100, visible=None, suffix_template="", compact_template=""
):
    """An entry of the main navigation (« Communautés », « Annuaire »…); registering a key again
    replaces the entry. Only installed apps register: an entry leads to a page that exists."""
    _navigation[key] = NavigationEntry(
        key=key,
        label=label,
        url=url,
        order=order,
        visible=visible,
        suffix_template=suffix_template,
        compact_template=compact_template,
    )


def navigation_for(request):
    """``[{"key", "label", "url", "current", "suffix_template", "compact_template"}]`` for
    this request, in order. One entry at most is current: the one whose address is the longest
    start of the path (« Améliorer Maillage », ``/communautes/ameliorer-maillage/idees/``, rather
    than « Communautés », ``/communautes/``)."""
    entries = []
    for entry in sorted(_navigation.values(), key=lambda e: (e.order, e.key)):
        if entry.visible is not None and not entry.visible(request):
            continue
        try:
            url = entry.url(request) if callable(entry.url) else reverse(entry.url)
        except NoReverseMatch:  # the app's URLs are not routed in this project
            continue
        entries.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "current": False,
                "suffix_template": entry.suffix_template,
                "compact_template": entry.compact_template,
            }
        )
    matching = [entry for entry in entries if request.path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["current"] = True
    return entries


# --- the home dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardBlock:
    key: str
    template: str
    # (agent) -> dict for the template, or None: the block is not shown.
    context: object
    column: str = "main"  # "top" (above the columns), "main" or "aside"
    order: int = 100


_dashboard = {}


def register_dashboard_block(key, *, template, context, column="main", order=100):
    """A block of the agent's dashboard on the home page."""
    if column not in ("top", "main", "aside"):
        raise ValueError(f"Unknown dashboard column {column!r}.")
    _dashboard[key] = DashboardBlock(
        key=key, template=template, context=context, column=column, order=order
    )


@dataclass
class Dashboard:
    top: list = field(default_factory=list)
    main: list = field(default_factory=list)
    aside: list = field(default_factory=list)


def dashboard_for(agent):
    """The blocks of ``agent``'s dashboard, each ``{"key", "template", "data"}``, by column."""
    dashboard = Dashboard()
    for block in sorted(_dashboard.values(), key=lambda b: (b.order, b.key)):
        data = block.context(agent)
        if data is None:
            continue
        getattr(dashboard, block.column).append(
            {"key": block.key, "template": block.template, "data": data}
        )
    return dashboard
