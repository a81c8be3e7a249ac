"""WebSocket routes. One connection per tab at /ws/, multiplexed by typed JSON events: the apps'
handlers register with the kernel (``maillage.realtime.registry``), the routing imports none."""

from django.urls import path

from maillage.realtime.consumer import PlatformConsumer

websocket_urlpatterns = [
    path("ws/", PlatformConsumer.as_asgi()),
]
