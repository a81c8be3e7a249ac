"""The menu of a community's pages (« Dans cette communauté »): each entry registered by the app
that owns the page — the communities their own pages, each tool its own (the chat its
« Messagerie ») — from its ``AppConfig.ready()``. ``base_community.html`` loops over it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    # (community) -> the entry's address.
    url: object
    # (abilities, community) -> bool: shown to this viewer?
    visible: object
    order: int = 100
    testid: str = ""
    # (request, url, context) -> bool: is this the page on screen? (default: the address is a
    # prefix of the page's)
    current: object = None


_entries = {}


def register(key, *, label, url, visible, order=100, testid="", current=None):
    _entries[key] = MenuEntry(
        key=key,
        label=label,
        url=url,
        visible=visible,
        order=order,
        testid=testid,
        current=current,
    )


def menu_for(context, community, ab):
    """``[{"key", "label", "url", "current", "testid"}]`` of the entries this viewer sees."""
    request = context.get("request")
    path = request.path if request is not None else ""
    items = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
        if not entry.visible(ab, community):
            continue
        url = entry.url(community)
        current = entry.current(request, url, context) if entry.current else url in path
        items.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "current": current,
                "testid": entry.testid,
            }
        )
    return items
