"""The messaging's pages with hostile text: NUL refused before any write, bidirectional controls
stripped from names (a conversation's, a channel's, an attached file's) and shown escaped in
messages. The WebSocket side: test_consumer_bad_input.py."""

import re
import uuid

import pytest
from django.urls import reverse

from chat.models import Message, Room
from tests.chat.page_helpers import login, pdf, room_url, send_url, text

pytestmark = pytest.mark.django_db

RLO = "\u202e"
RAW_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_a_message_with_nul_is_refused_and_nothing_is_stored(client, member, main_room):
    """The composer's POST with NUL: 400, a French reason, no message."""
    login(client, member)
    response = client.post(
        send_url(main_room), {"body": "avant\x00après", "client_id": uuid.uuid4().hex}
    )
    assert response.status_code == 400
    assert "« body » contient un caractère nul" in response.content.decode()
    assert not Message.objects.exists()


def test_an_attached_file_name_loses_its_bidi_controls(client, member, colleague, main_room):
    """« facture\u202efdp.exe.pdf » would display as another name: the stored and shown name has
    no control left."""
    login(client, member)
    response = client.post(
        send_url(main_room),
        {
            "body": "",
            "client_id": uuid.uuid4().hex,
            "attachment": pdf(f"facture{RLO}fdp.exe.pdf"),
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.attachment_name == "facturefdp.exe.pdf"
    login(client, colleague)
    page = client.get(room_url(main_room))
    assert "facturefdp.exe.pdf" in text(page)
    assert not RAW_BIDI.search(page.content.decode())


def test_a_group_conversation_name_loses_its_bidi_controls(client, member, colleague):
    """The name given to a group conversation keeps its letters only."""
    login(client, member)
    response = client.post(
        reverse("chat:group_new"),
        {"membres": [colleague.pk], "name": f"Projet{RLO} littoral"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Room.objects.get(kind=Room.Kind.GROUP).name == "Projet littoral"


def test_a_channel_name_loses_its_bidi_controls(client, animator, community):
    """The name an animator gives a channel keeps its letters only."""
    login(client, animator)
    response = client.post(
        reverse("chat:channel_new", args=[community.slug]),
        {"name": f"Sécheresse{RLO} 2026", "topic": "Suivi"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Room.objects.filter(community=community, name="Sécheresse 2026").exists()


def test_a_message_shows_its_bidi_controls_escaped(client, member, colleague, main_room, post):
    """A message keeps the control as typed and shows its code point."""
    post(colleague, main_room, f"Voir facture{RLO}fdp.exe")
    login(client, member)
    page = client.get(room_url(main_room)).content.decode()
    assert "facture⟨U+202E⟩fdp.exe" in page
    assert not RAW_BIDI.search(page)


def test_the_attachment_check_strips_bidi_controls_whatever_the_way_in():
    """Django's form parser already drops non-printable characters from uploaded names; the
    chat's own check strips bidirectional controls too, for any other way a file comes in."""
    from chat.services import check_attachment

    name, content_type = check_attachment(pdf(f"facture{RLO}fdp.exe\u2066.pdf"))
    assert (name, content_type) == ("facturefdp.exe.pdf", "application/pdf")
