"""WebSocket routes. One connection per tab at /ws/, multiplexed by typed JSON events."""

from django.urls import path

from maillage.consumers import PlatformConsumer

websocket_urlpatterns = [
    path("ws/", PlatformConsumer.as_asgi()),
]
