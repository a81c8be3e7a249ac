"""A file's versions: same name in the same folder adds a version, « Nouvelle version » adds one,
« Restaurer cette version » adds one pointing at the old bytes (history never rewritten)."""

import pytest

from documents import services, signals
from documents.models import Document, DocumentVersion
from documents.services import DocumentError
from tests.documents.core_helpers import Library, odt, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def lib():
    return Library()


def test_the_same_name_in_the_same_folder_adds_a_version(lib):
    first = lib.upload(pdf("cr.pdf", b"un"))
    document, version, created = services.document_upload(
        folder=lib.root, agent=lib.other, upload=pdf("cr.pdf", b"deux deux")
    )
    assert not created and document.pk == first.pk and version.number == 2
    document.refresh_from_db()
    assert document.version_count == 2 and document.current_version_id == version.pk
    assert document.updated_by_id == lib.other.pk and document.size == version.size
    assert Document.objects.count() == 1


def test_the_same_name_in_another_folder_is_another_file(lib):
    lib.upload(pdf("cr.pdf"))
    lib.upload(pdf("cr.pdf"), folder=lib.folder("Autre"))
    assert Document.objects.count() == 2


def test_a_new_version_keeps_the_file_name_and_the_uploaded_one(lib):
    document = lib.upload(pdf("cr.pdf"))
    version = services.version_add(
        document=document, agent=lib.other, upload=pdf("cr-v2-final.pdf"), comment="Relu"
    )
    document.refresh_from_db()
    assert document.name == "cr.pdf"
    assert version.original_name == "cr-v2-final.pdf" and version.comment == "Relu"
    assert document.version_count == 2


def test_a_new_version_may_change_the_type(lib):
    """The current type follows the version (an ODT replacing a PDF)."""
    document = lib.upload(pdf("cr.pdf"))
    services.version_add(document=document, agent=lib.member, upload=odt())
    document.refresh_from_db()
    assert document.content_type == "application/vnd.oasis.opendocument.text"


def test_restoring_a_version_adds_a_new_one_with_the_old_bytes(lib, capture_effects):
    """Version 1 restored becomes version 3, its bytes and checksum those of version 1;
    versions 1 and 2 stay; ``version_added`` is heard for it."""
    document = lib.upload(pdf("cr.pdf", b"premier"))
    services.version_add(document=document, agent=lib.member, upload=pdf("cr.pdf", b"second !"))
    heard = []

    def receiver(sender, document, version, **kwargs):
        heard.append(version.number)

    signals.version_added.connect(receiver)
    try:
        with capture_effects():
            restored = services.version_restore(document=document, agent=lib.other, number=1)
    finally:
        signals.version_added.disconnect(receiver)
    one = DocumentVersion.objects.get(document=document, number=1)
    assert restored.number == 3 and restored.restored_from == 1
    assert restored.sha256 == one.sha256 and restored.size == one.size
    assert restored.file.read() == one.file.read()
    assert list(document.versions.values_list("number", flat=True).order_by("number")) == [1, 2, 3]
    assert heard == [3]
    document.refresh_from_db()
    assert document.current_version_id == restored.pk and document.version_count == 3


def test_restoring_the_current_or_a_missing_version_is_refused(lib):
    document = lib.upload()
    with pytest.raises(DocumentError, match="déjà la version actuelle"):
        services.version_restore(document=document, agent=lib.member, number=1)
    with pytest.raises(DocumentError, match="n'existe pas"):
        services.version_restore(document=document, agent=lib.member, number=7)


def test_a_new_version_clears_the_previous_thumbnail_and_text(lib):
    """The media helper's thumbnail and extracted text belong to the old version: reset."""
    document = lib.upload()
    Document.objects.filter(pk=document.pk).update(
        text="ancien", text_status=Document.TextStatus.READY
    )
    services.version_add(document=document, agent=lib.member, upload=pdf())
    document.refresh_from_db()
    assert document.text == "" and document.text_status == Document.TextStatus.PENDING


def test_no_new_version_of_a_file_in_the_bin(lib):
    document = lib.upload()
    services.document_delete(document=document, agent=lib.member)
    with pytest.raises(DocumentError):
        services.version_add(document=document, agent=lib.member, upload=pdf())
