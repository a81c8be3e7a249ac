"""The single WebSocket endpoint of a browser tab.

Events are typed JSON objects (``{"type": "ping"}``). Each feature handles its own event types:
the messaging's are ``chat.*`` (``chat.consumers.ChatConsumerMixin``), the notifications push
``notifications.unread`` to the agent's tabs (``notifications.consumers``); the endpoint itself
authenticates the agent, answers ``ping`` and refuses, with an ``error`` event and without closing
the connection, anything malformed.
"""

import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer

from chat.consumers import ChatConsumerMixin
from notifications.consumers import NotificationsConsumerMixin

MAX_FRAME_BYTES = 64 * 1024
logger = logging.getLogger(__name__)


class PlatformConsumer(ChatConsumerMixin, NotificationsConsumerMixin, AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        await self.accept()
        await self.chat_connect()
        self.notifications_connect()

    async def disconnect(self, code):
        await self.chat_disconnect()

    async def receive(self, text_data=None, bytes_data=None):
        # The limit is in bytes (UTF-8), as the error says, not in characters.
        if text_data is None or len(text_data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
            await self._error("frame_invalid", "Trame refusée : texte JSON de 64 Kio au plus.")
            return
        try:
            event = json.loads(text_data)
        except ValueError:
            await self._error("frame_invalid", "Trame refusée : JSON invalide.")
            return
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            await self._error("frame_invalid", "Trame refusée : un objet avec un champ « type ».")
            return
        if event["type"] == "ping":
            await self.send(text_data=json.dumps({"type": "pong", "id": event.get("id")}))
            return
        try:
            if await self.chat_receive(event):
                return
        except Exception:
            # A bug in one handler answers this client with an error; it never closes the
            # connection or touches anyone else's.
            logger.exception("websocket event %s failed", event["type"][:50])
            await self._error("server_error", "Erreur du serveur : l'action n'a pas abouti.")
            return
        await self._error("type_unknown", f"Type d'événement inconnu : {event['type'][:50]}")

    async def _error(self, code, message):
        await self.send(text_data=json.dumps({"type": "error", "code": code, "message": message}))
