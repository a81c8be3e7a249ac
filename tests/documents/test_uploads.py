"""What an upload refuses, each in French with its reason: too heavy, a type off the list, a
content that does not match its extension, macro-enabled office files, executables; what it
cleans (a name with a path or bidirectional controls); several files at once, where a refused
file — the quota reached included — loses nothing already stored."""

import pytest

from documents import services
from documents.models import Document
from documents.services import DocumentError
from tests.documents.core_helpers import Library, odt, pdf, png, raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def lib():
    return Library()


def _refused(lib, upload):
    with pytest.raises(DocumentError) as refused:
        lib.upload(upload)
    assert not Document.objects.exists()
    return str(refused.value)


def test_the_accepted_kinds_are_stored(lib):
    for upload in (pdf(), odt(), png(), raw("notes.txt", b"du texte")):
        lib.upload(upload)
    assert Document.objects.count() == 4


def test_an_oversized_file_is_refused(lib, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 100
    message = _refused(lib, pdf("gros.pdf", b"x" * 200))
    assert "taille maximale" in message and "gros.pdf" in message


def test_a_type_off_the_list_is_refused(lib):
    assert "type de fichier n'est pas accepté" in _refused(lib, raw("carte.kml", b"<kml/>"))


def test_a_content_not_matching_its_extension_is_refused(lib):
    message = _refused(lib, raw("faux.pdf", b"MZ\x90\x00 pas un pdf"))
    assert "ne correspond pas à son extension" in message


@pytest.mark.parametrize("name", ["budget.docm", "calcul.xlsm", "diapo.pptm", "modele.dotm"])
def test_macro_enabled_office_files_are_refused(lib, name):
    message = _refused(lib, raw(name, b"PK\x03\x04 macro"))
    assert "macros" in message and name in message


@pytest.mark.parametrize("name", ["setup.exe", "run.bat", "app.js", "install.msi", "page.html"])
def test_executables_are_refused(lib, name):
    message = _refused(lib, raw(name, b"MZ\x90\x00"))
    assert "exécuter du code" in message


def test_a_name_loses_its_path_and_bidirectional_controls(lib):
    document = lib.upload(pdf("../../etc/facture\u202efdp.pdf"))
    assert document.name == "facturefdp.pdf"
    document = lib.upload(pdf("C:\\Users\\x\\note.pdf"))
    assert document.name == "note.pdf"


def test_a_hidden_or_empty_name_is_refused(lib):
    assert "point" in _refused(lib, pdf(".pdf"))


def test_many_files_at_once_each_with_its_answer(lib):
    """Three good files and two refused ones: the good ones are stored, each refusal named."""
    results = services.documents_upload(
        folder=lib.root,
        agent=lib.member,
        uploads=[pdf("a.pdf"), raw("virus.exe", b"MZ"), odt("b.odt"), png(), raw("x.docm", b"PK")],
    )
    assert [(name, error is None) for name, _d, _c, error in results] == [
        ("a.pdf", True),
        ("virus.exe", False),
        ("b.odt", True),
        ("image.png", True),
        ("x.docm", False),
    ]
    assert Document.objects.count() == 3


def test_the_quota_reached_midway_loses_nothing_already_saved(lib):
    """The quota allows two files: the third is refused, the first two stay stored."""
    one = pdf("a.pdf", b"x" * 100)
    services.quota_set(community=lib.community, agent=lib.animator, quota_bytes=one.size * 2 + 5)
    results = services.documents_upload(
        folder=lib.root,
        agent=lib.member,
        uploads=[one, pdf("b.pdf", b"y" * 100), pdf("c.pdf", b"z" * 100)],
    )
    assert [error is None for _n, _d, _c, error in results] == [True, True, False]
    assert "quota" in results[2][3]
    assert sorted(Document.objects.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]
    for document in Document.objects.all():
        assert document.current_version.file.read().startswith(b"%PDF")


def test_too_many_files_at_once_are_refused(lib):
    with pytest.raises(DocumentError, match="20 fichiers au plus"):
        services.documents_upload(
            folder=lib.root, agent=lib.member, uploads=[pdf(f"{n}.pdf") for n in range(21)]
        )


def test_a_forbidden_uploader_is_refused_for_the_whole_request(lib):
    """A member without rights is refused once, not per file."""
    from tests.factories import AgentFactory

    with pytest.raises(DocumentError, match="membres"):
        services.documents_upload(folder=lib.root, agent=AgentFactory(), uploads=[pdf(), pdf()])
