"""The time rules of a deposit (R48, R49; spec §3.5 « Electronic deposit »).

- A wave closes at 17:00 Europe/Paris on its closing day (``deadline_at``); the platform's
  clock decides (``deposit_open``): a deposit stamped 17:00:00 is accepted, 17:00:01 refused.
  The instant is the one of the wall clock in Paris, summer or winter time alike.
- A piece signed with a scanned signature needs its paper originals within 10 working days of
  the closing day (``calls.models.PAPER_ORIGINALS_WORKING_DAYS``), weekends and French public
  holidays excluded (``holidays.France``, metropolitan): ``originals_due``; ``originals_late``
  is the alert, from the day after the due date.
"""

import calendar
import datetime
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from calls.models import PAPER_ORIGINALS_WORKING_DAYS, Dossier
from maillage.french import long_date

PARIS = ZoneInfo("Europe/Paris")
DEADLINE_HOUR = 17

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def add_months(day, months):
    """``day`` moved by ``months`` calendar months, on the last day of the month when
    ``day.day`` does not exist in it (31 January + 1 month: 28 or 29 February). The follow-up's
    due dates, reviews and retention periods all count months this way."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline_at(day, hour=DEADLINE_HOUR):
    """The instant ``hour``:00:00 Paris time on the date ``day``, as an aware datetime in
    Europe/Paris (15:00 UTC in summer time, 16:00 UTC in winter time for 17:00)."""
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def deposit_open(wave, now=None):
    """Whether a deposit stamped ``now`` (the platform's clock: ``timezone.now()`` by default)
    is on time for ``wave``. The stamp counts in whole seconds, as it is shown: up to 17:00:00
    (and its fraction) inclusive, never from 17:00:01."""
    now = timezone.now() if now is None else now
    return now.replace(microsecond=0) <= wave.deadline


def closing_day(wave):
    """The date, in Paris, on which ``wave`` closes."""
    return wave.deadline.astimezone(PARIS).date()


def french_datetime(value):
    """« lundi 17 octobre 2016 à 17 h 00 », in Paris time; "" for None."""
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return (
        f"{WEEKDAYS[local.weekday()]} {long_date(local.date())} à {local.hour} h {local.minute:02d}"
    )


def refusal_message(wave):
    """The French message of a deposit refused after ``wave``'s deadline."""
    return (
        f"La clôture de la vague {wave.number} était fixée au {french_datetime(wave.deadline)} "
        "(heure de Paris) : le dépôt n'est plus possible."
    )


def is_working_day(day):
    """Whether ``day`` is worked: Monday to Friday and not a French public holiday."""
    return day.weekday() < 5 and day not in holidays.France(years=day.year)


def working_days_after(day, n):
    """The date ``n`` working days after ``day`` (``day`` itself not counted; weekends and
    French public holidays skipped). ``n`` = 0 gives ``day``."""
    if n < 0:
        raise ValueError("n must not be negative")
    # Expands to the years it is asked about.
    calendar = holidays.France(years=day.year)
    current = day
    while n:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in calendar:
            n -= 1
    return current


def originals_due(wave):
    """The last day the paper originals of ``wave``'s dossiers may arrive: 10 working days
    after its closing day."""
    return working_days_after(closing_day(wave), PAPER_ORIGINALS_WORKING_DAYS)


def originals_late(piece, wave, today=None):
    """Whether the alert for ``piece`` fires on ``today`` (the Paris date by default): it
    carries a scanned signature, its originals have not been received, and the due date is
    past (the alert fires on the day after the 10th working day)."""
    today = timezone.localdate(timezone=PARIS) if today is None else today
    return (
        piece.signature == Dossier.Signature.SCANNED
        and piece.originals_received_on is None
        and today > originals_due(wave)
    )


def originals_arrived_late(piece, wave):
    """Whether ``piece``'s paper originals were received after the due date (they are then
    returned unexamined, spec §3.5)."""
    return (
        piece.signature == Dossier.Signature.SCANNED
        and piece.originals_received_on is not None
        and piece.originals_received_on > originals_due(wave)
    )
