"""What every app's views share: one refusal with its French message, the service call that turns
it into a message on the page, a positive id from an address, a safe ``next``, and the page that
answers htmx with a fragment.

This module imports no app.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from maillage.redirects import local_path

# The largest id the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class Refused(Exception):
    """A service's refusal: a French ``message`` for the person, a ``code`` for the program
    (``forbidden``, ``not_found``, ``rate_limited``, ``invalid``…) and the HTTP status it maps to.
    Each app's error (``CommunityError``, ``ChatError``, ``NotificationError``…) subclasses it."""

    STATUS_OF_CODE = {
        "forbidden": 403,
        "muted": 403,
        "charter": 403,
        "not_found": 404,
        "rate_limited": 429,
    }

    def __init__(self, message, code="refused"):
        super().__init__(message)
        self.code = code

    @property
    def status(self):
        return self.STATUS_OF_CODE.get(self.code, 400)


def status_of(error):
    """The HTTP status of a refusal (400 for a code without its own)."""
    return error.status if isinstance(error, Refused) else 400


def run_service(request, func, *, success=None, **kwargs):
    """Call a service; its refusal becomes a French error message on the next page, never a 500.
    Returns ``(result, ok)``."""
    try:
        result = func(**kwargs)
    except Refused as error:
        messages.error(request, str(error))
        return None, False
    if success:
        messages.success(request, success)
    return result, True


def positive_id(value):
    """A positive database id typed in an address or a form, or None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def id_or_404(value):
    """A positive database id, or 404 (a malformed or impossible id is a missing object)."""
    number = positive_id(value)
    if number is None:
        raise Http404
    return number


def safe_next(request, default):
    """The ``next`` the form or the address was given when it is a path of this site, else
    ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(request, target) or default


def page_or_fragment(request, page, fragment, context, *, push_url=None, status=200):
    """The whole ``page`` template, or only its ``fragment`` for an htmx request (a history
    restore gets the page). ``push_url``: the address htmx puts in the history. The same address
    answers both, so the response always varies on ``HX-Request`` (caches must tell them
    apart)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, fragment, context, status=status)
        if push_url is not None:
            response["HX-Push-Url"] = push_url
    else:
        response = render(request, page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
