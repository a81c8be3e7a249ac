"""Uploaded files, for every app: the checks a file goes through (``check_file``: size, type by
extension and by content, a name without bidirectional controls), pictures (``check_image_upload``,
``reencode_jpeg``: Pillow re-encodes, dropping whatever is not pixels), and the one way a stored
file goes back to a browser (``protected_download``: after the caller's permission check, as an
attachment, never sniffed, never run as a page, never kept in a shared cache).

This module imports no app.
"""

import io
import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from maillage.text import strip_bidi

ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_PIXELS = 40_000_000
# Pillow refuses to decode anything larger (decompression bombs).
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS * 2


def check_image_upload(upload, *, subject):
    """Refuse, with a French message naming ``subject`` (« La photo », « L'image »), a file that is
    too heavy, not a JPEG/PNG/WebP/GIF picture, or too many pixels. ``upload`` comes from a
    Django ImageField, which has already decoded it into ``upload.image``."""
    if upload.size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(subject)s pèse %(size)s : la taille maximale est de %(max)s.")
            % {
                "subject": subject,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.PHOTO_MAX_UPLOAD_BYTES),
            },
            code="too_large",
        )
    image = getattr(upload, "image", None)
    if image is None or image.format not in ACCEPTED_IMAGE_FORMATS:
        raise ValidationError(
            _("Ce fichier n'est pas une image JPEG, PNG ou WebP."), code="invalid_type"
        )
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise ValidationError(_("Cette image est trop grande (40 mégapixels au plus)."))


def check_file(upload, *, types=None, max_bytes=None):
    """``(name, content type)`` of an uploaded file that may be stored; else ValidationError
    with a French message (code ``invalid_file``). ``types``: extension -> the first bytes the
    file must start with (None: any text), default ``UPLOAD_TYPES``; ``max_bytes``: default
    ``UPLOAD_MAX_BYTES``. The name keeps no path and no bidirectional control (« facture‮fdp.exe »
    would display as another name)."""
    types = settings.UPLOAD_TYPES if types is None else types
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size <= 0:
        raise ValidationError(_("Le fichier joint est vide."), code="invalid_file")
    if upload.size > max_bytes:
        raise ValidationError(
            _("Le fichier pèse %(size)s : la taille maximale est de %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="invalid_file",
        )
    name = strip_bidi((upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:200]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in types:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"types": ", ".join(sorted(types))},
            code="invalid_file",
        )
    head = upload.read(8)
    upload.seek(0)
    signature = types[suffix]
    if signature is not None and not any(head.startswith(magic) for magic in signature):
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension « .%(suffix)s ».")
            % {"suffix": suffix},
            code="invalid_file",
        )
    return name, mimetypes.guess_type(name)[0] or "application/octet-stream"


def reencode_jpeg(upload, *, max_dimension, name):
    """The uploaded picture as a JPEG re-encoded by Pillow (EXIF orientation applied, whatever
    else the file carried dropped), fitted in a ``max_dimension`` square."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((max_dimension, max_dimension))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def protected_download(field_file, *, name, content_type):
    """A stored file as a download, for a caller that has checked the viewer may have it: an
    attachment (never shown inline), never sniffed into another type, run in a sandbox with no
    right at all if a browser opened it anyway, and never kept by a shared cache. 404 when the
    file is gone from the storage."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name or "fichier",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
