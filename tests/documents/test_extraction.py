"""The text of the library's files (``maillage.extraction``): ODT, ODS, ODP, DOCX, PDF and plain
text built by code; corrupt, encrypted and hostile files « illisibles » without raising; the
length and time bounds."""

import hashlib
import io

import pytest

from maillage import extraction
from maillage.extraction import EMPTY, OK, UNREADABLE, UNSUPPORTED, extract_text
from tests.documents.fixtures.files import (
    docx_bytes,
    image_bytes,
    odp_bytes,
    ods_bytes,
    odt_bytes,
    pdf_bytes,
    zip_with,
)

CANARY = "Colibri-7Q « confidentiel » éàç"


def extract(data, name, **options):
    return extract_text(io.BytesIO(data), name=name, **options)


def test_an_odt_gives_its_heading_and_paragraphs_in_order():
    """An ODT's heading and paragraphs come out in order, one a line, accents and guillemets
    kept."""
    result = extract(odt_bytes("Premier paragraphe.", CANARY, title="Compte rendu"), "cr.odt")
    assert result.status == OK
    assert result.text == f"Compte rendu\nPremier paragraphe.\n{CANARY}"
    assert result.truncated is False
    assert result.label == "texte extrait"


def test_an_ods_gives_its_cells():
    """A spreadsheet's text and number cells come out."""
    result = extract(ods_bytes({"A1": "Budget", "B2": 1250, "C3": CANARY}), "budget.ods")
    assert result.status == OK
    assert result.text.split("\n") == ["Budget", "1250", CANARY]


def test_an_odp_gives_the_text_of_its_slides():
    """A presentation's frames come out slide after slide."""
    result = extract(odp_bytes("Ordre du jour", CANARY), "reunion.odp")
    assert result.status == OK
    assert result.text == f"Ordre du jour\n{CANARY}"


def test_a_docx_gives_its_paragraphs_and_its_tables():
    """A DOCX's paragraphs then its table's cells come out."""
    data = docx_bytes("Note de service", CANARY, table=[["Service", "DREAL"]])
    result = extract(data, "note.docx")
    assert result.status == OK
    assert result.text == f"Note de service\n{CANARY}\nService\nDREAL"


def test_a_pdf_gives_the_text_of_its_pages():
    """A PDF's pages come out in order."""
    result = extract(pdf_bytes("Page une", CANARY), "rapport.pdf")
    assert result.status == OK
    assert result.text == f"Page une\n{CANARY}"


def test_a_pdf_without_text_is_empty():
    """A PDF of blank pages (a scan would be the same) has no text: « aucun texte »."""
    result = extract(pdf_bytes("", ""), "scan.pdf")
    assert (result.status, result.text, result.label) == (EMPTY, "", "aucun texte")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_plain_text_in_utf8_or_the_windows_encoding(encoding):
    """TXT, CSV and Markdown files in UTF-8 (with or without its mark) or Windows-1252 come out
    right."""
    result = extract(f"Nom;Service\n{CANARY};DDT\n".encode(encoding), "liste.csv")
    assert result.status == OK
    assert result.text == f"Nom;Service\n{CANARY};DDT"


def test_control_characters_are_cleaned_out():
    """NUL and other control characters, which the database refuses, become spaces."""
    result = extract(b"avant\x00apr\xc3\xa8s\x1bfin", "notes.txt")
    assert result.text == "avant après fin"


@pytest.mark.parametrize("name", ["photo.png", "archive.zip", "ancien.doc", "sans-extension"])
def test_other_types_are_not_supported(name):
    """Pictures, archives and the old binary office formats are « non pris en charge »."""
    result = extract(image_bytes(), name)
    assert (result.status, result.label) == (UNSUPPORTED, "non pris en charge")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(pdf_bytes(CANARY, password="motdepasse"), "secret.pdf", id="encrypted-pdf"),
        pytest.param(b"%PDF-1.7\n1 0 obj garbage", "casse.pdf", id="corrupt-pdf"),
        pytest.param(image_bytes(), "image.pdf", id="picture-named-pdf"),
        pytest.param(b"PK\x03\x04 not a zip at all", "casse.odt", id="corrupt-odt"),
        pytest.param(odt_bytes(CANARY)[:300], "coupe.odt", id="truncated-odt"),
        pytest.param(docx_bytes(CANARY)[:500], "coupe.docx", id="truncated-docx"),
        pytest.param(zip_with({"hello.txt": b"hi"}), "vide.docx", id="zip-without-document"),
        pytest.param(odt_bytes(CANARY), "deguise.docx", id="odt-named-docx"),
    ],
)
def test_a_corrupt_or_protected_file_is_unreadable_without_raising(data, name):
    """Corrupt, truncated, disguised and password-protected files are « illisibles », with no
    text."""
    result = extract(data, name)
    assert (result.status, result.text, result.label) == (UNREADABLE, "", "illisible")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE office:document-content [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:body><office:text><text:p>&e;&e;&e;&e;&e;&e;&e;&e;</text:p></office:text></office:body>
</office:document-content>"""


def test_an_entity_expansion_is_refused():
    """An ODT whose content declares entities (a « billion laughs ») is « illisible »: neither
    ODF nor DOCX has a DOCTYPE."""
    data = zip_with(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": BILLION_LAUGHS}
    )
    assert extract(data, "rire.odt").status == UNREADABLE
    docx = zip_with({"word/document.xml": BILLION_LAUGHS})
    assert extract(docx, "rire.docx").status == UNREADABLE


def test_a_zip_bomb_is_refused_before_it_is_uncompressed(monkeypatch):
    """A container whose parts would uncompress beyond the bound is « illisible »; the same
    file under a larger bound is read."""
    # Hex digits, which compress only about 2:1 (odfdo refuses ratios over 200:1 by itself).
    padding = "".join(hashlib.sha256(b"%d" % i).hexdigest() for i in range(31_250))
    data = odt_bytes(CANARY, padding)
    monkeypatch.setattr(extraction, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    assert extract(data, "bombe.odt").status == UNREADABLE
    monkeypatch.setattr(extraction, "MAX_UNCOMPRESSED_BYTES", 10_000_000)
    assert extract(data, "bombe.odt").status == OK


def test_the_text_is_capped_and_says_so():
    """Past the cap (200,000 characters by default) the text is cut and marked truncated."""
    result = extract(("ligne de texte\n" * 20_000).encode(), "long.txt")
    assert result.status == OK
    assert len(result.text) == extraction.MAX_CHARS == 200_000
    assert result.truncated is True
    short = extract(odt_bytes(*(["Un paragraphe de quarante caractères!!!"] * 100)), "a.odt")
    assert short.truncated is False
    capped = extract(odt_bytes(*(["Un paragraphe."] * 100)), "a.odt", max_chars=100)
    assert len(capped.text) <= 100 and capped.truncated is True


def test_reading_stops_at_the_time_budget():
    """With its time spent, a reader keeps what it has read (the first page) and says the text
    is cut."""
    result = extract(pdf_bytes("Page une", "Page deux", "Page trois"), "a.pdf", budget=0)
    assert (result.status, result.text, result.truncated) == (OK, "Page une", True)


def test_a_pdf_is_read_up_to_its_page_bound(monkeypatch):
    """Pages past ``MAX_PDF_PAGES`` are not read, and the text says it is cut."""
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)
    result = extract(pdf_bytes("Un", "Deux", "Trois"), "a.pdf")
    assert (result.text, result.truncated) == ("Un\nDeux", True)
