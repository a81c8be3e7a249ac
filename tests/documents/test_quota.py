"""The library's quota: every version kept counts (in the bin too, until it is emptied), shown as
used/total; an upload that would pass it is refused in French; the animators set it."""

import pytest

from communities.models import AuditLog
from documents import services
from documents.models import Document, LibrarySettings
from documents.services import DocumentError
from tests.documents.core_helpers import Library, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def lib():
    return Library()


def test_the_default_quota_comes_from_the_settings(lib, settings):
    settings.DOCUMENTS_QUOTA_BYTES = 12345
    assert services.quota_of(lib.community) == (0, 12345)


def test_every_version_kept_counts(lib):
    document = lib.upload(pdf("a.pdf", b"1" * 100))
    first = document.size
    services.version_add(document=document, agent=lib.member, upload=pdf("a.pdf", b"2" * 50))
    second = Document.objects.get(pk=document.pk).size
    services.version_restore(document=document, agent=lib.member, number=1)
    used, _ = services.quota_of(lib.community)
    assert used == first + second + first


def test_the_bin_counts_until_it_is_emptied(lib, capture_effects):
    document = lib.upload()
    size = document.size
    services.document_delete(document=document, agent=lib.member)
    assert services.quota_of(lib.community)[0] == size
    with capture_effects():
        services.bin_empty(community=lib.community, agent=lib.animator)
    assert services.quota_of(lib.community)[0] == 0


def test_an_upload_past_the_quota_is_refused_in_french(lib):
    document = lib.upload(pdf("a.pdf", b"x" * 100))
    services.quota_set(community=lib.community, agent=lib.animator, quota_bytes=document.size + 10)
    with pytest.raises(DocumentError, match="quota de la bibliothèque est atteint") as refused:
        lib.upload(pdf("b.pdf", b"y" * 100))
    assert refused.value.code == "quota"
    with pytest.raises(DocumentError, match="quota"):
        services.version_add(document=document, agent=lib.member, upload=pdf("a.pdf", b"z" * 90))
    assert Document.objects.count() == 1
    assert services.quota_of(lib.community)[0] == document.size


def test_only_the_animators_set_the_quota_within_bounds(lib):
    with pytest.raises(DocumentError, match="Seule l'animation"):
        services.quota_set(community=lib.community, agent=lib.member, quota_bytes=10)
    for bad in (0, -5, 2 * 1024**4):
        with pytest.raises(DocumentError, match="quota va"):
            services.quota_set(community=lib.community, agent=lib.animator, quota_bytes=bad)
    services.quota_set(community=lib.community, agent=lib.animator, quota_bytes=5 * 1024**2)
    assert LibrarySettings.objects.get(community=lib.community).quota_bytes == 5 * 1024**2
    services.quota_set(community=lib.community, agent=lib.animator, quota_bytes=None)
    assert LibrarySettings.objects.get(community=lib.community).quota_bytes is None
    assert AuditLog.objects.filter(action="document_quota_set").count() == 2
