"""The pieces of a dossier as files (R47, spec §3.5 « File and format limits », §7.6): which
formats a call accepts, what a file must contain to be what its name says, the dossier's total
size, and the pages or slides read from the file itself.

- ``check_piece(upload, *, call, dossier_bytes, piece_kind=None)``: a ``Checked`` file, or a
  ``ValidationError`` with a French message. Executables and macro-enabled formats are refused
  by name; the content must match the extension (PDF, OpenDocument of the right kind, an OLE2
  compound file with the main stream of a Word, Excel or PowerPoint file); a document carrying
  macros (a VBA project in an OLE2 or OOXML file, ``Basic/`` or ``Scripts/`` in an ODF) is
  refused; the dossier's pieces together stay within ``call.max_dossier_bytes``; a presentation
  over its piece's slide limit is refused (R42).
- ``count_pages(upload, suffix)``: the pages of a PDF, the slides of an ODP, the pages an ODT's
  metadata state; ``None`` when the format cannot say (the page then shows ``PAGES_UNKNOWN``).
- ``limit_warning(piece_kind, pages)``: the warning of a document over its page limit (R40,
  R41), or of a presentation over its slide limit; ``""`` otherwise.

Bounds, since a file is whatever its uploader made it: a ZIP is refused when its parts would
uncompress beyond ``maillage.extraction.MAX_UNCOMPRESSED_BYTES``; XML is read by expat with
no DOCTYPE allowed; PDFium runs under ``maillage.extraction.pdfium_lock``.
"""

import io
import struct
import zipfile
from typing import NamedTuple
from xml.parsers import expat

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from calls.models import DEFAULT_FORMATS
from maillage.extraction import MAX_UNCOMPRESSED_BYTES, pdfium_lock
from maillage.text import strip_bidi
from maillage.uploads import check_file

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Extension -> the first bytes its content must start with (``maillage.uploads.check_file``).
SIGNATURES = {
    "pdf": (PDF_MAGIC,),
    "odt": (ZIP_MAGIC,),
    "ods": (ZIP_MAGIC,),
    "odp": (ZIP_MAGIC,),
    "doc": (OLE2_MAGIC,),
    "xls": (OLE2_MAGIC,),
    "ppt": (OLE2_MAGIC,),
    "docx": (ZIP_MAGIC,),
    "xlsx": (ZIP_MAGIC,),
    "pptx": (ZIP_MAGIC,),
}

# An OpenDocument's ``mimetype`` entry, by extension.
ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
# The content type of an OOXML file's main part, by extension (the macro-enabled ones differ).
OOXML_MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# The stream a binary Office file always has, by extension (Excel 5/95 names it « Book »).
OLE2_MAIN_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}
# The storages and stream of a VBA project in a compound file (Word: « Macros », Excel:
# « _VBA_PROJECT_CUR », both holding « VBA » and its « _VBA_PROJECT » stream).
OLE2_VBA_NAMES = ("_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA", "Macros")
# PowerPoint keeps its VBA project inside its main stream, announced by a VBAInfoContainer
# record header followed by its VBAInfoAtom ([MS-PPT] RT_VbaInfo 0x03FF, RT_VbaInfoAtom 0x0400).
PPT_VBA_INFO = b"\x0f\x00\xff\x03\x14\x00\x00\x00\x02\x00\x00\x04\x0c\x00\x00\x00"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "odt": ODF_MIMETYPES["odt"],
    "ods": ODF_MIMETYPES["ods"],
    "odp": ODF_MIMETYPES["odp"],
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FORMAT_LABELS = {
    "pdf": "Document PDF",
    "odt": "Texte OpenDocument",
    "ods": "Classeur OpenDocument",
    "odp": "Présentation OpenDocument",
    "doc": "Document Word 97-2010",
    "xls": "Classeur Excel 97-2010",
    "ppt": "Présentation PowerPoint 97-2010",
    "docx": "Document Word",
    "xlsx": "Classeur Excel",
    "pptx": "Présentation PowerPoint",
}

# Refused by name whatever a call accepts: programs, scripts, installers, shortcuts, and the
# macro-enabled Office formats.
MACRO_SUFFIXES = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppsm", "ppam", "sldm"}
)
EXECUTABLE_SUFFIXES = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "sys", "drv",
        "js", "jse", "vbs", "vbe", "vba", "wsf", "wsh", "ps1", "psm1", "hta", "jar", "lnk",
        "reg", "inf", "sh", "bash", "run", "bin", "elf", "app", "apk", "dmg", "pkg", "deb",
        "rpm", "py", "pl", "php", "gadget", "application", "appx", "msix",
    }
)  # fmt: skip
FORBIDDEN_SUFFIXES = MACRO_SUFFIXES | EXECUTABLE_SUFFIXES

# The XML read to count pages or slides: no more than this, uncompressed.
MAX_XML_BYTES = 50 * 1024 * 1024

DRAW_PAGE = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0 page"
META_STATISTIC = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0 document-statistic"
META_PAGE_COUNT = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0 page-count"

# What the page shows when ``count_pages`` could not tell.
PAGES_UNKNOWN = "nombre de pages non vérifiable"


class Checked(NamedTuple):
    """A piece's file that may be stored: its cleaned name, its content type (from the checked
    format), its size in bytes, its pages (slides for a presentation; ``None`` when the format
    cannot say) and the French label of its format (« Document PDF »)."""

    name: str
    content_type: str
    size: int
    pages: int | None
    kind_label: str


class _Unreadable(Exception):
    pass


def size_label(size):
    """A size in French, in binary units as the limits are set: « 10 Mo », « 10,5 Mo »,
    « 700 ko », « 12 octets »."""
    if size >= 1024 * 1024:
        value = f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
        return f"{value} Mo"
    if size >= 1024:
        return f"{round(size / 1024)} ko"
    return f"{size} octet" if size < 2 else f"{size} octets"


def accepted_formats(call):
    """The extensions ``call`` accepts (its own list, else the platform's default), without
    those refused whatever the call says, and only those whose content can be checked."""
    formats = call.accepted_formats or DEFAULT_FORMATS
    suffixes = (str(suffix).strip().lstrip(".").lower() for suffix in formats)
    return [s for s in dict.fromkeys(suffixes) if s in SIGNATURES and s not in FORBIDDEN_SUFFIXES]


def _suffix(name):
    name = strip_bidi((name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""


def _error(message, code):
    return ValidationError(message, code=code)


def _mismatch(suffix):
    return _error(
        _("Le contenu du fichier ne correspond pas à son extension « .%(suffix)s ».")
        % {"suffix": suffix},
        "invalid_file",
    )


def _unreadable():
    return _error(
        _("Ce fichier ne peut pas être lu : il est endommagé ou protégé par un mot de passe."),
        "unreadable",
    )


def _macros():
    return _error(
        _(
            "Ce document contient des macros. Les fichiers exécutables et les documents à "
            "macros sont refusés : enregistrez-le sans macros (par exemple en PDF) puis "
            "déposez-le à nouveau."
        ),
        "macros",
    )


def _read(upload):
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip(data):
    """The ZIP archive of ``data``; _Unreadable when it is not one or would uncompress too
    large (a ZIP bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _Unreadable("not a ZIP archive") from error
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _Unreadable("the archive uncompresses too large")
    return archive


def _scan_xml(archive, part, on_start):
    """Stream the XML ``part`` of ``archive`` through expat, calling ``on_start(name, attrs)``
    (names as « namespace local »); _Unreadable when it is missing, too large, declares a
    DOCTYPE or is not well formed."""
    try:
        info = archive.getinfo(part)
    except KeyError as error:
        raise _Unreadable(f"no {part}") from error
    if info.file_size > MAX_XML_BYTES:
        raise _Unreadable(f"{part} is too large")

    def no_doctype(*args):
        raise _Unreadable("a DOCTYPE")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = on_start
    try:
        with archive.open(info) as handle:
            parser.ParseFile(handle)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _Unreadable(f"{part} is not readable") from error


def _odp_slides(archive):
    count = 0

    def on_start(name, attrs):
        nonlocal count
        if name == DRAW_PAGE:
            count += 1

    _scan_xml(archive, "content.xml", on_start)
    return count


def _odt_pages(archive):
    pages = []

    def on_start(name, attrs):
        if name == META_STATISTIC and attrs.get(META_PAGE_COUNT, "").strip().isdigit():
            pages.append(int(attrs[META_PAGE_COUNT]))

    _scan_xml(archive, "meta.xml", on_start)
    return pages[0] if pages else None


def _pdf_pages(data):
    try:
        with pdfium_lock:
            document = pdfium.PdfDocument(data)
            try:
                return len(document)
            finally:
                document.close()
    except Exception as error:  # PDFium's errors: damaged, encrypted, not a PDF
        raise _Unreadable("PDFium cannot open it") from error


def _pages(data, suffix):
    """The pages (slides) ``data`` states, or None; _Unreadable when it cannot be read."""
    if suffix == "pdf":
        return _pdf_pages(data)
    if suffix == "odp":
        return _odp_slides(_zip(data))
    if suffix == "odt":
        try:
            return _odt_pages(_zip(data))
        except _Unreadable:
            # The content was checked on its own: metadata that cannot be read say nothing.
            return None
    return None


def count_pages(upload, suffix):
    """The pages of a PDF, the slides of an ODP, the pages an ODT's metadata state
    (``meta:document-statistic/@meta:page-count``); ``None`` for any other format (the binary
    .doc, .xls and .ppt among them) and for a file that cannot be read."""
    suffix = suffix.lstrip(".").lower()
    try:
        return _pages(_read(upload), suffix)
    except _Unreadable:
        return None


def _check_odf(data, suffix):
    archive = _zip(data)
    try:
        mimetype = archive.read("mimetype").decode("ascii", errors="replace").strip()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        mimetype = ""
    if mimetype != ODF_MIMETYPES[suffix]:
        raise _mismatch(suffix)
    if any(name.split("/", 1)[0] in ("Basic", "Scripts") for name in archive.namelist()):
        raise _macros()


def _check_ooxml(data, suffix):
    archive = _zip(data)
    names = archive.namelist()
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        raise _macros()
    try:
        types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        types = b""
    if b"macroEnabled" in types:
        raise _macros()
    if OOXML_MAIN_TYPES[suffix].encode() not in types:
        raise _mismatch(suffix)


def _ole2_has(data, names, kinds=(1, 2)):
    """Whether the compound file ``data`` has a directory entry named one of ``names`` (of a
    type in ``kinds``: 1 storage, 2 stream). Directory entries are 128 bytes, at offsets that
    are multiples of 128 after the 512-byte header, starting with the UTF-16-LE name, its
    length (terminator included) at byte 64 and its type at byte 66."""
    for name in names:
        needle = name.encode("utf-16-le") + b"\x00\x00"
        length = struct.pack("<H", len(needle))
        position = data.find(needle, 512)
        while position != -1:
            if (
                position % 128 == 0
                and data[position + 64 : position + 66] == length
                and data[position + 66 : position + 67] in tuple(bytes([k]) for k in kinds)
            ):
                return True
            position = data.find(needle, position + 1)
    return False


def _check_ole2(data, suffix):
    if not _ole2_has(data, OLE2_MAIN_STREAMS[suffix], kinds=(2,)):
        raise _mismatch(suffix)
    if _ole2_has(data, OLE2_VBA_NAMES) or (suffix == "ppt" and PPT_VBA_INFO in data):
        raise _macros()


def _check_content(data, suffix):
    """Refuse content that is not what ``suffix`` says, or that carries macros."""
    try:
        if suffix in ODF_MIMETYPES:
            _check_odf(data, suffix)
        elif suffix in OOXML_MAIN_TYPES:
            _check_ooxml(data, suffix)
        elif suffix in OLE2_MAIN_STREAMS:
            _check_ole2(data, suffix)
    except _Unreadable:
        raise _unreadable() from None


def check_piece(upload, *, call, dossier_bytes, piece_kind=None):
    """The ``Checked`` file of a piece ``upload``ed to a dossier of ``call`` whose pieces
    already stored weigh ``dossier_bytes`` (the caller leaves out a piece this one replaces);
    else ``ValidationError`` with a French message, in this order:

    - an executable or a macro-enabled format, by its extension (code ``forbidden_file``);
    - the dossier over ``call.max_dossier_bytes`` with this file (``too_large``);
    - an extension the call does not accept, an empty file, or content that does not start as
      the extension says (``maillage.uploads.check_file``: ``invalid_file``);
    - an OpenDocument of another kind, a compound file without the main stream of a Word,
      Excel or PowerPoint file (``invalid_file``); a damaged or password-protected file
      (``unreadable``); a document with macros (``macros``);
    - with ``piece_kind``: more slides than its ``max_slides`` (``too_many_slides``, R42). Its
      page limit is only a warning: ``limit_warning(piece_kind, checked.pages)``.
    """
    if _suffix(upload.name) in FORBIDDEN_SUFFIXES:
        raise _error(
            _("Les fichiers exécutables et les documents à macros sont refusés."), "forbidden_file"
        )
    limit = call.max_dossier_bytes
    if dossier_bytes + upload.size > limit:
        raise _error(
            _(
                "Les pièces du dossier dépasseraient %(limit)s (%(stored)s déjà déposés et "
                "%(size)s pour ce fichier). Pour un dossier plus lourd, demandez une "
                "dérogation aux gestionnaires de l'appel."
            )
            % {
                "limit": size_label(limit),
                "stored": size_label(dossier_bytes),
                "size": size_label(upload.size),
            },
            "too_large",
        )
    types = {suffix: SIGNATURES[suffix] for suffix in accepted_formats(call)}
    name, content_type = check_file(upload, types=types, max_bytes=limit)
    suffix = _suffix(name)
    data = _read(upload)
    _check_content(data, suffix)
    try:
        pages = _pages(data, suffix)
    except _Unreadable:
        raise _unreadable() from None
    if piece_kind is not None and piece_kind.max_slides and pages and pages > piece_kind.max_slides:
        raise _error(
            _(
                "« %(piece)s » compte %(pages)s diapositives : %(max)s au plus sont acceptées. "
                "Réduisez la présentation puis déposez-la à nouveau."
            )
            % {"piece": piece_kind.label, "pages": pages, "max": piece_kind.max_slides},
            "too_many_slides",
        )
    return Checked(
        name,
        CONTENT_TYPES.get(suffix, content_type),
        upload.size,
        pages,
        FORMAT_LABELS.get(suffix, suffix.upper()),
    )


def limit_warning(piece_kind, pages):
    """The French warning for a piece of ``piece_kind`` with ``pages`` pages (slides for a
    presentation) over its limit — « 21 pages : 20 au plus » —, else ``""`` (no limit, within
    it, or pages unknown: the page then shows ``PAGES_UNKNOWN``)."""
    if piece_kind is None or pages is None:
        return ""
    if piece_kind.max_slides and pages > piece_kind.max_slides:
        return _(
            "Cette présentation compte %(pages)s diapositives : « %(piece)s » en accepte "
            "%(max)s au plus."
        ) % {"pages": pages, "piece": piece_kind.label, "max": piece_kind.max_slides}
    if piece_kind.max_pages and pages > piece_kind.max_pages:
        return _(
            "Ce document compte %(pages)s pages : « %(piece)s » en demande %(max)s au plus."
        ) % {"pages": pages, "piece": piece_kind.label, "max": piece_kind.max_pages}
    return ""
