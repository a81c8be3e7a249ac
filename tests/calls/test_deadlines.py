"""The time rules of a deposit: 17:00:00 Paris time on the closing day, whatever the season
(R48), and the paper originals of a scanned signature within 10 working days (R49). Every
instant is explicit: no clock is read, nothing sleeps."""

import datetime

import pytest

from calls.deadlines import (
    PARIS,
    closing_day,
    deadline_at,
    deposit_open,
    french_datetime,
    is_working_day,
    originals_arrived_late,
    originals_due,
    originals_late,
    refusal_message,
    working_days_after,
)
from calls.models import Dossier, Piece, Wave

UTC = datetime.UTC
date = datetime.date


def paris(year, month, day, hour, minute=0, second=0, microsecond=0):
    return datetime.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=PARIS)


def utc(year, month, day, hour, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def wave_closing(day, number=1):
    return Wave(number=number, deadline=deadline_at(day), envelope_share=50)


# --- The deadline ------------------------------------------------------------------------------


def test_the_deadline_is_17_00_paris_time():
    """``deadline_at`` gives 17:00:00 on the wall clock of Paris that day."""
    deadline = deadline_at(date(2016, 6, 15))
    assert deadline == paris(2016, 6, 15, 17)
    assert deadline.utcoffset() == datetime.timedelta(hours=2)
    assert deadline_at(date(2016, 12, 1), hour=12) == utc(2016, 12, 1, 11)


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (paris(2016, 6, 15, 16, 59, 59), True),
        (paris(2016, 6, 15, 17, 0, 0), True),
        (paris(2016, 6, 15, 17, 0, 0, 999_999), True),
        (paris(2016, 6, 15, 17, 0, 1), False),
        (paris(2016, 6, 16, 9), False),
    ],
)
def test_a_deposit_at_17_00_00_is_on_time_and_at_17_00_01_is_late(now, accepted):
    """The platform's stamp, in whole seconds, decides: up to 17:00:00 inclusive."""
    assert deposit_open(wave_closing(date(2016, 6, 15)), now) is accepted


@pytest.mark.parametrize(
    ("day", "utc_deadline"),
    [
        # The clocks go forward on Sunday 28 March 2027: 17:00 is summer time, UTC+2.
        (date(2027, 3, 28), utc(2027, 3, 28, 15)),
        # They go back on Sunday 31 October 2027: 17:00 is winter time, UTC+1.
        (date(2027, 10, 31), utc(2027, 10, 31, 16)),
    ],
)
def test_the_deadline_follows_the_change_of_time(day, utc_deadline):
    """On the days the clocks change, 17:00 is still the wall clock of Paris: a stamp taken in
    UTC is on time up to that instant and late one second after."""
    wave = wave_closing(day)
    assert wave.deadline == utc_deadline
    assert deposit_open(wave, utc_deadline - datetime.timedelta(seconds=1))
    assert deposit_open(wave, utc_deadline)
    assert not deposit_open(wave, utc_deadline + datetime.timedelta(seconds=1))


def test_a_winter_deadline_is_not_read_as_summer_time():
    """On 31 October 2027 (winter time), 15:30 UTC is 16:30 in Paris: still on time, although
    it is past 17:00 summer time."""
    wave = wave_closing(date(2027, 10, 31))
    assert deposit_open(wave, utc(2027, 10, 31, 15, 30))
    assert not deposit_open(wave, utc(2027, 10, 31, 16, 0, 1))


def test_the_refusal_message():
    """The refusal names the wave and its closing, in French and in Paris time."""
    wave = wave_closing(date(2016, 10, 17))
    assert refusal_message(wave) == (
        "La clôture de la vague 1 était fixée au lundi 17 octobre 2016 à 17 h 00 "
        "(heure de Paris) : le dépôt n'est plus possible."
    )


def test_the_refusal_message_on_the_first_of_the_month_in_winter():
    """« 1er » for the first day, and the Paris hour even when the deadline was stored in
    UTC."""
    wave = Wave(number=2, deadline=utc(2027, 12, 1, 16), envelope_share=50)
    assert refusal_message(wave).startswith(
        "La clôture de la vague 2 était fixée au mercredi 1er décembre 2027 à 17 h 00 "
    )


# --- Working days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "next_working_day", "skipped"),
    [
        (date(2024, 3, 29), date(2024, 4, 2), "Lundi de Pâques (1er avril 2024)"),
        (date(2024, 4, 30), date(2024, 5, 2), "1er mai 2024"),
        (date(2024, 5, 7), date(2024, 5, 10), "8 mai et Ascension (9 mai) 2024"),
        (date(2025, 7, 11), date(2025, 7, 15), "14 juillet 2025, un lundi"),
        (date(2024, 8, 14), date(2024, 8, 16), "15 août 2024"),
        (date(2024, 10, 31), date(2024, 11, 4), "1er novembre 2024, un vendredi"),
        (date(2024, 11, 8), date(2024, 11, 12), "11 novembre 2024, un lundi"),
        (date(2024, 12, 24), date(2024, 12, 26), "25 décembre 2024"),
    ],
)
def test_working_days_skip_french_public_holidays(day, next_working_day, skipped):
    """The working day after ``day`` skips the weekend and the public holiday in between."""
    assert working_days_after(day, 1) == next_working_day, skipped


def test_working_days_across_the_new_year():
    """Ten working days from Friday 20 December 2024: Christmas, the weekends and the 1st of
    January skipped, into the next year."""
    assert working_days_after(date(2024, 12, 20), 10) == date(2025, 1, 7)


def test_zero_working_days_is_the_day_itself():
    """No working day to add gives the day itself; a negative count is an error."""
    assert working_days_after(date(2024, 5, 1), 0) == date(2024, 5, 1)
    with pytest.raises(ValueError):
        working_days_after(date(2024, 5, 1), -1)


def test_is_working_day():
    """A weekday is worked, a weekend day or a public holiday is not."""
    assert is_working_day(date(2024, 5, 2))
    assert not is_working_day(date(2024, 5, 1))
    assert not is_working_day(date(2024, 5, 4))


# --- The paper originals ------------------------------------------------------------------------


def scanned(received_on=None):
    return Piece(signature=Dossier.Signature.SCANNED, originals_received_on=received_on)


def test_originals_are_due_10_working_days_after_the_closing_day():
    """Wave 1 of 2016 closed on Wednesday 15 June: the 10th working day is Wednesday 29 June;
    wave 2 closed on Wednesday 26 October: with 1 November, the 10th is Thursday 10
    November."""
    assert originals_due(wave_closing(date(2016, 6, 15))) == date(2016, 6, 29)
    assert originals_due(wave_closing(date(2016, 10, 26))) == date(2016, 11, 10)


def test_the_closing_day_is_the_paris_date():
    """A deadline stored in UTC closes on its Paris date."""
    wave = Wave(number=1, deadline=utc(2016, 6, 15, 22, 30), envelope_share=50)
    assert closing_day(wave) == date(2016, 6, 16)


def test_missing_originals_are_late_on_day_11_not_on_day_10():
    """The alert does not fire on the 10th working day and fires on the 11th."""
    wave = wave_closing(date(2016, 6, 15))
    assert not originals_late(scanned(), wave, date(2016, 6, 29))
    assert originals_late(scanned(), wave, date(2016, 6, 30))


def test_received_or_electronically_signed_pieces_are_never_late():
    """Originals received, an RGS signature or no signature at all: no alert."""
    wave = wave_closing(date(2016, 6, 15))
    later = date(2016, 9, 1)
    assert not originals_late(scanned(received_on=date(2016, 6, 20)), wave, later)
    assert not originals_late(Piece(signature=Dossier.Signature.RGS2), wave, later)
    assert not originals_late(Piece(signature=""), wave, later)


def test_originals_received_after_the_due_date_arrived_late():
    """Originals received on day 11 arrived late; on day 10 they did not."""
    wave = wave_closing(date(2016, 6, 15))
    assert originals_arrived_late(scanned(received_on=date(2016, 6, 30)), wave)
    assert not originals_arrived_late(scanned(received_on=date(2016, 6, 29)), wave)
    assert not originals_arrived_late(scanned(), wave)


def test_french_datetime():
    """A moment in French with its weekday, in Paris time; nothing for no moment."""
    assert french_datetime(utc(2016, 6, 15, 7, 5)) == "mercredi 15 juin 2016 à 9 h 05"
    assert french_datetime(None) == ""
