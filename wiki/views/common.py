"""What every wiki view starts with: the community, the abilities, the page of the address
checked against the community of the address (another community's page answers 404, an old
address of a renamed page redirects to its new one)."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from communities.views.common import community_view
from wiki import selectors
from wiki.permissions import WikiAbilities


def wiki_view(ability="can_read"):
    """Decorate a view ``(request, community, ab, wa, ...)``: 404 unless the agent reads the
    community's wiki (tool on) and has ``ability``."""

    def decorator(view):
        @community_view(tool="wiki", ability="can_read")
        @wraps(view)
        def wrapper(request, community, ab, *args, **kwargs):
            wa = WikiAbilities(agent=request.user, community=community, ab=ab)
            if not wa.can_read or not getattr(wa, ability):
                raise Http404
            return view(request, community, ab, wa, *args, **kwargs)

        return wrapper

    return decorator


def page_view(ability="can_read"):
    """Decorate a view ``(request, community, ab, wa, page, ...)`` taking ``page_slug``: the page
    of this community (a hidden one for those who moderate only); an old address redirects to
    the same view of the renamed page, with the same query."""

    def decorator(view):
        @wiki_view(ability)
        @wraps(view)
        def wrapper(request, community, ab, wa, page_slug, *args, **kwargs):
            page, moved = selectors.page_or_redirect(
                community, page_slug, include_hidden=wa.can_moderate
            )
            if moved is not None:
                name = request.resolver_match.view_name
                target = reverse(name, args=[community.slug, moved.slug, *args], kwargs=kwargs)
                query = request.META.get("QUERY_STRING", "")
                return redirect(f"{target}?{query}" if query else target, permanent=True)
            return view(request, community, ab, wa, page, *args, **kwargs)

        return wrapper

    return decorator


def base_context(community, ab, wa, **extra):
    return {"community": community, "ab": ab, "wiki_ab": wa, **extra}
