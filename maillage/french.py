"""French the platform writes around names, dates and durations, in one place.

- ``de(name)``: « de Jean Dupont », but « d'Élodie Robert » (elision before a vowel sound);
  ``de_prefix(name)`` the « de » / « d' » alone;
- ``long_date(value)``: « 6 décembre 2026 » (« 1er décembre 2026 »), the one date format of the
  platform; ``long_datetime(value)``: « 6 décembre 2026 à 14 h 05 »;
- ``ago(value)``: « à l'instant » under a minute, else « il y a 5 minutes », never « il y a
  0 minute ».

Templates reach them as filters (``maillage_tags``: ``|de``, ``|de_prefix``, ``|long_date``, ``|long_datetime``,
``|ago``); e-mail subjects and notification summaries call them directly.
"""

import datetime

from django.utils import timezone
from django.utils.timesince import timesince

VOWELS = frozenset("AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")


def elides(word):
    """Whether French elides « de » / « le » before ``word``: a vowel sound at its start.

    A vowel elides (Élodie, Anne, Œdipe); Y does before a consonant (Yves, Ysaline) and not
    before a vowel, where it is heard as a consonant (Yann, Yolande); H elides before a vowel,
    as the first names in use are « h muet » (Hélène, Hugo, Hervé)."""
    word = word.lstrip("«“\"' ").upper()
    if not word:
        return False
    first, second = word[0], word[1:2]
    if first in VOWELS:
        return True
    if first == "Y":
        return second.isalpha() and second not in VOWELS
    if first == "H":
        return second != "" and second in VOWELS
    return False


def de(name):
    """« de » followed by ``name``, elided before a vowel sound: « d'Élodie », « de Jean »."""
    name = str(name)
    return f"d'{name}" if elides(name) else f"de {name}"


def de_prefix(name):
    """Only the « d' » or « de » of ``de(name)``, for a name set apart by markup
    (« Message d'<a>Élodie Robert</a> »)."""
    return "d'" if elides(str(name)) else "de "


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


# The platform speaks French only; a table is many times faster than the translated « F » of
# ``dateformat`` on pages that print a date per row (a topic's 20 posts, a history).
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _day_month_year(value):
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def long_date(value):
    """« 6 décembre 2026 », « 1er décembre 2026 »; '' for None."""
    if value in (None, ""):
        return ""
    return _day_month_year(_local(value))


def long_datetime(value):
    """« 6 décembre 2026 à 14 h 05 » in the platform's time zone; '' for None."""
    if value in (None, ""):
        return ""
    value = _local(value)
    return f"{_day_month_year(value)} à {value.hour} h {value.minute:02d}"


def ago(value, now=None):
    """« à l'instant » under a minute (and for a date a little ahead, a clock's drift), else
    « il y a » and Django's French duration: « il y a 5 minutes », « il y a 2 jours »."""
    if value in (None, ""):
        return ""
    now = now or timezone.now()
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day, tzinfo=now.tzinfo)
    if (now - value).total_seconds() < 60:
        return "à l'instant"
    return f"il y a {timesince(value, now)}"
