"""Garbage in the library's addresses and forms: never a 500 — the page, a 404, or a French
refusal on the page — and nothing written."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Document, Folder
from tests.documents.core_helpers import Library, pdf

pytestmark = pytest.mark.django_db

GARBAGE = ["abc", "-1", "0", "1.5", "9" * 30, "<script>alert(1)</script>", "", "🙂"]


@pytest.fixture
def world(client):
    lib = Library()
    folder = lib.folder("Dossier")
    document = lib.upload(pdf("a.pdf"), folder=folder)
    services.document_delete(document=lib.upload(pdf("b.pdf")), agent=lib.member)
    client.force_login(lib.animator)
    return lib, folder, document


def test_query_parameters(client, world):
    """Sorts and pages typed by hand show the page (the defaults)."""
    lib, folder, document = world
    slug = lib.community.slug
    pages = [
        reverse("documents:index", args=[slug]),
        reverse("documents:folder", args=[slug, folder.pk]),
        reverse("documents:document", args=[slug, document.pk]),
        reverse("documents:bin", args=[slug]),
    ]
    for url in pages:
        for value in GARBAGE:
            for name in ("page", "tri"):
                response = client.get(url, {name: value})
                assert response.status_code == 200, (url, name, value)


def test_ids_out_of_range_answer_404(client, world):
    lib, _folder, document = world
    slug = lib.community.slug
    for bad in (0, 2**63, 10**20):
        assert client.get(f"/communautes/{slug}/documents/dossiers/{bad}/").status_code == 404
        assert client.get(f"/communautes/{slug}/documents/fichiers/{bad}/").status_code == 404
        response = client.get(
            f"/communautes/{slug}/documents/fichiers/{document.pk}/versions/{bad}/telecharger/"
        )
        assert response.status_code == 404


def test_forms(client, world):
    """Forged values in the forms' fields: a French refusal, never a 500, nothing written."""
    lib, folder, document = world
    slug = lib.community.slug
    names_before = set(Folder.objects.values_list("name", flat=True))
    for value in GARBAGE:
        for url, data in [
            (reverse("documents:folder_new", args=[slug, folder.pk]), {"name": value * 300}),
            (reverse("documents:folder_rename", args=[slug, folder.pk]), {"name": value * 300}),
            (reverse("documents:folder_move", args=[slug, folder.pk]), {"target": value}),
            (reverse("documents:document_move", args=[slug, document.pk]), {"target": value}),
            (
                reverse("documents:document_rename", args=[slug, document.pk]),
                {"name": value * 300},
            ),
            (reverse("documents:bin_restore", args=[slug]), {"fichier": value}),
            (reverse("documents:bin_restore", args=[slug]), {"dossier": value}),
            (reverse("documents:settings", args=[slug]), {"quota_mb": value}),
            (reverse("documents:comment", args=[slug, document.pk]), {"body": value * 3000}),
            (reverse("documents:upload", args=[slug, folder.pk]), {"fichiers": value}),
            (reverse("documents:version_new", args=[slug, document.pk]), {"file": value}),
        ]:
            response = client.post(url, data)
            assert response.status_code in (200, 302, 400, 403, 404), (url, data)
    assert set(Folder.objects.values_list("name", flat=True)) <= names_before | {"abc", "🙂"}
    assert Document.objects.get(pk=document.pk).name == "a.pdf"
    assert Document.objects.get(pk=document.pk).version_count == 1


def test_names_with_control_characters_are_refused_or_cleaned(client, world):
    lib, folder, _document = world
    slug = lib.community.slug
    url = reverse("documents:folder_new", args=[slug, folder.pk])
    response = client.post(url, {"name": "ab\x00cd"})
    assert response.status_code in (400, 302)
    client.post(url, {"name": "Facture\u202efdp.exe"})
    names = list(Folder.objects.values_list("name", flat=True))
    assert not any("\x00" in name or "\u202e" in name for name in names), names


def test_an_upload_without_files_is_refused_in_french(client, world):
    lib, folder, _document = world
    url = reverse("documents:upload", args=[lib.community.slug, folder.pk])
    response = client.post(url, {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Choisissez au moins un fichier."
    response = client.post(url, {}, follow=True)
    assert "Choisissez au moins un fichier." in response.content.decode()


def test_restoring_a_version_that_does_not_exist_answers_404(client, world):
    lib, _folder, document = world
    slug = lib.community.slug
    for number in (2, 99):
        url = reverse("documents:version_restore", args=[slug, document.pk, number])
        assert client.post(url).status_code == 404
    url = reverse("documents:version_restore", args=[slug, document.pk, 1])
    response = client.post(url, follow=True)
    assert "déjà la version actuelle" in response.content.decode()
