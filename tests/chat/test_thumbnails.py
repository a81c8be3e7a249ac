"""Thumbnails of pictures attached to messages: made by the server when the message is sent
(320 px at most, a JPEG of its own, stored next to the file), shown inline on the room's page,
served by the attachment's view (``?miniature=1``) after the same permission check; a file that
is not a readable picture keeps its link and has no thumbnail, and is never a server error."""

import io
import struct
import uuid
import zlib
from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chat import selectors, services
from chat.models import Message
from chat.thumbnails import THUMBNAIL_SIZE
from tests.chat.page_helpers import login, message_url, pdf, room_url, send_url, text
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.CHAT_RATE_LIMIT = 10_000


def picture(name="photo.png", size=(1000, 600), fmt="PNG", mode="RGB", color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    types = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=types[fmt])


def upload(client, room, attachment, body="Regardez"):
    return client.post(
        send_url(room),
        {"body": body, "client_id": uuid.uuid4().hex, "attachment": attachment},
    )


def thumbnail_url(message):
    return message_url("attachment", message) + "?miniature=1"


def png_header_only(width, height):
    """A PNG whose header announces ``width`` × ``height`` pixels, with almost no data."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_picture_gets_a_thumbnail_shown_inline(client, member, colleague, main_room):
    """A PNG sent with the composer gets a 320 px JPEG thumbnail stored next to it; the room's
    page shows it in an <img> with its size, linking to the file; it is served re-encoded,
    private and never sniffed."""
    login(client, colleague)
    assert upload(client, main_room, picture()).status_code == 302
    message = Message.objects.get()
    assert (message.attachment_thumbnail_width, message.attachment_thumbnail_height) == (320, 192)
    stored, thumb = (
        PurePosixPath(message.attachment.name),
        PurePosixPath(message.attachment_thumbnail.name),
    )
    assert thumb.parent == stored.parent
    assert thumb.name.startswith(stored.stem)

    login(client, member)
    html = client.get(room_url(main_room)).content.decode()
    url = thumbnail_url(message)
    assert f'<img src="{url}" width="320" height="192" alt="Image jointe : photo.png"' in html
    assert f'href="{message_url("attachment", message)}"' in html

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 192)


@pytest.mark.parametrize(
    ("name", "fmt", "mode"),
    [("photo.jpg", "JPEG", "RGB"), ("photo.webp", "WEBP", "RGB"), ("anim.gif", "GIF", "P")],
)
def test_every_picture_type_gets_a_thumbnail(client, member, main_room, name, fmt, mode):
    """JPEG, WebP and GIF pictures get a thumbnail too, fitted in the 320 px square."""
    color = 3 if mode == "P" else (10, 120, 200)
    upload(login(client, member), main_room, picture(name, (400, 900), fmt, mode, color))
    message = Message.objects.get()
    assert message.attachment_thumbnail
    assert message.attachment_thumbnail_height == THUMBNAIL_SIZE
    assert message.attachment_thumbnail_width == 142


def test_transparent_parts_become_white(client, member, main_room):
    """A transparent PNG's thumbnail is drawn on white, not on black."""
    upload(login(client, member), main_room, picture(mode="RGBA", color=(0, 0, 0, 0)))
    with (
        Message.objects.get().attachment_thumbnail.open("rb") as handle,
        Image.open(handle) as image,
    ):
        assert image.convert("RGB").getpixel((10, 10)) > (245, 245, 245)


def test_a_file_that_is_not_a_picture_has_no_thumbnail(client, member, main_room):
    """A PDF keeps its file link, without a thumbnail: the thumbnail's address answers 404."""
    upload(login(client, member), main_room, pdf())
    message = Message.objects.get()
    assert not message.attachment_thumbnail
    assert selectors.message_payload(message)["attachment"]["thumbnail"] is None
    page = client.get(room_url(main_room))
    assert 'data-testid="chat-thumbnail"' not in page.content.decode()
    assert "compte-rendu.pdf" in text(page)
    assert client.get(thumbnail_url(message)).status_code == 404
    assert client.get(message_url("attachment", message)).status_code == 200


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50,  # the signature, then nothing readable
        png_header_only(20_000, 20_000),  # 400 megapixels announced: never decoded
    ],
    ids=["corrupt", "too-many-pixels"],
)
def test_a_picture_pillow_cannot_take_is_sent_without_thumbnail(client, member, main_room, content):
    """A corrupt picture, or one announcing too many pixels, is sent with its file link and
    no thumbnail: never a server error."""
    response = upload(
        login(client, member), main_room, SimpleUploadedFile("x.png", content, "image/png")
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.attachment and not message.attachment_thumbnail
    page = client.get(room_url(main_room))
    assert page.status_code == 200
    assert "x.png" in text(page)
    assert 'data-testid="chat-thumbnail"' not in page.content.decode()
    assert client.get(thumbnail_url(message)).status_code == 404


def test_the_thumbnail_is_checked_like_its_file(client, member, outsider, main_room):
    """Someone who may not read the room, a member of another community, a forged or unknown
    id: 404 for the thumbnail as for the file."""
    upload(login(client, member), main_room, picture())
    message = Message.objects.get()
    assert client.get(thumbnail_url(message)).status_code == 200

    other = CommunityFactory()
    stranger = MembershipFactory(community=other).agent
    for agent in (outsider, stranger):
        login(client, agent)
        assert client.get(thumbnail_url(message)).status_code == 404
        assert client.get(message_url("attachment", message)).status_code == 404
    login(client, member)
    for address in (
        f"/messagerie/fichier/{message.pk + 1000}/?miniature=1",
        "/messagerie/fichier/99999999999999999999/?miniature=1",
        message_url("attachment", message) + "?miniature=<script>",
    ):
        assert client.get(address).status_code in (200, 404)
    assert client.get(f"/messagerie/fichier/{message.pk + 1000}/?miniature=1").status_code == 404
    client.logout()
    assert client.get(thumbnail_url(message)).status_code == 302  # to the sign-in page


def test_a_deleted_message_takes_its_thumbnail_away(
    client, member, main_room, django_capture_on_commit_callbacks
):
    """Deleting a message removes its file and its thumbnail from the storage; their
    addresses answer 404."""
    upload(login(client, member), main_room, picture())
    message = Message.objects.get()
    storage, names = (
        message.attachment.storage,
        [message.attachment.name, message.attachment_thumbnail.name],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(agent=member, message=message)
    assert not any(storage.exists(name) for name in names)
    message.refresh_from_db()
    assert not message.attachment_thumbnail
    assert client.get(thumbnail_url(message)).status_code == 404


def test_the_live_event_carries_the_thumbnail(member, main_room, post):
    """The message's payload (the WebSocket's chat.message) names the thumbnail and its size,
    so that chat.js draws the same <img> as the page."""
    message = post(member, main_room, "", attachment=picture())
    thumbnail = selectors.message_payload(message)["attachment"]["thumbnail"]
    assert thumbnail == {"url": thumbnail_url(message), "width": 320, "height": 192}
