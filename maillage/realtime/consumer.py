"""The single WebSocket endpoint of a browser tab, ``/ws/``.

Events are typed JSON objects (``{"type": "ping"}``). The endpoint authenticates the agent,
joins the agent's own group (``groups.agent_group``), answers ``ping`` and refuses, with an
``error`` event and without closing the connection, anything malformed. Every other event goes
to the app registered for the prefix of its type (``registry``: ``chat.*`` to the chat…), in a
policy scope of its own; the channel-layer messages of the groups the connection is in come
through the process's hub (``hub``) and go to the app registered for their prefix too.

This module imports no app.
"""

import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from maillage import policy
from maillage.http import Refused
from maillage.realtime import registry
from maillage.realtime.groups import agent_group
from maillage.realtime.hub import hub
from maillage.text import invalid_text_reason

MAX_FRAME_BYTES = 64 * 1024
# The events nest two levels at most (``{"rooms": {"12": 340}}``).
MAX_FRAME_DEPTH = 8
logger = logging.getLogger(__name__)


class PlatformConsumer(AsyncWebsocketConsumer):
    """One open tab. What the apps' handlers use: ``agent``, ``channel_name``, ``send_text``,
    ``send_event``, ``join``/``leave`` a group, ``end`` the connection."""

    handlers = None  # prefix -> this connection's Handlers instance, once accepted

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        await self.accept()
        self.agent = user
        self.groups_joined = set()
        self.ended = False
        # While one of the client's events is handled, the groups' messages wait, so that the
        # client hears the answer to its event (a chat.ack) before the event's effects.
        self.busy, self.waiting = False, []
        self.handlers = {prefix: cls(self) for prefix, cls in registry.registered().items()}
        await self.join(agent_group(user.pk))
        for handler in self.handlers.values():
            await handler.connect()

    async def disconnect(self, code):
        await self._leave_everything()

    async def end(self, code=4401):
        """Stop everything at once (an account closed meanwhile): leave every group, let the
        handlers close, close the connection."""
        await self._leave_everything()
        await self.close(code=code)

    async def _leave_everything(self):
        if self.handlers is None or self.ended:
            return
        self.ended = True
        await hub().leave_all(self, self.groups_joined)
        self.groups_joined.clear()
        for handler in self.handlers.values():
            try:
                await handler.disconnect()
            except Exception:
                logger.exception("websocket: a handler failed to disconnect")

    # --- what the handlers use ------------------------------------------------------------

    async def join(self, group):
        """Receive the messages of ``group`` (once, however often it is joined)."""
        if self.ended or group in self.groups_joined:
            return
        self.groups_joined.add(group)
        await hub().join(group, self)

    async def leave(self, group):
        if group in self.groups_joined:
            self.groups_joined.discard(group)
            await hub().leave(group, self)

    async def send_text(self, text):
        await self.send(text_data=text)

    async def send_event(self, payload):
        await self.send(text_data=json.dumps(payload))

    # --- the client's events --------------------------------------------------------------

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
            await self.send_event({"type": "pong", "id": event.get("id")})
            return
        prefix, dot, _rest = event["type"].partition(".")
        handler = self.handlers.get(prefix) if dot else None
        if handler is None or not await self._handle(handler, event):
            await self._error(
                "type_unknown",
                _("Type d'événement inconnu : %(type)s") % {"type": event["type"][:50]},
            )

    async def _handle(self, handler, event):
        """Hand the event to its app; False when the app does not know its type."""
        self.busy = True
        try:
            # The connection keeps its agent for hours: what the policy reads (memberships) is
            # remembered for this event only, so that a charter accepted, a role changed or a
            # removal elsewhere counts at once.
            with policy.scope():
                return await handler.receive(event)
        except Refused as refused:
            await self._error(refused.code, str(refused), ref=event_ref(event))
            return True
        except Exception:
            # A bug in one handler answers this client with an error; it never closes the
            # connection or touches anyone else's.
            logger.exception("websocket event %s failed", event["type"][:50])
            await self._error("server_error", "Erreur du serveur : l'action n'a pas abouti.")
            return True
        finally:
            while self.waiting and not self.ended:
                await self._deliver(*self.waiting.pop(0))
            self.busy = False

    async def _error(self, code, message, ref=None):
        payload = {"type": "error", "code": code, "message": message}
        if ref is not None:
            payload["ref"] = ref
        await self.send_event(payload)

    # --- the groups' messages (from the hub) ----------------------------------------------

    async def hub_deliver(self, prefix, method, message):
        """A message of one of this connection's groups, handed over by the process's hub."""
        if self.busy:
            self.waiting.append((prefix, method, message))
            return
        await self._deliver(prefix, method, message)

    async def _deliver(self, prefix, method, message):
        handler = self.handlers.get(prefix)
        if handler is not None:
            await getattr(handler, method)(message)


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
    """What a refusal answers (the ``client_id`` of a send, the ``message`` of an edit), when it
    is a short plain value; else None."""
    for key in ("client_id", "message"):
        value = event.get(key)
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            value = str(value)[:64]
            if invalid_text_reason(value) is None:
                return value
    return None
