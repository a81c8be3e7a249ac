"""The messaging's events on the tab's WebSocket, and the checks of what a client sends.

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

Server → client, besides the answers above: ``chat.message`` (a change of a subscribed room,
numbered ``seq``), ``chat.reset`` (too far behind: reload the room), ``chat.typing``,
``chat.presence``, ``chat.read``, ``chat.rooms_changed`` (the agent's list of rooms changed),
``chat.room_removed`` (a subscribed room no longer readable).

Every refusal is an ``error`` event (``code``, French ``message``, ``ref`` = the event's
``client_id`` or ``message``, ``room`` when there is one); the connection stays open.
"""

from django.utils.translation import gettext as _

from chat.models import MAX_MESSAGE_LENGTH
from maillage.http import MAX_ID, Refused

MAX_ROOMS_PER_SUBSCRIBE = 500
# An id or a sequence number larger than the database stores (MAX_ID, a signed 64-bit integer)
# is refused instead of failing the query.


def room_id(value):
    """A room id as the client sends it (a JSON integer or a string of digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Refused(_("Identifiant de salon invalide."), "invalid")
    try:
        number = int(value)
    except ValueError:
        raise Refused(_("Identifiant de salon invalide."), "invalid") from None
    if not 0 < number <= MAX_ID:
        raise Refused(_("Identifiant de salon invalide."), "invalid")
    return number


def optional_room_id(value):
    return room_id(value) if value is not None else None


def seq(value):
    """A sequence number, or None (« from now on »)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Refused(_("Numéro de séquence invalide."), "invalid")
    return value


def is_id(value):
    """A message id as the client sends it: a JSON integer the database can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def message_id(value):
    if not is_id(value):
        raise Refused(_("« message » : un identifiant de message."), "invalid")
    return value


def body(value):
    """A message's text, within the length a message may have."""
    if not isinstance(value, str):
        raise Refused(_("« body » : le texte du message."), "invalid")
    if len(value) > MAX_MESSAGE_LENGTH:
        raise Refused(
            _("Un message tient en %(max)s caractères au plus.")
            % {"max": f"{MAX_MESSAGE_LENGTH:,}".replace(",", "\u202f")},
            "too_long",
        )
    return value
