"""The messaging's part of the tab's WebSocket, a client of the real-time kernel
(``maillage.realtime``): its events (``protocol``) and its handlers (``handlers``, registered
for the ``chat`` prefix from ``chat.apps``)."""
