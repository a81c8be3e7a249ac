"""A file's new current version gets its thumbnail and its extracted text (``documents.media``
queues ``documents.tasks.process_version`` once the upload commits; the test settings run tasks
at once), and the content contract's text of a file carries that text."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.content import registry as content_registry
from documents import services
from documents.models import Document
from documents.tasks import process_version
from tests.documents.fixtures.files import image_bytes, odt_bytes, pdf_bytes
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CANARY = "Sarcelle-42 « note confidentielle »"


@pytest.fixture
def library():
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    return community, member, services.library_root(community)


def upload(capture_effects, library, name, data):
    """Upload through the service and let the transaction « commit »."""
    _community, member, root = library
    with capture_effects() as effects:
        document, version, _created = services.document_upload(
            folder=root, agent=member, upload=SimpleUploadedFile(name, data)
        )
    document.refresh_from_db()
    return document, version, effects


def thumbnail_of(document):
    with default_storage.open(document.thumbnail.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_an_uploaded_pdf_gets_its_thumbnail_and_its_text(capture_effects, library):
    """A PDF's first page becomes a 320 px WebP thumbnail, its text is stored as « extrait » and
    is in the content contract's text after the file's name; the file is indexed again."""
    document, _version, effects = upload(
        capture_effects, library, "rapport.pdf", pdf_bytes(CANARY, "Annexe")
    )
    assert document.text_status == Document.TextStatus.READY
    assert document.text == f"{CANARY}\nAnnexe"
    image = thumbnail_of(document)
    assert (image.format, image.width) == ("WEBP", 320)
    assert content_registry.describe(document)[1] == f"rapport.pdf\n{CANARY}\nAnnexe"
    assert document in effects.indexed


def test_an_odt_gets_its_text_and_no_thumbnail(capture_effects, library):
    document, _version, _effects = upload(
        capture_effects, library, "compte-rendu.odt", odt_bytes(CANARY)
    )
    assert (document.text_status, document.text) == (Document.TextStatus.READY, CANARY)
    assert not document.thumbnail


def test_a_picture_gets_a_thumbnail_and_no_text(capture_effects, library):
    document, _version, _effects = upload(
        capture_effects, library, "photo.jpg", image_bytes("JPEG", size=(1200, 900))
    )
    assert document.text_status == Document.TextStatus.UNSUPPORTED
    assert document.text == ""
    assert thumbnail_of(document).size == (320, 240)
    assert content_registry.describe(document)[1] == "photo.jpg"


def test_a_corrupt_or_protected_pdf_is_failed_without_a_thumbnail(capture_effects, library):
    """A PDF that PDFium cannot open (here, protected by a password) is stored, marked
    « échec », with neither text nor thumbnail."""
    document, _version, effects = upload(
        capture_effects, library, "protege.pdf", pdf_bytes(CANARY, password="motdepasse")
    )
    assert (document.text_status, document.text) == (Document.TextStatus.FAILED, "")
    assert not document.thumbnail
    assert effects.failed == []


def test_a_new_version_replaces_the_text_and_the_thumbnail(capture_effects, library):
    """A second version gets its own text and thumbnail and the first thumbnail's file is
    removed; restoring version 1 brings its text back."""
    community, member, _root = library
    document, _version, _effects = upload(
        capture_effects, library, "note.pdf", pdf_bytes("Première rédaction")
    )
    first_thumbnail = document.thumbnail.name
    with capture_effects():
        services.version_add(
            document=document,
            agent=member,
            upload=SimpleUploadedFile("note.pdf", pdf_bytes(CANARY)),
        )
    document.refresh_from_db()
    assert document.text == CANARY
    assert document.thumbnail.name and document.thumbnail.name != first_thumbnail
    assert not default_storage.exists(first_thumbnail)
    with capture_effects():
        services.version_restore(document=document, agent=member, number=1)
    document.refresh_from_db()
    assert (document.version_count, document.text) == (3, "Première rédaction")
    assert default_storage.exists(document.thumbnail.name)


def test_the_task_leaves_a_replaced_or_missing_version_alone(capture_effects, library):
    """Run late for version 1 after version 2 is current, the task changes nothing; for a
    version that no longer exists it does nothing."""
    _community, member, _root = library
    document, first, _effects = upload(capture_effects, library, "a.pdf", pdf_bytes("Un"))
    with capture_effects():
        services.version_add(
            document=document, agent=member, upload=SimpleUploadedFile("a.pdf", pdf_bytes("Deux"))
        )
    document.refresh_from_db()
    before = (document.text, document.thumbnail.name)
    assert process_version.call(version_id=first.pk) == "stale"
    assert process_version.call(version_id=10**9) == "gone"
    document.refresh_from_db()
    assert (document.text, document.thumbnail.name) == before == ("Deux", before[1])


def test_nothing_is_made_before_the_upload_commits(library):
    """Until its transaction commits, the new version queues nothing: the file waits as
    « en attente »."""
    _community, member, root = library
    document, _version, _created = services.document_upload(
        folder=root, agent=member, upload=SimpleUploadedFile("a.pdf", pdf_bytes(CANARY))
    )
    document.refresh_from_db()
    assert (document.text_status, document.text, document.thumbnail.name) == (
        Document.TextStatus.PENDING,
        "",
        "",
    )
