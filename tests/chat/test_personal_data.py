"""The messaging's part of the personal-data export and of the demo data."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat import services
from chat.models import Message, ReadMarker, Room
from tests.factories import AgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_export_lists_own_messages_conversations_reactions_and_files(client, settings, tmp_path):
    """The archive has the agent's messages (not others', not deleted ones) and their files."""
    settings.MEDIA_ROOT = tmp_path
    member = MembershipFactory()
    other = MembershipFactory(community=member.community)
    room = Room.objects.get(community=member.community, is_main=True)
    kept = services.message_send(
        agent=member.agent,
        room=room,
        body="Mon compte rendu",
        client_id="export-0001",
        attachment=SimpleUploadedFile("note.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    gone = services.message_send(
        agent=member.agent, room=room, body="Effacé ensuite", client_id="export-0002"
    )
    services.message_delete(agent=member.agent, message=gone)
    services.message_send(agent=other.agent, room=room, body="Pas à moi", client_id="export-0003")
    services.reaction_toggle(agent=member.agent, message=kept, emoji="👍")
    services.direct_open(agent=member.agent, other=other.agent)

    client.force_login(member.agent)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))
    data = json.loads(archive.read("messagerie.json"))
    assert [m["texte"] for m in data["messages"]] == ["Mon compte rendu"]
    assert data["messages"][0]["fichier_joint"] == "note.pdf"
    assert data["reactions"][0]["reaction"] == "👍"
    assert data["conversations"][0]["conversation"] == other.agent.display_name
    assert archive.read(f"fichiers/messagerie/{kept.pk}-note.pdf") == b"%PDF-1.4 test"


def test_demo_conversations_are_idempotent_and_read(settings):
    """The demo writes its conversations once, and every participant has read them."""
    from django.core.management import call_command

    call_command("load_demo_data")
    count = Message.objects.count()
    assert count >= 8
    call_command("load_demo_data")
    assert Message.objects.count() == count
    demo_agent = AgentFactory._meta.model.objects.get(email="agent@demo.gouv.fr")
    from chat.selectors import rooms_for_list

    rooms = rooms_for_list(demo_agent)
    assert {room.kind for room in rooms} == {"community", "direct", "group"}
    assert all(room.unread == 0 for room in rooms)
    assert ReadMarker.objects.filter(agent=demo_agent).count() >= 3
