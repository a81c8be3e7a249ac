import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from odfdo import Document

from maillage import tables

UTC = datetime.UTC
HEADERS = ["Titre", "Soutiens", "Déposée le"]


def _csv_rows(content):
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline=""), delimiter=";"))


def _sheet(content):
    return Document(io.BytesIO(content)).body.get_table(0)


def test_csv_is_utf8_with_a_bom_semicolons_and_crlf_for_french_spreadsheets():
    """Accents survive, cells are separated by « ; » and rows by CRLF."""
    content = tables.csv_bytes(HEADERS, [["Idée œcuménique", 12, None]])
    assert (
        content.decode("utf-8").splitlines(keepends=True)[0]
        == "\ufeffTitre;Soutiens;Déposée le\r\n"
    )
    assert _csv_rows(content) == [HEADERS, ["Idée œcuménique", "12", ""]]


def test_csv_quotes_separators_quotes_and_line_breaks_inside_a_cell():
    """A title with « ; », quotes and a line break stays one cell."""
    text = 'Une idée ; deux "idées"\nsur deux lignes'
    assert _csv_rows(tables.csv_bytes(["a", "b"], [[text, "fin"]]))[1] == [text, "fin"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
)
def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(text):
    """A text starting with = + - @ (or a tab, a carriage return) gets a leading apostrophe."""
    assert _csv_rows(tables.csv_bytes(["a"], [[text]]))[1] == ["'" + text]


def test_csv_keeps_numbers_and_harmless_text_as_they_are():
    """Real numbers (negative too) and text not starting with a formula sign are untouched."""
    rows = _csv_rows(tables.csv_bytes(["a", "b", "c", "d"], [[-3, Decimal("2.5"), "a=b", "1-2"]]))
    assert rows[1] == ["-3", "2.5", "a=b", "1-2"]


def test_csv_dates_are_shown_in_the_sites_time_zone_and_booleans_in_french():
    """An aware datetime is written in Paris time; True and False are « oui » and « non »."""
    moment = datetime.datetime(2026, 7, 14, 8, 30, tzinfo=UTC)  # 10:30 in Paris (summer)
    rows = _csv_rows(
        tables.csv_bytes(["a", "b", "c", "d"], [[moment, datetime.date(2026, 1, 2), True, False]])
    )
    assert rows[1] == ["2026-07-14 10:30", "2026-01-02", "oui", "non"]


def test_ods_has_the_headers_then_typed_cells():
    """Text cells are strings, numbers floats, dates dates (in Paris time), None empty."""
    moment = datetime.datetime(2026, 12, 7, 13, 5, 9, 123456, tzinfo=UTC)  # 14:05:09 in Paris
    content = tables.ods_bytes(
        HEADERS, [["Idée", 42, moment], ["Autre", Decimal("1.5"), datetime.date(2026, 1, 2)]]
    )
    sheet = _sheet(content)
    assert sheet.height == 3
    assert [sheet.get_cell((i, 0)).value for i in range(3)] == HEADERS
    assert sheet.get_cell("A2").type == "string" and sheet.get_cell("A2").value == "Idée"
    assert sheet.get_cell("B2").type == "float" and sheet.get_cell("B2").value == 42
    assert sheet.get_cell("C2").type == "date"
    assert sheet.get_cell("C2").value == datetime.datetime(2026, 12, 7, 14, 5, 9)
    assert sheet.get_cell("B3").value == Decimal("1.5")
    assert sheet.get_cell("C3").value == datetime.date(2026, 1, 2)


def test_ods_text_is_never_a_formula_and_markup_stays_text():
    """« =1+1 » is a string cell without a formula; HTML, quotes and ampersands read back as
    typed; a control character XML refuses is dropped instead of breaking the file."""
    hostile = ["=1+1", '<script>alert("x")</script> & co', "ligne\x00\x0bsale"]
    content = tables.ods_bytes(["a", "b", "c"], [hostile])
    sheet = _sheet(content)
    cell = sheet.get_cell("A2")
    assert cell.type == "string" and cell.value == "=1+1" and not cell.formula
    assert sheet.get_cell("B2").value == '<script>alert("x")</script> & co'
    assert sheet.get_cell("C2").value == "lignesale"
    xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
    assert b"<script>" not in xml and b"table:formula" not in xml


def test_ods_is_an_opendocument_spreadsheet_with_its_mimetype_first():
    """The archive opens as ODS: the mimetype entry first, uncompressed."""
    archive = zipfile.ZipFile(io.BytesIO(tables.ods_bytes(["a"], [["b"]])))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"


def test_a_multiline_text_reads_back_as_its_lines():
    """A line break in a cell becomes a new paragraph of the same cell."""
    sheet = _sheet(tables.ods_bytes(["a"], [["un\ndeux"]]))
    assert sheet.get_cell("A2").get_elements("text:p")[1].text == "deux"


@pytest.mark.parametrize("fmt", tables.FORMATS)
def test_table_response_is_a_private_attachment_with_an_ascii_name(fmt):
    """The download: its content type, an attachment named without accents or spaces, never
    cached, never sniffed."""
    response = tables.table_response("Idées de « Ma communauté »", ["a"], [["b"]], fmt)
    assert response["Content-Type"] == tables.CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == f'attachment; filename="idees-de-ma-communaute.{fmt}"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_table_response_refuses_an_unknown_format():
    """A format that is not CSV or ODS is a programming error, not a silent CSV."""
    with pytest.raises(ValueError):
        tables.table_response("x", ["a"], [], "xls")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "csv"), (None, "csv"), ("csv", "csv"), (" ODS ", "ods"), ("xls", None), ("é", None)],
)
def test_parse_format_reads_the_address_or_says_none(value, expected):
    """No format is the default; an unknown one is None for the view to refuse."""
    assert tables.parse_format(value) == expected


def test_rows_may_be_a_generator_read_once():
    """An export streams its rows from a queryset iterator: a generator is enough."""
    rows = ([f"idée {i}", i] for i in range(3))
    assert len(_csv_rows(tables.csv_bytes(["a", "b"], rows))) == 4
