"""A dossier's pieces as files (R47): formats, content, macros, the dossier's total size, and the
pages and slides read from the files themselves (R40-R42)."""

import pytest
from django.core.exceptions import ValidationError

from calls.files import (
    Checked,
    accepted_formats,
    check_piece,
    count_pages,
    limit_warning,
    size_label,
)
from calls.models import DEFAULT_FORMATS, DEFAULT_MAX_DOSSIER_BYTES, Call, PieceKind
from tests.calls import samples
from tests.calls.factories import CallFactory

MB = samples.MB
EXECUTABLES_AND_MACROS = "Les fichiers exécutables et les documents à macros sont refusés."


def a_call(**fields):
    """A call as its managers leave it by default: the platform's formats and 10 MB."""
    fields.setdefault("accepted_formats", list(DEFAULT_FORMATS))
    return Call(**fields)


def synthesis():
    return PieceKind(code="synthese", label="Fiche de synthèse", max_pages=2)


def presentation():
    return PieceKind(code="presentation", label="Présentation du projet", max_pages=20)


def communication():
    return PieceKind(code="communication", label="Présentation de communication", max_slides=10)


def check(name, data, *, call=None, dossier_bytes=0, piece_kind=None):
    return check_piece(
        samples.upload(name, data),
        call=call or a_call(),
        dossier_bytes=dossier_bytes,
        piece_kind=piece_kind,
    )


def refusal(name, data, **kwargs):
    with pytest.raises(ValidationError) as caught:
        check(name, data, **kwargs)
    return caught.value


# --- Formats refused by name --------------------------------------------------------------


@pytest.mark.parametrize("name", ["projet.docm", "budget.xlsm", "diapos.pptm", "modele.dotm"])
def test_macro_enabled_formats_are_refused_by_name(name):
    """A macro-enabled Office file is refused by its extension, with the rule's message, before
    anything else is read."""
    error = refusal(name, samples.docm())
    assert error.code == "forbidden_file"
    assert error.messages == [EXECUTABLES_AND_MACROS]


@pytest.mark.parametrize("name", ["setup.exe", "lancer.bat", "script.js", "PROJET.EXE"])
def test_executables_are_refused_by_name(name):
    """Programs and scripts are refused by their extension, whatever their case."""
    error = refusal(name, samples.exe())
    assert error.code == "forbidden_file"
    assert error.messages == [EXECUTABLES_AND_MACROS]


def test_a_call_cannot_accept_an_executable_or_a_macro_format():
    """Formats refused whatever the call says are dropped from its list."""
    call = a_call(accepted_formats=["pdf", ".EXE", "docm", "odt", "pdf"])
    assert accepted_formats(call) == ["pdf", "odt"]
    assert refusal("setup.exe", samples.exe(), call=call).code == "forbidden_file"


def test_a_call_without_formats_accepts_the_default_list():
    """A call whose list is empty accepts the platform's default formats."""
    assert accepted_formats(Call(accepted_formats=[])) == DEFAULT_FORMATS


def test_a_format_the_call_does_not_list_is_refused():
    """An ODP sent to a call that accepts only PDF is refused, naming what is accepted."""
    error = refusal("diapos.odp", samples.odp(3), call=a_call(accepted_formats=["pdf"]))
    assert error.code == "invalid_file"
    assert "Types acceptés : pdf" in error.messages[0]


# --- Content against the extension ---------------------------------------------------------


def test_a_pdf_named_odt_is_refused():
    """A PDF renamed .odt is refused: its content is not what the extension says."""
    error = refusal("presentation.odt", samples.pdf(2))
    assert error.code == "invalid_file"
    assert "ne correspond pas à son extension « .odt »" in error.messages[0]


def test_an_executable_named_pdf_is_refused():
    """An executable renamed .pdf does not start as a PDF."""
    error = refusal("rapport.pdf", samples.exe())
    assert error.code == "invalid_file"


def test_an_odp_named_odt_is_refused():
    """An OpenDocument of another kind (a presentation named as a text) is refused by its
    ``mimetype`` entry."""
    error = refusal("texte.odt", samples.odp(2))
    assert error.code == "invalid_file"
    assert "« .odt »" in error.messages[0]


def test_a_spreadsheet_named_doc_is_refused():
    """A compound file without a Word document's main stream is not a .doc."""
    error = refusal("lettre.doc", samples.ole2("xls"))
    assert error.code == "invalid_file"


def test_a_damaged_pdf_is_refused():
    """A file that starts as a PDF but that PDFium cannot open is refused as unreadable."""
    error = refusal("synthese.pdf", samples.sized(5000))
    assert error.code == "unreadable"


@pytest.mark.parametrize(
    ("name", "data", "label", "content_type"),
    [
        ("synthese.pdf", samples.pdf(2), "Document PDF", "application/pdf"),
        (
            "presentation.odt",
            samples.odt(12),
            "Texte OpenDocument",
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "budget.ods",
            samples.ods(),
            "Classeur OpenDocument",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("lettre.doc", samples.ole2("doc"), "Document Word 97-2010", "application/msword"),
        ("plan.xls", samples.ole2("xls"), "Classeur Excel 97-2010", "application/vnd.ms-excel"),
        (
            "diapos.ppt",
            samples.ole2("ppt"),
            "Présentation PowerPoint 97-2010",
            "application/vnd.ms-powerpoint",
        ),
    ],
)
def test_accepted_files_are_described(name, data, label, content_type):
    """A file of an accepted format comes back with its name, type, size and format label."""
    checked = check(name, data)
    assert isinstance(checked, Checked)
    assert checked.name == name
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.kind_label == label


def test_the_name_keeps_no_path():
    """The stored name is the file's own, without the folders a browser may send."""
    checked = check("C:\\Users\\agent\\synthese.pdf", samples.pdf(1))
    assert checked.name == "synthese.pdf"


# --- Macros inside the content ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["doc", "xls", "ppt"])
def test_a_binary_office_file_with_a_vba_project_is_refused(suffix):
    """A .doc, .xls or .ppt carrying a VBA project is refused as a document with macros."""
    error = refusal(f"fichier.{suffix}", samples.ole2(suffix, vba=True))
    assert error.code == "macros"
    assert "contient des macros" in error.messages[0]


def test_a_document_that_mentions_vba_in_its_text_is_accepted():
    """The VBA names count only as directory entries: a Word file whose text speaks of
    « VBA » and « Macros » is accepted."""
    body = "Nos macros VBA".encode("utf-16-le") + "Macros".encode("utf-16-le") + b"\x00\x00"
    checked = check("lettre.doc", samples.ole2("doc", body=body))
    assert checked.kind_label == "Document Word 97-2010"


@pytest.mark.parametrize("folder", ["Basic", "Scripts"])
def test_an_odf_with_macros_is_refused(folder):
    """An ODT with a Basic library or scripts is refused as a document with macros."""
    error = refusal("presentation.odt", samples.odt_with_macros(folder))
    assert error.code == "macros"


def test_an_ooxml_file_with_a_vba_project_is_refused_when_the_call_accepts_ooxml():
    """A macro-enabled Word file renamed .docx is refused, for a call that accepts .docx."""
    error = refusal("projet.docx", samples.docm(), call=a_call(accepted_formats=["docx"]))
    assert error.code == "macros"


# --- The dossier's total size ----------------------------------------------------------------


def test_a_dossier_over_10_mb_is_refused_with_the_sizes():
    """With 9 MB stored, a 1.5 MB file would make 10.5 MB: refused, saying the limit and the
    sizes."""
    error = refusal("annexe.pdf", samples.sized(3 * MB // 2), dossier_bytes=9 * MB)
    assert error.code == "too_large"
    assert error.messages[0].startswith(
        "Les pièces du dossier dépasseraient 10 Mo (9 Mo déjà déposés et 1,5 Mo pour ce fichier)."
    )


def test_a_dossier_of_exactly_10_mb_is_accepted():
    """The limit itself is allowed: 9 MB stored and a 1 MB PDF make 10 MB."""
    data = samples.pdf(1)
    data += b"\n%" + b"0" * (MB - len(data) - 2)
    checked = check("annexe.pdf", data, dossier_bytes=9 * MB)
    assert checked.size == MB
    assert 9 * MB + checked.size == DEFAULT_MAX_DOSSIER_BYTES


def test_the_limit_is_the_calls():
    """A call allowing 20 MB accepts what would exceed 10 MB."""
    call = a_call(max_dossier_bytes=20 * MB)
    data = samples.pdf(1)
    checked = check("annexe.pdf", data, call=call, dossier_bytes=12 * MB)
    assert checked.pages == 1
    error = refusal("annexe.pdf", data, call=call, dossier_bytes=20 * MB)
    assert "dépasseraient 20 Mo" in error.messages[0]


def test_size_labels():
    """Sizes read in French, in the binary units of the limits."""
    assert size_label(10 * MB) == "10 Mo"
    assert size_label(10 * MB + MB // 2) == "10,5 Mo"
    assert size_label(700 * 1024) == "700 ko"
    assert size_label(12) == "12 octets"


# --- Pages and slides ---------------------------------------------------------------------------


def test_pages_are_counted_from_the_files():
    """A PDF's pages, an ODP's slides, the pages an ODT's metadata state; None otherwise."""
    assert count_pages(samples.upload("a.pdf", samples.pdf(3)), "pdf") == 3
    assert count_pages(samples.upload("a.odp", samples.odp(7)), "odp") == 7
    assert count_pages(samples.upload("a.odt", samples.odt(4)), "odt") == 4
    assert count_pages(samples.upload("a.odt", samples.odt(None)), "odt") is None
    assert count_pages(samples.upload("a.doc", samples.ole2("doc")), "doc") is None
    assert count_pages(samples.upload("a.pdf", samples.sized(900)), "pdf") is None


def test_count_pages_leaves_the_file_at_its_start():
    """After counting, the file can be read again from its first byte (to be stored)."""
    upload = samples.upload("a.pdf", samples.pdf(2))
    count_pages(upload, ".PDF")
    assert upload.read(5) == b"%PDF-"


def test_an_11_slide_presentation_is_refused():
    """R42: the communication presentation has 10 slides at most; 11 are refused."""
    error = refusal("communication.odp", samples.odp(11), piece_kind=communication())
    assert error.code == "too_many_slides"
    assert "11 diapositives : 10 au plus" in error.messages[0]


def test_a_10_slide_presentation_is_accepted():
    """Ten slides are within the limit."""
    checked = check("communication.odp", samples.odp(10), piece_kind=communication())
    assert checked.pages == 10
    assert limit_warning(communication(), checked.pages) == ""


def test_a_pdf_presentation_counts_its_pages_as_slides():
    """A presentation sent as a PDF of 11 pages is over the slide limit too."""
    error = refusal("communication.pdf", samples.pdf(11), piece_kind=communication())
    assert error.code == "too_many_slides"


def test_a_21_page_pdf_is_accepted_with_a_warning():
    """R41: the project presentation's 20 pages are a warning, not a refusal."""
    checked = check("presentation.pdf", samples.pdf(21), piece_kind=presentation())
    assert checked.pages == 21
    assert limit_warning(presentation(), checked.pages) == (
        "Ce document compte 21 pages : « Présentation du projet » en demande 20 au plus."
    )


def test_page_limit_warnings():
    """R40: a 3-page synthesis is warned, a 2-page one is not; no limit or unknown pages give
    no warning."""
    assert "3 pages" in limit_warning(synthesis(), 3)
    assert limit_warning(synthesis(), 2) == ""
    assert limit_warning(synthesis(), None) == ""
    assert limit_warning(PieceKind(label="Annexes techniques"), 300) == ""
    assert limit_warning(None, 300) == ""
    assert "11 diapositives" in limit_warning(communication(), 11)


@pytest.mark.django_db
def test_the_pieces_of_a_created_call():
    """With the pieces of a call as stored, the communication presentation refuses 11 slides
    and the synthesis warns over 2 pages."""
    call = CallFactory()
    kinds = {kind.code: kind for kind in call.piece_kinds.all()}
    with pytest.raises(ValidationError):
        check("com.odp", samples.odp(11), call=call, piece_kind=kinds["communication"])
    checked = check("synthese.odt", samples.odt(3), call=call, piece_kind=kinds["synthese"])
    assert checked.pages == 3
    assert limit_warning(kinds["synthese"], checked.pages).startswith("Ce document compte 3 pages")
