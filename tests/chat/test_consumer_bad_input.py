"""Malformed and hostile frames on the tab's WebSocket: each gets an ``error`` event naming what is
refused, the connection stays open, nothing is written and nothing is logged as a server error.

These run again on PostgreSQL (tests/integration/test_bad_input_on_postgresql.py), which refuses
NUL in text where SQLite stores it silently.
"""

import json
import logging

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from tests.chat.test_consumers import Socket, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

db = database_sync_to_async

# A lone surrogate as JSON carries it (an escape: the frame itself is valid UTF-8).
SURROGATE = "\\ud800"
# Texts no input may hold, as they appear inside a JSON string of a frame.
INVALID_TEXTS = {
    "nul": "avant\\u0000après",
    "contrôle": "sonnerie\\u0007",
    "demi-caractère isolé": f"bonjour {SURROGATE}",
    "demi-caractère bas isolé": "bonjour \\udfff fin",
}


def _frame(event_type, **fields):
    """A frame whose ``body`` (if any) is spliced in raw, so that JSON escapes reach the server."""
    body = fields.pop("raw_body", None)
    text = json.dumps({"type": event_type, **fields})
    if body is not None:
        text = text[:-1] + f', "body": "{body}"}}'
    return text


def _no_server_error(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_deeply_nested_frame_gets_an_error_and_the_connection_stays_open(member, caplog):
    """Thirty thousand nested brackets (under 64 KiB) make json.loads recurse too deep: the
    answer is an error event, not a 1011 close with a traceback."""
    frame = "[" * 30_000 + "]" * 30_000
    assert len(frame.encode()) < 64 * 1024

    socket = Socket(member)  # the session is made here, outside the event loop

    async def scenario():
        await socket.open()
        await socket.send_text(frame)
        error = await socket.expect("error")
        assert error["code"] == "frame_invalid"
        assert error["message"] == "Trame refusée : JSON invalide."
        # Nesting json.loads accepts but no event has is refused too.
        await socket.send_text('{"type": "ping", "id": ' + "[" * 50 + "]" * 50 + "}")
        deep = await socket.expect("error")
        assert deep["code"] == "frame_invalid"
        assert "imbrication" in deep["message"]
        await socket.alive()
        await socket.close()

    run(scenario)
    assert _no_server_error(caplog)


@pytest.mark.parametrize("label", INVALID_TEXTS)
def test_a_message_with_invalid_text_is_refused_before_any_write(
    label, member, main_room, client_id, caplog
):
    """NUL, a control character or a lone surrogate in a chat message: refused with a French
    message naming the send (``ref``), no row written, no server error logged."""
    text = INVALID_TEXTS[label]
    sent_id = client_id()

    socket = Socket(member)  # the session is made here, outside the event loop

    async def scenario():
        await socket.open()
        await socket.subscribe({main_room.pk: 0})
        await socket.send_text(
            _frame("chat.send", room=main_room.pk, client_id=sent_id, raw_body=text)
        )
        error = await socket.expect("error")
        assert error["code"] == "text_invalid"
        assert error["ref"] == sent_id
        assert error["message"].startswith("Envoi refusé : le texte contient ")
        await socket.alive()
        # A valid message goes through on the same connection.
        ack = await socket.say(main_room, "Pardon, voici le bon texte")
        assert ack["type"] == "chat.ack"
        await socket.close()

    run(scenario)
    assert list(Message.objects.values_list("body", flat=True)) == ["Pardon, voici le bon texte"]
    assert _no_server_error(caplog)


@pytest.mark.parametrize("label", INVALID_TEXTS)
def test_an_edit_with_invalid_text_is_refused_and_keeps_the_message(
    label, member, main_room, post, caplog
):
    """An edit to invalid text is refused; the message keeps its text."""
    message = post(member, main_room, "Texte d'origine")

    socket = Socket(member)  # the session is made here, outside the event loop

    async def scenario():
        await socket.open()
        await socket.subscribe({main_room.pk: None})
        await socket.send_text(
            _frame("chat.edit", message=message.pk, raw_body=INVALID_TEXTS[label])
        )
        error = await socket.expect("error")
        assert error["code"] == "text_invalid"
        assert error["ref"] == str(message.pk)
        await socket.alive()
        await socket.close()

    run(scenario)
    message.refresh_from_db()
    assert message.body == "Texte d'origine"
    assert message.edited_at is None
    assert _no_server_error(caplog)


@pytest.mark.parametrize(
    "frame",
    [
        '{"type": "chat.react", "message": 1, "emoji": "\\u0000"}',
        '{"type": "chat.subscribe", "rooms": {"1\\u0000": null}}',
        '{"type": "\\ud800"}',
        '{"type": "ping", "id": "\\udc00"}',
        '{"type": "chat.typing", "room": "\\u0000"}',
    ],
)
def test_invalid_text_anywhere_in_a_frame_is_refused(frame, member, caplog):
    """Any string of the frame, keys included, is checked, whatever the event."""

    socket = Socket(member)  # the session is made here, outside the event loop

    async def scenario():
        await socket.open()
        await socket.send_text(frame)
        error = await socket.expect("error")
        assert error["code"] == "text_invalid"
        assert "\x00" not in json.dumps(error)
        await socket.alive()
        await socket.close()

    run(scenario)
    assert _no_server_error(caplog)


def test_bidi_controls_in_a_message_are_kept_but_shown_escaped(member, main_room, client_id):
    """A right-to-left override is text, not an error: stored as typed, displayed as its code
    point so that it cannot reorder what follows."""

    socket = Socket(member)  # the session is made here, outside the event loop

    async def scenario():
        await socket.open()
        await socket.subscribe({main_room.pk: 0})
        await socket.send(
            "chat.send", room=main_room.pk, client_id=client_id(), body="facture\u202efdp.exe"
        )
        ack = await socket.expect("chat.ack")
        event = await socket.until("chat.message")
        await socket.close()
        return ack, event

    _ack, event = run(scenario)
    assert Message.objects.get().body == "facture\u202efdp.exe"
    assert "\u202e" not in event["message"]["html"]
    assert "facture⟨U+202E⟩fdp.exe" in event["message"]["html"]
