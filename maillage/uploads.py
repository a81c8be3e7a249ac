"""The checks every uploaded picture goes through (profile photos, community images)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

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
