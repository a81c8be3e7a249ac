import logging
import time

logger = logging.getLogger("maillage.request")


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
