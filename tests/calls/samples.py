"""Small documents built in memory for the tests of a dossier's pieces: real PDF, ODT, ODS and
ODP files (pypdfium2, odfdo), and hand-made binary ones (an OLE2 compound file with or without
a VBA project, a macro-enabled Word file, a Windows executable, bytes of a given size).

Every function returns ``bytes``; ``upload(name, data)`` wraps them as the file a form receives.
"""

import io
import mimetypes
import struct
import zipfile

import pypdfium2 as pdfium
from django.core.files.uploadedfile import SimpleUploadedFile
from odfdo import Document, DrawPage, Paragraph

MB = 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream every binary Office file has, by extension.
OLE2_MAIN_STREAM = {"doc": "WordDocument", "xls": "Workbook", "ppt": "PowerPoint Document"}
# A PowerPoint file keeps its VBA project inside its main stream, announced by these two record
# headers (VBAInfoContainer, then VBAInfoAtom: [MS-PPT] 2.4.x).
PPT_VBA_INFO = b"\x0f\x00\xff\x03\x14\x00\x00\x00\x02\x00\x00\x04\x0c\x00\x00\x00"


def upload(name, data, content_type=None):
    """``data`` as an uploaded file named ``name``, as Django hands it to a form."""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf(pages=1):
    """A valid PDF of ``pages`` blank A4 pages."""
    document = pdfium.PdfDocument.new()
    try:
        for _ in range(pages):
            document.new_page(595, 842)
        buffer = io.BytesIO()
        document.save(buffer)
    finally:
        document.close()
    return buffer.getvalue()


def _odf_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odp(slides=1):
    """An OpenDocument presentation of ``slides`` slides."""
    document = Document("presentation")
    for page in document.body.get_draw_pages():
        document.body.delete(page)
    for number in range(1, slides + 1):
        document.body.append(DrawPage(f"page{number}", name=f"Diapositive {number}"))
    return _odf_bytes(document)


def odt(pages=1, text="Présentation du projet"):
    """An OpenDocument text whose metadata say it has ``pages`` pages (``None``: the metadata
    say nothing of its pages, as some generators write it)."""
    document = Document("text")
    document.body.append(Paragraph(text))
    statistic = document.meta.get_element("//meta:document-statistic")
    if pages is None:
        if statistic is not None and statistic.get_attribute("meta:page-count") is not None:
            statistic.del_attribute("meta:page-count")
    else:
        document.meta.set_statistic({"meta:page-count": pages})
    return _odf_bytes(document)


def ods():
    """An OpenDocument spreadsheet."""
    return _odf_bytes(Document("spreadsheet"))


def with_zip_entries(data, entries):
    """A copy of the ZIP ``data`` (an ODF or OOXML file) with more entries: {name: bytes}."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name, content in entries.items():
            target.writestr(name, content)
    return buffer.getvalue()


def odt_with_macros(folder="Basic"):
    """An ODT carrying a LibreOffice Basic module (``folder="Scripts"``: a Python script)."""
    if folder == "Basic":
        entries = {
            "Basic/Standard/Module1.xml": b'<?xml version="1.0"?><script:module/>',
            "Basic/script-lc.xml": b'<?xml version="1.0"?><library:libraries/>',
        }
    else:
        entries = {"Scripts/python/macro.py": b"def run():\n    pass\n"}
    return with_zip_entries(odt(), entries)


def _ole2_entry(name, kind):
    """A 128-byte directory entry of a compound file: its UTF-16-LE name, the name's length
    (terminator included) and its type (1 storage, 2 stream, 5 root)."""
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = encoded.ljust(64, b"\x00")
    entry += struct.pack("<HBB", len(encoded), kind, 1)
    entry += b"\xff" * 12  # left sibling, right sibling, child: none
    return entry.ljust(128, b"\x00")


def ole2(suffix="doc", vba=False, body=b""):
    """A minimal compound file (the container of .doc, .xls and .ppt) whose directory holds the
    root, the main stream of ``suffix`` and, with ``vba``, the storages and the stream of a VBA
    project (a PowerPoint file: the VBA records in its main stream). Not a file Office opens:
    the header and the directory a checker reads."""
    header = bytearray(512)
    header[0:8] = OLE2_MAGIC
    header[0x18:0x1C] = struct.pack("<HH", 0x3E, 3)  # minor, major version
    header[0x1C:0x20] = struct.pack("<HH", 0xFFFE, 9)  # byte order, 512-byte sectors
    header[0x20:0x22] = struct.pack("<H", 6)  # 64-byte mini sectors
    header[0x30:0x34] = struct.pack("<I", 0)  # the directory starts at sector 0
    entries = [_ole2_entry("Root Entry", 5), _ole2_entry(OLE2_MAIN_STREAM[suffix], 2)]
    if vba and suffix == "ppt":
        body = PPT_VBA_INFO + body
    elif vba:
        container = "Macros" if suffix == "doc" else "_VBA_PROJECT_CUR"
        entries += [
            _ole2_entry(container, 1),
            _ole2_entry("VBA", 1),
            _ole2_entry("_VBA_PROJECT", 2),
        ]
    directory = b"".join(entries).ljust(512, b"\x00")
    content = (body or b"Contenu du document.").ljust(512, b"\x00")
    return bytes(header) + directory + content


def docm():
    """A macro-enabled Word file (OOXML with a VBA project)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", OLE2_MAGIC + b"\x00" * 504)
    return buffer.getvalue()


def exe():
    """The start of a Windows executable (``MZ`` header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def sized(size, head=b"%PDF-1.4\n"):
    """``size`` bytes starting with ``head`` (a PDF's header by default): for the size limits,
    which are checked before the content is read."""
    return head + b"0" * (size - len(head))
