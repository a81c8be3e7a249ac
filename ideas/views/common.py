"""What every idea box view starts with: the community, the abilities, the ideas of the address
checked against the community of the address (another community's idea answers 404), and a
service call whose refusal keeps its HTTP status."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from communities.views.common import community_view
from ideas.models import Idea, IdeaSupport
from ideas.permissions import IdeaAbilities
from maillage.http import Refused


def ideas_view(ability="can_read"):
    """Decorate a view ``(request, community, ab, ia, ...)``: 404 unless the agent reads the
    community's idea box (tool on) and has ``ability``."""

    def decorator(view):
        @community_view(tool="ideas", ability="can_view")
        @wraps(view)
        def wrapper(request, community, ab, *args, **kwargs):
            ia = IdeaAbilities(agent=request.user, community=community, ab=ab)
            if not ia.can_read or not getattr(ia, ability):
                raise Http404
            return view(request, community, ab, ia, *args, **kwargs)

        return wrapper

    return decorator


def idea_or_404(community, ia, idea_id):
    """The idea of this community (hidden ones for those who moderate only)."""
    idea = get_object_or_404(
        Idea.objects.select_related("author", "answered_by"), pk=idea_id, community=community
    )
    idea.community = community
    if not ia.can_read_idea(idea):
        raise Http404
    return idea


def idea_url_prefix(community):
    """The address of the community's ideas without the id, reversed once per page."""
    return reverse("ideas:idea", args=[community.slug, 0]).removesuffix("0/")


def decorate(request, community, ia, ideas, *, supports=True):
    """Hang on each idea of a page its address, and (``supports``) whether the agent supports
    it, may (un)support it and its themes: two queries for the page, whatever its size."""
    prefix = idea_url_prefix(community)
    supported = set()
    if supports and ideas and request.user.is_authenticated:
        supported = set(
            IdeaSupport.objects.filter(
                agent=request.user, idea__in=[idea.pk for idea in ideas]
            ).values_list("idea_id", flat=True)
        )
    themes = {}
    if supports and ideas:
        rows = Idea.themes.through.objects.filter(
            idea_id__in=[idea.pk for idea in ideas]
        ).select_related("theme")
        for row in rows:
            themes.setdefault(row.idea_id, []).append(row.theme)
    for idea in ideas:
        idea.theme_list = sorted(themes.get(idea.pk, []), key=lambda theme: theme.name)
        idea.community = community
        idea.url = f"{prefix}{idea.pk}/"
        idea.supported = idea.pk in supported
        idea.can_support = supports and ia.can_support(idea)
    return ideas


def attempt(request, func, *, success=None, **kwargs):
    """Call a service: ``(result, None)``, or ``(None, status)`` with the refusal's French
    message on the page and its HTTP status (403, 404, 409, 429…) for the answer."""
    try:
        result = func(**kwargs)
    except Refused as error:
        messages.error(request, str(error))
        return None, error.status
    if success:
        messages.success(request, success)
    return result, None


def base_context(community, ab, ia, **extra):
    return {"community": community, "ab": ab, "idea_ab": ia, "box": ia.box, **extra}
