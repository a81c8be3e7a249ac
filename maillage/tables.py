"""Tables downloaded as spreadsheets, for any app's exports (an idea box, a list of members…):

    return tables.table_response("idees-ma-communaute", headers, rows, fmt)

gives the rows as a CSV file or an ODS spreadsheet (``FORMATS``), an attachment no cache keeps.

- CSV is written for French spreadsheets: UTF-8 with a byte-order mark (so Excel reads the
  accents), ``;`` between cells (the comma is the decimal separator), ``\\r\\n`` between rows.
  A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is
  neutralised by a leading apostrophe: a spreadsheet would otherwise run it as a formula
  (« CSV injection », an agent's title ``=HYPERLINK(…)`` in an animator's export).
- ODS (OpenDocument, through ``odfdo``) types each cell: text cells are strings, never formulas,
  numbers are numbers and dates are dates.

Cells may be ``str``, ``int``, ``float``, ``Decimal``, ``bool``, ``date``, ``datetime`` (an aware
one is shown in the site's time zone) or ``None`` (an empty cell).

This module imports no app.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = ("csv", "ods")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# A spreadsheet reads these first characters as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_format(value, default="csv"):
    """The format named in an address (``?format=ods``), ``default`` when none is named, or
    None for anything else (the view then answers 400 with its French message)."""
    value = (value or "").strip().lower()
    if not value:
        return default
    return value if value in FORMATS else None


def neutralise(text):
    """A text cell a spreadsheet shows as typed, never runs as a formula."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _plain(value):
    """A cell as the text or the number a CSV file holds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(headers, rows):
    """The table as CSV bytes for French spreadsheets (see the module's docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_plain(cell) for cell in headers])
    for row in rows:
        writer.writerow([_plain(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _date_text(value):
    """``(office:date-value, shown text)`` of a date or a datetime (local and naive)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        value = value.replace(microsecond=0)
        return value.isoformat(), value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat(), value.isoformat()


# Control characters XML 1.0 refuses: a pasted title carrying one must not break the file.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    return escape(_XML_INVALID.sub("", value), {'"': "&quot;"})


def _ods_cell(value):
    """One ``table:table-cell`` as the XML odfdo writes for the same typed value."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if isinstance(value, (int, float, Decimal)):
        number = str(value)
        return (
            f'<table:table-cell office:value-type="float" calcext:value-type="float" '
            f'office:value="{number}" calcext:value="{number}"><text:p>{number}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(value, (datetime.date, datetime.datetime)):
        stamp, shown = _date_text(value)
        return (
            f'<table:table-cell office:value-type="date" calcext:value-type="date" '
            f'office:date-value="{stamp}"><text:p>{shown}</text:p></table:table-cell>'
        )
    lines = "".join(f"<text:p>{_xml_text(line)}</text:p>" for line in str(value).split("\n"))
    return (
        '<table:table-cell office:value-type="string" calcext:value-type="string">'
        f"{lines}</table:table-cell>"
    )


def ods_bytes(headers, rows, *, sheet="Export"):
    """The table as an ODS spreadsheet of one sheet, the headers in its first row.

    odfdo makes the document (its spreadsheet template: styles, manifest, metadata); the
    sheet's XML is written here straight into its ``content.xml``, since odfdo building the
    cells one by one (or appending a parsed table) took 13 s (or 3 s) for 3,000 rows."""
    from odfdo import Document

    name = _xml_text(sheet[:31]) or "Export"
    parts = [f'<office:spreadsheet><table:table table:name="{name}">']
    for values in [headers, *rows]:
        parts.append("<table:table-row>")
        parts.extend(_ods_cell(value) for value in values)
        parts.append("</table:table-row>")
    parts.append("</table:table></office:spreadsheet>")
    document = Document("spreadsheet")
    template = document.container.get_part("content.xml")
    before, rest = template.split(b"<office:spreadsheet>", 1)
    after = rest.split(b"</office:spreadsheet>", 1)[1]
    document.container.set_part("content.xml", before + "".join(parts).encode("utf-8") + after)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename_of(name, fmt):
    """``name`` as a file name every browser and system accepts (ASCII, dashes), with its
    extension."""
    return f"{slugify(name)[:100] or 'export'}.{fmt}"


def table_response(filename, headers, rows, fmt="csv", *, sheet=None):
    """The download of a table: ``headers`` (the column titles), ``rows`` (an iterable of rows
    of cells), as ``fmt`` (``"csv"`` or ``"ods"``); ``filename`` without its extension."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown table format {fmt!r}: one of {FORMATS}.")
    if fmt == "csv":
        content = csv_bytes(headers, rows)
    else:
        content = ods_bytes(headers, rows, sheet=sheet or filename)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename_of(filename, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
