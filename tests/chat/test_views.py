"""The messaging's pages without JavaScript: the list of conversations, a room's page (markup the
live client relies on, pagination, search, read position, replies, reactions), sending, editing,
deleting, group and direct conversations, channels, mutes, and the links from other pages."""

import json
import re
import uuid
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chat import services
from chat.models import Message, MessageRevision, Mute, Participant, Reaction, ReadMarker, Room
from communities.models import AuditLog
from maillage.french import long_datetime
from tests.chat.page_helpers import (
    client_id_of,
    login,
    message_ids,
    message_url,
    room_url,
    send_url,
    text,
)
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Tests write many messages in a row: the rate limit has its own test."""
    settings.CHAT_RATE_LIMIT = 10_000


def send(client, room, body="Bonjour", **data):
    data.setdefault("client_id", uuid.uuid4().hex)
    return client.post(send_url(room), {"body": body, **data})


# --- the list of conversations ---------------------------------------------------------------


def test_index_asks_anonymous_visitors_to_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get(reverse("chat:index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_index_lists_rooms_with_unread_counts(
    client, member, colleague, main_room, direct_room, group_room, post
):
    """The list shows the community's room under the community's name, the direct and the group
    conversations, each with a link and its unread count."""
    post(member, main_room, "Mon message ne compte pas")
    post(colleague, main_room, "Un")
    post(colleague, main_room, "Deux")
    post(colleague, group_room, "Trois")
    response = login(client, member).get(reverse("chat:index"))
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    assert "Transition écologique en Bretagne" in page
    assert "Olivier Dehors" in page  # the direct conversation is titled by the other agent
    assert "Projet littoral" in page
    for room in (main_room, direct_room, group_room):
        assert re.search(rf'data-testid="chat-room-link" data-room-id="{room.pk}"', html)
    assert re.search(
        rf'data-testid="chat-unread" data-room-id="{main_room.pk}"[^>]*>2</span>', html
    )
    assert re.search(
        rf'data-testid="chat-unread" data-room-id="{group_room.pk}"[^>]*>1</span>', html
    )
    assert re.search(
        rf'data-testid="chat-unread" data-room-id="{direct_room.pk}"[^>]*hidden>0</span>', html
    )
    assert "Nouvelle conversation de groupe" in page


def test_index_empty_state(client, outsider):
    """An agent with no community and no conversation is told how to start one."""
    page = text(login(client, outsider).get(reverse("chat:index")))
    assert 'data-testid="chat-empty"' in page
    assert "Aucune conversation pour l'instant" in page


def test_index_query_count_does_not_grow(client, django_assert_max_num_queries):
    """The list costs the same number of queries with 5 or 30 rooms of each kind."""
    agent = AgentFactory()
    login(client, agent)

    def grow(n):
        for _ in range(n):
            community = CommunityFactory()
            MembershipFactory(community=community, agent=agent)
            other = AgentFactory()
            services.direct_open(agent=agent, other=other)
            room = services.group_create(agent=agent, name="", members=[other, AgentFactory()])
            services.message_send(agent=other, room=room, body="Salut", client_id=uuid.uuid4().hex)

    grow(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("chat:index")).status_code == 200
    baseline = len(small.captured_queries)  # read now: every request empties the query log
    grow(25)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("chat:index"))
    assert response.content.decode().count('data-testid="chat-room-link"') == 90
    with django_assert_max_num_queries(8):
        client.get(reverse("chat:index"))


def test_navigation_points_to_the_messaging_with_a_badge_placeholder(client, member):
    """The « Messagerie » entry of the navigation leads to the list; the unread badge is an
    empty placeholder chat.js fills (no query on every page)."""
    html = login(client, member).get(reverse("chat:index")).content.decode()
    assert re.search(r'href="/messagerie/"\s+aria-current="page">Messagerie</a>', html)
    assert (
        '<span class="fr-badge fr-badge--sm fr-badge--info" id="chat-unread-badge" '
        'data-testid="chat-unread-badge" hidden></span>' in html
    )


# --- a room's page ---------------------------------------------------------------------------


def test_room_page_has_the_markup_the_live_client_reads(client, member, colleague, main_room, post):
    """The room's section carries its id, sequence number, read position, the agent, what they
    may do and the reactions; each message carries its id, sequence number and author; the
    participants are given as JSON; the composer and chat.js (with the CSP nonce) are there."""
    first = post(colleague, main_room, "Premier")
    second = post(colleague, main_room, "Second")
    ReadMarker.objects.create(room=main_room, agent=member, last_read_id=first.pk)
    response = login(client, member).get(room_url(main_room))
    assert response.status_code == 200
    html = response.content.decode()
    main_room.refresh_from_db()
    section = re.search(r'<section id="chat-room"[^>]*>', html).group(0)
    assert f'data-room-id="{main_room.pk}"' in section
    assert f'data-room-seq="{main_room.last_seq}"' in section
    assert f'data-last-read="{first.pk}"' in section  # the position before this view
    assert f'data-me="{member.pk}"' in section
    assert 'data-can-post="1"' in section and 'data-can-moderate="0"' in section
    emojis = json.loads(unescape(re.search(r'data-emojis="([^"]*)"', section).group(1)))
    assert emojis == list(services.EMOJIS)
    assert '<ol id="chat-messages" class="chat-messages" data-testid="chat-messages"' in html
    assert re.search(
        rf'<li id="message-{second.pk}" class="chat-message[^"]*" data-testid="chat-message" '
        rf'data-id="{second.pk}" data-seq="{second.seq}" data-author="{colleague.pk}">',
        html,
    )
    assert '<p id="chat-typing" class="chat-typing fr-text--xs" aria-live="polite"></p>' in html
    assert '<ul id="chat-presence"' in html
    participants = json.loads(
        re.search(
            r'<script id="chat-participants" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert {"id": colleague.pk, "name": "Marc Collègue"} in participants
    assert (
        f'<form id="chat-composer" class="chat-composer" method="post" '
        f'enctype="multipart/form-data" action="{send_url(main_room)}"' in html
    )
    assert re.search(
        r'<textarea class="fr-input" name="body" id="chat-body" rows="2" maxlength="10000" '
        r'aria-keyshortcuts="/ Alt\+Shift\+M"',
        html,
    )
    assert re.fullmatch(r"[0-9a-f]{32}", client_id_of(response))
    assert 'name="reply_to"' in html
    assert re.search(
        r'<input class="fr-upload" type="file" [^>]*name="attachment" accept="[^"]*\.pdf', html
    )
    nonce = re.search(r'<script src="/static/js/chat.js" defer nonce="([^"]+)"></script>', html)
    assert nonce and nonce.group(1) in response["Content-Security-Policy"]


def test_each_render_has_a_fresh_client_id(client, member, main_room):
    """Every render of the composer carries a new client id."""
    login(client, member)
    assert client_id_of(client.get(room_url(main_room))) != client_id_of(
        client.get(room_url(main_room))
    )


def test_messages_render_safely(client, member, colleague, main_room, post):
    """HTML and <script> typed in a message come out inert; Markdown is rendered."""
    post(
        colleague,
        main_room,
        '<script>alert("piège")</script> <img src=x onerror="alert(1)"> '
        "[lien](javascript:alert(2)) **important**",
    )
    html = login(client, member).get(room_url(main_room)).content.decode()
    body = re.search(r'data-testid="chat-message-body">(.*?)</div>', html, re.S).group(1)
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "<strong>important</strong>" in body


def test_each_message_shows_author_time_and_edition(client, member, colleague, main_room, post):
    """A message shows its author (linked to their profile), its time and « (modifié) »."""
    message = post(colleague, main_room, "Texte initial")
    services.message_edit(agent=colleague, message=message, body="Texte corrigé")
    html = login(client, member).get(room_url(main_room)).content.decode()
    assert f'href="/agents/{colleague.pk}/"><strong>Marc Collègue</strong></a>' in html
    # In the platform's one date format, as static/js/chat.js writes it for a live message.
    assert f">{long_datetime(message.created_at)}</time>" in unescape(html)
    assert "(modifié)" in html and "Texte corrigé" in html


def test_latest_page_marks_the_room_read(client, member, colleague, main_room, post):
    """Viewing the latest page moves the read position to its last message; the unread count
    of the list drops to zero."""
    post(colleague, main_room, "Un")
    last = post(colleague, main_room, "Deux")
    login(client, member)
    index = client.get(reverse("chat:index")).content.decode()
    assert re.search(rf'data-room-id="{main_room.pk}"[^>]*>2</span>', index)
    client.get(room_url(main_room))
    assert ReadMarker.objects.get(room=main_room, agent=member).last_read_id == last.pk
    index = client.get(reverse("chat:index")).content.decode()
    assert re.search(rf'data-room-id="{main_room.pk}"[^>]*hidden>0</span>', index)


def test_older_pages_and_search_do_not_mark_read(client, member, colleague, main_room, post):
    """Reading older messages or a search leaves the read position where it was."""
    messages = [post(colleague, main_room, f"Message {n}") for n in range(3)]
    login(client, member)
    client.get(room_url(main_room, f"?avant={messages[2].pk}"))
    client.get(room_url(main_room, "?q=message"))
    client.get(room_url(main_room, f"?autour={messages[0].pk}"))
    assert not ReadMarker.objects.filter(room=main_room, agent=member).exists()


def test_first_unread_link(client, member, colleague, main_room, post):
    """The page links to the first message not read yet and marks it."""
    read = post(colleague, main_room, "Déjà lu")
    unread = post(colleague, main_room, "Pas encore lu")
    ReadMarker.objects.create(room=main_room, agent=member, last_read_id=read.pk)
    html = login(client, member).get(room_url(main_room)).content.decode()
    assert re.search(
        rf'data-testid="chat-first-unread-link" href="#message-{unread.pk}">Premier message non lu',
        html,
    )
    item = html[html.index(f'<li id="message-{unread.pk}"') :]
    assert 'id="premier-non-lu"' in item[: item.index("</li>")]


def test_pagination_with_avant(client, member, colleague, main_room, post):
    """The page shows the latest 50 messages, oldest first, with a link to the older ones;
    the older page shows the rest and links back to the latest."""
    messages = [post(colleague, main_room, f"Message numéro {n}") for n in range(60)]
    login(client, member)
    latest = client.get(room_url(main_room))
    assert message_ids(latest) == [m.pk for m in messages[10:]]
    older_link = f"?avant={messages[10].pk}"
    assert f'href="{room_url(main_room, older_link)}"' in latest.content.decode()
    assert "Messages plus anciens" in text(latest)
    older = client.get(room_url(main_room, older_link))
    assert message_ids(older) == [m.pk for m in messages[:10]]
    assert "Messages plus anciens" not in text(older)
    assert 'data-testid="chat-latest"' in older.content.decode()
    assert 'data-view="before"' in older.content.decode()


def test_around_a_message(client, member, colleague, main_room, post):
    """``?autour=`` shows the messages around one, with links to newer and latest ones."""
    messages = [post(colleague, main_room, f"Message {n}") for n in range(80)]
    response = login(client, member).get(room_url(main_room, f"?autour={messages[40].pk}"))
    ids = message_ids(response)
    assert messages[40].pk in ids and len(ids) == 50
    assert ids[0] == messages[15].pk
    assert 'data-testid="chat-newer"' in response.content.decode()


def test_search_ignores_accents_and_case(client, member, colleague, main_room, post):
    """« reunion » finds « Réunion » and links to the message in the conversation."""
    found = post(colleague, main_room, "Réunion du réseau jeudi")
    post(colleague, main_room, "Autre sujet")
    response = login(client, member).get(room_url(main_room, "?q=REUNION"))
    page = text(response)
    assert "1 message trouvé" in page
    assert "Réunion du réseau jeudi" in page and "Autre sujet" not in page
    assert f"?autour={found.pk}#message-{found.pk}" in page
    assert "Aucun message ne contient « budget »" in text(
        client.get(room_url(main_room, "?q=budget"))
    )


@pytest.mark.parametrize(
    "query",
    [
        "?avant=abc",
        "?autour=-3",
        "?avant=99999999999999999999999",
        "?repondre=x",
        "?q=" + "é" * 500,
    ],
)
def test_bad_addresses_never_fail(client, member, main_room, query):
    """Typed-in parameters that mean nothing give the page, never an error."""
    assert login(client, member).get(room_url(main_room, query)).status_code == 200


def test_room_query_count_does_not_grow(
    client, member, colleague, main_room, post, django_assert_max_num_queries
):
    """The room's page costs the same number of queries with 5 or 30 messages, each with
    reactions, a reply and a mention."""
    login(client, member)

    def grow(n):
        previous = None
        for i in range(n):
            message = post(
                colleague,
                main_room,
                f"Message {i} pour @Élodie Bérard",
                reply_to_id=previous.pk if previous else None,
            )
            services.reaction_toggle(agent=member, message=message, emoji="👍")
            services.reaction_toggle(agent=colleague, message=message, emoji="🎉")
            previous = message

    grow(5)
    client.get(room_url(main_room))
    with CaptureQueriesContext(connection) as small:
        assert client.get(room_url(main_room)).status_code == 200
    baseline = len(small.captured_queries)  # read now: every request empties the query log
    grow(25)
    client.get(room_url(main_room))
    with django_assert_max_num_queries(baseline):
        response = client.get(room_url(main_room))
    assert len(message_ids(response)) == 30
    with django_assert_max_num_queries(25):
        client.get(room_url(main_room))


# --- sending ---------------------------------------------------------------------------------


def test_send_without_javascript(client, member, main_room):
    """The composer's POST stores the message and redirects to it on the room's page."""
    response = send(login(client, member), main_room, "Bonjour à tous")
    message = Message.objects.get(room=main_room)
    assert response.status_code == 302
    assert response["Location"] == f"{room_url(main_room)}#message-{message.pk}"
    assert message.body == "Bonjour à tous" and message.author == member
    assert "Bonjour à tous" in text(client.get(response["Location"]))


def test_resending_the_same_form_is_stored_once(client, member, main_room):
    """The same client id sent twice (a double click, a resend) stores one message."""
    login(client, member)
    first = send(client, main_room, "Une seule fois", client_id="abcdef0123456789")
    second = send(client, main_room, "Une seule fois", client_id="abcdef0123456789")
    assert first["Location"] == second["Location"]
    assert Message.objects.filter(room=main_room).count() == 1


def test_refused_send_keeps_the_typed_text(client, member, main_room):
    """A message too long is refused with a French message, the text typed kept in the box."""
    body = "Très long. " * 1000
    response = send(login(client, member), main_room, body)
    assert response.status_code == 400
    page = text(response)
    assert "Un message tient en 10\u202f000 caractères au plus" in page
    assert body.strip()[:200] in page
    assert not Message.objects.exists()


def test_empty_message_is_refused(client, member, main_room):
    """An empty message is refused in French."""
    response = send(login(client, member), main_room, "   ")
    assert response.status_code == 400
    assert "Le message est vide." in text(response)


def test_invalid_client_id_is_refused(client, member, main_room):
    """A forged client id is refused (400), the text kept."""
    response = send(login(client, member), main_room, "Texte gardé", client_id="<x>")
    assert response.status_code == 400
    assert "Identifiant de message invalide" in text(response)
    assert "Texte gardé" in text(response)


def test_rate_limit_answers_429_in_french(client, member, main_room, settings):
    """Past the rate limit the page answers 429 with the French explanation, the text kept."""
    settings.CHAT_RATE_LIMIT = 2
    # One window for the whole test: a fixed 10 s window could restart between two sends.
    settings.CHAT_RATE_WINDOW = 10**9
    login(client, member)
    assert send(client, main_room, "Un").status_code == 302
    assert send(client, main_room, "Deux").status_code == 302
    response = send(client, main_room, "Trois de trop")
    assert response.status_code == 429
    page = text(response)
    assert "Trop de messages d'affilée" in page
    assert "Trois de trop" in page
    assert Message.objects.count() == 2


def test_reply_prefills_the_quote(client, member, colleague, main_room, post):
    """« Répondre » (``?repondre=``) shows the quoted message above the composer and fills the
    hidden reply_to; the sent answer shows the quote."""
    original = post(colleague, main_room, "Qui vient jeudi ?")
    login(client, member)
    page = client.get(room_url(main_room, f"?repondre={original.pk}"))
    html = page.content.decode()
    assert f'name="reply_to" id="chat-reply-to" value="{original.pk}"' in html
    assert "En réponse à <strong>Marc Collègue</strong> : Qui vient jeudi ?" in text(page)
    response = send(client, main_room, "Moi !", reply_to=str(original.pk))
    answer = Message.objects.get(body="Moi !")
    assert answer.reply_to_id == original.pk
    html = client.get(response["Location"]).content.decode()
    item = html[html.index(f'<li id="message-{answer.pk}"') :]
    quote = item[: item.index("</li>")]
    assert 'data-testid="chat-quote"' in quote and "Qui vient jeudi ?" in quote


def test_cannot_post_reasons(client, member, member_without_charter, community, main_room):
    """Who cannot write is told why instead of the composer: charter to accept (with its link),
    muted until a date, archived community."""
    page = text(login(client, member_without_charter).get(room_url(main_room)))
    assert 'id="chat-composer"' not in page
    assert "Acceptez la charte pour écrire" in page
    assert reverse("communities:charter", args=[community.slug]) in page

    until = timezone.now() + timezone.timedelta(hours=2)
    Mute.objects.create(community=community, agent=member, until=until)
    page = text(login(client, member).get(room_url(main_room)))
    assert 'id="chat-composer"' not in page
    assert f"jusqu'au {long_datetime(until)}" in page
    response = send(client, main_room, "Je parle quand même")
    assert response.status_code == 403
    assert "L'animation de la communauté a suspendu vos messages" in text(response)
    assert "Un animateur" not in text(response)

    Mute.objects.all().delete()
    community.archived_at = timezone.now()
    community.save()
    page = text(client.get(room_url(main_room)))
    assert "La communauté est archivée : ses salons sont en lecture seule." in page
    assert send(client, main_room, "Encore").status_code == 403
    assert not Message.objects.exists()


# --- editing, deleting, reacting -------------------------------------------------------------


def test_edit_own_message(client, member, main_room, post):
    """The author edits their message on a page holding its text; the room shows « (modifié) »
    and the new text."""
    message = post(member, main_room, "Rendez-vous à 10 h")
    login(client, member)
    page = client.get(message_url("edit", message))
    assert page.status_code == 200 and "Rendez-vous à 10 h" in text(page)
    response = client.post(message_url("edit", message), {"body": "Rendez-vous à 11 h"})
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    message.refresh_from_db()
    assert message.body == "Rendez-vous à 11 h" and message.edited_at is not None
    room_page = text(client.get(room_url(main_room)))
    assert "Rendez-vous à 11 h" in room_page and "(modifié)" in room_page
    assert MessageRevision.objects.get(message=message).body == "Rendez-vous à 10 h"


def test_edit_refused_keeps_the_text(client, member, main_room, post):
    """An edit refused (too long) shows the French reason with the text typed."""
    message = post(member, main_room, "Court")
    response = login(client, member).post(message_url("edit", message), {"body": "x" * 10001})
    assert response.status_code == 400
    assert "Un message tient en 10\u202f000 caractères au plus" in text(response)
    message.refresh_from_db()
    assert message.body == "Court"


def test_delete_own_message_shows_message_supprime(client, member, main_room, post):
    """The author deletes their message after a confirmation page; the room shows « Message
    supprimé » in its place."""
    message = post(member, main_room, "Oups, mauvais salon")
    login(client, member)
    confirm = client.get(message_url("delete", message))
    assert confirm.status_code == 200 and "Oups, mauvais salon" in text(confirm)
    response = client.post(message_url("delete", message))
    assert response.status_code == 302
    page = text(client.get(room_url(main_room)))
    assert "Message supprimé" in page and "Oups, mauvais salon" not in page


def test_animator_deletes_and_reads_history(client, animator, colleague, main_room, post):
    """An animator deletes someone's message and reads its successive texts."""
    message = post(colleague, main_room, "Premier jet")
    services.message_edit(agent=colleague, message=message, body="Second jet")
    login(client, animator)
    assert client.post(message_url("delete", message)).status_code == 302
    message.refresh_from_db()
    assert message.deleted_by == animator
    history = client.get(message_url("history", message))
    assert history.status_code == 200
    page = text(history)
    assert "Premier jet" in page and "Second jet" in page
    assert history.content.decode().count('data-testid="chat-revision"') == 2


def test_react_toggles(client, member, colleague, main_room, post):
    """The reaction buttons add the agent's reaction, then take it back."""
    message = post(colleague, main_room, "Bravo à l'équipe")
    login(client, member)
    response = client.post(
        message_url("react", message), {"emoji": "🎉", "next": room_url(main_room)}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{room_url(main_room)}#message-{message.pk}"
    assert Reaction.objects.filter(message=message, agent=member, emoji="🎉").exists()
    html = client.get(room_url(main_room)).content.decode()
    assert re.search(r'aria-pressed="true" title="Élodie Bérard"[^>]*>🎉 1</button>', html)
    client.post(message_url("react", message), {"emoji": "🎉"})
    assert not Reaction.objects.filter(message=message).exists()


def test_react_refuses_unknown_emoji_and_get(client, member, colleague, main_room, post):
    """An emoji outside the offered eight is refused in French; a GET is not allowed."""
    message = post(colleague, main_room, "Bravo")
    login(client, member)
    response = client.post(message_url("react", message), {"emoji": "💩"}, follow=True)
    assert "Cette réaction n'est pas proposée." in text(response)
    assert client.get(message_url("react", message)).status_code == 405
    assert not Reaction.objects.exists()


def test_react_next_outside_the_site_is_ignored(client, member, colleague, main_room, post):
    """A ``next`` pointing outside the site is not followed."""
    message = post(colleague, main_room, "Bravo")
    response = login(client, member).post(
        message_url("react", message), {"emoji": "👍", "next": "https://ailleurs.example/"}
    )
    assert response["Location"].startswith(room_url(main_room))


# --- direct and group conversations ----------------------------------------------------------


def test_profile_has_a_message_button_except_ones_own(client, member, outsider):
    """Another agent's profile has « Envoyer un message » posting to the direct conversation;
    one's own has not."""
    login(client, member)
    html = client.get(reverse("directory:profile", args=[outsider.pk])).content.decode()
    assert f'action="{reverse("chat:direct", args=[outsider.pk])}"' in html
    assert "Envoyer un message" in html
    own = client.get(reverse("directory:profile", args=[member.pk])).content.decode()
    assert "Envoyer un message" not in own


def test_direct_opens_the_conversation_once(client, member, outsider):
    """The button opens the direct conversation, the same one the second time."""
    login(client, member)
    first = client.post(reverse("chat:direct", args=[outsider.pk]))
    second = client.post(reverse("chat:direct", args=[outsider.pk]))
    room = Room.objects.get(kind=Room.Kind.DIRECT)
    assert first["Location"] == second["Location"] == room_url(room)
    assert "Olivier Dehors" in text(client.get(room_url(room)))


def test_direct_to_oneself_or_nobody(client, member):
    """Writing to oneself is refused in French; an unknown agent is a 404; GET is refused."""
    login(client, member)
    response = client.post(reverse("chat:direct", args=[member.pk]), follow=True)
    assert "Vous ne pouvez pas vous écrire à vous-même." in text(response)
    assert client.post(reverse("chat:direct", args=[999999])).status_code == 404
    assert client.get(reverse("chat:direct", args=[member.pk])).status_code == 405
    assert not Room.objects.filter(kind=Room.Kind.DIRECT).exists()


def test_group_new_searches_the_directory_and_keeps_the_chosen(client, member, colleague):
    """The group page lists agents matching ``?q=`` with checkboxes, keeps the chosen ones
    ticked across searches, and creates the conversation with them."""
    other = AgentFactory(first_name="Zoé", last_name="Quintard")
    login(client, member)
    url = reverse("chat:group_new")
    found = client.get(url, {"q": "quintard"})
    html = found.content.decode()
    assert f'name="membres" value="{other.pk}" data-testid="chat-chooser-found"' in html
    kept = client.get(url, {"q": "collegue", "membres": [other.pk]}).content.decode()
    assert f'id="chosen-{other.pk}" name="membres" value="{other.pk}" checked' in kept
    assert f'name="membres" value="{colleague.pk}" data-testid="chat-chooser-found"' in kept
    assert f'<input type="hidden" name="membres" value="{other.pk}">' in kept
    response = client.post(url, {"name": "Atelier dunes", "membres": [other.pk, colleague.pk]})
    room = Room.objects.get(kind=Room.Kind.GROUP)
    assert response["Location"] == room_url(room)
    assert room.name == "Atelier dunes"
    assert set(room.participants.values_list("agent_id", flat=True)) == {
        member.pk,
        colleague.pk,
        other.pk,
    }


def test_group_new_refusals(client, member):
    """Without anyone chosen, or with more than 50, the group is refused in French."""
    login(client, member)
    url = reverse("chat:group_new")
    response = client.post(url, {"name": "Seul"})
    assert response.status_code == 400
    assert "Choisissez au moins une autre personne." in text(response)
    many = [agent.pk for agent in AgentFactory.create_batch(50)]
    response = client.post(url, {"membres": many})
    assert response.status_code == 400
    assert "Une conversation de groupe réunit 50 agents au plus." in text(response)
    response = client.post(url, {"membres": ["abc", "-1"]})
    assert response.status_code == 400
    assert not Room.objects.filter(kind=Room.Kind.GROUP).exists()


def test_group_add_and_leave(client, member, colleague, outsider, group_room):
    """A participant adds someone; another leaves and no longer reads the conversation."""
    newcomer = AgentFactory(first_name="Noé", last_name="Arrivant")
    login(client, member)
    page = text(client.get(room_url(group_room)))
    assert "Ajouter des participants" in page and "Quitter la conversation" in page
    add_url = reverse("chat:group_add", args=[group_room.pk])
    assert client.get(add_url, {"q": "arrivant"}).status_code == 200
    response = client.post(add_url, {"membres": [newcomer.pk]})
    assert response["Location"] == room_url(group_room)
    assert Participant.objects.filter(room=group_room, agent=newcomer).exists()

    login(client, outsider)
    leave_url = reverse("chat:group_leave", args=[group_room.pk])
    assert "Quitter la conversation" in text(client.get(leave_url))
    assert client.post(leave_url)["Location"] == reverse("chat:index")
    assert client.get(room_url(group_room)).status_code == 404


def test_direct_conversation_has_no_group_tools(client, member, direct_room):
    """A direct conversation has neither « Ajouter des participants » nor « Quitter »."""
    login(client, member)
    assert client.get(reverse("chat:group_add", args=[direct_room.pk])).status_code == 403
    assert client.get(reverse("chat:group_leave", args=[direct_room.pk])).status_code == 403


def test_directory_search_links_to_group_conversations(client, member):
    """The directory's search page links to « Écrire à plusieurs »."""
    html = login(client, member).get(reverse("directory:search")).content.decode()
    assert f'href="{reverse("chat:group_new")}"' in html and "Écrire à plusieurs" in html


# --- community channels ----------------------------------------------------------------------


def test_community_pages_link_to_the_main_room(client, member, outsider, community, main_room):
    """The community's menu has « Messagerie » for its members, leading to its main room;
    outsiders of an open community do not see it."""
    login(client, member)
    html = client.get(community.get_absolute_url()).content.decode()
    link = reverse("chat:community", args=[community.slug])
    assert f'href="{link}"' in html
    assert client.get(link)["Location"] == room_url(main_room)
    login(client, outsider)
    assert f'href="{link}"' not in client.get(community.get_absolute_url()).content.decode()
    assert client.get(link).status_code == 404
    assert client.get(reverse("chat:community", args=["inconnue"])).status_code == 404


def test_animator_creates_and_deletes_a_channel(client, animator, member, community, main_room):
    """An animator adds a named channel, listed as a tab next to « Général », then deletes
    it; a member can do neither."""
    login(client, member)
    new_url = reverse("chat:channel_new", args=[community.slug])
    assert client.get(new_url).status_code == 403
    login(client, animator)
    assert client.get(new_url).status_code == 200
    response = client.post(new_url, {"name": "Veille réglementaire", "topic": "Textes"})
    channel = Room.objects.get(community=community, is_main=False)
    assert response["Location"] == room_url(channel)
    html = text(client.get(room_url(main_room)))
    assert "Général" in html and "Veille réglementaire" in html
    duplicate = client.post(new_url, {"name": "veille réglementaire"})
    assert duplicate.status_code == 400
    assert "Un salon porte déjà ce nom dans la communauté." in text(duplicate)
    delete_url = reverse("chat:channel_delete", args=[channel.pk])
    login(client, member)
    assert client.post(delete_url).status_code == 403
    login(client, animator)
    assert client.get(reverse("chat:channel_delete", args=[main_room.pk])).status_code == 403
    assert "Supprimer le salon" in text(client.get(delete_url))
    assert client.post(delete_url).status_code == 302
    assert not Room.objects.filter(pk=channel.pk).exists()


# --- mutes -----------------------------------------------------------------------------------


def test_mute_and_unmute(client, animator, colleague, community, main_room, post):
    """From a message, an animator mutes its author for a chosen duration with a reason; the
    mutes page lists them; « Rendre la parole » lifts it."""
    post(colleague, main_room, "Propos déplacés")
    login(client, animator)
    mute_url = reverse("chat:mute", args=[community.slug, colleague.pk])
    assert f'href="{mute_url}"' in client.get(room_url(main_room)).content.decode()
    form = text(client.get(mute_url))
    for label in ("15 minutes", "1 heure", "24 heures", "7 jours"):
        assert label in form
    response = client.post(mute_url, {"minutes": "1440", "reason": "Propos injurieux"})
    assert response["Location"] == reverse("chat:mutes", args=[community.slug])
    mute = Mute.objects.get(community=community, agent=colleague)
    assert timezone.timedelta(hours=23) < mute.until - timezone.now() <= timezone.timedelta(days=1)
    assert AuditLog.objects.filter(action="chat_muted", target_agent=colleague).exists()
    page = text(client.get(response["Location"]))
    assert "Marc Collègue" in page and "Propos injurieux" in page

    login(client, colleague)
    assert send(client, main_room, "Encore").status_code == 403

    login(client, animator)
    client.post(reverse("chat:unmute", args=[community.slug, colleague.pk]))
    assert not Mute.objects.exists()
    login(client, colleague)
    assert send(client, main_room, "Merci").status_code == 302


def test_mute_refusals(client, animator, member, outsider, community):
    """A duration outside the choices is refused; a non-member cannot be muted (404); a member
    cannot open the page (403)."""
    login(client, animator)
    response = client.post(
        reverse("chat:mute", args=[community.slug, member.pk]), {"minutes": "99999"}
    )
    assert response.status_code == 400
    assert client.get(reverse("chat:mute", args=[community.slug, outsider.pk])).status_code == 404
    assert client.get(reverse("chat:mute", args=[community.slug, 999999])).status_code == 404
    assert not Mute.objects.exists()
    login(client, member)
    assert client.get(reverse("chat:mutes", args=[community.slug])).status_code == 403
    assert client.get(reverse("chat:mute", args=[community.slug, animator.pk])).status_code == 403


def test_report_link_template_for_messages_drawn_live(client, member, direct_room, main_room):
    """The room tells the live client how to build « Signaler » links, only where members may
    report (community rooms; never in private conversations)."""
    login(client, member)
    html = client.get(room_url(main_room)).content.decode()
    template = re.search(r'data-report-url="([^"]*)"', html).group(1)
    assert template.startswith(f"/communautes/{main_room.community.slug}/")
    assert template.endswith("/0/")
    html = client.get(room_url(direct_room)).content.decode()
    assert 'data-report-url=""' in html
