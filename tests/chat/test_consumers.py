"""The messaging over the tab's WebSocket, through the real ASGI stack (``maillage.asgi``: Origin
check, session authentication, routing) with real session cookies, the real in-memory channel
layer and the real database.

Each test builds its data synchronously, then runs one async scenario (``run``). The consumers
reach the database from their own thread, so these tests are transactional; the scenario awaits
each database call of its own before the next step, so that the two never write at once.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone

from chat import events, selectors, services
from chat.models import Message, Room
from communities import services as community_services
from communities.models import Membership
from maillage import realtime
from maillage.asgi import application
from maillage.realtime.sequence import REORDER_WAIT
from tests.factories import MembershipFactory
from tests.maillage.test_pages import WS_HEADERS, session_headers

# The consumers close database connections between calls, which a test wrapped in a transaction
# cannot survive; serialized_rollback restores the reference data the migrations load.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

db = database_sync_to_async


def run(scenario, *args):
    return async_to_sync(scenario)(*args)


def _ours(event):
    """The messaging's events and the endpoint's own (other features, such as notifications,
    share the connection: their events are not looked at here)."""
    return event["type"] in ("error", "pong") or event["type"].startswith("chat.")


class Socket:
    """One browser tab: a WebSocket opened with an agent's session cookie."""

    def __init__(self, agent=None, headers=None):
        # The session is made here, in the test's synchronous part.
        self.headers = headers if headers is not None else session_headers(agent)
        self.communicator = None
        self.pending = []

    async def open(self):
        self.communicator = WebsocketCommunicator(application, "/ws/", headers=self.headers)
        self.pending = []
        connected, code = await self.communicator.connect(timeout=5)
        assert connected, code
        return self

    async def close(self):
        await self.communicator.disconnect()

    async def send(self, type, **fields):
        await self.communicator.send_to(text_data=json.dumps({"type": type, **fields}))

    async def send_text(self, text):
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout=5):
        """The next event of the messaging (or error, pong)."""
        if self.pending:
            return self.pending.pop(0)
        while True:
            event = json.loads(await self.communicator.receive_from(timeout=timeout))
            if _ours(event):
                return event

    async def expect(self, type, timeout=5):
        event = await self.receive(timeout)
        assert event["type"] == type, event
        return event

    async def nothing(self, timeout=0.3):
        """True when no event of ours comes within ``timeout`` seconds."""
        if self.pending:
            return False
        while not await self.communicator.receive_nothing(timeout=timeout):
            event = json.loads(await self.communicator.receive_from())
            if _ours(event):
                self.pending.append(event)
                return False
        return True

    async def all(self, quiet=0.3):
        """Every event until the connection has been quiet for ``quiet`` seconds."""
        events_ = []
        while not await self.nothing(quiet):
            events_.append(await self.receive())
        return events_

    async def until(self, type, timeout=5):
        """Skip events (a chat.rooms_changed after a membership change…) up to one of ``type``."""
        while True:
            event = await self.receive(timeout)
            if event["type"] == type:
                return event

    async def alive(self):
        """The connection is open and answers: a ping gets its pong."""
        await self.send("ping", id="encore-là")
        assert await self.receive() == {"type": "pong", "id": "encore-là"}

    async def subscribe(self, rooms, focus=None):
        fields = {"rooms": {str(pk): seq for pk, seq in rooms.items()}}
        if focus is not None:
            fields["focus"] = focus
        await self.send("chat.subscribe", **fields)
        return await self.expect("chat.subscribed")

    async def say(self, room, body, client_id=None, **fields):
        """Send a message and return its ack (the connection's own chat.message follows)."""
        await self.send(
            "chat.send", room=room.pk, body=body, client_id=client_id or _client_id(), **fields
        )
        return await self.expect("chat.ack")


_ids = iter(range(10**6))


def _client_id():
    return f"onglet-{next(_ids):08d}"


def _messages(events_):
    return [event for event in events_ if event["type"] == "chat.message"]


def _store_unpublished_edit(message_id, body):
    """What a change leaves in the database when its publication is lost on the way (a full
    channel layer, a restarted process): stored under the room's next number, never pushed."""
    with transaction.atomic():
        message = Message.objects.select_related("room").get(pk=message_id)
        seq = services._next_seq(message.room)
        Message.objects.filter(pk=message_id).update(body=body, seq=seq, edited_at=timezone.now())
    return seq


def _payload(message_id):
    return selectors.message_payload(Message.objects.get(pk=message_id))


# --- the handshake -----------------------------------------------------------------------------


def test_connect_refused_without_a_session():
    """Without a session cookie the handshake is refused (4401)."""

    async def scenario():
        communicator = WebsocketCommunicator(application, "/ws/", headers=WS_HEADERS)
        return await communicator.connect(timeout=5)

    assert run(scenario) == (False, 4401)


def test_connect_refused_from_a_foreign_origin(member):
    """A valid session from another site's page (Origin) is refused at the handshake."""
    headers = [
        (name, b"https://site-malveillant.example" if name == b"origin" else value)
        for name, value in session_headers(member)
    ]

    async def scenario():
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, _code = await communicator.connect(timeout=5)
        return connected

    assert run(scenario) is False


# --- subscribing -------------------------------------------------------------------------------


def test_subscribe_refused_to_a_non_member(outsider, colleague, main_room, post):
    """An outsider's subscription to a community room is refused (room_forbidden) and they then
    receive nothing of the room."""
    socket = Socket(outsider)

    async def scenario():
        await socket.open()
        subscribed = await socket.subscribe({main_room.pk: 0})
        assert subscribed == {"type": "chat.subscribed", "rooms": {}, "refused": [main_room.pk]}
        error = await socket.expect("error")
        assert error["code"] == "room_forbidden"
        assert error["room"] == str(main_room.pk)
        assert error["message"] == "Ce salon n'existe pas ou ne vous est pas ouvert."
        await db(post)(colleague, main_room, "Réservé aux membres")
        assert await socket.nothing()
        await socket.send("chat.history", room=main_room.pk)
        assert (await socket.expect("error"))["code"] == "room_forbidden"
        await socket.send("chat.send", room=main_room.pk, body="Intrus", client_id=_client_id())
        assert (await socket.expect("error"))["code"] == "room_forbidden"
        await socket.alive()
        await socket.close()

    run(scenario)
    assert not Message.objects.filter(author=outsider).exists()


def test_subscribe_refused_for_forged_room_ids(member, colleague, outsider, main_room):
    """A room id that does not exist, or a conversation of others, is refused like a forbidden
    room; the allowed ones of the same request are subscribed."""
    others = services.direct_open(agent=colleague, other=outsider)
    socket = Socket(member)

    async def scenario():
        await socket.open()
        subscribed = await socket.subscribe({main_room.pk: None, 987654: None, others.pk: 0})
        assert subscribed["rooms"] == {str(main_room.pk): 0}
        assert subscribed["refused"] == sorted([987654, others.pk])
        errors = [await socket.expect("error"), await socket.expect("error")]
        assert {e["code"] for e in errors} == {"room_forbidden"}
        await db(services.message_send)(
            agent=colleague, room=others, body="Entre nous", client_id=_client_id()
        )
        assert await socket.nothing()
        await socket.close()

    run(scenario)


# --- messages in real time -------------------------------------------------------------------


def test_a_message_reaches_every_connection_of_the_room(member, colleague, main_room):
    """The sender gets chat.ack with the id, then every subscribed connection (the sender's
    included) gets chat.message with the stored payload."""
    alice, bob = Socket(colleague), Socket(member)

    async def scenario():
        await alice.open()
        await bob.open()
        await alice.subscribe({main_room.pk: 0})
        await bob.subscribe({main_room.pk: 0})
        ack = await alice.say(main_room, "Bonjour @Élodie Bérard", client_id="onglet-bonjour1")
        stored = await db(Message.objects.get)(client_id="onglet-bonjour1")
        assert ack == {
            "type": "chat.ack",
            "client_id": "onglet-bonjour1",
            "room": main_room.pk,
            "id": stored.pk,
            "seq": 1,
        }
        expected = {
            "type": "chat.message",
            "room": main_room.pk,
            "seq": 1,
            "message": await db(_payload)(stored.pk),
        }
        assert await alice.receive() == expected
        assert await bob.receive() == expected
        assert expected["message"]["body"] == "Bonjour @Élodie Bérard"
        assert expected["message"]["author"]["id"] == colleague.pk
        assert expected["message"]["mentions"] == [member.pk]
        assert await alice.all() == []
        assert await bob.all() == []
        await alice.close()
        await bob.close()

    run(scenario)


def test_edits_deletions_and_reactions_arrive_with_higher_seq(member, colleague, main_room):
    """Each change comes to every connection as chat.message with the new state and the next
    sequence number; a refused change gets an error naming the message."""
    alice, bob = Socket(colleague), Socket(member)

    async def scenario():
        await alice.open()
        await bob.open()
        await alice.subscribe({main_room.pk: 0})
        await bob.subscribe({main_room.pk: 0})
        message_id = (await alice.say(main_room, "Réunion lundi"))["id"]
        await alice.expect("chat.message")
        await bob.expect("chat.message")

        await alice.send("chat.edit", message=message_id, body="Réunion mardi")
        edited = await bob.expect("chat.message")
        assert (edited["seq"], edited["message"]["body"]) == (2, "Réunion mardi")
        assert edited["message"]["edited"] is not None
        assert (await alice.expect("chat.message"))["seq"] == 2

        await bob.send("chat.react", message=message_id, emoji="👍")
        reacted = await alice.expect("chat.message")
        assert reacted["seq"] == 3
        assert reacted["message"]["reactions"][0]["agents"] == [member.pk]
        assert (await bob.expect("chat.message"))["seq"] == 3

        await bob.send("chat.edit", message=message_id, body="Piraté")
        error = await bob.expect("error")
        assert (error["code"], error["ref"]) == ("forbidden", str(message_id))
        await bob.send("chat.delete", message=message_id)
        assert (await bob.expect("error"))["code"] == "forbidden"

        await alice.send("chat.delete", message=message_id)
        deleted = await bob.expect("chat.message")
        assert deleted["seq"] == 4
        assert deleted["message"]["deleted"] is True
        assert deleted["message"]["body"] == ""
        assert (await alice.expect("chat.message"))["seq"] == 4
        assert await alice.nothing() and await bob.nothing()
        await alice.close()
        await bob.close()

    run(scenario)


def test_typing_reaches_the_others_and_not_the_sender(member, colleague, main_room):
    """chat.typing goes to the room's other connections (once per interval), never back to its
    sender; typing in a room one is not subscribed to is refused."""
    alice, bob = Socket(colleague), Socket(member)

    async def scenario():
        await alice.open()
        await bob.open()
        await alice.subscribe({main_room.pk: None})
        await bob.subscribe({main_room.pk: None})
        await alice.send("chat.typing", room=main_room.pk)
        await alice.send("chat.typing", room=main_room.pk)  # within the interval: not repeated
        assert await bob.all() == [
            {
                "type": "chat.typing",
                "room": main_room.pk,
                "agent": {"id": colleague.pk, "name": "Marc Collègue"},
            }
        ]
        assert await alice.nothing()
        await bob.send("chat.unsubscribe", rooms=[main_room.pk])
        await bob.send("chat.typing", room=main_room.pk)
        assert (await bob.expect("error"))["code"] == "not_subscribed"
        await alice.close()
        await bob.close()

    run(scenario)


@pytest.mark.parametrize("how", ["removed", "banned", "left", "membership_deleted"])
def test_a_member_leaving_the_community_stops_receiving_at_once(
    how, member, colleague, animator, community, main_room
):
    """Removed, banned, leaving or membership deleted: the connection gets chat.room_removed at
    once, then nothing of the room, not even what was already on its way."""
    alice, bob = Socket(colleague), Socket(member)

    def end_membership():
        membership = Membership.objects.get(community=community, agent=member)
        if how == "removed":
            community_services.member_remove(membership=membership, actor=animator)
        elif how == "banned":
            community_services.member_remove(
                membership=membership, actor=animator, ban=True, reason="Propos injurieux"
            )
        elif how == "left":
            community_services.community_leave(community=community, agent=membership.agent)
        else:
            membership.delete()

    async def scenario():
        await alice.open()
        await bob.open()
        await alice.subscribe({main_room.pk: None})
        await bob.subscribe({main_room.pk: None})
        await db(end_membership)()
        # Typing already on its way when the removal is handled is not delivered either.
        await realtime.send_async(
            events.room_group(main_room.pk),
            {
                "type": "chat.ephemeral",
                "room": main_room.pk,
                "sender": "un-autre-canal",
                "text": json.dumps({"type": "chat.typing", "room": main_room.pk}),
            },
        )
        assert await bob.receive() == {"type": "chat.room_removed", "room": main_room.pk}
        assert await bob.receive() == {"type": "chat.rooms_changed"}
        assert await bob.nothing()
        await alice.all()
        await alice.say(main_room, "Après son départ")
        await alice.expect("chat.message")
        assert await bob.nothing()
        await bob.subscribe({main_room.pk: 1})
        assert (await bob.expect("error"))["code"] == "room_forbidden"
        await bob.alive()
        await alice.close()
        await bob.close()

    run(scenario)


# --- catching up -------------------------------------------------------------------------------


def test_resume_after_reconnecting_gets_exactly_the_missed_changes(
    member, colleague, main_room, post
):
    """Reconnected and subscribed with the last sequence number seen, a tab receives exactly what
    changed meanwhile (new messages and the new state of edited ones), in order, once."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: 0})
        first = await db(post)(colleague, main_room, "Avant la coupure")
        seen = (await tab.expect("chat.message"))["seq"]
        assert seen == 1
        await tab.close()

        second = await db(post)(colleague, main_room, "Pendant")
        third = await db(post)(colleague, main_room, "Toujours pendant")
        await db(services.message_edit)(agent=colleague, message=first, body="Avant, corrigé")

        await tab.open()
        subscribed = await tab.subscribe({main_room.pk: seen})
        assert subscribed["rooms"] == {str(main_room.pk): 4}
        missed = await tab.all()
        assert [(e["type"], e["seq"], e["message"]["id"]) for e in missed] == [
            ("chat.message", 2, second.pk),
            ("chat.message", 3, third.pk),
            ("chat.message", 4, first.pk),
        ]
        assert missed[2]["message"]["body"] == "Avant, corrigé"
        await tab.close()

    run(scenario)


def test_a_gap_in_the_sequence_is_filled_from_the_database(member, colleague, main_room, post):
    """When a change's publication was lost, the next event shows a gap: the connection reads
    the missing change from the database and delivers both, in order, once."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        message = await db(post)(colleague, main_room, "Texte")
        await tab.subscribe({main_room.pk: None})
        lost = await db(_store_unpublished_edit)(message.pk, "Texte corrigé")
        assert await tab.nothing()  # the lost publication: nothing came
        later = await db(post)(colleague, main_room, "Suivant")
        # The event ahead waits REORDER_WAIT for the missing one before the database is read.
        received = await tab.all(quiet=REORDER_WAIT + 0.7)
        assert [(e["seq"], e["message"]["id"]) for e in _messages(received)] == [
            (lost, message.pk),
            (later.seq, later.pk),
        ]
        assert received[0]["message"]["body"] == "Texte corrigé"
        await tab.close()

    run(scenario)


def test_a_crafted_seq_jump_makes_the_connection_read_the_database(member, colleague, main_room):
    """An event whose number jumps ahead is not trusted as is: what changed after the last
    number seen is read from the database and delivered instead."""
    tab = Socket(member)
    message = services.message_send(
        agent=colleague, room=main_room, body="Premier", client_id=_client_id()
    )

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        first = await db(_store_unpublished_edit)(message.pk, "Premier, corrigé")
        await db(_store_unpublished_edit)(message.pk, "Premier, corrigé deux fois")
        bogus = json.dumps({"type": "chat.message", "room": main_room.pk, "seq": 3, "x": 1})
        await realtime.send_async(
            events.room_group(main_room.pk),
            {"type": "chat.event", "room": main_room.pk, "seq": first + 1, "text": bogus},
        )
        received = await tab.all(quiet=REORDER_WAIT + 0.7)
        assert [(e["seq"], e["message"]["body"]) for e in received] == [
            (3, "Premier, corrigé deux fois")
        ]
        await tab.close()

    run(scenario)


def test_idempotent_resend_over_the_socket(member, colleague, main_room):
    """The same client_id sent twice (a resend after a timeout) is acked twice with the same id,
    stored once and delivered once."""
    alice, bob = Socket(colleague), Socket(member)

    async def scenario():
        await alice.open()
        await bob.open()
        await alice.subscribe({main_room.pk: None})
        await bob.subscribe({main_room.pk: None})
        first = await alice.say(main_room, "Une fois", client_id="onglet-renvoi01")
        await alice.expect("chat.message")
        second = await alice.say(main_room, "Une fois", client_id="onglet-renvoi01")
        assert first["id"] == second["id"]
        assert len(_messages(await bob.all())) == 1
        assert _messages(await alice.all()) == []
        await alice.close()
        await bob.close()

    run(scenario)
    assert Message.objects.filter(client_id="onglet-renvoi01").count() == 1


# --- malformed frames ----------------------------------------------------------------------------

TOO_LONG = "x" * 10001


def _frame(event):
    return lambda room: json.dumps(event(room))


MALFORMED = [
    ("not_json", lambda room: "ceci n'est pas du JSON", "frame_invalid"),
    ("array", lambda room: "[1, 2, 3]", "frame_invalid"),
    ("string", lambda room: '"chat.send"', "frame_invalid"),
    ("missing_type", _frame(lambda room: {"room": room}), "frame_invalid"),
    ("type_not_a_string", _frame(lambda room: {"type": 12}), "frame_invalid"),
    ("over_64_kib", _frame(lambda room: {"type": "ping", "pad": "x" * 70000}), "frame_invalid"),
    ("over_64_kib_in_bytes", _frame(lambda r: {"type": "ping", "pad": "é" * 40000}), "frame_invalid"),
    ("unknown_type", _frame(lambda room: {"type": "chat.teleport"}), "type_unknown"),
    ("room_text", _frame(lambda r: {"type": "chat.send", "room": "douze", "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("room_bool", _frame(lambda r: {"type": "chat.send", "room": True, "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("room_list", _frame(lambda r: {"type": "chat.send", "room": [r], "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("room_float", _frame(lambda r: {"type": "chat.send", "room": 1.5, "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("room_negative", _frame(lambda r: {"type": "chat.send", "room": -3, "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("room_huge", _frame(lambda r: {"type": "chat.send", "room": 10**30, "body": "a", "client_id": "onglet-x0000001"}), "invalid"),
    ("body_number", _frame(lambda r: {"type": "chat.send", "room": r, "body": 42, "client_id": "onglet-x0000001"}), "invalid"),
    ("body_too_long", _frame(lambda r: {"type": "chat.send", "room": r, "body": TOO_LONG, "client_id": "onglet-x0000001"}), "too_long"),
    ("body_empty", _frame(lambda r: {"type": "chat.send", "room": r, "body": "  ", "client_id": "onglet-x0000001"}), "invalid"),
    ("client_id_number", _frame(lambda r: {"type": "chat.send", "room": r, "body": "a", "client_id": 12345678}), "invalid"),
    ("client_id_missing", _frame(lambda r: {"type": "chat.send", "room": r, "body": "a"}), "invalid"),
    ("client_id_bad", _frame(lambda r: {"type": "chat.send", "room": r, "body": "a", "client_id": "x y"}), "invalid"),
    ("reply_to_text", _frame(lambda r: {"type": "chat.send", "room": r, "body": "a", "client_id": "onglet-x0000001", "reply_to": "5"}), "invalid"),
    ("reply_to_huge", _frame(lambda r: {"type": "chat.send", "room": r, "body": "a", "client_id": "onglet-x0000001", "reply_to": 2**64}), "invalid"),
    ("message_text", _frame(lambda r: {"type": "chat.edit", "message": "12", "body": "a"}), "invalid"),
    ("message_bool", _frame(lambda r: {"type": "chat.delete", "message": True}), "invalid"),
    ("message_huge", _frame(lambda r: {"type": "chat.delete", "message": 10**20}), "invalid"),
    ("message_unknown", _frame(lambda r: {"type": "chat.delete", "message": 987654}), "not_found"),
    ("edit_body_missing", _frame(lambda r: {"type": "chat.edit", "message": 1}), "invalid"),
    ("edit_body_too_long", _frame(lambda r: {"type": "chat.edit", "message": 1, "body": TOO_LONG}), "too_long"),
    ("emoji_number", _frame(lambda r: {"type": "chat.react", "message": 1, "emoji": 1}), "invalid"),
    ("subscribe_list", _frame(lambda r: {"type": "chat.subscribe", "rooms": [r]}), "invalid"),
    ("subscribe_key", _frame(lambda r: {"type": "chat.subscribe", "rooms": {"abc": None}}), "invalid"),
    ("subscribe_seq_text", _frame(lambda r: {"type": "chat.subscribe", "rooms": {str(r): "3"}}), "invalid"),
    ("subscribe_seq_negative", _frame(lambda r: {"type": "chat.subscribe", "rooms": {str(r): -1}}), "invalid"),
    ("subscribe_seq_huge", _frame(lambda r: {"type": "chat.subscribe", "rooms": {str(r): 10**30}}), "invalid"),
    ("unsubscribe_text", _frame(lambda r: {"type": "chat.unsubscribe", "rooms": str(r)}), "invalid"),
    ("history_before_text", _frame(lambda r: {"type": "chat.history", "room": r, "before": "x"}), "invalid"),
    ("read_message_float", _frame(lambda r: {"type": "chat.read", "room": r, "message": 1.5}), "invalid"),
    ("heartbeat_focus_text", _frame(lambda r: {"type": "chat.heartbeat", "focus": "ici"}), "invalid"),
    ("typing_not_subscribed", _frame(lambda r: {"type": "chat.typing", "room": r + 1}), "not_subscribed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("frame", "code"),
    [(frame, code) for _name, frame, code in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
def test_malformed_frame_gets_an_error_and_the_connection_stays_open(
    frame, code, member, colleague, main_room
):
    """A malformed or refused frame gets one error event with its code; the connection stays
    open and working, another client's connection is unaffected, nothing is stored."""
    tab, other = Socket(member), Socket(colleague)

    async def scenario():
        await tab.open()
        await other.open()
        await tab.subscribe({main_room.pk: None})
        await other.subscribe({main_room.pk: None})
        await tab.send_text(frame(main_room.pk))
        error = await tab.expect("error")
        assert error["code"] == code
        assert isinstance(error["message"], str) and error["message"]
        assert await tab.nothing()
        await tab.alive()
        await other.alive()
        await other.say(main_room, "Toujours là ?")
        assert (await tab.expect("chat.message"))["message"]["body"] == "Toujours là ?"
        await tab.close()
        await other.close()

    run(scenario)
    assert Message.objects.filter(author=member).count() == 0


def test_bytes_frame_gets_an_error_and_the_connection_stays_open(member):
    """A binary frame is refused with frame_invalid; the connection stays open."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.communicator.send_to(bytes_data=b'{"type": "ping"}')
        assert (await tab.expect("error"))["code"] == "frame_invalid"
        await tab.alive()
        await tab.close()

    run(scenario)


def test_too_long_body_error_is_french_and_names_the_limit(member, main_room):
    """The error of a message over 10 000 characters says so in French, with its client id."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.send("chat.send", room=main_room.pk, body=TOO_LONG, client_id="onglet-long0001")
        error = await tab.expect("error")
        assert error == {
            "type": "error",
            "code": "too_long",
            "message": "Un message tient en 10\u202f000 caractères au plus.",
            "ref": "onglet-long0001",
            "room": str(main_room.pk),
        }
        await tab.close()

    run(scenario)


def test_rate_limit_error_event(settings, member, main_room):
    """Beyond CHAT_RATE_LIMIT messages in the window, the next send gets rate_limited, naming
    its client id; nothing more is stored."""
    settings.CHAT_RATE_LIMIT = 2
    # One window for the whole test: a fixed 10 s window could restart between two sends.
    settings.CHAT_RATE_WINDOW = 10**9
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        for n in range(3):
            await tab.send(
                "chat.send", room=main_room.pk, body=f"n°{n}", client_id=f"onglet-rate{n:04d}"
            )
        received = await tab.all()
        assert [e["type"] for e in received if e["type"] != "chat.message"] == [
            "chat.ack",
            "chat.ack",
            "error",
        ]
        error = [e for e in received if e["type"] == "error"][0]
        assert (error["code"], error["ref"]) == ("rate_limited", "onglet-rate0002")
        assert error["message"].startswith("Trop de messages")
        await tab.alive()
        await tab.close()

    run(scenario)
    assert Message.objects.count() == 2


# --- presence and heartbeat ----------------------------------------------------------------------


def test_heartbeat_sends_the_presence_of_the_focused_room(member, colleague, main_room):
    """A heartbeat marks the agent online: the focused room's chat.presence lists them, and the
    room's other connections learn they are online."""
    tab, other = Socket(member), Socket(colleague)

    async def scenario():
        await tab.open()
        await other.open()
        await other.subscribe({main_room.pk: None})
        await tab.subscribe({main_room.pk: None}, focus=main_room.pk)
        assert await tab.expect("chat.presence") == {
            "type": "chat.presence",
            "room": main_room.pk,
            "agents": {},
        }
        await tab.send("chat.heartbeat", active=True, focus=main_room.pk)
        received = await tab.all()
        assert {
            "type": "chat.presence",
            "room": main_room.pk,
            "agents": {str(member.pk): "online"},
        } in received
        assert await other.all() == [
            {"type": "chat.presence", "agent": member.pk, "status": "online"}
        ]
        # A tab open but idle since it connected: its agent is away.
        await other.send("chat.heartbeat", active=False)
        await tab.all()
        await tab.send("chat.heartbeat", active=True, focus=main_room.pk)
        received = await tab.all()
        assert {
            "type": "chat.presence",
            "room": main_room.pk,
            "agents": {str(member.pk): "online", str(colleague.pk): "away"},
        } in received
        await tab.close()
        await other.close()

    run(scenario)


def test_heartbeat_catches_up_missed_changes(member, colleague, main_room, post):
    """A heartbeat finds a change whose publication was lost and delivers it."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        message = await db(post)(colleague, main_room, "Version 1")
        await tab.subscribe({main_room.pk: None})
        seq = await db(_store_unpublished_edit)(message.pk, "Version 2")
        assert await tab.nothing()
        await tab.send("chat.heartbeat", active=True)
        received = _messages(await tab.all())
        assert [(e["seq"], e["message"]["body"]) for e in received] == [(seq, "Version 2")]
        await tab.send("chat.heartbeat", active=True)
        assert _messages(await tab.all()) == []
        await tab.close()

    run(scenario)


def test_heartbeat_drops_a_room_no_longer_readable(member, community, main_room):
    """A membership ended without notice (no signal) is noticed at the next heartbeat."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        await db(Membership.objects.filter(community=community, agent=member).update)(
            state=Membership.State.BANNED
        )
        await tab.send("chat.heartbeat", active=True)
        assert {"type": "chat.room_removed", "room": main_room.pk} in await tab.all()
        await tab.close()

    run(scenario)


def test_too_far_behind_resets_once(monkeypatch, member, colleague, main_room, post):
    """Too many missed changes: one chat.reset (the client reloads the room), after which the
    connection counts from the room's current number instead of resetting again."""
    monkeypatch.setattr(selectors, "CATCH_UP_LIMIT", 2)
    tab = Socket(member)

    async def scenario():
        await tab.open()
        messages = [await db(post)(colleague, main_room, f"Texte {n}") for n in range(3)]
        await tab.subscribe({main_room.pk: None})
        for message in messages:
            await db(_store_unpublished_edit)(message.pk, "Corrigé")
        await tab.send("chat.heartbeat", active=True)
        received = [e for e in await tab.all() if e["type"] in ("chat.reset", "chat.message")]
        assert received == [{"type": "chat.reset", "room": main_room.pk, "seq": 6}]
        await tab.send("chat.heartbeat", active=True)
        assert [e for e in await tab.all() if e["type"] == "chat.reset"] == []
        await tab.close()

    run(scenario)


# --- the connection follows the policy as it changes --------------------------------------------


def test_charter_accepted_elsewhere_counts_at_once(member_without_charter, community, main_room):
    """A member refused for the charter accepts it in another tab: their next message over the
    same connection is accepted."""
    tab = Socket(member_without_charter)

    def accept():
        agent = type(member_without_charter).objects.get(pk=member_without_charter.pk)
        community_services.charter_accept(
            community=community, agent=agent, version_id=community.current_charter_id
        )

    async def scenario():
        await tab.open()
        await tab.send("chat.send", room=main_room.pk, body="Bonjour", client_id="onglet-chart001")
        assert (await tab.expect("error"))["code"] == "charter"
        await db(accept)()
        await tab.send("chat.send", room=main_room.pk, body="Bonjour", client_id="onglet-chart002")
        assert (await tab.until("chat.ack"))["client_id"] == "onglet-chart002"
        await tab.close()

    run(scenario)


def test_demoted_animator_loses_moderation_at_once(
    animator, colleague, admin, community, main_room, post
):
    """An animator made a plain member can no longer delete others' messages over a connection
    opened before."""
    MembershipFactory(community=community, animator=True)  # the community keeps an animator
    first = post(colleague, main_room, "Premier")
    second = post(colleague, main_room, "Second")
    tab = Socket(animator)

    def demote():
        membership = Membership.objects.get(community=community, agent=animator)
        community_services.member_set_role(
            membership=membership, actor=admin, role=Membership.Role.MEMBER
        )

    async def scenario():
        await tab.open()
        await tab.send("chat.delete", message=first.pk)
        await tab.send("ping", id="après-suppression")
        assert (await tab.receive())["type"] == "pong"
        await db(demote)()
        await tab.send("chat.delete", message=second.pk)
        assert (await tab.until("error"))["code"] == "forbidden"
        await tab.close()

    run(scenario)
    assert Message.objects.get(pk=first.pk).is_deleted
    assert not Message.objects.get(pk=second.pk).is_deleted


def test_a_mute_given_or_lifted_elsewhere_counts_at_the_next_send(
    animator, member, community, main_room
):
    """The send path reads the membership and the mute with the room, for each event: a mute
    given by an animator in another process stops the next message over a connection opened
    before, and its lifting lets the one after through."""
    tab = Socket(member)

    def mute():
        services.member_mute(agent=animator, community=community, member=member, minutes=30)

    def unmute():
        services.member_unmute(agent=animator, community=community, member=member)

    async def scenario():
        await tab.open()
        await tab.send("chat.send", room=main_room.pk, body="Avant", client_id="onglet-muet0001")
        assert (await tab.until("chat.ack"))["client_id"] == "onglet-muet0001"
        await db(mute)()
        await tab.send("chat.send", room=main_room.pk, body="Pendant", client_id="onglet-muet0002")
        error = await tab.until("error")
        assert error["code"] == "muted"
        assert "suspendu vos messages" in error["message"]
        await db(unmute)()
        await tab.send("chat.send", room=main_room.pk, body="Après", client_id="onglet-muet0003")
        assert (await tab.until("chat.ack"))["client_id"] == "onglet-muet0003"
        await tab.close()

    run(scenario)
    assert list(
        Message.objects.filter(room=main_room, author=member).values_list("body", flat=True)
    ) == ["Avant", "Après"]


# --- history, room list, read markers ------------------------------------------------------------


def test_history_room_list_and_read_marker(settings, member, colleague, main_room, post):
    """chat.history pages the room; chat.rooms lists it with its unread count; chat.read moves
    the marker and tells the agent's other tabs."""
    settings.CHAT_RATE_LIMIT = 1000
    ids = [post(colleague, main_room, f"Message {n}").pk for n in range(55)]
    tab, other_tab = Socket(member), Socket(member)

    async def scenario():
        await tab.open()
        await other_tab.open()
        await tab.send("chat.history", room=main_room.pk)
        page = await tab.expect("chat.history")
        assert [m["id"] for m in page["messages"]] == ids[5:]
        assert page["has_more"] is True
        await tab.send("chat.history", room=main_room.pk, before=ids[5])
        page = await tab.expect("chat.history")
        assert [m["id"] for m in page["messages"]] == ids[:5]
        assert page["has_more"] is False

        await tab.send("chat.rooms")
        rooms = await tab.expect("chat.rooms")
        listed = {room["id"]: room for room in rooms["rooms"]}
        assert listed[main_room.pk]["unread"] == 55
        assert rooms["unread_total"] == 55

        await tab.send("chat.read", room=main_room.pk, message=ids[49])
        read = {"type": "chat.read", "room": main_room.pk, "last_read": ids[49]}
        assert await other_tab.expect("chat.read") == read
        assert await tab.expect("chat.read") == read
        await tab.send("chat.rooms")
        assert (await tab.expect("chat.rooms"))["unread_total"] == 5
        await tab.close()
        await other_tab.close()

    run(scenario)


def _read_position(agent, room):
    from chat.models import ReadMarker

    marker = ReadMarker.objects.filter(agent=agent, room=room).first()
    return marker.last_read_id if marker else None


async def _read_twice(tab, room, first, second):
    """Two read positions in a row in a subscribed room: the first is stored (its echo comes
    back), the second waits for the end of the interval."""
    await tab.send("chat.read", room=room.pk, message=first)
    await tab.send("chat.read", room=room.pk, message=second)
    assert (await tab.until("chat.read"))["last_read"] == first


def test_read_positions_of_a_subscribed_room_are_folded(
    settings, monkeypatch, member, colleague, main_room, post
):
    """In a room on screen, the first chat.read is stored at once; the next ones within
    READ_INTERVAL make one write, of the latest position, when the interval ends: the other
    tab hears two positions, not six."""
    monkeypatch.setattr("chat.realtime.handlers.READ_INTERVAL", 0.5)
    settings.CHAT_RATE_LIMIT = 1000
    ids = [post(colleague, main_room, f"Message {n}").pk for n in range(6)]
    tab, other_tab = Socket(member), Socket(member)
    position = db(_read_position)

    async def scenario():
        await tab.open()
        await other_tab.open()
        await tab.subscribe({main_room.pk: None})
        for message_id in ids:
            await tab.send("chat.read", room=main_room.pk, message=message_id)
        first = await other_tab.expect("chat.read")
        assert first["last_read"] == ids[0]
        assert await position(member, main_room) == ids[0]
        assert await other_tab.nothing(0.2)  # the others wait for the interval's end
        assert await position(member, main_room) == ids[0]
        last = await other_tab.expect("chat.read", timeout=3)
        assert last["last_read"] == ids[-1]
        assert await position(member, main_room) == ids[-1]
        assert await other_tab.nothing(0.8)  # nothing more: six reads, two writes
        await tab.close()
        await other_tab.close()

    run(scenario)


def test_a_folded_read_position_is_kept_when_the_tab_closes(
    monkeypatch, member, colleague, main_room, post
):
    """A read position still waiting for its interval is stored when the room is left and when
    the connection closes, not lost."""
    monkeypatch.setattr("chat.realtime.handlers.READ_INTERVAL", 60)
    ids = [post(colleague, main_room, f"Message {n}").pk for n in range(3)]
    tab = Socket(member)
    position = db(_read_position)

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        await _read_twice(tab, main_room, ids[0], ids[1])
        assert await tab.nothing(0.3)
        assert await position(member, main_room) == ids[0]
        await tab.send("chat.unsubscribe", rooms=[main_room.pk])
        assert (await tab.until("chat.read"))["last_read"] == ids[1]
        assert await position(member, main_room) == ids[1]

        await tab.subscribe({main_room.pk: None})
        await _read_twice(tab, main_room, ids[1], ids[2])
        await tab.close()
        assert await position(member, main_room) == ids[2]

    run(scenario)


def test_no_read_position_is_stored_for_a_room_taken_away(
    monkeypatch, member, colleague, community, main_room, post
):
    """Removed from the community while a read position waits: it is dropped with the room."""
    monkeypatch.setattr("chat.realtime.handlers.READ_INTERVAL", 0.5)
    ids = [post(colleague, main_room, f"Message {n}").pk for n in range(2)]
    tab = Socket(member)
    position = db(_read_position)

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        await _read_twice(tab, main_room, ids[0], ids[1])
        await db(community_services.community_leave)(community=community, agent=member)
        assert (await tab.until("chat.room_removed"))["room"] == main_room.pk
        later = await tab.all(quiet=1.0)  # past the interval's end
        assert [event["type"] for event in later] == ["chat.rooms_changed"]
        assert await position(member, main_room) == ids[0]
        await tab.close()

    run(scenario)


def test_a_new_conversation_tells_the_other_agent(member, outsider):
    """Opening a direct conversation tells the other agent's connections to refresh their list;
    they may then subscribe to it."""
    tab = Socket(outsider)

    async def scenario():
        await tab.open()
        room = await db(services.direct_open)(agent=member, other=outsider)
        assert await tab.expect("chat.rooms_changed") == {"type": "chat.rooms_changed"}
        subscribed = await tab.subscribe({room.pk: None})
        assert subscribed["rooms"] == {str(room.pk): 0}
        await tab.close()

    run(scenario)
    assert Room.objects.filter(kind=Room.Kind.DIRECT).count() == 1


async def _closed_with(socket):
    """The code the server closed the connection with (events sent before are skipped)."""
    while True:
        output = await socket.communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output.get("code")


def test_closing_the_account_ends_its_connections(member, outsider, direct_room):
    """An agent who closes their account (in another tab) is disconnected at once: their open
    connection no longer reads their conversations."""
    tab = Socket(outsider)

    def close_account():
        from directory.services import agent_close_account

        agent_close_account(agent=type(outsider).objects.get(pk=outsider.pk))

    async def scenario():
        await tab.open()
        await tab.subscribe({direct_room.pk: None})
        await db(close_account)()
        assert await _closed_with(tab) == 4401

    run(scenario)


def test_a_deactivated_account_is_disconnected_at_the_heartbeat(member, direct_room):
    """An account deactivated without notice is disconnected at its next heartbeat."""
    tab = Socket(member)

    async def scenario():
        await tab.open()
        await tab.subscribe({direct_room.pk: None})
        await db(type(member).objects.filter(pk=member.pk).update)(is_active=False)
        await tab.send("chat.heartbeat", active=True)
        assert await _closed_with(tab) == 4401

    run(scenario)


def test_events_out_of_order_are_put_back_in_order_without_the_database(
    member, colleague, main_room
):
    """Two processes publish one room's changes: the later number may arrive first. It waits
    for the earlier one, then both go out in order, as published (no database read)."""
    tab = Socket(member)
    message = services.message_send(
        agent=colleague, room=main_room, body="Un", client_id=_client_id()
    )

    def crafted(seq):
        text = json.dumps({"type": "chat.message", "room": main_room.pk, "seq": seq, "x": seq})
        return {"type": "chat.event", "room": main_room.pk, "seq": seq, "text": text}

    async def scenario():
        await tab.open()
        await tab.subscribe({main_room.pk: None})
        one = await db(_store_unpublished_edit)(message.pk, "Un, corrigé")
        two = await db(_store_unpublished_edit)(message.pk, "Un, corrigé deux fois")
        await realtime.send_async(events.room_group(main_room.pk), crafted(two))
        await realtime.send_async(events.room_group(main_room.pk), crafted(one))
        received = await tab.all()
        assert [event.get("x") for event in received] == [one, two]

    run(scenario)
