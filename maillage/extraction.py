"""The text of an uploaded file, for the search over everything: ODT, ODS and ODP (odfdo), PDF
(pypdfium2), DOCX (python-docx), and plain text (TXT, CSV, Markdown). The library's files
(``documents.tasks``) and the wiki's attachments (``wiki.search``) are read with it: it sits on
the floor so that neither tool imports the other.

``extract_text(file, name=…)`` never raises on a bad file: a corrupt, hostile or
password-protected file gives the status ``UNREADABLE`` (« illisible ») and no text. The text is
capped at ``MAX_CHARS`` characters (``truncated`` says so), cleaned of what the database refuses
(NUL and the other control characters, lone surrogates).

Bounds, since a file is whatever its uploader made it: the files are already limited in size
(``DOCUMENTS_MAX_FILE_BYTES``); a ZIP container (ODF, DOCX) is refused when its parts would
uncompress beyond ``MAX_UNCOMPRESSED_BYTES`` (a ZIP bomb) or its XML declares a DOCTYPE (entity
expansion: neither format has one); a PDF is read page by page, at most ``MAX_PDF_PAGES``; and
every reader stops, keeping what it has, once ``MAX_CHARS`` are reached or ``TIME_BUDGET``
seconds have passed (checked between paragraphs and pages: one step is bounded by the sizes
above). It runs in background tasks (``documents.tasks``, the search's indexing), never in a
request. PDFium is not thread-safe: ``pdfium_lock`` serialises its calls in a process (the
documents' thumbnails take it too).
"""

import io
import logging
import re
import threading
import time
import zipfile
from dataclasses import dataclass

import pypdfium2 as pdfium

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_PDF_PAGES = 2_000
TIME_BUDGET = 30.0

OK = "ok"
EMPTY = "empty"
UNREADABLE = "unreadable"
UNSUPPORTED = "unsupported"

STATUS_LABELS = {
    OK: "texte extrait",
    EMPTY: "aucun texte",
    UNREADABLE: "illisible",
    UNSUPPORTED: "non pris en charge",
}

ODF_SUFFIXES = {"odt", "ods", "odp", "ott", "ots", "otp"}
DOCX_SUFFIXES = {"docx", "dotx"}
PLAIN_SUFFIXES = {"txt", "csv", "md"}

pdfium_lock = threading.Lock()

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Extraction:
    """What a file's text came to: ``status`` (``OK``, ``EMPTY``, ``UNREADABLE``,
    ``UNSUPPORTED``), the ``text`` (empty unless ``OK``) and whether it was cut short."""

    status: str
    text: str = ""
    truncated: bool = False

    @property
    def label(self):
        return STATUS_LABELS[self.status]


class _Unreadable(Exception):
    pass


class _Collector:
    """Gathers pieces of text until the cap or the deadline."""

    def __init__(self, *, max_chars, budget):
        self.pieces = []
        self.size = 0
        self.max_chars = max_chars
        self.deadline = time.monotonic() + budget
        self.truncated = False

    def add(self, piece):
        """Keep ``piece``; False once nothing more should be read."""
        if self.full:
            return False
        piece = _CONTROL.sub(" ", piece or "").strip()
        if piece:
            room = self.max_chars - self.size
            if len(piece) > room:
                piece = piece[:room]
                self.truncated = True
            self.pieces.append(piece)
            self.size += len(piece) + 1
        if self.size >= self.max_chars:
            self.truncated = True
        elif time.monotonic() > self.deadline:
            logger.info("extraction: text extraction stopped at its time budget")
            self.truncated = True
        return not self.full

    @property
    def full(self):
        return self.truncated

    def result(self):
        text = _BLANK_LINES.sub("\n\n", "\n".join(self.pieces))[: self.max_chars].strip()
        if not text:
            return Extraction(EMPTY)
        return Extraction(OK, text, self.truncated)


def is_pdf(head):
    """Whether a file's first bytes are a PDF's."""
    return head.startswith(b"%PDF")


def kind_of(name):
    """``"odf"``, ``"pdf"``, ``"docx"``, ``"plain"`` or ``None`` from a file name's suffix."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    if suffix in ODF_SUFFIXES:
        return "odf"
    if suffix == "pdf":
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in PLAIN_SUFFIXES:
        return "plain"
    return None


def extract_text(file, *, name, max_chars=MAX_CHARS, budget=TIME_BUDGET):
    """The ``Extraction`` of ``file`` (a seekable binary file object) named ``name``."""
    kind = kind_of(name)
    if kind is None:
        return Extraction(UNSUPPORTED)
    collector = _Collector(max_chars=max_chars, budget=budget)
    reader = {"odf": _odf, "pdf": _pdf, "docx": _docx, "plain": _plain}[kind]
    try:
        file.seek(0)
        reader(file, collector)
    except Exception:
        # A corrupt or hostile file may raise anything from a parser: it is « illisible ».
        logger.info("extraction: unreadable %s file", kind, exc_info=True)
        return Extraction(UNREADABLE)
    return collector.result()


def _check_zip(file, xml_parts):
    """Refuse a ZIP that uncompresses too large, or whose XML parts declare a DOCTYPE."""
    with zipfile.ZipFile(file) as archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise _Unreadable("the archive uncompresses too large")
        names = {info.filename for info in infos}
        for part in xml_parts:
            if part in names:
                with archive.open(part) as handle:
                    # The prolog comes first; a DOCTYPE after a long comment is still caught
                    # by the parsers' own refusal of entities (python-docx) or libxml2's
                    # amplification limit (odfdo).
                    if b"<!DOCTYPE" in handle.read(4096).upper():
                        raise _Unreadable("an XML part declares a DOCTYPE")
    file.seek(0)


def _odf(file, collector):
    from odfdo import Document

    _check_zip(file, ("content.xml", "styles.xml", "meta.xml"))
    # odfdo opens a path or a BytesIO, not a storage's file object.
    document = Document(io.BytesIO(file.read()))
    body = document.body
    if body is None:
        raise _Unreadable("no body")
    # Paragraphs and headings in document order: an ODT's text, an ODS's cells, an ODP's frames.
    # Nested ones (a note inside a paragraph) are inside their outer paragraph's text.
    for element in body.xpath(
        "(.//text:p|.//text:h)[not(ancestor::text:p) and not(ancestor::text:h)]"
    ):
        if not collector.add(element.text_recursive):
            break


def _docx(file, collector):
    import docx
    from docx.oxml.ns import qn

    _check_zip(file, ("word/document.xml",))
    document = docx.Document(file)
    paragraph, text = qn("w:p"), qn("w:t")
    # Every paragraph of the body in order, those of the tables' cells included.
    for element in document.element.body.iter(paragraph):
        pieces = [node.text or "" for node in element.iter(text) if node.text]
        if not collector.add("".join(pieces)):
            break


def _pdf(file, collector):
    data = file.read()
    if not is_pdf(data[:8]):
        raise _Unreadable("not a PDF")
    with pdfium_lock:
        document = pdfium.PdfDocument(data)
        try:
            for index in range(min(len(document), MAX_PDF_PAGES)):
                page = document[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        more = collector.add(textpage.get_text_bounded().replace("\r\n", "\n"))
                    finally:
                        textpage.close()
                finally:
                    page.close()
                if not more:
                    break
            else:
                if len(document) > MAX_PDF_PAGES:
                    collector.truncated = True
        finally:
            document.close()


def _plain(file, collector):
    # Up to four bytes a character: read no more than the cap can hold.
    data = file.read(collector.max_chars * 4 + 4)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut by the cap at the end is dropped; anything else is the Windows
        # encoding that French spreadsheets often export.
        if error.start >= len(data) - 3:
            text = data[: error.start].decode("utf-8", errors="replace")
        else:
            text = data.decode("cp1252", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    for line in text.splitlines():
        if not collector.add(line):
            break
