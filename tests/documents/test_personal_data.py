"""The library's part of the personal-data export (the versions uploaded with their files, the
folders made, the comments, what went to the bin), and what closing an account removes."""

import io
import json
import zipfile

import pytest

from communities.content import services as content
from communities.content.models import Subscription
from directory.services import agent_close_account
from documents import services
from documents.models import Document, DocumentComment
from tests.documents.core_helpers import Library, pdf

pytestmark = pytest.mark.django_db


def _archive(client, agent):
    client.force_login(agent)
    return zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))


def test_export_lists_own_uploads_folders_comments_with_the_files(client):
    """« documents.json » lists the agent's versions (a restored one too), folders, comments
    and deletions; the archive carries the bytes they uploaded — nothing of anyone else's."""
    lib = Library()
    folder = lib.folder("Mes notes")
    document = lib.upload(pdf("cr.pdf", b"mon texte"), folder=folder)
    services.version_add(document=document, agent=lib.other, upload=pdf("cr.pdf", b"autre"))
    services.version_restore(document=document, agent=lib.member, number=1)
    services.comment_add(document=document, agent=lib.member, body="Relu et validé.")
    services.comment_add(document=document, agent=lib.other, body="Pas le mien.")
    gone = lib.upload(pdf("vieux.pdf"))
    services.document_delete(document=gone, agent=lib.member)
    lib.upload(pdf("collègue.pdf", b"secret du collegue"), agent=lib.other)

    archive = _archive(client, lib.member)
    data = json.loads(archive.read("documents.json"))
    assert [(v["fichier"], v["version"]) for v in data["versions_deposees"]] == [
        ("cr.pdf", 1),
        ("cr.pdf", 3),
        ("vieux.pdf", 1),
    ]
    assert data["versions_deposees"][1]["restauration_de_la_version"] == 1
    assert [f["dossier"] for f in data["dossiers_crees"]] == ["Mes notes"]
    assert [c["texte"] for c in data["commentaires"]] == ["Relu et validé."]
    assert [d["fichier"] for d in data["mis_a_la_corbeille"]] == ["vieux.pdf"]
    in_archive = data["versions_deposees"][0]["dans_l_archive"]
    assert archive.read(f"fichiers/{in_archive}").startswith(b"%PDF")
    assert b"mon texte" in archive.read(f"fichiers/{in_archive}")
    assert data["versions_deposees"][1]["dans_l_archive"] is None  # the same bytes as v1
    everything = json.dumps(data, ensure_ascii=False)
    assert "Pas le mien." not in everything and "collègue.pdf" not in everything
    assert not any(b"secret du collegue" in archive.read(n) for n in archive.namelist())


def test_closing_the_account_keeps_files_and_comments_but_drops_follows():
    """A closed account's files and comments stay in the library; its follows of files go,
    a colleague's stay."""
    lib = Library()
    document = lib.upload()
    services.comment_add(document=document, agent=lib.member, body="Merci")
    content.follow(agent=lib.member, target=document)
    content.follow(agent=lib.other, target=document)
    agent_close_account(agent=lib.member)
    assert Document.objects.filter(pk=document.pk, created_by=lib.member).exists()
    assert DocumentComment.objects.filter(author=lib.member).exists()
    assert not Subscription.objects.filter(agent=lib.member).exists()
    assert Subscription.objects.filter(agent=lib.other).count() == 1
