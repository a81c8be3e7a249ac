"""Files attached to messages from the no-JavaScript composer: accepted types, refused ones (too
heavy, wrong extension, content not matching the extension) with a French error and the text
kept, and the download, only for readers of the room, never shown inline."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from chat import services
from chat.models import Message
from tests.chat.page_helpers import PDF_BYTES, login, message_url, pdf, room_url, send_url, text
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.CHAT_RATE_LIMIT = 10_000


def upload(client, room, attachment, body="Voici le fichier"):
    return client.post(
        send_url(room),
        {"body": body, "client_id": uuid.uuid4().hex, "attachment": attachment},
    )


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_send_a_pdf_and_download_it(client, member, colleague, main_room):
    """A PDF sent with the composer is listed with its name and size; a reader downloads it as
    an attachment with its original name, never sniffed nor shown inline."""
    login(client, colleague)
    response = upload(client, main_room, pdf("Compte rendu réunion.pdf"))
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.attachment_name == "Compte rendu réunion.pdf"
    assert message.attachment_size == len(PDF_BYTES)
    assert "Compte rendu réunion" not in message.attachment.name  # never the name on disk

    login(client, member)
    page = client.get(room_url(main_room))
    html = page.content.decode()
    assert f'href="{message_url("attachment", message)}"' in html
    assert "Compte rendu réunion.pdf" in text(page)
    assert f"({len(PDF_BYTES)}\xa0octets)" in text(page)

    download = client.get(message_url("attachment", message))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Compte%20rendu%20r%C3%A9union.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"


def test_a_file_alone_is_a_message(client, member, main_room):
    """A file without any text is sent."""
    response = upload(login(client, member), main_room, pdf(), body="")
    assert response.status_code == 302
    assert Message.objects.get().body == ""


def test_oversized_file_is_refused_in_french(client, member, main_room):
    """A file over 10 MB is refused with a clear French message (413), the typed text kept;
    nothing is stored."""
    big = SimpleUploadedFile(
        "rapport.pdf", b"%PDF" + b"0" * settings.UPLOAD_MAX_BYTES, "application/pdf"
    )
    response = upload(login(client, member), main_room, big, body="Le rapport complet")
    assert response.status_code == 413
    page = text(response)
    assert "Le fichier « rapport.pdf » dépasse la taille maximale de 10,0\xa0Mio" in page
    assert "Le rapport complet" in page
    assert not Message.objects.exists()
    assert stored_files() == []


def test_file_just_under_the_limit_passes_the_guard(client, member, main_room, settings):
    """The size guard stops only what is over the limit."""
    settings.UPLOAD_MAX_BYTES = 1000
    exact = SimpleUploadedFile("note.txt", b"a" * 1000, "text/plain")
    assert upload(login(client, member), main_room, exact).status_code == 302
    over = SimpleUploadedFile("note.txt", b"a" * 1001, "text/plain")
    assert upload(client, main_room, over).status_code == 413


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("installeur.exe", b"MZ\x90\x00", "Ce type de fichier n'est pas accepté."),
        ("sans-extension", b"bonjour", "Ce type de fichier n'est pas accepté."),
        ("faux.pdf", b"<html>pas un PDF</html>", "ne correspond pas à son extension « .pdf »"),
        ("image.png", b"GIF89a....", "ne correspond pas à son extension « .png »"),
        ("vide.pdf", b"", "Le fichier joint est vide."),
    ],
)
def test_wrong_files_are_refused(client, member, main_room, name, content, error):
    """A type not accepted, a content that does not match its extension or an empty file is
    refused in French (400), the text kept, nothing stored."""
    response = upload(
        login(client, member), main_room, SimpleUploadedFile(name, content), body="Texte gardé"
    )
    assert response.status_code == 400
    page = text(response)
    assert error in page and "Texte gardé" in page
    assert not Message.objects.exists()
    assert stored_files() == []


def test_file_name_is_shown_inert(client, member, colleague, main_room):
    """HTML typed in a file's name is shown as text."""
    login(client, colleague)
    upload(client, main_room, pdf('<img src=x onerror="alert(1)">.pdf'))
    html = login(client, member).get(room_url(main_room)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_download_is_refused_to_those_who_do_not_read_the_room(
    client, colleague, outsider, banned_agent, main_room, direct_room, member
):
    """An outsider, a banned member, another community's member and a non-participant of a
    conversation get a 404; the participants download."""
    login(client, colleague)
    upload(client, main_room, pdf())
    community_file = Message.objects.get(room=main_room)
    login(client, member)
    upload(client, direct_room, pdf("prive.pdf"))
    private_file = Message.objects.get(room=direct_room)

    elsewhere = MembershipFactory(community=CommunityFactory()).agent
    for agent in (outsider, banned_agent, elsewhere):
        login(client, agent)
        assert client.get(message_url("attachment", community_file)).status_code == 404
    for agent in (colleague, banned_agent, elsewhere):
        login(client, agent)
        assert client.get(message_url("attachment", private_file)).status_code == 404
    login(client, outsider)
    assert client.get(message_url("attachment", private_file)).status_code == 200
    client.logout()
    assert client.get(message_url("attachment", community_file)).status_code == 302


def test_deleted_or_hidden_message_file_is_gone(
    client, member, colleague, main_room, django_capture_on_commit_callbacks
):
    """Once its message is deleted the file is removed (404); a hidden message's file is not
    served either; a message without a file or an unknown id is a 404."""
    login(client, colleague)
    upload(client, main_room, pdf())
    upload(client, main_room, pdf("deux.pdf"))
    first, second = Message.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):  # the file goes on commit
        services.message_delete(agent=colleague, message=first)
    Message.objects.filter(pk=second.pk).update(is_hidden=True)
    plain = services.message_send(
        agent=colleague, room=main_room, body="Sans fichier", client_id=uuid.uuid4().hex
    )
    login(client, member)
    for message in (first, second, plain):
        assert client.get(message_url("attachment", message)).status_code == 404
    assert client.get("/messagerie/fichier/999999/").status_code == 404
    assert len(stored_files()) == 1  # the deleted message's file is gone


def test_missing_file_on_disk_is_a_404(client, member, colleague, main_room):
    """A file lost from the storage answers 404, not an error."""
    login(client, colleague)
    upload(client, main_room, pdf())
    message = Message.objects.get()
    Path(message.attachment.path).unlink()
    assert login(client, member).get(message_url("attachment", message)).status_code == 404


def test_composer_offers_the_accepted_types(client, member, main_room):
    """The file input's accept list is the setting's list of extensions."""
    html = login(client, member).get(room_url(main_room)).content.decode()
    for suffix in settings.UPLOAD_TYPES:
        assert f".{suffix}" in html
    assert "Taille maximale : 10,0\xa0Mio" in text(login(client, member).get(room_url(main_room)))


def test_request_over_the_upload_limits_is_a_400(client, member, main_room, settings):
    """A form whose text fields pass Django's DATA_UPLOAD_MAX_MEMORY_SIZE is a 400, not an
    error."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = login(client, member).post(
        send_url(main_room), {"body": "x" * 2000, "client_id": uuid.uuid4().hex}
    )
    assert response.status_code == 400
    assert not Message.objects.exists()
