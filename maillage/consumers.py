"""The single WebSocket endpoint of a browser tab.

Events are typed JSON objects (``{"type": "ping"}``). Features register their own event types as
they arrive (chat, notifications); until then the endpoint authenticates the agent and answers
``ping`` so that a client can check its connection.
"""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

MAX_FRAME_BYTES = 64 * 1024


class PlatformConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
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
        await self._error("type_unknown", f"Type d'événement inconnu : {event['type'][:50]}")

    async def _error(self, code, message):
        await self.send(text_data=json.dumps({"type": "error", "code": code, "message": message}))
