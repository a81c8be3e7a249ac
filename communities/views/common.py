"""What every community view starts with: the community, the viewer's abilities, the 404 rule."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from communities.models import Community
from communities.permissions import abilities
from communities.services import CommunityError
from maillage.redirects import local_path


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


def run_service(request, func, *, success=None, **kwargs):
    """Call a service; its refusal becomes a French error message, never a 500."""
    try:
        result = func(**kwargs)
    except CommunityError as error:
        messages.error(request, str(error))
        return None, False
    if success:
        messages.success(request, success)
    return result, True


def back_to(community, suffix=""):
    return redirect(community.get_absolute_url() + suffix)


def safe_next(request, default):
    """The ``next`` the page was given when it is a path of this site, ``default`` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(request, target) or default
