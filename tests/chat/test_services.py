"""Every write of the messaging (``chat.services``): what is stored, what is refused and with
which code and French message, and what is published to the open connections (on commit only).

Publications are read from the real channel layer: a test channel joins the room's group."""

import asyncio
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from chat import events, selectors, services
from chat.models import Message, MessageRevision, Mute, Participant, Reaction, ReadMarker, Room
from chat.services import ChatError
from communities import services as community_services
from communities.content import moderation
from communities.models import Report
from maillage.french import long_datetime
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _seq(room):
    return Room.objects.get(pk=room.pk).last_seq


# --- listening on the channel layer ------------------------------------------------------------


class Listener:
    """A channel of the real channel layer subscribed to some groups."""

    def __init__(self, *groups):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        for group in groups:
            async_to_sync(self.layer.group_add)(group, self.channel)

    def received(self):
        """Everything that reached the channel so far."""

        async def drain():
            messages = []
            while True:
                try:
                    messages.append(await asyncio.wait_for(self.layer.receive(self.channel), 0.05))
                except TimeoutError:
                    return messages

        return async_to_sync(drain)()


def _published(listener):
    import json

    return [json.loads(event["text"]) for event in listener.received() if "text" in event]


# --- sending ---------------------------------------------------------------------------------


def test_send_stores_with_increasing_ids_and_room_sequence(member, colleague, main_room, post):
    """Each message is stored with a larger id and the room's next sequence number."""
    first = post(member, main_room, "Bonjour")
    second = post(colleague, main_room, "Bonjour Élodie")
    third = post(member, main_room, "Ça va ?")
    assert first.pk < second.pk < third.pk
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert _seq(main_room) == 3
    stored = Message.objects.get(pk=second.pk)
    assert stored.body == "Bonjour Élodie"
    assert stored.author == colleague
    assert stored.community == main_room.community
    assert stored.search_text == "bonjour elodie"


def test_every_change_takes_the_next_sequence_number(member, colleague, main_room, post):
    """Send, edit, reaction on, reaction off and delete each move the room's sequence by one and
    give the message that number."""
    message = post(member, main_room, "Texte")
    assert (message.seq, _seq(main_room)) == (1, 1)
    services.message_edit(agent=member, message=message, body="Texte corrigé")
    assert (Message.objects.get(pk=message.pk).seq, _seq(main_room)) == (2, 2)
    services.reaction_toggle(agent=colleague, message=message, emoji="👍")
    assert (Message.objects.get(pk=message.pk).seq, _seq(main_room)) == (3, 3)
    services.reaction_toggle(agent=colleague, message=message, emoji="👍")
    assert (Message.objects.get(pk=message.pk).seq, _seq(main_room)) == (4, 4)
    services.message_delete(agent=member, message=Message.objects.get(pk=message.pk))
    assert (Message.objects.get(pk=message.pk).seq, _seq(main_room)) == (5, 5)


def test_sequences_are_per_room(member, outsider, main_room, direct_room, post):
    """Each room numbers its own changes."""
    post(member, main_room)
    post(member, main_room)
    assert post(outsider, direct_room).seq == 1
    assert _seq(main_room) == 2


def test_resend_with_the_same_client_id_is_stored_once(member, main_room, post):
    """A resend after a timeout (same client id) gives back the stored message, no new change."""
    first = post(member, main_room, "Une seule fois", client_id="envoi-00000001")
    again = post(member, main_room, "Une seule fois", client_id="envoi-00000001")
    assert again.pk == first.pk
    assert Message.objects.filter(client_id="envoi-00000001").count() == 1
    assert _seq(main_room) == 1


def test_same_client_id_by_two_agents_is_two_messages(member, colleague, main_room, post):
    """The client id is unique per author: two agents may choose the same one."""
    first = post(member, main_room, client_id="commun-00000001")
    second = post(colleague, main_room, client_id="commun-00000001")
    assert first.pk != second.pk


def test_client_id_reused_in_another_room_is_refused(member, main_room, direct_room, post):
    """A client id already used in one room is refused in another, and nothing is stored."""
    post(member, main_room, client_id="envoi-00000002")
    with pytest.raises(ChatError) as error:
        post(member, direct_room, "Ailleurs", client_id="envoi-00000002")
    assert error.value.code == "invalid"
    assert str(error.value) == "Identifiant de message déjà utilisé."
    assert not direct_room.messages.exists()
    assert _seq(direct_room) == 0


@pytest.mark.parametrize(
    "client_id",
    ["", None, "court", "x" * 65, "avec espace", "accentué-123", "<script>", "a/b/c/d/e"],
)
def test_invalid_client_id_is_refused(member, main_room, post, client_id):
    """A client id must be 8 to 64 letters, digits, - or _."""
    with pytest.raises(ChatError) as error:
        post(member, main_room, "Bonjour", client_id=client_id)
    assert error.value.code == "invalid"
    assert "Identifiant de message invalide" in str(error.value)
    assert not Message.objects.exists()


def test_message_over_ten_thousand_characters_is_refused(member, main_room, post):
    """Over 10 000 characters: refused with a French message giving the limit and the length."""
    with pytest.raises(ChatError) as error:
        post(member, main_room, "é" * 10001)
    assert error.value.code == "too_long"
    assert str(error.value) == (
        "Un message tient en 10\u202f000 caractères au plus (celui-ci en compte 10001)."
    )
    assert not Message.objects.exists()
    assert len(post(member, main_room, "é" * 10000).body) == 10000


@pytest.mark.parametrize("body", ["", "   ", "\n\r\n\t ", None])
def test_empty_message_is_refused(member, main_room, post, body):
    """A message with no text (and no file) is refused."""
    with pytest.raises(ChatError) as error:
        post(member, main_room, body)
    assert error.value.code == "invalid"
    assert str(error.value) == "Le message est vide."
    assert not Message.objects.exists()


def test_reply_to_a_message_of_the_room(member, colleague, main_room, post):
    """A reply keeps the message it answers."""
    original = post(colleague, main_room, "Question")
    reply = post(member, main_room, "Réponse", reply_to_id=original.pk)
    assert reply.reply_to == original


def test_reply_to_a_message_of_another_room_is_refused(
    member, outsider, main_room, direct_room, post
):
    """A forged reply_to (a message of another room) is refused and nothing is stored."""
    elsewhere = post(outsider, direct_room, "Privé")
    with pytest.raises(ChatError) as error:
        post(member, main_room, "Réponse", reply_to_id=elsewhere.pk)
    assert str(error.value) == "Le message auquel vous répondez n'existe pas ici."
    assert not main_room.messages.exists()
    assert _seq(main_room) == 0
    with pytest.raises(ChatError) as error:
        post(member, main_room, "Réponse", reply_to_id="12abc")
    assert error.value.code == "invalid"


def test_send_refused_to_who_cannot_read(outsider, banned_agent, admin, main_room, post):
    """An outsider, a banned agent and a non-member admin cannot write in a community room."""
    for agent in (outsider, banned_agent):
        with pytest.raises(ChatError) as error:
            post(agent, main_room)
        assert error.value.code == "not_found"
    with pytest.raises(ChatError) as error:
        post(admin, main_room)
    assert error.value.code == "forbidden"
    assert not Message.objects.exists()


def test_send_with_an_attachment(member, main_room, post):
    """A file goes with the message, under a name that is not the uploaded one."""
    upload = SimpleUploadedFile("compte rendu.pdf", b"%PDF-1.4 contenu", "application/pdf")
    message = post(member, main_room, "", attachment=upload)
    assert message.attachment_name == "compte rendu.pdf"
    assert message.attachment_type == "application/pdf"
    assert "compte" not in message.attachment.name
    assert default_storage.exists(message.attachment.name)


def test_attachment_whose_content_does_not_match_is_refused(member, main_room, post):
    """A « PDF » that does not start like a PDF is refused."""
    upload = SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 executable", "application/pdf")
    with pytest.raises(ChatError) as error:
        post(member, main_room, "Voici", attachment=upload)
    assert error.value.code == "invalid_file"
    assert not Message.objects.exists()


# --- editing ---------------------------------------------------------------------------------


def test_author_edits_and_the_history_is_kept(member, main_room, post):
    """The author's edit replaces the text, sets edited_at and keeps the former text."""
    message = post(member, main_room, "Réunion lundi")
    services.message_edit(agent=member, message=message, body="Réunion mardi")
    stored = Message.objects.get(pk=message.pk)
    assert stored.body == "Réunion mardi"
    assert stored.search_text == "reunion mardi"
    assert stored.edited_at is not None
    assert list(MessageRevision.objects.filter(message=message).values_list("body", "replaced_by"))
    assert [r.body for r in stored.revisions.all()] == ["Réunion lundi"]
    assert stored.revisions.get().replaced_by == member


def test_only_the_author_edits(member, colleague, animator, main_room, post):
    """Another member, even an animator, cannot edit someone's message."""
    message = post(member, main_room, "Mon texte")
    for agent in (colleague, animator):
        with pytest.raises(ChatError) as error:
            services.message_edit(agent=agent, message=message, body="Changé")
        assert error.value.code == "forbidden"
    stored = Message.objects.get(pk=message.pk)
    assert stored.body == "Mon texte"
    assert stored.edited_at is None
    assert not MessageRevision.objects.exists()


def test_edit_to_empty_or_too_long_is_refused(member, main_room, post):
    """An edit follows the same rules as a new message."""
    message = post(member, main_room, "Texte")
    with pytest.raises(ChatError):
        services.message_edit(agent=member, message=message, body="  ")
    with pytest.raises(ChatError) as error:
        services.message_edit(agent=member, message=message, body="x" * 10001)
    assert error.value.code == "too_long"
    assert Message.objects.get(pk=message.pk).body == "Texte"


# --- deleting --------------------------------------------------------------------------------


def test_author_deletes_and_the_message_shows_as_deleted(
    member, main_room, post, django_capture_on_commit_callbacks
):
    """Deleted by its author: it shows as deleted, without text or file; the file is removed
    once the deletion is committed."""
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", "application/pdf")
    message = post(member, main_room, "Avec un fichier", attachment=upload)
    path = message.attachment.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_delete(agent=member, message=message)
    assert default_storage.exists(path)  # not before the commit
    for callback in callbacks:
        callback()
    stored = Message.objects.get(pk=message.pk)
    assert not stored.attachment
    assert stored.attachment_name == ""
    assert stored.deleted_at is not None
    assert stored.deleted_by == member
    assert not default_storage.exists(path)
    payload = selectors.message_payload(stored)
    assert payload["deleted"] is True
    assert payload["body"] == ""
    assert payload["html"] == ""
    assert payload["attachment"] is None
    assert [r.body for r in stored.revisions.all()] == ["Avec un fichier"]


def test_rolled_back_deletion_keeps_the_file(
    member, main_room, post, django_capture_on_commit_callbacks
):
    """A deletion that rolls back leaves the message and its file in place."""
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", "application/pdf")
    message = post(member, main_room, "Avec un fichier", attachment=upload)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        services.message_delete(agent=member, message=message)
        raise Rollback
    stored = Message.objects.get(pk=message.pk)
    assert not stored.is_deleted
    assert default_storage.exists(stored.attachment.name)


def test_deleting_a_stale_copy_keeps_the_moderation(member, animator, main_room, post):
    """A message hidden by moderation meanwhile stays hidden when its author deletes an older
    copy of it."""
    stale = post(member, main_room, "Propos")
    moderation.content_set_hidden(
        content=Message.objects.get(pk=stale.pk), actor=animator, hidden=True
    )
    services.message_delete(agent=member, message=stale)
    stored = Message.objects.get(pk=stale.pk)
    assert stored.is_hidden
    assert stored.deleted_at is not None


def test_animator_deletes_a_members_message(member, animator, main_room, post):
    """An animator deletes anyone's message in their community's rooms."""
    message = post(member, main_room, "Hors sujet")
    services.message_delete(agent=animator, message=message)
    stored = Message.objects.get(pk=message.pk)
    assert stored.is_deleted
    assert stored.deleted_by == animator


def test_another_member_cannot_delete(member, colleague, main_room, post):
    """A member cannot delete another member's message."""
    message = post(member, main_room, "À moi")
    with pytest.raises(ChatError) as error:
        services.message_delete(agent=colleague, message=message)
    assert error.value.code == "forbidden"
    assert not Message.objects.get(pk=message.pk).is_deleted
    assert _seq(main_room) == 1


# --- reactions -------------------------------------------------------------------------------


def test_reaction_toggles_on_and_off(member, colleague, main_room, post):
    """The same reaction twice is taken back."""
    message = post(member, main_room)
    assert services.reaction_toggle(agent=colleague, message=message, emoji="❤️") is True
    assert list(Reaction.objects.values_list("agent", "emoji")) == [(colleague.pk, "❤️")]
    assert services.reaction_toggle(agent=colleague, message=message, emoji="❤️") is False
    assert not Reaction.objects.exists()


def test_unknown_emoji_is_refused(member, colleague, main_room, post):
    """Only the offered reactions are accepted."""
    message = post(member, main_room)
    for emoji in ("🦄", "", "👍👍", "<b>"):
        with pytest.raises(ChatError) as error:
            services.reaction_toggle(agent=colleague, message=message, emoji=emoji)
        assert error.value.code == "invalid"
    assert not Reaction.objects.exists()
    assert _seq(main_room) == 1


# --- mentions --------------------------------------------------------------------------------


def test_mention_of_a_participant_is_stored(member, colleague, outsider, main_room, post):
    """« @Prénom Nom » of a member is a mention (linked in the HTML); a non-member's is not."""
    message = post(colleague, main_room, "Merci @Élodie Bérard et @Olivier Dehors !")
    assert list(message.mentions.all()) == [member]
    payload = selectors.message_payload(message)
    assert payload["mentions"] == [member.pk]
    assert member.get_absolute_url() in payload["html"]
    assert outsider.get_absolute_url() not in payload["html"]


def test_mention_in_a_conversation(member, colleague, outsider, animator, group_room, post):
    """In a group conversation, only its participants are mentioned."""
    message = post(member, group_room, "@Olivier Dehors et @Alice Animatrice, vous venez ?")
    assert list(message.mentions.all()) == [outsider]


def test_edit_updates_the_mentions(member, colleague, animator, main_room, post):
    """Edited text, new mentions."""
    message = post(member, main_room, "Pour @Marc Collègue")
    services.message_edit(agent=member, message=message, body="Pour @Alice Animatrice")
    assert list(Message.objects.get(pk=message.pk).mentions.all()) == [animator]


# --- limits and refusals -----------------------------------------------------------------------


def test_rate_limit(settings, member, main_room, post):
    """Over CHAT_RATE_LIMIT messages in the window, the next one is refused (rate_limited)."""
    settings.CHAT_RATE_LIMIT = 3
    # One window for the whole test: a fixed 10 s window could restart between two sends.
    settings.CHAT_RATE_WINDOW = 10**9
    for n in range(3):
        post(member, main_room, f"Message {n}")
    with pytest.raises(ChatError) as error:
        post(member, main_room, "Un de trop")
    assert error.value.code == "rate_limited"
    assert "Trop de messages" in str(error.value)
    assert Message.objects.count() == 3


def test_rate_limit_counts_per_agent(settings, member, colleague, main_room, post):
    """One agent's burst does not limit another."""
    settings.CHAT_RATE_LIMIT = 3
    # One window for the whole test: a fixed 10 s window could restart between two sends.
    settings.CHAT_RATE_WINDOW = 10**9
    for n in range(3):
        post(member, main_room, f"Message {n}")
    post(colleague, main_room, "À moi de parler")
    assert Message.objects.count() == 4


def test_muted_member_is_refused_with_the_date(member, animator, community, main_room, post):
    """A muted member's message is refused (muted) with the end of the mute in the message."""
    mute = services.member_mute(
        agent=animator, community=community, member=member, minutes=90, reason="Ton agressif"
    )
    until = long_datetime(mute.until)
    # The platform's one date format: « 6 décembre 2026 à 14 h 05 ».
    assert re.fullmatch(r"\d{1,2}(er)? [a-zéû]+ \d{4} à \d{1,2} h \d{2}", until)
    with pytest.raises(ChatError) as error:
        post(member, main_room)
    assert error.value.code == "muted"
    assert str(error.value) == (
        "L'animation de la communauté a suspendu vos messages dans cette communauté jusqu'au "
        f"{until}."
    )
    assert not Message.objects.exists()


def test_unmuted_member_writes_again(member, animator, community, main_room, post):
    """After member_unmute, the member writes again."""
    services.member_mute(agent=animator, community=community, member=member, minutes=60)
    services.member_unmute(agent=animator, community=community, member=member)
    assert post(member, main_room).pk


def test_mute_ends_by_itself(member, animator, community, main_room, post):
    """Once ``until`` has passed, the member writes again without anyone unmuting them."""
    services.member_mute(agent=animator, community=community, member=member, minutes=1)
    Mute.objects.update(until=timezone.now() - timezone.timedelta(seconds=1))
    assert post(member, main_room).pk


def test_only_animators_mute(member, colleague, community):
    """A member cannot mute another member."""
    with pytest.raises(ChatError):
        services.member_mute(agent=colleague, community=community, member=member, minutes=10)
    assert not Mute.objects.exists()


def test_member_without_the_charter_is_refused(member_without_charter, main_room, post):
    """A member who has not accepted the current charter reads but cannot write (charter)."""
    with pytest.raises(ChatError) as error:
        post(member_without_charter, main_room)
    assert error.value.code == "charter"
    assert str(error.value) == "Acceptez la charte de la communauté pour écrire."


def test_archived_community_is_read_only(member, community, main_room, post):
    """Nobody writes in the rooms of an archived community."""
    community.archived_at = timezone.now()
    community.save()
    with pytest.raises(ChatError) as error:
        post(member, main_room)
    assert str(error.value) == "La communauté est archivée : lecture seule."


# --- conversations -----------------------------------------------------------------------------


def test_direct_open_is_one_room_per_pair(member, outsider):
    """Whoever opens it, two agents share one direct conversation."""
    room = services.direct_open(agent=member, other=outsider)
    assert services.direct_open(agent=outsider, other=member) == room
    assert room.is_direct
    assert set(room.participants.values_list("agent", flat=True)) == {member.pk, outsider.pk}
    assert Room.objects.filter(kind=Room.Kind.DIRECT).count() == 1


def test_direct_open_refuses_oneself(member):
    """Nobody writes to themselves."""
    with pytest.raises(ChatError) as error:
        services.direct_open(agent=member, other=member)
    assert error.value.code == "invalid"


def test_direct_open_refuses_a_closed_account(member, outsider):
    """A closed (or deactivated) account receives no message."""
    outsider.closed_at = timezone.now()
    outsider.is_active = False
    outsider.save()
    with pytest.raises(ChatError) as error:
        services.direct_open(agent=member, other=outsider)
    assert str(error.value) == "Cet agent ne peut pas recevoir de message."
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_external_partner_writes_only_to_people_of_their_communities(member, outsider, community):
    """An external partner opens a conversation with a member of their community, not with an
    agent outside their communities (nor puts them in a group)."""
    partner = ExternalAgentFactory(first_name="Paula", last_name="Partenaire")
    MembershipFactory(community=community, agent=partner)
    assert services.direct_open(agent=partner, other=member).is_direct
    with pytest.raises(ChatError):
        services.direct_open(agent=partner, other=outsider)
    with pytest.raises(ChatError) as error:
        services.group_create(agent=partner, name="", members=[member, outsider])
    assert "Olivier Dehors" in str(error.value)
    assert Room.objects.filter(kind=Room.Kind.GROUP).count() == 0


def test_group_create_takes_fifty_agents_at_most(member):
    """A group gathers up to 50 agents, its creator included."""
    others = AgentFactory.create_batch(50)
    with pytest.raises(ChatError) as error:
        services.group_create(agent=member, name="Trop nombreux", members=others)
    assert error.value.code == "invalid"
    assert str(error.value) == "Une conversation de groupe réunit 50 agents au plus."
    room = services.group_create(agent=member, name="Juste assez", members=others[:49])
    assert room.participants.count() == 50


def test_group_create_needs_someone_else(member):
    """A group of oneself alone is refused."""
    with pytest.raises(ChatError):
        services.group_create(agent=member, name="Seul", members=[member])


def test_group_add_and_leave(member, colleague, outsider, animator, group_room, post):
    """A participant adds people; a participant leaves and no longer reads the conversation."""
    added = services.group_add(agent=colleague, room=group_room, members=[animator, outsider])
    assert added == [animator]
    assert Participant.objects.filter(room=group_room).count() == 4
    services.group_leave(agent=outsider, room=group_room)
    assert not Participant.objects.filter(room=group_room, agent=outsider).exists()
    with pytest.raises(ChatError):
        post(outsider, group_room)
    with pytest.raises(ChatError):
        services.group_leave(agent=outsider, room=group_room)


def test_group_add_refused_to_a_non_participant(animator, outsider, group_room):
    """Someone outside the conversation cannot add people to it."""
    with pytest.raises(ChatError):
        services.group_add(agent=animator, room=group_room, members=[animator])
    assert not Participant.objects.filter(room=group_room, agent=animator).exists()


def test_group_add_stops_at_fifty(member, group_room):
    """Adding people beyond 50 participants is refused."""
    others = AgentFactory.create_batch(48)
    with pytest.raises(ChatError) as error:
        services.group_add(agent=member, room=group_room, members=others)
    assert error.value.code == "invalid"
    assert group_room.participants.count() == 3
    services.group_add(agent=member, room=group_room, members=others[:47])
    assert group_room.participants.count() == 50


def test_direct_conversation_cannot_be_left(member, direct_room):
    """Leaving is for group conversations."""
    with pytest.raises(ChatError):
        services.group_leave(agent=member, room=direct_room)


# --- read markers ----------------------------------------------------------------------------


def test_read_marker_only_moves_forward(member, colleague, main_room, post):
    """Marking an older message as read never moves the marker back."""
    first = post(colleague, main_room, "1")
    post(colleague, main_room, "2")
    third = post(colleague, main_room, "3")
    assert services.read_mark(agent=member, room=main_room, message_id=third.pk) == third.pk
    assert services.read_mark(agent=member, room=main_room, message_id=first.pk) == third.pk
    assert ReadMarker.objects.get(agent=member, room=main_room).last_read_id == third.pk


def test_read_marker_of_a_forbidden_room_is_refused(outsider, main_room, colleague, post):
    """Nobody marks a room they cannot read."""
    message = post(colleague, main_room)
    with pytest.raises(ChatError):
        services.read_mark(agent=outsider, room=main_room, message_id=message.pk)
    assert not ReadMarker.objects.filter(agent=outsider).exists()


def test_sending_marks_the_room_read_for_the_sender(member, main_room, post):
    """The sender has read their own message."""
    message = post(member, main_room)
    assert ReadMarker.objects.get(agent=member, room=main_room).last_read_id == message.pk


# --- publication on commit -------------------------------------------------------------------


def test_nothing_is_published_when_the_transaction_rolls_back(
    member, main_room, post, django_capture_on_commit_callbacks
):
    """A message written in a transaction that rolls back is neither stored nor published."""
    listener = Listener(events.room_group(main_room.pk))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        post(member, main_room, "Jamais")
        raise Rollback
    assert callbacks == []
    assert listener.received() == []
    assert not Message.objects.exists()


def test_one_publication_per_change_after_commit(
    member, colleague, main_room, post, django_capture_on_commit_callbacks
):
    """Send, edit, reaction and delete each publish one chat.message with the new state, once
    the transaction commits, and nothing before."""
    listener = Listener(events.room_group(main_room.pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = post(member, main_room, "Bonjour")
    assert listener.received() == []  # not committed yet: nothing pushed
    # The publication, and the message's indexing for the search over everything.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    # Each change commits on its own (autocommit), as when a view or the consumer calls it.
    changes = [
        lambda: services.message_edit(agent=member, message=message, body="Bonjour à tous"),
        lambda: services.reaction_toggle(agent=colleague, message=message, emoji="👍"),
        lambda: services.message_delete(agent=member, message=Message.objects.get(pk=message.pk)),
    ]
    for change in changes:
        with django_capture_on_commit_callbacks(execute=True):
            change()
    # One publication per change (besides the indexing of an edited or deleted message).
    published = _published(listener)
    assert [(e["type"], e["room"], e["seq"]) for e in published] == [
        ("chat.message", main_room.pk, 1),
        ("chat.message", main_room.pk, 2),
        ("chat.message", main_room.pk, 3),
        ("chat.message", main_room.pk, 4),
    ]
    assert [e["message"]["id"] for e in published] == [message.pk] * 4
    assert published[0]["message"]["body"] == "Bonjour"
    assert published[1]["message"]["body"] == "Bonjour à tous"
    assert published[2]["message"]["reactions"][0]["agents"] == [colleague.pk]
    assert published[3]["message"]["deleted"] is True


def test_new_message_event_is_the_stored_message(
    member, colleague, main_room, post, django_capture_on_commit_callbacks
):
    """The event of a new message is written from the objects at hand, without reading the
    message back: it must be exactly what a reader loading the stored message gets (reply,
    mention links, author, dates)."""
    original = post(colleague, main_room, "La réunion est *jeudi*")
    listener = Listener(events.room_group(main_room.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message = post(
            member,
            main_room,
            "@Marc Collègue, **merci** : voir <https://www.bretagne.gouv.fr>",
            reply_to_id=original.pk,
        )
    (published,) = _published(listener)
    stored = (
        Message.objects.select_related("author", "reply_to__author")
        .prefetch_related("reactions__agent", "mentions")
        .get(pk=message.pk)
    )
    assert published["message"] == selectors.message_payload(stored)
    assert published["message"]["mentions"] == [colleague.pk]
    assert published["message"]["reply_to"]["id"] == original.pk
    assert published["message"]["reactions"] == []


def test_sending_costs_the_same_queries_whatever_the_room_holds(
    community, member, main_room, post, django_assert_max_num_queries
):
    """Storing a message (permission, sequence, message, read position, transaction) takes at
    most eight queries, whether the room has 2 members and 1 message or 40 and 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measured(agent):
        with CaptureQueriesContext(connection) as context:
            post(agent, main_room, "Bonjour à tous")
        return len(context.captured_queries)

    post(member, main_room, "Premier")
    small = measured(type(member).objects.get(pk=member.pk))  # no membership cached
    for _number in range(38):
        MembershipFactory(community=community, agent=AgentFactory())
    Message.objects.bulk_create(
        Message(room=main_room, author=member, client_id=f"rempli-{n:06d}", body="x", seq=0)
        for n in range(200)
    )
    agent = type(member).objects.get(pk=member.pk)
    with django_assert_max_num_queries(8):
        large = measured(agent)
    assert large == small


def test_refused_change_publishes_nothing(
    member, colleague, main_room, post, django_capture_on_commit_callbacks
):
    """A refusal writes nothing and publishes nothing."""
    message = post(member, main_room)
    listener = Listener(events.room_group(main_room.pk))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ChatError):
        services.message_delete(agent=colleague, message=message)
    assert callbacks == []
    assert listener.received() == []


def test_membership_change_tells_the_agent_connections(
    member, animator, community, django_capture_on_commit_callbacks
):
    """A member removed from the community: their connections are told to re-check rooms."""
    listener = Listener(events.agent_group(member.pk))
    membership = community.memberships.get(agent=member)
    with django_capture_on_commit_callbacks(execute=True):
        community_services.member_remove(membership=membership, actor=animator)
    assert {
        "type": "chat.rooms_changed",
        "agent": member.pk,
        "group": events.agent_group(member.pk),
    } in listener.received()


# --- moderation ------------------------------------------------------------------------------


def test_hiding_a_message_republishes_it_as_moderated(
    member, animator, main_room, post, django_capture_on_commit_callbacks
):
    """Hidden through the moderation queue: a new sequence number, published as moderated;
    restored: published again with its text."""
    message = post(member, main_room, "Propos déplacés")
    listener = Listener(events.room_group(main_room.pk))
    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_set_hidden(
            content=Message.objects.get(pk=message.pk), actor=animator, hidden=True
        )
    stored = Message.objects.get(pk=message.pk)
    assert stored.is_hidden
    assert stored.seq == 2 == _seq(main_room)
    (event,) = _published(listener)
    assert event["seq"] == 2
    assert event["message"]["moderated"] is True
    assert event["message"]["deleted"] is True
    assert event["message"]["body"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_set_hidden(content=stored, actor=animator, hidden=False)
    (event,) = _published(listener)
    assert event["seq"] == 3
    assert event["message"]["moderated"] is False
    assert event["message"]["body"] == "Propos déplacés"


def test_reporting_a_message_puts_it_in_the_moderation_queue(
    member, colleague, community, main_room, post
):
    """A member reports a chat message: a report of the community, open, about that message."""
    message = post(member, main_room, "Contenu douteux")
    report = moderation.report_create(
        agent=colleague, content=message, reason="Information erronée"
    )
    assert report.community == community
    assert report.content == message
    assert list(community.reports.filter(status=Report.Status.OPEN)) == [report]


def test_animator_reads_the_edit_history(member, animator, main_room, post):
    """The animators read a message's former versions (can_see_history); members do not."""
    from chat.permissions import room_abilities

    message = post(member, main_room, "Version 1")
    services.message_edit(agent=member, message=message, body="Version 2")
    assert room_abilities(animator, main_room).can_see_history(message)
    assert not room_abilities(member, main_room).can_see_history(message)
    assert [r.body for r in message.revisions.all()] == ["Version 1"]


# --- channels --------------------------------------------------------------------------------


def test_animator_creates_and_deletes_a_channel(animator, member, community, main_room, post):
    """An animator adds a named channel, members write in it; deleting it removes its messages;
    the main room is never deleted."""
    channel = services.channel_create(agent=animator, community=community, name="  Veille  ")
    assert channel.name == "Veille"
    post(member, channel, "Dans le salon")
    with pytest.raises(ChatError):
        services.channel_create(agent=member, community=community, name="Autre")
    with pytest.raises(ChatError):
        services.channel_create(agent=animator, community=community, name="veille")
    services.channel_delete(agent=animator, room=channel)
    assert not Message.objects.exists()
    with pytest.raises(ChatError):
        services.channel_delete(agent=animator, room=main_room)


# --- the queries of the paths taken for every message ---------------------------------------------


class _Connection:
    """What the chat's handlers use of the tab's connection, for the synchronous paths."""

    channel_name = "test"

    def __init__(self, agent):
        self.agent = agent

    async def send(self, text):  # pragma: no cover - the synchronous paths send nothing
        raise AssertionError(text)


@pytest.mark.parametrize("muted", [False, True], ids=["free", "muted"])
def test_a_message_sent_over_the_socket_costs_seven_queries(
    muted, animator, member, community, main_room, django_assert_num_queries
):
    """The room, the sender's membership and mute come in one query; then the resend check and
    the write (the room's sequence, the message, the sender's read marker, in a savepoint). A
    muted member costs the first query only (then the refusal), however many members,
    messages or mutes the community has."""
    from chat.realtime.handlers import ChatHandlers
    from maillage import policy
    from maillage.http import Refused

    handlers = ChatHandlers(_Connection(member))
    if muted:
        services.member_mute(agent=animator, community=community, member=member, minutes=5)
    for n in range(2):  # the second send reads nothing the first one left behind
        with policy.scope():
            if muted:
                with django_assert_num_queries(2), pytest.raises(Refused) as refused:
                    handlers._send_sync(main_room.pk, f"Message {n}", f"client-{n:04d}-q", None)
                assert refused.value.code == "muted"
            else:
                with django_assert_num_queries(7):
                    handlers._send_sync(main_room.pk, f"Message {n}", f"client-{n:04d}-q", None)
    assert Message.objects.filter(room=main_room).count() == (0 if muted else 2)


def test_a_read_position_over_the_socket_costs_four_queries(
    member, colleague, main_room, post, django_assert_num_queries
):
    """The room with the reader's membership and mute in one query, the message's position, the
    marker read and written."""
    from chat.realtime.handlers import ChatHandlers
    from maillage import policy

    handlers = ChatHandlers(_Connection(member))
    with policy.scope():  # the agent's first read in the room creates the marker
        handlers._read_sync(main_room.pk, post(colleague, main_room, "Lu").pk)
    message = post(colleague, main_room, "À lire")
    with policy.scope(), django_assert_num_queries(4):
        handlers._read_sync(main_room.pk, message.pk)
    assert ReadMarker.objects.get(room=main_room, agent=member).last_read_id == message.pk
