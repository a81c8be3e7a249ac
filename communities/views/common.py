"""What every community view starts with: the community, the viewer's abilities, the 404 rule."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from communities.models import Community
from communities.permissions import abilities
from maillage.http import run_service, safe_next  # noqa: F401 - the views' helpers


def community_view(*, tool=None, ability="can_view"):
    """Decorate a view ``(request, community, abilities, ...)`` taking ``slug``.

    Signed-in agents only; a community the agent may not see, a disabled tool, or a missing
    ability answers 404 (a secret community must not be told apart from a missing one).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            community = (
                Community.objects.select_related("current_charter", "region", "department")
                .filter(slug=slug)
                .first()
            )
            # The same bare 404 for a missing and a hidden community, even on debug pages.
            if community is None:
                raise Http404
            ab = abilities(request.user, community)
            if not ab.can_view:
                raise Http404
            if tool is not None and not community.tool_enabled(tool):
                raise Http404
            if ability != "can_view" and not getattr(ab, ability):
                raise Http404
            return view(request, community, ab, *args, **kwargs)

        return wrapper

    return decorator


def back_to(community, suffix=""):
    return redirect(community.get_absolute_url() + suffix)
