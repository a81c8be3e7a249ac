"""The messaging's handlers on the tab's connection (``maillage.realtime``), one instance per
connection: the client's ``chat.*`` events (``protocol``) and the messages of the agent's group
and of the subscribed rooms' groups (``chat.events``).

A room's changes are numbered (``Room.last_seq``): the connection delivers them in order, once,
reading what is missing from the database, through the kernel's ``SequencedStream`` (one stream
per subscribed room, keyed by the room's id).
"""

import asyncio
import contextvars
import json
import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from chat import events, presence, selectors, services
from chat.models import Message, Room
from chat.permissions import remember_own_standing, rooms_readable_by, with_own_standing
from chat.realtime import protocol
from maillage import realtime
from maillage.http import Refused
from maillage.realtime.sequence import REORDER_WAIT

TYPING_INTERVAL = 2.0
# A connection stores its read position in a subscribed room at once, then at most once per
# READ_INTERVAL (the latest one, at the end of the interval): a room on screen during a busy
# conversation reports a read every READ_DELAY of static/js/chat.js, and each tab's write would
# otherwise take the process's database thread from the messages.
READ_INTERVAL = 2.0


class ChatHandlers(realtime.Handlers):
    def __init__(self, connection):
        super().__init__(connection)
        # The subscribed rooms: room id -> last sequence number sent to this connection.
        self.rooms = realtime.SequencedStream(
            send=connection.send, read_after=self._read_after, wait=REORDER_WAIT
        )
        self.typing_sent = {}
        self.read_pending, self.read_timers = {}, {}  # see _read

    async def disconnect(self):
        # The kernel has left every group already.
        self.rooms.close()
        for timer in self.read_timers.values():
            timer.cancel()
        self.read_timers.clear()
        # A read position still waiting for its interval is stored before the connection goes.
        pending, self.read_pending = self.read_pending, {}
        for room_id, message_id in pending.items():
            await self._store_read(room_id, message_id, report=False)

    async def receive(self, event):
        handler = self.CLIENT_EVENTS.get(event["type"])
        if handler is None:
            return False
        try:
            await handler(self, event)
        except Refused as error:  # the protocol's, or a service's (ChatError)
            await self.error(error.code, str(error), event)
        return True

    async def error(self, code, message, event=None):
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
        await self.connection.send_event(payload)

    def _subscribed(self, room_id):
        return self.rooms.position(room_id) is not None

    # --- the client's events ----------------------------------------------------------------

    async def _rooms(self, event):
        rooms = await database_sync_to_async(self._rooms_sync)()
        await self.connection.send_event(
            {
                "type": "chat.rooms",
                "rooms": rooms,
                "unread_total": sum(room["unread"] for room in rooms),
            }
        )

    def _rooms_sync(self):
        agent = self.agent
        return [selectors.room_summary(room, agent) for room in selectors.rooms_for_list(agent)]

    async def _subscribe(self, event):
        wanted = event.get("rooms")
        if not isinstance(wanted, dict) or len(wanted) > protocol.MAX_ROOMS_PER_SUBSCRIBE:
            raise Refused(
                _("« rooms » : un objet {salon: numéro} de 500 salons au plus."), "invalid"
            )
        since = {protocol.room_id(key): protocol.seq(value) for key, value in wanted.items()}
        focus = protocol.optional_room_id(event.get("focus"))
        # Join the groups before reading the database: a change committed in between is then in
        # what is read or comes through the layer afterwards (the events of a room not allowed
        # in the end are ignored: it is not followed), never lost in between.
        joined = [room_id for room_id in since if not self._subscribed(room_id)]
        for room_id in joined:
            await self.connection.join(events.room_group(room_id))
        allowed, backlog, presence_ids = await database_sync_to_async(self._subscribe_sync)(
            since, focus
        )
        for room_id, last_seq in allowed.items():
            self.rooms.follow(room_id, last_seq)
        refused = sorted(set(since) - set(allowed))
        for room_id in refused:
            if self._subscribed(room_id):  # subscribed before, no longer readable
                await self._drop_room(room_id)
            elif room_id in joined:
                await self.connection.leave(events.room_group(room_id))
        await self.connection.send_event(
            {
                "type": "chat.subscribed",
                "rooms": {str(pk): seq for pk, seq in allowed.items()},
                "refused": refused,
            }
        )
        for text in backlog:
            await self.connection.send(text)
        for room_id in refused:
            await self.error(
                "room_forbidden",
                _("Ce salon n'existe pas ou ne vous est pas ouvert."),
                {"room": room_id},
            )
        if focus in allowed and presence_ids is not None:
            await self._send_presence(focus, presence_ids)

    def _subscribe_sync(self, since, focus):
        rooms = dict(
            rooms_readable_by(self.agent).filter(pk__in=list(since)).values_list("pk", "last_seq")
        )
        backlog = []
        for room_id, seq in since.items():
            if room_id in rooms and seq is not None and seq < rooms[room_id]:
                changes = self._changes_sync(room_id, seq)
                if isinstance(changes, realtime.Reset):
                    backlog.append(changes.item)
                else:
                    backlog.extend(text for _seq, text in changes)
        presence_ids = None
        if focus in rooms:
            presence_ids = self._presence_ids_sync(focus)
        return rooms, backlog, presence_ids

    async def _read_after(self, room_id, seq):
        """The room's changes after ``seq``, from the database (the stream's catch-up)."""
        return await database_sync_to_async(self._changes_sync)(room_id, seq)

    def _changes_sync(self, room_id, seq):
        """``[(seq, text)]`` of the room's changes after ``seq``, or a ``Reset``."""
        changes = selectors.changes_since(room_id, seq)
        if len(changes) >= selectors.CATCH_UP_LIMIT:
            # Too far behind: the client reloads the room's latest page instead; the connection
            # then counts from the room's current number.
            last = Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).first()
            last = last or 0
            return realtime.Reset(
                last, json.dumps({"type": "chat.reset", "room": room_id, "seq": last})
            )
        return [(message.seq, events.message_event(message)["text"]) for message in changes]

    def _presence_ids_sync(self, room_id):
        room = Room.objects.select_related("community").get(pk=room_id)
        return list(selectors.room_participants(room).values_list("pk", flat=True)[:2000])

    async def _send_presence(self, room_id, agent_ids):
        statuses = await sync_to_async(presence.statuses)(agent_ids)
        await self.connection.send_event(
            {
                "type": "chat.presence",
                "room": room_id,
                "agents": {str(pk): s for pk, s in statuses.items()},
            }
        )

    async def _unsubscribe(self, event):
        rooms = event.get("rooms")
        if not isinstance(rooms, list):
            raise Refused(_("« rooms » : une liste de salons."), "invalid")
        for value in rooms[: protocol.MAX_ROOMS_PER_SUBSCRIBE]:
            room_id = protocol.room_id(value)
            if self._subscribed(room_id):
                self.rooms.forget(room_id)
                await self.connection.leave(events.room_group(room_id))
                pending = self._forget_read(room_id)
                if pending is not None:
                    await self._store_read(room_id, pending)

    async def _history(self, event):
        room_id = protocol.room_id(event.get("room"))
        before = event.get("before")
        if before is not None and not protocol.is_id(before):
            raise Refused(_("« before » : un identifiant de message."), "invalid")
        messages, has_more = await database_sync_to_async(self._history_sync)(room_id, before)
        await self.connection.send_event(
            {"type": "chat.history", "room": room_id, "messages": messages, "has_more": has_more}
        )

    def _history_sync(self, room_id, before):
        room = self._readable_room(room_id)
        page = selectors.history(room, before=before, limit=selectors.HISTORY_PAGE + 1)
        has_more = len(page) > selectors.HISTORY_PAGE
        page = page[-selectors.HISTORY_PAGE :]
        return [selectors.message_payload(m) for m in page], has_more

    def _readable_room(self, room_id):
        room = rooms_readable_by(self.agent).filter(pk=room_id).first()
        if room is None:
            raise Refused(_("Ce salon n'existe pas ou ne vous est pas ouvert."), "room_forbidden")
        return Room.objects.select_related("community").get(pk=room.pk)

    def _readable_message(self, message_id):
        protocol.message_id(message_id)
        message = (
            Message.objects.filter(
                pk=message_id, room__in=rooms_readable_by(self.agent).values("pk")
            )
            .select_related("room__community")
            .first()
        )
        if message is None:
            raise Refused(_("Ce message n'existe pas ou ne vous est pas ouvert."), "not_found")
        return message

    async def _send(self, event):
        room_id = protocol.room_id(event.get("room"))
        body = protocol.body(event.get("body", ""))
        reply_to = event.get("reply_to")
        if reply_to is not None and not protocol.is_id(reply_to):
            raise Refused(_("« reply_to » : un identifiant de message."), "invalid")
        message = await database_sync_to_async(self._send_sync)(
            room_id, body, event.get("client_id"), reply_to
        )
        await self.connection.send_event(
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
        read it (``room_abilities``, the same rule as ``rooms_readable_by``): one query that
        brings the agent's membership and mute in the room's community too (remembered for this
        event), instead of ``_readable_room``'s two and the policy's own, on the paths taken for
        every message and every read position."""
        room = (
            with_own_standing(Room.objects.select_related("community"), self.agent)
            .filter(pk=room_id)
            .first()
        )
        if room is None:
            raise Refused(_("Ce salon n'existe pas ou ne vous est pas ouvert."), "room_forbidden")
        remember_own_standing(self.agent, room)
        return room

    @staticmethod
    def _unreadable_as_forbidden(call, **kwargs):
        """Call a service; its « not found » (the policy's refusal to read) is the same
        ``room_forbidden`` as a room that does not exist."""
        try:
            return call(**kwargs)
        except services.ChatError as error:
            if error.code == "not_found":
                raise Refused(str(error), "room_forbidden") from None
            raise

    def _send_sync(self, room_id, body, client_id, reply_to):
        room = self._stored_room(room_id)
        if not isinstance(client_id, str):
            raise Refused(_("« client_id » manquant."), "invalid")
        return self._unreadable_as_forbidden(
            services.message_send,
            agent=self.agent,
            room=room,
            body=body,
            client_id=client_id,
            reply_to_id=reply_to,
        )

    async def _edit(self, event):
        body = protocol.body(event.get("body"))
        await database_sync_to_async(self._edit_sync)(event.get("message"), body)

    def _edit_sync(self, message_id, body):
        message = self._readable_message(message_id)
        services.message_edit(agent=self.agent, message=message, body=body)

    async def _delete(self, event):
        await database_sync_to_async(self._delete_sync)(event.get("message"))

    def _delete_sync(self, message_id):
        message = self._readable_message(message_id)
        services.message_delete(agent=self.agent, message=message)

    async def _react(self, event):
        emoji = event.get("emoji")
        if not isinstance(emoji, str):
            raise Refused(_("« emoji » : une des réactions proposées."), "invalid")
        await database_sync_to_async(self._react_sync)(event.get("message"), emoji)

    def _react_sync(self, message_id, emoji):
        message = self._readable_message(message_id)
        services.reaction_toggle(agent=self.agent, message=message, emoji=emoji)

    async def _typing(self, event):
        room_id = protocol.room_id(event.get("room"))
        if not self._subscribed(room_id):
            raise Refused(_("Abonnez-vous au salon avant d'y écrire."), "not_subscribed")
        now = time.monotonic()
        if now - self.typing_sent.get(room_id, 0) < TYPING_INTERVAL:
            return
        self.typing_sent[room_id] = now
        agent = self.agent
        await realtime.send_async(
            events.room_group(room_id),
            {
                "type": "chat.ephemeral",
                "room": room_id,
                "sender": self.connection.channel_name,
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
        room_id = protocol.room_id(event.get("room"))
        message_id = protocol.message_id(event.get("message"))
        if room_id in self.read_timers:
            pending = self.read_pending.get(room_id, 0)
            self.read_pending[room_id] = max(pending, message_id)
            return
        await database_sync_to_async(self._read_sync)(room_id, message_id)
        if self._subscribed(room_id):
            self._open_read_interval(room_id)

    def _open_read_interval(self, room_id):
        # A context of its own: the folded write is not part of the event that opened the
        # interval (nor of its policy scope).
        self.read_timers[room_id] = asyncio.get_running_loop().call_later(
            READ_INTERVAL, self._read_interval_over, room_id, context=contextvars.Context()
        )

    def _read_interval_over(self, room_id):
        self.read_timers.pop(room_id, None)
        message_id = self.read_pending.pop(room_id, None)
        if message_id is not None and self._subscribed(room_id):
            self._open_read_interval(room_id)
            asyncio.get_running_loop().create_task(self._store_read(room_id, message_id))

    async def _store_read(self, room_id, message_id, *, report=True):
        """A folded read position, out of the client's event: a refusal (the room closed to the
        agent meanwhile) is an error event, as for the event itself, unless the connection is
        closing."""
        try:
            await database_sync_to_async(self._read_sync)(room_id, message_id)
        except Refused as error:
            if report:
                await self.error(error.code, str(error), {"room": room_id})

    def _forget_read(self, room_id):
        timer = self.read_timers.pop(room_id, None)
        if timer is not None:
            timer.cancel()
        return self.read_pending.pop(room_id, None)

    def _read_sync(self, room_id, message_id):
        self._unreadable_as_forbidden(
            services.read_mark,
            agent=self.agent,
            room=self._stored_room(room_id),
            message_id=message_id,
        )

    async def _heartbeat(self, event):
        active = bool(event.get("active", True))
        # The cache (Redis at scale) is called out of the event loop, never blocking it.
        before, after = await sync_to_async(presence.touch)(self.agent.pk, active=active)
        focus = protocol.optional_room_id(event.get("focus"))
        if before != after:
            await self._broadcast_presence(after)
        checked = await database_sync_to_async(self._check_sync)(self.rooms.followed(), focus)
        if checked is None:
            await self.connection.end(4401)
            return
        backlog, removed, presence_ids = checked
        for room_id in removed:
            await self._drop_room(room_id)
        for room_id, seq, text in backlog:
            await self.rooms.deliver_stored(room_id, seq, text)
        if presence_ids is not None:
            await self._send_presence(focus, presence_ids)

    def _check_sync(self, positions, focus):
        """Are the subscribed rooms still readable, and is anything missing? None when the
        account was closed meanwhile."""
        if not self._still_active_sync():
            return None
        current = dict(
            rooms_readable_by(self.agent)
            .filter(pk__in=list(positions))
            .values_list("pk", "last_seq")
        )
        removed = [pk for pk in positions if pk not in current]
        backlog = []
        for room_id, last_seq in current.items():
            if last_seq > positions[room_id]:
                changes = self._changes_sync(room_id, positions[room_id])
                if isinstance(changes, realtime.Reset):
                    changes = [changes]
                backlog.extend((room_id, seq, text) for seq, text in changes)
        presence_ids = self._presence_ids_sync(focus) if focus in current else None
        return backlog, removed, presence_ids

    def _still_active_sync(self):
        """The connection's agent was loaded at the handshake; the account may have been closed
        or deactivated since (the policy would go on trusting the loaded ``is_active``)."""
        return get_user_model().objects.filter(pk=self.agent.pk, is_active=True).exists()

    async def _broadcast_presence(self, status):
        text = json.dumps({"type": "chat.presence", "agent": self.agent.pk, "status": status})
        for room_id in self.rooms.followed():
            await realtime.send_async(
                events.room_group(room_id),
                {"type": "chat.ephemeral", "room": room_id, "sender": None, "text": text},
            )

    async def _drop_room(self, room_id):
        """The room is no longer readable: a read position waiting for it is dropped too."""
        self._forget_read(room_id)
        if self._subscribed(room_id):
            self.rooms.forget(room_id)
            await self.connection.leave(events.room_group(room_id))
            await self.connection.send_event({"type": "chat.room_removed", "room": room_id})

    CLIENT_EVENTS = {
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

    # --- the groups' messages (``chat.events``; type "chat.event" → chat_event) ---------------

    async def chat_event(self, message):
        """A stored change of a room, numbered: delivered in order, once (``SequencedStream``:
        one ahead of its turn waits for the missing ones, then they are read from the
        database)."""
        await self.rooms.receive(message["room"], message["seq"], message["text"])

    async def chat_ephemeral(self, message):
        """Typing and presence: never the sender's own, nor for a room this connection left (a
        room dropped while the message waited in the channel)."""
        if message.get("sender") == self.connection.channel_name or not self._subscribed(
            message.get("room")
        ):
            return
        await self.connection.send(message["text"])

    async def chat_read(self, message):
        await self.connection.send_event(
            {"type": "chat.read", "room": message["room"], "last_read": message["last_read"]}
        )

    async def chat_rooms_changed(self, message):
        """Memberships changed: drop the rooms no longer readable at once, then let the client
        refresh its list (and subscribe to new rooms)."""
        followed = list(self.rooms.followed())
        current = await database_sync_to_async(self._readable_ids_sync)(followed)
        if current is None:
            await self.connection.end(4401)
            return
        for room_id in [pk for pk in followed if pk not in current]:
            await self._drop_room(room_id)
        await self.connection.send_event({"type": "chat.rooms_changed"})

    def _readable_ids_sync(self, room_ids):
        if not self._still_active_sync():
            return None
        return set(
            rooms_readable_by(self.agent).filter(pk__in=room_ids).values_list("pk", flat=True)
        )
