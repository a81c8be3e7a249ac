"""Helpers of the messaging's page tests (test_views*.py, test_attachments.py,
test_pages_permissions.py): addresses, page text, and files to upload."""

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response):
    """The page as a reader sees it (entities decoded)."""
    return unescape(response.content.decode())


def room_url(room, query=""):
    return reverse("chat:room", args=[room.pk]) + query


def send_url(room):
    return reverse("chat:send", args=[room.pk])


def message_url(name, message):
    return reverse(f"chat:{name}", args=[message.pk])


def login(client, agent):
    client.force_login(agent)
    return client


def message_ids(response):
    """The ids of the messages listed on a room page, in order."""
    return [int(pk) for pk in re.findall(r'<li id="message-(\d+)"', response.content.decode())]


def client_id_of(response):
    match = re.search(r'name="client_id" value="([^"]*)"', response.content.decode())
    return match.group(1) if match else None


def pdf(name="compte-rendu.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
