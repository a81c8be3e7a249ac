"""Who may do what on the messaging's pages, written out as tables of the HTTP answers, and
forged ids (another room's message or room typed into an address or a form): always a 404 or a
refusal, and nothing changed.

The answers: 200 the page; 302 done (or, for an anonymous visitor, sent to the sign-in page);
403 refused with a French reason; 404 the room or message does not exist for this agent.
"""

import uuid

import pytest
from django.urls import reverse

from chat import services
from chat.models import Message, MessageRevision, Mute, Participant, Reaction, Room
from tests.chat.page_helpers import login, message_url, pdf, room_url, send_url, text
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "send", "edit_other", "delete_other", "history", "download", "mute")

# The community's « Général »; the other's message is Marc Collègue's, with a PDF attached.
# fmt: off
COMMUNITY_MATRIX = {
    #                          view send edit del  hist file mute
    "anonymous":              (302, 302, 302, 302, 302, 302, 302),
    "outsider":               (404, 404, 404, 404, 404, 404, 404),
    "member_without_charter": (200, 403, 403, 403, 403, 200, 403),
    "member":                 (200, 302, 403, 403, 403, 200, 403),
    "animator":               (200, 302, 403, 302, 200, 200, 200),
    "banned":                 (404, 404, 404, 404, 404, 404, 404),
    "admin":                  (200, 403, 403, 302, 200, 200, 200),
}

# A direct conversation (Élodie Bérard and Olivier Dehors) and a group conversation (Élodie
# Bérard, Marc Collègue, Olivier Dehors); the other's message is Olivier Dehors's, with a PDF.
# Nobody moderates a conversation: there is no history and no mute there.
CONVERSATION_MATRIX = {
    #                   view send edit del  hist file
    "anonymous":       (302, 302, 302, 302, 302, 302),
    "participant":     (200, 302, 403, 403, 403, 200),
    "non_participant": (404, 404, 404, 404, 404, 404),
    "admin":           (404, 404, 404, 404, 404, 404),
}
# fmt: on


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.CHAT_RATE_LIMIT = 10_000


def _with_file(client, author, room, body):
    login(client, author)
    client.post(send_url(room), {"body": body, "client_id": uuid.uuid4().hex, "attachment": pdf()})
    client.logout()
    return Message.objects.get(room=room, author=author, body=body)


def _answers(client, agent, room, message, *, mute_url=None):
    """The status of each action of ACTIONS (``mute`` only when ``mute_url``), in order; the
    destructive one (delete) last."""
    if agent is not None:
        login(client, agent)
    answers = {
        "view": client.get(room_url(room)).status_code,
        "send": client.post(
            send_url(room), {"body": "Essai", "client_id": uuid.uuid4().hex}
        ).status_code,
        "edit_other": client.post(
            message_url("edit", message), {"body": "Texte falsifié"}
        ).status_code,
        "history": client.get(message_url("history", message)).status_code,
        "download": client.get(message_url("attachment", message)).status_code,
    }
    if mute_url:
        answers["mute"] = client.get(mute_url).status_code
    answers["delete_other"] = client.post(message_url("delete", message)).status_code
    return tuple(answers[action] for action in ACTIONS if action in answers)


@pytest.mark.parametrize("state", list(COMMUNITY_MATRIX))
def test_community_room_matrix(
    client,
    state,
    community,
    main_room,
    colleague,
    outsider,
    member_without_charter,
    member,
    animator,
    banned_agent,
    admin,
):
    """Each state towards a community × each page of its room answers as the table says, and
    a refused edit or deletion changes nothing."""
    agents = {
        "anonymous": None,
        "outsider": outsider,
        "member_without_charter": member_without_charter,
        "member": member,
        "animator": animator,
        "banned": banned_agent,
        "admin": admin,
    }
    message = _with_file(client, colleague, main_room, "Le message de Marc")
    mute_url = reverse("chat:mute", args=[community.slug, colleague.pk])
    answers = _answers(client, agents[state], main_room, message, mute_url=mute_url)
    assert dict(zip(ACTIONS, answers, strict=True)) == dict(
        zip(ACTIONS, COMMUNITY_MATRIX[state], strict=True)
    )
    message.refresh_from_db()
    assert message.body in ("Le message de Marc", "")  # never the forged text
    assert message.is_deleted == (state in ("animator", "admin"))
    sent = Message.objects.filter(body="Essai").count()
    assert sent == (1 if state in ("member", "animator") else 0)
    assert not Mute.objects.exists()  # a GET of the mute page mutes nobody


@pytest.mark.parametrize("kind", ["direct", "group"])
@pytest.mark.parametrize("state", list(CONVERSATION_MATRIX))
def test_conversation_matrix(
    client, state, kind, direct_room, group_room, member, colleague, outsider, admin
):
    """Each state towards a direct or group conversation × each page answers as the table
    says: administrators included, nobody outside reads private correspondence."""
    room = direct_room if kind == "direct" else group_room
    non_participant = AgentFactory() if kind == "group" else colleague
    agents = {
        "anonymous": None,
        "participant": member,
        "non_participant": non_participant,
        "admin": admin,
    }
    message = _with_file(client, outsider, room, "Le message d'Olivier")
    answers = _answers(client, agents[state], room, message)
    expected = dict(
        zip([a for a in ACTIONS if a != "mute"], CONVERSATION_MATRIX[state], strict=True)
    )
    assert dict(zip([a for a in ACTIONS if a != "mute"], answers, strict=True)) == expected
    message.refresh_from_db()
    assert message.body == "Le message d'Olivier" and not message.is_deleted


def test_refusals_say_why_in_french(client, member, colleague, main_room, post):
    """A refused edit, deletion or history names its reason in French."""
    message = post(colleague, main_room, "Le texte de Marc")
    login(client, member)
    edit = client.get(message_url("edit", message))
    assert edit.status_code == 403
    assert "Vous ne modifiez que vos propres messages." in text(edit)
    assert "Vous ne pouvez pas supprimer ce message." in text(
        client.get(message_url("delete", message))
    )
    assert "Seule l'animation de la communauté consulte l'historique." in text(
        client.get(message_url("history", message))
    )


def test_secret_community_room_is_a_404_for_outsiders(client, outsider):
    """The room of a secret community, and its messaging address, are 404 for outsiders."""
    community = CommunityFactory(private_secret=True)
    room = services.room_for_community(community)
    login(client, outsider)
    assert client.get(room_url(room)).status_code == 404
    assert client.get(reverse("chat:community", args=[community.slug])).status_code == 404
    assert client.get(reverse("chat:mutes", args=[community.slug])).status_code == 404
    assert client.get(reverse("chat:channel_new", args=[community.slug])).status_code == 404


def test_chat_tool_off_hides_the_rooms(client, member, community, main_room):
    """With the community's messaging tool off, its room is a 404 even for members."""
    community.tool_chat = False
    community.save()
    assert login(client, member).get(room_url(main_room)).status_code == 404


# --- forged ids --------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(client):
    """Another community, its room and a message with a file, none of it open to ``member``."""
    community = CommunityFactory(name="Sécurité alimentaire")
    author = MembershipFactory(community=community, animator=True).agent
    room = services.room_for_community(community)
    message = _with_file(client, author, room, "Confidentiel d'ailleurs")
    channel = services.channel_create(agent=author, community=community, name="Annexe")
    return community, room, message, channel


def test_forged_message_ids_answer_404_and_change_nothing(client, member, main_room, elsewhere):
    """Another community's message typed into the edit, delete, react, history and download
    addresses answers 404, and nothing is changed."""
    _community, _room, message, _channel = elsewhere
    login(client, member)
    for name in ("edit", "delete", "history", "attachment"):
        assert client.get(message_url(name, message)).status_code == 404, name
    assert client.post(message_url("edit", message), {"body": "Piraté"}).status_code == 404
    assert client.post(message_url("delete", message)).status_code == 404
    assert client.post(message_url("react", message), {"emoji": "👍"}).status_code == 404
    message.refresh_from_db()
    assert message.body == "Confidentiel d'ailleurs" and not message.is_deleted
    assert not Reaction.objects.exists() and not MessageRevision.objects.exists()


def test_forged_room_ids_answer_404(client, member, elsewhere):
    """Another community's room, channel, slug and member are 404 on every page."""
    community, room, _message, channel = elsewhere
    login(client, member)
    assert client.get(room_url(room)).status_code == 404
    assert client.get(room_url(room, "?q=confidentiel")).status_code == 404
    response = client.post(send_url(room), {"body": "Intrus", "client_id": uuid.uuid4().hex})
    assert response.status_code == 404
    assert client.post(reverse("chat:channel_delete", args=[channel.pk])).status_code == 404
    assert client.get(reverse("chat:mutes", args=[community.slug])).status_code == 404
    assert client.get(reverse("chat:group_add", args=[room.pk])).status_code == 404
    assert client.post(reverse("chat:group_leave", args=[room.pk])).status_code == 404
    assert client.get(reverse("chat:room", args=[999999])).status_code == 404
    assert not Message.objects.filter(body="Intrus").exists()
    assert Room.objects.filter(pk=channel.pk).exists()


def test_forged_reply_to_is_refused(client, member, main_room, elsewhere):
    """Another room's message as ``reply_to`` is refused (nothing stored) and as ``?repondre=``
    or ``?autour=`` shows nothing of it."""
    _community, _room, message, _channel = elsewhere
    login(client, member)
    response = client.post(
        send_url(main_room),
        {"body": "Ma réponse", "client_id": uuid.uuid4().hex, "reply_to": str(message.pk)},
    )
    assert response.status_code == 403
    assert "Le message auquel vous répondez n'existe pas ici." in text(response)
    assert "Ma réponse" in text(response)
    assert not Message.objects.filter(body="Ma réponse").exists()
    for query in (f"?repondre={message.pk}", f"?autour={message.pk}"):
        page = text(client.get(room_url(main_room, query)))
        assert "Confidentiel d'ailleurs" not in page


def test_forged_group_and_mute_targets(client, member, animator, community, group_room):
    """A participant of no group cannot add to or leave it; a muted agent must be a member of
    the community; a reused client id from another room is refused."""
    stranger = AgentFactory()
    login(client, stranger)
    add_url = reverse("chat:group_add", args=[group_room.pk])
    assert client.post(add_url, {"membres": [stranger.pk]}).status_code == 404
    assert not Participant.objects.filter(room=group_room, agent=stranger).exists()

    other_member = MembershipFactory(community=CommunityFactory()).agent
    login(client, animator)
    mute_url = reverse("chat:mute", args=[community.slug, other_member.pk])
    assert client.post(mute_url, {"minutes": "15"}).status_code == 404
    assert not Mute.objects.exists()

    login(client, member)
    client.post(send_url(group_room), {"body": "Un", "client_id": "identifiant-fixe-1"})
    main = services.room_for_community(community)
    response = client.post(send_url(main), {"body": "Deux", "client_id": "identifiant-fixe-1"})
    assert response.status_code == 400
    assert "Identifiant de message déjà utilisé." in text(response)
    assert not Message.objects.filter(body="Deux").exists()
