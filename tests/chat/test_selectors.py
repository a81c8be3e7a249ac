"""Reads of the messaging: the room list with its unread counts, the catch-up after a sequence
number, history pages, search, and the payload every client receives."""

import pytest

from chat import selectors, services
from chat.models import Message

pytestmark = pytest.mark.django_db


def _unread(agent):
    return {room.pk: room.unread for room in selectors.rooms_for_list(agent)}


# --- the room list ---------------------------------------------------------------------------


def test_unread_counts_others_messages_after_the_read_marker(member, colleague, main_room, post):
    """Unread: the others' messages after the agent's read marker; their own never count."""
    first = post(colleague, main_room, "Premier")
    post(colleague, main_room, "Deuxième")
    post(colleague, main_room, "Troisième")
    assert _unread(member)[main_room.pk] == 3
    services.read_mark(agent=member, room=main_room, message_id=first.pk)
    assert _unread(member)[main_room.pk] == 2
    assert _unread(colleague)[main_room.pk] == 0


def test_unread_counts_ignore_deleted_and_hidden_messages(
    member, colleague, animator, main_room, post
):
    """A deleted message or one hidden by moderation is not unread any more."""
    post(colleague, main_room, "Gardé")
    deleted = post(colleague, main_room, "Effacé")
    hidden = post(colleague, main_room, "Masqué")
    services.message_delete(agent=colleague, message=deleted)
    Message.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert _unread(member)[main_room.pk] == 1


def test_unread_counts_are_per_room_and_per_agent(
    member, colleague, outsider, main_room, direct_room, post
):
    """Each room counts its own unread messages against the reader's own marker in that room."""
    post(colleague, main_room, "Pour la communauté")
    post(colleague, main_room, "Encore")
    message = post(outsider, direct_room, "Pour toi seulement")
    services.read_mark(agent=member, room=direct_room, message_id=message.pk)
    post(outsider, direct_room, "Une autre")
    # A marker in one room (with a larger id) never hides the messages of another room.
    unread = _unread(member)
    assert unread[main_room.pk] == 2
    assert unread[direct_room.pk] == 1
    assert _unread(outsider)[direct_room.pk] == 0


def test_unread_total_sums_the_rooms(member, colleague, outsider, main_room, direct_room, post):
    """The total shown in the navigation is the sum of the rooms' unread counts."""
    post(colleague, main_room)
    post(outsider, direct_room)
    post(outsider, direct_room, "Tu es là ?")
    assert selectors.unread_total(member) == 3


def test_room_list_is_ordered_by_latest_activity(member, colleague, main_room, direct_room, post):
    """The room with the most recent message comes first."""
    post(colleague, main_room)
    post(member, direct_room, "Plus récent")
    rooms = [room.pk for room in selectors.rooms_for_list(member)]
    assert rooms.index(direct_room.pk) < rooms.index(main_room.pk)


def test_first_unread_is_after_the_marker_and_not_a_hidden_message(
    member, colleague, main_room, post
):
    """The first unread message is the others' first visible message after the marker."""
    read = post(colleague, main_room, "Lu")
    services.read_mark(agent=member, room=main_room, message_id=read.pk)
    hidden = post(colleague, main_room, "Masqué")
    Message.objects.filter(pk=hidden.pk).update(is_hidden=True)
    visible = post(colleague, main_room, "Visible")
    assert selectors.first_unread_id(main_room, member) == visible.pk


# --- catching up ------------------------------------------------------------------------------


def test_changes_since_gives_the_current_state_of_what_changed(member, colleague, main_room, post):
    """Everything changed after a sequence number, once each, in its latest state, by seq."""
    first = post(member, main_room, "Un")  # seq 1
    second = post(colleague, main_room, "Deux")  # seq 2
    third = post(member, main_room, "Trois")  # seq 3
    services.message_edit(agent=member, message=first, body="Un, corrigé")  # seq 4
    services.reaction_toggle(agent=member, message=second, emoji="👍")  # seq 5

    changes = selectors.changes_since(main_room.pk, 2)
    assert [(m.pk, m.seq) for m in changes] == [(third.pk, 3), (first.pk, 4), (second.pk, 5)]
    assert changes[1].body == "Un, corrigé"
    assert selectors.changes_since(main_room.pk, 5) == []
    assert len(selectors.changes_since(main_room.pk, 0)) == 3


def test_changes_since_stays_in_its_room(member, outsider, main_room, direct_room, post):
    """The catch-up of one room never includes another room's messages."""
    post(member, main_room)
    post(outsider, direct_room)
    assert [m.room_id for m in selectors.changes_since(direct_room.pk, 0)] == [direct_room.pk]


# --- history and search ----------------------------------------------------------------------


@pytest.fixture
def sixty(settings, member, main_room, post):
    settings.CHAT_RATE_LIMIT = 1000
    return [post(member, main_room, f"Message {n}").pk for n in range(60)]


def test_history_latest_page(sixty, main_room):
    """Without a position, the latest 50 messages, oldest first."""
    assert [m.pk for m in selectors.history(main_room)] == sixty[10:]


def test_history_before_a_message(sixty, main_room):
    """With « before », the messages just older than it, oldest first."""
    page = selectors.history(main_room, before=sixty[20], limit=5)
    assert [m.pk for m in page] == sixty[15:20]


def test_history_around_a_message(sixty, main_room):
    """With « around », half the page before the message and the rest from it on."""
    page = selectors.history(main_room, around=sixty[30], limit=10)
    assert [m.pk for m in page] == sixty[25:35]


def test_search_ignores_accents_and_case(member, colleague, main_room, post):
    """« ecluse SAINT » finds « l'Écluse de Saint-Malo »; deleted messages are not found."""
    found = post(member, main_room, "Réunion à l'Écluse de Saint-Malo jeudi")
    gone = post(colleague, main_room, "Écluse fermée à Saint-Malo")
    services.message_delete(agent=colleague, message=gone)
    post(colleague, main_room, "Rien à voir")
    assert [m.pk for m in selectors.search(main_room, "ecluse SAINT")] == [found.pk]
    assert [m.pk for m in selectors.search(main_room, "RÉUNION")] == [found.pk]
    assert selectors.search(main_room, "reunion vendredi") == []
    assert selectors.search(main_room, "   ") == []


# --- the payload -----------------------------------------------------------------------------


def test_payload_sanitises_html_and_scripts(member, main_room, post):
    """Whatever HTML an agent types comes out inert: no script, no event attribute; Markdown
    still renders."""
    body = '<script>alert("x")</script><img src=x onerror="alert(1)"> **important** <a href="javascript:alert(2)">lien</a>'
    message = post(member, main_room, body)
    payload = selectors.message_payload(message)
    html = payload["html"].lower()
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<strong>important</strong>" in html
    assert payload["body"] == body  # the raw text, for editing: clients insert it as text


def test_payload_of_a_message(member, colleague, main_room, post):
    """The payload names the room, the sequence number, the author, the reply and reactions."""
    original = post(colleague, main_room, "Qui vient jeudi ?")
    reply = post(member, main_room, "Moi !", reply_to_id=original.pk)
    services.reaction_toggle(agent=colleague, message=reply, emoji="🎉")
    payload = selectors.message_payload(Message.objects.get(pk=reply.pk))
    assert payload["id"] == reply.pk
    assert payload["room"] == main_room.pk
    assert payload["seq"] == 3
    assert payload["author"]["id"] == member.pk
    assert payload["author"]["name"] == "Élodie Bérard"
    assert payload["reply_to"]["id"] == original.pk
    assert payload["reply_to"]["excerpt"] == "Qui vient jeudi ?"
    assert payload["reactions"] == [
        {"emoji": "🎉", "agents": [colleague.pk], "names": ["Marc Collègue"]}
    ]
    assert payload["deleted"] is False
    assert payload["moderated"] is False


def test_payload_of_a_deleted_message_has_no_content(member, colleague, main_room, post):
    """A deleted message keeps its place but neither its text nor its reactions."""
    message = post(member, main_room, "Oups")
    services.reaction_toggle(agent=colleague, message=message, emoji="👍")
    services.message_delete(agent=member, message=message)
    payload = selectors.message_payload(Message.objects.get(pk=message.pk))
    assert payload["deleted"] is True
    assert payload["body"] == ""
    assert payload["html"] == ""
    assert payload["reactions"] == []
    assert payload["attachment"] is None


def test_room_participants(member, colleague, animator, outsider, main_room, group_room):
    """A community room's people are its active members; a conversation's, its participants."""
    assert set(selectors.room_participants(main_room)) == {member, colleague, animator}
    assert set(selectors.room_participants(group_room)) == {member, colleague, outsider}
