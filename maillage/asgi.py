"""The ASGI application served by Daphne: Django views over HTTP, consumers over WebSocket.

The WebSocket side authenticates with the Django session and checks at the handshake that the
Origin header is this site's own: scheme, host and port (``maillage.origins``).
"""

import gc
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from maillage.origins import SameOriginValidator  # noqa: E402
from maillage.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


def tune_garbage_collector(threshold):
    """Each frame a server process sends allocates short-lived objects: with Python's default
    threshold (700) the cyclic collector runs hundreds of times a second under a busy chat, and
    each older-generation pass walks every object loaded at start-up. Those are frozen out of
    the collections (``gc.freeze``), and the youngest generation is collected once per
    ``threshold`` new objects. Measured with ``python -m bench --only chat``: README,
    « Performance »."""
    if threshold > 0:
        gc.freeze()
        gc.set_threshold(threshold, 20, 20)


tune_garbage_collector(settings.SERVER_GC_THRESHOLD)
