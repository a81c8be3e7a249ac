"""Pictures of the library's files: the thumbnail (320 px wide) of an image or of a PDF's first
page, and the larger renditions the inline preview shows.

Every picture that leaves this module is re-encoded by Pillow as WebP: only pixels, whatever the
uploaded file carried (scripts in an SVG, HTML behind an image's name, EXIF data). Sources are
recognised by their content, never by their name: Pillow opens only JPEG, PNG, WebP and GIF, and
a PDF must start with ``%PDF``; anything else (an SVG, an HTML page named ``.png``) gets no
picture.

Bounds: an image over ``MAX_SOURCE_PIXELS`` is refused before it is decoded (decompression
bombs), JPEGs are decoded at the reduced scale they are shown at, and a PDF page is rendered
directly at the size of its rendition (never more than ``MAX_RENDITION_PIXELS``). PDFium is not
thread-safe: one lock serialises its calls in a process.

Nothing here raises on a bad file: the functions answer ``None`` (logged) and the caller shows
the file's icon instead.
"""

import io
import logging

import pypdfium2 as pdfium
from PIL import Image, ImageOps

# One lock for PDFium in the process, shared with the text extraction.
from maillage.extraction import is_pdf, pdfium_lock  # noqa: F401

logger = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 320
# A tall page or a panorama is fitted in, not stretched into a 320 × 10,000 strip.
THUMBNAIL_MAX_HEIGHT = 480
CONTENT_TYPE = "image/webp"
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Refused before decoding: a 40-megapixel photo decodes to 160 MB; a 50,000 × 50,000 PNG of a
# few kilobytes would need 10 GB.
MAX_SOURCE_PIXELS = 40_000_000
MAX_RENDITION_PIXELS = 4_000_000


def is_picture(head):
    """Whether a file's first 12 bytes are those of a JPEG, PNG, GIF or WebP picture (the formats
    Pillow opens here): anything else (a CSV, a text, an office file) is not tried as one."""
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )


def thumbnail(file):
    """The WebP bytes of the thumbnail of ``file`` (a binary file object: an image or a PDF,
    recognised by its content), or ``None`` when it has none (another type, unreadable, too
    large, protected by a password)."""
    return rendition(file, width=THUMBNAIL_WIDTH, max_height=THUMBNAIL_MAX_HEIGHT)


def rendition(file, *, width, max_height, page=0):
    """The WebP bytes of ``file`` (an image, or page ``page`` of a PDF, counted from 0) fitted in
    ``width`` × ``max_height`` (an image is never enlarged), or ``None``."""
    try:
        file.seek(0)
        head = file.read(12)
        file.seek(0)
        if is_pdf(head):
            image = _pdf_page_image(file, page=page, width=width, max_height=max_height)
        elif page == 0 and is_picture(head):
            image = _image(file, width=width, max_height=max_height)
        else:
            image = None
        if image is None:
            return None
        return _encode(image)
    except Exception:
        # A corrupt or hostile file may raise anything from a decoder: it gets no picture.
        logger.info("documents: no picture for a file", exc_info=True)
        return None


def pdf_page_count(file):
    """The number of pages of a PDF ``file``, or 0 when it is not a readable PDF."""
    try:
        file.seek(0)
        if not is_pdf(file.read(8)):
            return 0
        file.seek(0)
        with pdfium_lock:
            document = pdfium.PdfDocument(file.read())
            try:
                return len(document)
            finally:
                document.close()
    except Exception:
        logger.info("documents: unreadable PDF", exc_info=True)
        return 0


def _image(file, *, width, max_height):
    with Image.open(file, formats=IMAGE_FORMATS) as source:
        if source.width * source.height > MAX_SOURCE_PIXELS:
            logger.info("documents: image of %s × %s refused", source.width, source.height)
            return None
        # JPEG: decode at the smallest scale still larger than the rendition (1/2, 1/4, 1/8).
        source.draft("RGB", (width, max_height))
        image = ImageOps.exif_transpose(source)
        image.thumbnail((width, max_height))
        return _flatten(image)


def _pdf_page_image(file, *, page, width, max_height):
    data = file.read()
    with pdfium_lock:
        document = pdfium.PdfDocument(data)
        try:
            if not 0 <= page < len(document):
                return None
            pdf_page = document[page]
            try:
                page_width, page_height = pdf_page.get_size()
                if page_width <= 0 or page_height <= 0:
                    return None
                scale = min(width / page_width, max_height / page_height)
                if page_width * page_height * scale * scale > MAX_RENDITION_PIXELS:
                    return None
                bitmap = pdf_page.render(scale=scale)
                try:
                    image = bitmap.to_pil().copy()
                finally:
                    bitmap.close()
            finally:
                pdf_page.close()
        finally:
            document.close()
    return _flatten(image)


def _flatten(image):
    """RGB, or RGBA when the picture has transparency (WebP keeps it)."""
    if image.mode in ("RGB", "RGBA"):
        return image
    if image.mode in ("P", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _encode(image):
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=80, method=4)
    return buffer.getvalue()
