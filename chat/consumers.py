"""The messaging's part of the tab's WebSocket (``maillage.consumers.PlatformConsumer``).

Client → server events (JSON objects with a ``type``):

- ``chat.rooms``: the list of the agent's rooms with unread counts → ``chat.rooms``;
- ``chat.subscribe`` ``{"rooms": {"12": 340, "15": null}, "focus": 12}``: receive the rooms'
  events; with a sequence number, first what changed after it (from the database); ``focus``
  is the room on screen (its presence is sent) → ``chat.subscribed``;
- ``chat.unsubscribe`` ``{"rooms": [12]}``;
- ``chat.history`` ``{"room": 12, "before": 5400}`` → ``chat.history`` (50 messages);
- ``chat.send`` ``{"room": 12, "client_id": "…", "body": "…", "reply_to": 5398}`` →
  ``chat.ack``, then ``chat.message`` to every connection of the room;
- ``chat.edit`` ``{"message": 5400, "body": "…"}``, ``chat.delete`` ``{"message": 5400}``,
  ``chat.react`` ``{"message": 5400, "emoji": "👍"}`` → ``chat.message`` (the new state);
- ``chat.typing`` ``{"room": 12}`` → ``chat.typing`` to the room's other connections;
- ``chat.read`` ``{"room": 12, "message": 5400}`` → ``chat.read`` to the agent's other tabs
  (in a subscribed room, stored at once, then at most once per ``READ_INTERVAL``: the latest);
- ``chat.heartbeat`` ``{"active": true, "focus": 12}`` every 30 s → presence kept, the focused
  room's ``chat.presence``, and a check of every subscribed room (membership, missed changes).

Every refusal is an ``error`` event (``code``, French ``message``, ``ref`` = the event's
``client_id`` or ``message``); the connection stays open.
"""

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from chat import events, presence, selectors, services
from chat.models import MAX_MESSAGE_LENGTH, Message, Room
from chat.permissions import rooms_readable_by
from maillage import realtime
from maillage.realtime.hub import hub

MAX_ROOMS_PER_SUBSCRIBE = 500
# How long an event that arrived ahead of its turn waits for the ones before it (published by
# another process) before they are read from the database.
REORDER_WAIT = 0.5
TYPING_INTERVAL = 2.0
# A connection stores its read position in a subscribed room at once, then at most once per
# READ_INTERVAL (the latest one, at the end of the interval): a room on screen during a busy
# conversation reports a read every READ_DELAY of static/js/chat.js, and each tab's write would
# otherwise take the process's database thread from the messages.
READ_INTERVAL = 2.0
# The largest id or sequence number the database stores (a signed 64-bit integer): a larger one
# sent by a client is refused instead of failing the query.
MAX_ID = 2**63 - 1


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _room_id(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Refused("invalid", _("Identifiant de salon invalide."))
    try:
        room_id = int(value)
    except ValueError:
        raise Refused("invalid", _("Identifiant de salon invalide.")) from None
    if not 0 < room_id <= MAX_ID:
        raise Refused("invalid", _("Identifiant de salon invalide."))
    return room_id


def _seq(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Refused("invalid", _("Numéro de séquence invalide."))
    return value


def _is_id(value):
    """A message id as the client sends it: a JSON integer the database can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


class ChatConsumerMixin:
    """Mixed into the platform's consumer; ``self.scope["user"]`` is an authenticated agent."""

    async def chat_connect(self):
        self.chat_rooms = {}  # room id -> last sequence number sent to this connection
        self.chat_typing_sent = {}
        self.chat_busy, self.chat_waiting = False, []
        self.chat_ahead, self.chat_gap_timers = {}, {}  # the reorder buffer of chat_event
        self.chat_read_pending, self.chat_read_timers = {}, {}  # see _read
        await hub().join(realtime.agent_group(self.scope["user"].pk), self)

    async def chat_disconnect(self):
        if not hasattr(self, "chat_rooms"):
            return
        await hub().leave(realtime.agent_group(self.scope["user"].pk), self)
        await hub().leave_all(self, [events.room_group(room_id) for room_id in self.chat_rooms])
        self.chat_rooms.clear()
        for timer in self.chat_gap_timers.values():
            timer.cancel()
        self.chat_gap_timers.clear()
        # A read position still waiting for its interval is stored before the connection goes.
        for timer in self.chat_read_timers.values():
            timer.cancel()
        self.chat_read_timers.clear()
        pending, self.chat_read_pending = self.chat_read_pending, {}
        for room_id, message_id in pending.items():
            await self._store_read(room_id, message_id, report=False)

    async def hub_deliver(self, prefix, handler, message):
        """A group's message handed over by the process's hub (``maillage.realtime.hub``), to
        the method named after its type (``chat_event``, ``notifications_event``). While this
        connection handles one of its client's events, the groups' messages wait, so that the
        client hears, as before the hub, the answer to its event (``chat.ack``) before the
        event's effects."""
        if getattr(self, "chat_busy", False):
            self.chat_waiting.append((handler, message))
            return
        await getattr(self, handler)(message)

    async def chat_receive(self, event):
        """Handle a ``chat.*`` event from the client; False when the type is not ours."""
        handler = self.CHAT_HANDLERS.get(event["type"])
        if handler is None:
            return False
        self.chat_busy, self.chat_waiting = True, getattr(self, "chat_waiting", [])
        try:
            return await self._chat_handle(handler, event)
        finally:
            while self.chat_waiting:
                waiting_handler, message = self.chat_waiting.pop(0)
                await getattr(self, waiting_handler)(message)
            self.chat_busy = False

    async def _chat_handle(self, handler, event):
        # The connection keeps its agent for hours: the memberships the policy caches on it
        # (``communities.permissions.membership_of``) are read afresh for every event, so that a
        # charter accepted, a role changed or a removal elsewhere counts at once.
        self._forget_memberships()
        try:
            await handler(self, event)
        except Refused as refused:
            await self.chat_error(refused.code, str(refused), event)
        except services.ChatError as error:
            await self.chat_error(error.code, str(error), event)
        return True

    def _forget_memberships(self):
        agent = self.scope["user"]
        if hasattr(agent, "_membership_cache"):
            del agent._membership_cache

    async def chat_error(self, code, message, event=None):
        """An ``error`` event; ``ref`` names what it answers (the ``client_id`` of a send, the
        message of an edit), ``room`` the room when there is one."""
        payload = {"type": "error", "code": code, "message": message}
        for key, name in (("client_id", "ref"), ("message", "ref"), ("room", "room")):
            value = (event or {}).get(key)
            if (
                name not in payload
                and isinstance(value, (int, str))
                and not isinstance(value, bool)
            ):
                payload[name] = str(value)[:64]
        await self.send(text_data=json.dumps(payload))

    async def _send_json(self, payload):
        await self.send(text_data=json.dumps(payload))

    # --- handlers of client events ---------------------------------------------------------

    async def _rooms(self, event):
        rooms = await database_sync_to_async(self._rooms_sync)()
        await self._send_json(
            {
                "type": "chat.rooms",
                "rooms": rooms,
                "unread_total": sum(room["unread"] for room in rooms),
            }
        )

    def _rooms_sync(self):
        agent = self.scope["user"]
        return [selectors.room_summary(room, agent) for room in selectors.rooms_for_list(agent)]

    async def _subscribe(self, event):
        wanted = event.get("rooms")
        if not isinstance(wanted, dict) or len(wanted) > MAX_ROOMS_PER_SUBSCRIBE:
            raise Refused(
                "invalid", _("« rooms » : un objet {salon: numéro} de 500 salons au plus.")
            )
        since = {_room_id(key): _seq(value) for key, value in wanted.items()}
        focus = event.get("focus")
        focus = _room_id(focus) if focus is not None else None
        # Join the groups before reading the database: a change committed in between is then in
        # what is read or comes through the layer afterwards (the events of a room not allowed
        # in the end are ignored: it is not in ``chat_rooms``), never lost in between.
        joined = [room_id for room_id in since if room_id not in self.chat_rooms]
        for room_id in joined:
            await hub().join(events.room_group(room_id), self)
        allowed, backlog, presence_ids = await database_sync_to_async(self._subscribe_sync)(
            since, focus
        )
        for room_id, last_seq in allowed.items():
            self.chat_rooms[room_id] = max(last_seq, self.chat_rooms.get(room_id, 0))
        refused = sorted(set(since) - set(allowed))
        for room_id in refused:
            if room_id in self.chat_rooms:  # subscribed before, no longer readable
                await self._drop_room(room_id)
            elif room_id in joined:
                await hub().leave(events.room_group(room_id), self)
        await self._send_json(
            {
                "type": "chat.subscribed",
                "rooms": {str(pk): seq for pk, seq in allowed.items()},
                "refused": refused,
            }
        )
        for text in backlog:
            await self.send(text_data=text)
        for room_id in refused:
            await self.chat_error(
                "room_forbidden",
                _("Ce salon n'existe pas ou ne vous est pas ouvert."),
                {"room": room_id},
            )
        if focus in allowed and presence_ids is not None:
            await self._send_presence(focus, presence_ids)

    def _subscribe_sync(self, since, focus):
        agent = self.scope["user"]
        rooms = dict(
            rooms_readable_by(agent).filter(pk__in=list(since)).values_list("pk", "last_seq")
        )
        backlog = []
        for room_id, seq in since.items():
            if room_id in rooms and seq is not None and seq < rooms[room_id]:
                backlog.extend(self._changes_sync(room_id, seq))
        presence_ids = None
        if focus in rooms:
            presence_ids = self._presence_ids_sync(focus)
        return rooms, backlog, presence_ids

    def _changes_sync(self, room_id, seq):
        changes = selectors.changes_since(room_id, seq)
        if len(changes) >= selectors.CATCH_UP_LIMIT:
            # Too far behind: the client reloads the room's latest page instead; the connection
            # then counts from the room's current number (``_deliver_text``).
            last = Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).first()
            return [json.dumps({"type": "chat.reset", "room": room_id, "seq": last or 0})]
        return [events.message_event(message)["text"] for message in changes]

    def _presence_ids_sync(self, room_id):
        room = Room.objects.select_related("community").get(pk=room_id)
        return list(selectors.room_participants(room).values_list("pk", flat=True)[:2000])

    async def _send_presence(self, room_id, agent_ids):
        statuses = await sync_to_async(presence.statuses)(agent_ids)
        await self._send_json(
            {
                "type": "chat.presence",
                "room": room_id,
                "agents": {str(pk): s for pk, s in statuses.items()},
            }
        )

    async def _unsubscribe(self, event):
        rooms = event.get("rooms")
        if not isinstance(rooms, list):
            raise Refused("invalid", _("« rooms » : une liste de salons."))
        for value in rooms[:MAX_ROOMS_PER_SUBSCRIBE]:
            room_id = _room_id(value)
            if self.chat_rooms.pop(room_id, None) is not None:
                await hub().leave(events.room_group(room_id), self)
                pending = self._forget_read(room_id)
                if pending is not None:
                    await self._store_read(room_id, pending)

    async def _history(self, event):
        room_id = _room_id(event.get("room"))
        before = event.get("before")
        if before is not None and not _is_id(before):
            raise Refused("invalid", _("« before » : un identifiant de message."))
        messages, has_more = await database_sync_to_async(self._history_sync)(room_id, before)
        await self._send_json(
            {"type": "chat.history", "room": room_id, "messages": messages, "has_more": has_more}
        )

    def _history_sync(self, room_id, before):
        room = self._readable_room(room_id)
        page = selectors.history(room, before=before, limit=selectors.HISTORY_PAGE + 1)
        has_more = len(page) > selectors.HISTORY_PAGE
        page = page[-selectors.HISTORY_PAGE :]
        return [selectors.message_payload(m) for m in page], has_more

    def _readable_room(self, room_id):
        room = rooms_readable_by(self.scope["user"]).filter(pk=room_id).first()
        if room is None:
            raise Refused("room_forbidden", _("Ce salon n'existe pas ou ne vous est pas ouvert."))
        return Room.objects.select_related("community").get(pk=room.pk)

    def _readable_message(self, message_id):
        if not _is_id(message_id):
            raise Refused("invalid", _("« message » : un identifiant de message."))
        message = (
            Message.objects.filter(
                pk=message_id, room__in=rooms_readable_by(self.scope["user"]).values("pk")
            )
            .select_related("room__community")
            .first()
        )
        if message is None:
            raise Refused("not_found", _("Ce message n'existe pas ou ne vous est pas ouvert."))
        return message

    async def _send(self, event):
        room_id = _room_id(event.get("room"))
        body = event.get("body", "")
        if not isinstance(body, str):
            raise Refused("invalid", _("« body » : le texte du message."))
        if len(body) > MAX_MESSAGE_LENGTH:
            raise Refused(
                "too_long",
                _("Un message tient en %(max)s caractères au plus.")
                % {"max": f"{MAX_MESSAGE_LENGTH:,}".replace(",", "\u202f")},
            )
        reply_to = event.get("reply_to")
        if reply_to is not None and not _is_id(reply_to):
            raise Refused("invalid", _("« reply_to » : un identifiant de message."))
        message = await database_sync_to_async(self._send_sync)(
            room_id, body, event.get("client_id"), reply_to
        )
        await self._send_json(
            {
                "type": "chat.ack",
                "client_id": message.client_id,
                "room": message.room_id,
                "id": message.pk,
                "seq": message.seq,
            }
        )

    def _stored_room(self, room_id):
        """The room as stored, for a service that asks the policy itself whether the agent may
        read it (``room_abilities``, the same rule as ``rooms_readable_by``): one simple query
        instead of ``_readable_room``'s two, on the paths taken for every message and every
        read position."""
        room = Room.objects.select_related("community").filter(pk=room_id).first()
        if room is None:
            raise Refused("room_forbidden", _("Ce salon n'existe pas ou ne vous est pas ouvert."))
        return room

    @staticmethod
    def _unreadable_as_forbidden(call, **kwargs):
        """Call a service; its « not found » (the policy's refusal to read) is the same
        ``room_forbidden`` as a room that does not exist."""
        try:
            return call(**kwargs)
        except services.ChatError as error:
            if error.code == "not_found":
                raise Refused("room_forbidden", str(error)) from None
            raise

    def _send_sync(self, room_id, body, client_id, reply_to):
        room = self._stored_room(room_id)
        if not isinstance(client_id, str):
            raise Refused("invalid", _("« client_id » manquant."))
        return self._unreadable_as_forbidden(
            services.message_send,
            agent=self.scope["user"],
            room=room,
            body=body,
            client_id=client_id,
            reply_to_id=reply_to,
        )

    async def _edit(self, event):
        body = event.get("body")
        if not isinstance(body, str):
            raise Refused("invalid", _("« body » : le texte du message."))
        if len(body) > MAX_MESSAGE_LENGTH:
            raise Refused("too_long", _("Un message tient en 10 000 caractères au plus."))
        await database_sync_to_async(self._edit_sync)(event.get("message"), body)

    def _edit_sync(self, message_id, body):
        message = self._readable_message(message_id)
        services.message_edit(agent=self.scope["user"], message=message, body=body)

    async def _delete(self, event):
        await database_sync_to_async(self._delete_sync)(event.get("message"))

    def _delete_sync(self, message_id):
        message = self._readable_message(message_id)
        services.message_delete(agent=self.scope["user"], message=message)

    async def _react(self, event):
        emoji = event.get("emoji")
        if not isinstance(emoji, str):
            raise Refused("invalid", _("« emoji » : une des réactions proposées."))
        await database_sync_to_async(self._react_sync)(event.get("message"), emoji)

    def _react_sync(self, message_id, emoji):
        message = self._readable_message(message_id)
        services.reaction_toggle(agent=self.scope["user"], message=message, emoji=emoji)

    async def _typing(self, event):
        room_id = _room_id(event.get("room"))
        if room_id not in self.chat_rooms:
            raise Refused("not_subscribed", _("Abonnez-vous au salon avant d'y écrire."))
        now = time.monotonic()
        if now - self.chat_typing_sent.get(room_id, 0) < TYPING_INTERVAL:
            return
        self.chat_typing_sent[room_id] = now
        agent = self.scope["user"]
        await realtime.send_async(
            events.room_group(room_id),
            {
                "type": "chat.ephemeral",
                "room": room_id,
                "sender": self.channel_name,
                "text": json.dumps(
                    {
                        "type": "chat.typing",
                        "room": room_id,
                        "agent": {"id": agent.pk, "name": agent.display_name},
                    }
                ),
            },
        )

    async def _read(self, event):
        """Store the read position. In a subscribed room, the first one at once; those that
        follow within READ_INTERVAL are folded into one, stored when the interval ends (or when
        the room is left or the connection closes)."""
        room_id = _room_id(event.get("room"))
        message_id = event.get("message")
        if not _is_id(message_id):
            raise Refused("invalid", _("« message » : un identifiant de message."))
        if room_id in self.chat_read_timers:
            pending = self.chat_read_pending.get(room_id, 0)
            self.chat_read_pending[room_id] = max(pending, message_id)
            return
        await database_sync_to_async(self._read_sync)(room_id, message_id)
        if room_id in self.chat_rooms:
            self._open_read_interval(room_id)

    def _open_read_interval(self, room_id):
        self.chat_read_timers[room_id] = asyncio.get_running_loop().call_later(
            READ_INTERVAL, self._read_interval_over, room_id
        )

    def _read_interval_over(self, room_id):
        self.chat_read_timers.pop(room_id, None)
        message_id = self.chat_read_pending.pop(room_id, None)
        if message_id is not None and room_id in self.chat_rooms:
            self._open_read_interval(room_id)
            asyncio.get_running_loop().create_task(self._store_read(room_id, message_id))

    async def _store_read(self, room_id, message_id, *, report=True):
        """A folded read position, out of the client's event: a refusal (the room closed to the
        agent meanwhile) is an error event, as for the event itself, unless the connection is
        closing."""
        try:
            await database_sync_to_async(self._read_sync)(room_id, message_id)
        except (Refused, services.ChatError) as error:
            if report:
                await self.chat_error(error.code, str(error), {"room": room_id})

    def _forget_read(self, room_id):
        timer = self.chat_read_timers.pop(room_id, None)
        if timer is not None:
            timer.cancel()
        return self.chat_read_pending.pop(room_id, None)

    def _read_sync(self, room_id, message_id):
        self._unreadable_as_forbidden(
            services.read_mark,
            agent=self.scope["user"],
            room=self._stored_room(room_id),
            message_id=message_id,
        )

    async def _heartbeat(self, event):
        active = bool(event.get("active", True))
        # The cache (Redis at scale) is called out of the event loop, never blocking it.
        before, after = await sync_to_async(presence.touch)(self.scope["user"].pk, active=active)
        focus = event.get("focus")
        focus = _room_id(focus) if focus is not None else None
        if before != after:
            await self._broadcast_presence(after)
        checked = await database_sync_to_async(self._check_sync)(focus)
        if checked is None:
            await self._account_closed()
            return
        backlog, removed, presence_ids = checked
        for room_id in removed:
            await self._drop_room(room_id)
        for text in backlog:
            await self._deliver_text(text)
        if presence_ids is not None:
            await self._send_presence(focus, presence_ids)

    def _check_sync(self, focus):
        """Are the subscribed rooms still readable, and is anything missing? None when the
        account was closed meanwhile."""
        if not self._still_active_sync():
            return None
        current = dict(
            rooms_readable_by(self.scope["user"])
            .filter(pk__in=list(self.chat_rooms))
            .values_list("pk", "last_seq")
        )
        removed = [pk for pk in self.chat_rooms if pk not in current]
        backlog = []
        for room_id, last_seq in current.items():
            if last_seq > self.chat_rooms.get(room_id, last_seq):
                backlog.extend(self._changes_sync(room_id, self.chat_rooms[room_id]))
        presence_ids = self._presence_ids_sync(focus) if focus in current else None
        return backlog, removed, presence_ids

    def _still_active_sync(self):
        """The connection's agent was loaded at the handshake; the account may have been closed
        or deactivated since (the policy would go on trusting the loaded ``is_active``)."""
        agent = self.scope["user"]
        return get_user_model().objects.filter(pk=agent.pk, is_active=True).exists()

    async def _account_closed(self):
        """Stop everything at once: leave every group, close the connection."""
        await self.chat_disconnect()
        await self.close(code=4401)

    async def _broadcast_presence(self, status):
        agent = self.scope["user"]
        text = json.dumps({"type": "chat.presence", "agent": agent.pk, "status": status})
        for room_id in list(self.chat_rooms):
            await realtime.send_async(
                events.room_group(room_id),
                {"type": "chat.ephemeral", "room": room_id, "sender": None, "text": text},
            )

    async def _drop_room(self, room_id):
        """The room is no longer readable: a read position waiting for it is dropped too."""
        self._forget_read(room_id)
        if self.chat_rooms.pop(room_id, None) is not None:
            await hub().leave(events.room_group(room_id), self)
            await self._send_json({"type": "chat.room_removed", "room": room_id})

    async def _deliver_text(self, text):
        """Send a stored change (from a catch-up) unless this connection already has it."""
        data = json.loads(text)
        room_id = data.get("room")
        if data.get("type") in ("chat.message", "chat.reset"):
            # Not subscribed (any more), or this version already sent (live meanwhile).
            if room_id not in self.chat_rooms or data["seq"] <= self.chat_rooms[room_id]:
                return
            self.chat_rooms[room_id] = data["seq"]
        await self.send(text_data=text)

    CHAT_HANDLERS = {
        "chat.rooms": _rooms,
        "chat.subscribe": _subscribe,
        "chat.unsubscribe": _unsubscribe,
        "chat.history": _history,
        "chat.send": _send,
        "chat.edit": _edit,
        "chat.delete": _delete,
        "chat.react": _react,
        "chat.typing": _typing,
        "chat.read": _read,
        "chat.heartbeat": _heartbeat,
    }

    # --- handlers of channel-layer events (type "chat.event" → chat_event) -------------------

    async def chat_event(self, event):
        """A stored change of a room, sent in order. Events published by two processes may
        arrive out of order: one ahead of the next expected number waits (REORDER_WAIT) for the
        missing ones; if they do not come (dropped by a full channel layer, a process gone),
        what is missing is read from the database, in a task of its own so that the process's
        other deliveries never wait for it."""
        room_id, seq = event["room"], event["seq"]
        last = self.chat_rooms.get(room_id)
        if last is None or seq <= last:
            return
        if seq == last + 1:
            self.chat_rooms[room_id] = seq
            await self.send(text_data=event["text"])
            await self._drain(room_id)
            return
        ahead = self.chat_ahead.setdefault(room_id, {})
        ahead[seq] = event["text"]
        if room_id not in self.chat_gap_timers:
            self.chat_gap_timers[room_id] = asyncio.get_running_loop().call_later(
                REORDER_WAIT, self._gap_expired, room_id
            )

    async def _drain(self, room_id):
        """Send the events that were waiting for the ones just sent."""
        ahead = self.chat_ahead.get(room_id)
        while ahead:
            following = self.chat_rooms[room_id] + 1
            if following not in ahead:
                for seq in [seq for seq in ahead if seq < following]:
                    del ahead[seq]
                break
            self.chat_rooms[room_id] = following
            await self.send(text_data=ahead.pop(following))
        if not ahead:
            self.chat_ahead.pop(room_id, None)
            timer = self.chat_gap_timers.pop(room_id, None)
            if timer is not None:
                timer.cancel()

    def _gap_expired(self, room_id):
        self.chat_gap_timers.pop(room_id, None)
        if self.chat_ahead.get(room_id) and room_id in self.chat_rooms:
            asyncio.get_running_loop().create_task(self._catch_up(room_id))

    async def _catch_up(self, room_id):
        last = self.chat_rooms.get(room_id)
        if last is None:
            return
        target = max(self.chat_ahead.pop(room_id, {0: None}))
        backlog = await database_sync_to_async(self._changes_sync)(room_id, last)
        for text in backlog:
            data = json.loads(text)
            if data.get("type") == "chat.reset":
                self.chat_rooms[room_id] = max(target, data["seq"])
                await self.send(text_data=text)
                return
        for text in backlog:
            await self._deliver_text(text)
        if room_id not in self.chat_rooms:
            return
        self.chat_rooms[room_id] = max(self.chat_rooms[room_id], target)
        # Events that arrived during the read: those already covered are dropped, the next
        # ones sent, and a gap still open waits again.
        await self._drain(room_id)
        if self.chat_ahead.get(room_id) and room_id not in self.chat_gap_timers:
            self.chat_gap_timers[room_id] = asyncio.get_running_loop().call_later(
                REORDER_WAIT, self._gap_expired, room_id
            )

    async def chat_ephemeral(self, event):
        """Typing and presence: never the sender's own, nor for a room this connection left (a
        room dropped while the event waited in the channel)."""
        if event.get("sender") == self.channel_name or event.get("room") not in self.chat_rooms:
            return
        await self.send(text_data=event["text"])

    async def chat_read(self, event):
        await self._send_json(
            {"type": "chat.read", "room": event["room"], "last_read": event["last_read"]}
        )

    async def chat_rooms_changed(self, event):
        """Memberships changed: drop the rooms no longer readable at once, then let the client
        refresh its list (and subscribe to new rooms)."""
        current = await database_sync_to_async(self._readable_ids_sync)()
        if current is None:
            await self._account_closed()
            return
        for room_id in [pk for pk in self.chat_rooms if pk not in current]:
            await self._drop_room(room_id)
        await self._send_json({"type": "chat.rooms_changed"})

    def _readable_ids_sync(self):
        if not self._still_active_sync():
            return None
        return set(
            rooms_readable_by(self.scope["user"])
            .filter(pk__in=list(self.chat_rooms))
            .values_list("pk", flat=True)
        )
