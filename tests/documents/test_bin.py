"""The bin: a file or a folder (with its content) goes there, comes back (« (2) » when its name
was taken meanwhile, to the root when its folder is gone), and the animators empty it: rows
removed, stored files removed once the transaction commits, the quota's bytes given back."""

import os

import pytest

from communities.models import AuditLog
from documents import services
from documents.models import Document, DocumentVersion, Folder
from documents.selectors import bin_of
from documents.services import DocumentError
from tests.documents.core_helpers import Library, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def lib():
    return Library()


def test_a_deleted_file_leaves_the_folder_and_comes_back(lib):
    document = lib.upload(pdf("a.pdf"))
    services.document_delete(document=document, agent=lib.member)
    assert not Document.objects.filter(folder=lib.root, deleted_at__isnull=True).exists()
    folders, documents = bin_of(lib.community, lib.member, everything=False)
    assert [d.pk for d in documents] == [document.pk]
    restored, note = services.document_restore(document=document, agent=lib.member)
    assert note == ""
    assert Document.objects.get(pk=document.pk).deleted_at is None


def test_a_folder_goes_to_the_bin_with_its_content_and_comes_back_with_it(lib):
    folder = lib.folder("Projet")
    sub = lib.folder("Sous", parent=folder)
    inside = lib.upload(pdf("x.pdf"), folder=sub)
    services.folder_delete(folder=folder, agent=lib.member)
    assert Folder.objects.get(pk=sub.pk).bin_root_id == folder.pk
    assert Document.objects.get(pk=inside.pk).bin_root_id == folder.pk
    folders, documents = bin_of(lib.community, lib.animator, everything=True)
    assert [f.pk for f in folders] == [folder.pk] and documents == []
    services.folder_restore(folder=folder, agent=lib.member)
    assert Folder.objects.get(pk=sub.pk).deleted_at is None
    assert Document.objects.get(pk=inside.pk).deleted_at is None


def test_a_restored_file_whose_name_was_taken_gets_a_suffix(lib):
    old = lib.upload(pdf("cr.pdf"))
    services.document_delete(document=old, agent=lib.member)
    lib.upload(pdf("cr.pdf"))
    restored, note = services.document_restore(document=old, agent=lib.member)
    assert restored.name == "cr (2).pdf" and "cr (2).pdf" in note
    assert Document.objects.get(pk=old.pk).name == "cr (2).pdf"


def test_a_file_whose_folder_is_in_the_bin_comes_back_to_the_root(lib):
    folder = lib.folder("Projet")
    document = lib.upload(folder=folder)
    services.document_delete(document=document, agent=lib.member)
    services.folder_delete(folder=folder, agent=lib.member)
    restored, note = services.document_restore(document=document, agent=lib.member)
    assert restored.folder_id == lib.root.pk and "racine" in note


def test_members_see_and_restore_only_their_own_deletions(lib):
    mine = lib.upload(pdf("m.pdf"))
    theirs = lib.upload(pdf("t.pdf"), agent=lib.other)
    services.document_delete(document=mine, agent=lib.member)
    services.document_delete(document=theirs, agent=lib.other)
    _folders, documents = bin_of(lib.community, lib.member, everything=False)
    assert [d.pk for d in documents] == [mine.pk]
    with pytest.raises(DocumentError, match="restaurent"):
        services.document_restore(document=Document.objects.get(pk=theirs.pk), agent=lib.member)
    services.document_restore(document=Document.objects.get(pk=theirs.pk), agent=lib.animator)


def test_emptying_the_bin_removes_rows_files_and_used_bytes(lib, capture_effects, settings):
    """The animators empty the bin: versions, files on disk and used bytes go; the live file
    stays."""
    kept = lib.upload(pdf("garde.pdf"))
    gone = lib.upload(pdf("jete.pdf"))
    services.version_add(document=gone, agent=lib.member, upload=pdf("jete.pdf", b"v2"))
    services.version_restore(document=gone, agent=lib.member, number=1)
    paths = [
        settings.MEDIA_ROOT / v.file.name for v in DocumentVersion.objects.filter(document=gone)
    ]
    assert all(os.path.exists(p) for p in paths)
    services.document_delete(document=gone, agent=lib.member)
    with pytest.raises(DocumentError, match="Seule l'animation"):
        services.bin_empty(community=lib.community, agent=lib.member)
    with capture_effects():
        removed = services.bin_empty(community=lib.community, agent=lib.animator)
    assert removed == 1
    assert not Document.objects.filter(pk=gone.pk).exists()
    assert not DocumentVersion.objects.filter(document_id=gone.pk).exists()
    assert not any(os.path.exists(p) for p in paths)
    kept.refresh_from_db()
    assert os.path.exists(settings.MEDIA_ROOT / kept.current_version.file.name)
    used, _quota = services.quota_of(lib.community)
    assert used == kept.size
    assert AuditLog.objects.filter(action="document_bin_emptied").exists()


def test_emptying_removes_folders_and_their_content(lib, capture_effects):
    folder = lib.folder("Projet")
    lib.upload(folder=lib.folder("Sous", parent=folder))
    services.folder_delete(folder=folder, agent=lib.member)
    with capture_effects():
        services.bin_empty(community=lib.community, agent=lib.animator)
    assert list(Folder.objects.values_list("pk", flat=True)) == [lib.root.pk]
    assert not Document.objects.exists()


def test_files_stay_on_disk_if_the_emptying_rolls_back(lib, settings):
    """The stored files are removed only once the transaction commits."""
    from django.db import transaction

    document = lib.upload()
    path = settings.MEDIA_ROOT / document.current_version.file.name
    services.document_delete(document=document, agent=lib.member)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.bin_empty(community=lib.community, agent=lib.animator)
        raise RuntimeError("annulé")
    assert os.path.exists(path)
    assert Document.objects.filter(pk=document.pk).exists()
