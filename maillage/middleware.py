import logging
import time

from django.http import JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("maillage.request")
# A query parameter (name and values) longer than this is refused: searches, filters and
# ``next`` addresses stay far below.
MAX_QUERY_PARAMETER_LENGTH = 2000


class RequestLogMiddleware:
    """Log one structured line per request: method, path, status, duration and who asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "agent_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class BackOfficeCSPMiddleware:
    """Relax the script policy for the back-offices only.

    Wagtail's admin (/cms-admin/) and Django's admin (/admin/) still ship a few inline scripts
    (date-time choosers); the agents' pages keep the strict nonce-based policy.
    """

    PREFIXES = ("/cms-admin/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.PREFIXES):
            from django.conf import settings
            from django.utils.csp import CSP

            response._csp_config = {
                **settings.SECURE_CSP,
                "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
            }
        return response


def refuse_invalid_input(request):
    """A 400 response naming the first input of ``request`` that holds a character no text of
    the platform may hold (``maillage.text``), or None when every input is acceptable.

    Looks at the path, the cookies, the query string and the form fields (names and values),
    files' names included; a query parameter longer than MAX_QUERY_PARAMETER_LENGTH is refused
    too (no search needs more, and SQLite refuses a LIKE pattern over 50,000 bytes). Called by ``InputGuardMiddleware`` before each view, and by the views
    that must set their upload handlers before the body is read (``chat.views.common``)."""
    from maillage.text import invalid_text_reason

    def sources():
        yield _("l'adresse de la page"), [request.path]
        for name, value in request.COOKIES.items():
            yield _("un cookie"), [name, value]
        for name, values in request.GET.lists():
            yield name, [name, *values]
        if request.method == "POST":
            for name, values in request.POST.lists():
                yield name, [name, *values]
            for name, files in request.FILES.lists():
                yield name, [name, *(file.name or "" for file in files)]

    for name, values in request.GET.lists():
        if len(name) + sum(len(value) for value in values) > MAX_QUERY_PARAMETER_LENGTH:
            if invalid_text_reason(name) is not None or len(name) > 60:
                name = _("un paramètre")
            message = _(
                "La requête est refusée : « %(where)s » dépasse %(max)s caractères dans "
                "l'adresse de la page."
            ) % {"where": name, "max": f"{MAX_QUERY_PARAMETER_LENGTH:,}".replace(",", "\u202f")}
            return _refusal(request, message)
    for where, values in sources():
        for value in values:
            reason = invalid_text_reason(value)
            if reason is None:
                continue
            if invalid_text_reason(where) is not None or len(where) > 60:
                where = _("un paramètre")
            message = _(
                "La requête est refusée : « %(where)s » contient %(reason)s, que Maillage "
                "n'accepte dans aucun texte."
            ) % {"where": where, "reason": reason}
            return _refusal(request, message)
    return None


def _refusal(request, message):
    from django.shortcuts import render

    if not request.accepts("text/html"):
        return JsonResponse({"error": message}, status=400)
    return render(request, "400.html", {"reason": message}, status=400)


class InputGuardMiddleware:
    """Refuse, with a 400 and a French reason, any request whose text inputs hold a NUL or
    another control character, or a lone surrogate: nothing is written, no query fails on
    PostgreSQL (which refuses NUL in text), whatever view the request reaches.

    Placed after the CSRF and authentication middleware: their answers come first, and the error
    page knows who is signed in. A view that reads its own body (uploads with their own handlers)
    is marked ``reads_body_itself`` and calls ``refuse_invalid_input`` once its handlers are set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "reads_body_itself", False):
            return None
        return refuse_invalid_input(request)
