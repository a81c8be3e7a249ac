"""A file attached to a message is downloaded with ``Cache-Control: private, no-store``: only the
readers of the room may have it, so no cache, shared or the browser's, keeps a copy."""

import uuid

import pytest

from chat.models import Message
from tests.chat.page_helpers import login, message_url, pdf, send_url

pytestmark = pytest.mark.django_db


def test_attachment_download_is_neither_shared_nor_stored(client, member, colleague, main_room):
    """The download of a message's file is private and not stored."""
    login(client, colleague)
    client.post(
        send_url(main_room),
        {"body": "Voici", "client_id": uuid.uuid4().hex, "attachment": pdf("cr.pdf")},
    )
    login(client, member)
    response = client.get(message_url("attachment", Message.objects.get()))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
