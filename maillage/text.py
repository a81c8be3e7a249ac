"""What text the platform accepts, from a form, a query string or a WebSocket frame.

Every text input is checked at the edge (``maillage.middleware.InputGuardMiddleware`` for HTTP,
``maillage.realtime.consumer.PlatformConsumer`` for frames) and again by the services that write
it:

- control characters other than tab, line feed and carriage return (NUL first: PostgreSQL
  refuses it in text, SQLite stores it silently) are refused;
- lone surrogates (``"\\ud800"``, which JSON can carry but UTF-8 cannot encode) are refused:
  neither database can store them;
- bidirectional controls (right-to-left override and the like) are accepted in running text,
  where ``escape_bidi`` makes them visible, and stripped from names (``strip_bidi``): a file
  named ``"facture\\u202efdp.exe"`` would display as « facture.exe…pdf ».
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
# Marks and embeddings, overrides, isolates (Unicode's Bidi_Control property).
BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def invalid_text_reason(value):
    """A French sentence saying why ``value`` cannot be accepted, or None when it can."""
    if CONTROL.search(value):
        if "\x00" in value:
            return _("un caractère nul")
        return _("un caractère de contrôle")
    if SURROGATE.search(value):
        return _("un texte mal encodé (demi-caractère UTF-16 isolé)")
    return None


def check_text(value, *, field=None):
    """Raise ValidationError with a French message when ``value`` holds a character that no
    text of the platform may hold."""
    reason = invalid_text_reason(value)
    if reason is None:
        return value
    if field:
        message = _("« %(field)s » contient %(reason)s : retirez-le puis envoyez à nouveau.") % {
            "field": field,
            "reason": reason,
        }
    else:
        message = _("Le texte contient %(reason)s : retirez-le puis envoyez à nouveau.") % {
            "reason": reason
        }
    raise ValidationError(message, code="invalid_characters")


def strip_bidi(value):
    """A name (of a person, a community, a file…) without bidirectional controls."""
    return BIDI.sub("", value) if value else value


def escape_bidi(value):
    """Running text with its bidirectional controls shown as their code point (« ⟨U+202E⟩ »)
    instead of reordering what follows them. Safe on HTML: the replacement holds no markup."""
    if not value:
        return value
    return BIDI.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", value)
