"""Thumbnails of the pictures attached to messages: made by the server with Pillow when the
message is sent (before the room's row is locked), a JPEG fitted in a THUMBNAIL_SIZE square,
stored next to the file and served by the attachment's view (``?miniature=1``) after the same
permission check. A file that is not a picture Pillow can read in bounds gets none: the
message keeps its file link, the send never fails for it."""

import io
import logging

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from maillage.uploads import ACCEPTED_IMAGE_FORMATS, MAX_IMAGE_PIXELS

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 320
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def make_thumbnail(upload, content_type):
    """``(ContentFile, width, height)`` of the thumbnail of an uploaded picture, or None for
    anything else (another type, a corrupt file, too many pixels)."""
    if content_type not in IMAGE_TYPES:
        return None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            # The header alone tells the size: a decompression bomb is never decoded.
            if image.format not in ACCEPTED_IMAGE_FORMATS:
                return None
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG: decode at a scale
            picture = ImageOps.exif_transpose(image)
            if picture.mode in ("RGBA", "LA", "PA") or (
                picture.mode == "P" and "transparency" in picture.info
            ):
                # Transparent parts on white, not on whatever colour they happen to hold.
                rgba = picture.convert("RGBA")
                picture = Image.new("RGB", rgba.size, (255, 255, 255))
                picture.paste(rgba, mask=rgba.getchannel("A"))
            else:
                picture = picture.convert("RGB")
            picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=82, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, MemoryError):
        # Pillow's ways of saying the bytes are not the picture they claim to be.
        logger.info("no thumbnail for an attachment that Pillow cannot read")
        return None
    finally:
        upload.seek(0)
    width, height = picture.size
    return ContentFile(buffer.getvalue(), name="miniature.jpg"), width, height
