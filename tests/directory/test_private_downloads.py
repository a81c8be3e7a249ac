"""Downloads of personal data (the account's archive, vCards, the SGAR officers' CSV export) are
sent with ``Cache-Control: private, no-store``: no shared cache keeps them, and the browser does
not keep a copy on disk (a shared computer, a proxy)."""

import io

import pytest
from django.test import Client
from PIL import Image

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def cache_directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_account_archive_is_neither_shared_nor_stored(agent):
    """The personal-data archive is private and not stored."""
    response = signed_in(agent).get("/compte/mes-donnees.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= cache_directives(response)


def test_vcard_is_neither_shared_nor_stored(agent, other_agent):
    """A vCard holds the contact details the viewer may see: private and not stored."""
    response = signed_in(other_agent).get(f"/agents/{agent.pk}/vcard.vcf")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert {"private", "no-store"} <= cache_directives(response)


def test_csv_export_is_neither_shared_nor_stored():
    """The SGAR officers' CSV export of the directory is private and not stored."""
    AgentFactory(first_name="Anne", last_name="Martin")
    response = signed_in(AgentFactory(sgar=True)).get("/annuaire/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert {"private", "no-store"} <= cache_directives(response)


def test_photo_is_private(agent, other_agent):
    """A photo is private (kept by the viewer's browser only, its address changes with it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    agent.photo.save("photo.jpg", io.BytesIO(buffer.getvalue()))
    response = signed_in(other_agent).get(f"/agents/{agent.pk}/photo/")
    assert response.status_code == 200
    assert "private" in cache_directives(response)
    assert "public" not in cache_directives(response)
