"""The Origin check of the WebSocket handshake: the same rule as Django's CSRF check of forms.

A page of another site can open a WebSocket to this one with the agent's session cookie; the
browser then says where the page comes from in ``Origin``. The connection is accepted only when
that origin is this site itself — the scheme, host and port the browser reached, as ``Host``
and the scheme tell (``X-Forwarded-Proto`` counts only through ``SECURE_PROXY_SSL_HEADER``, as
for ``request.is_secure()``), the host being one of ``ALLOWED_HOSTS`` — or one of
``CSRF_TRUSTED_ORIGINS``. Channels' ``AllowedHostsOriginValidator`` compares the host only:
``http://127.0.0.1:9999``, another program on the agent's machine, passed it.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised(origin):
    """``(scheme, host, port)`` of an origin such as ``https://maillage.gouv.fr``, or None."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _headers(scope):
    headers = {}
    for name, value in scope.get("headers", []):
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


def _secure(scope, headers):
    if scope.get("scheme") == "wss":
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, expected = proxy_header
        name = name.removeprefix("HTTP_").replace("_", "-").lower()
        value = headers.get(name, "")
        return value.split(",", 1)[0].strip() == expected
    return False


def origin_allowed(scope):
    """May this handshake go on? (its ``Origin`` is this site's or a trusted one)."""
    headers = _headers(scope)
    origin = normalised(headers.get("origin", ""))
    if origin is None:
        return False
    trusted = {normalised(value) for value in settings.CSRF_TRUSTED_ORIGINS}
    if origin in trusted:
        return True
    host = headers.get("host", "")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if _secure(scope, headers) else "http"
    return origin == normalised(f"{scheme}://{host}")


class SameOriginValidator:
    """ASGI middleware refusing (403 at the handshake) a WebSocket from another origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator only guards WebSocket connections.")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
