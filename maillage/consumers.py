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
from django.utils.translation import gettext as _

from chat.consumers import ChatConsumerMixin
from maillage.text import invalid_text_reason
from notifications.consumers import NotificationsConsumerMixin

MAX_FRAME_BYTES = 64 * 1024
# The events nest two levels at most (``{"rooms": {"12": 340}}``).
MAX_FRAME_DEPTH = 8
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
            await self._error("frame_invalid", _("Trame refusée : texte JSON de 64 Kio au plus."))
            return
        try:
            event = json.loads(text_data)
        except (ValueError, RecursionError):
            # RecursionError: a few thousand nested brackets fit in a frame.
            await self._error("frame_invalid", _("Trame refusée : JSON invalide."))
            return
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            await self._error(
                "frame_invalid", _("Trame refusée : un objet avec un champ « type ».")
            )
            return
        refusal = frame_refusal(event)
        if refusal is not None:
            code, message = refusal
            await self._error(code, message, ref=event_ref(event))
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
        await self._error(
            "type_unknown", _("Type d'événement inconnu : %(type)s") % {"type": event["type"][:50]}
        )

    async def _error(self, code, message, ref=None):
        payload = {"type": "error", "code": code, "message": message}
        if ref is not None:
            payload["ref"] = ref
        await self.send(text_data=json.dumps(payload))


def frame_refusal(event):
    """``(code, French message)`` when a decoded frame is too deep or holds text no input may
    hold (``maillage.text``), else None. The walk is iterative: the depth is what is checked."""
    pending = [(event, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_FRAME_DEPTH:
            return "frame_invalid", _(
                "Trame refusée : %(depth)s niveaux d'imbrication au plus."
            ) % {"depth": MAX_FRAME_DEPTH}
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, depth))
                pending.append((item, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            reason = invalid_text_reason(value)
            if reason is not None:
                return "text_invalid", _(
                    "Envoi refusé : le texte contient %(reason)s, que Maillage n'accepte dans "
                    "aucun texte."
                ) % {"reason": reason}
    return None


def event_ref(event):
    """What a refusal answers, as the chat's errors name it (the ``client_id`` of a send, the
    ``message`` of an edit), when it is a short plain value; else None."""
    for key in ("client_id", "message"):
        value = event.get(key)
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            value = str(value)[:64]
            if invalid_text_reason(value) is None:
                return value
    return None
