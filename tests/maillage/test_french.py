"""The French the platform writes around names, dates and durations (maillage/french.py)."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from maillage import french

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Élodie Robert", "d'Élodie Robert"),
        ("Anne Martin", "d'Anne Martin"),
        ("océane leroy", "d'océane leroy"),
        ("Yves Le Goff", "d'Yves Le Goff"),
        ("Hélène Petit", "d'Hélène Petit"),
        ("Jean Dupont", "de Jean Dupont"),
        ("Yann Le Gall", "de Yann Le Gall"),
        ("Hmida Benali", "de Hmida Benali"),
        ("", "de "),
    ],
)
def test_de_elides_before_a_vowel_sound(name, expected):
    """« de » becomes « d' » before a vowel (Y before a consonant, H before a vowel)."""
    assert french.de(name) == expected
    assert french.de_prefix(name) + name == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 12, 6), "6 décembre 2026"),
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        # Stored in UTC, shown in Paris: still the 6th there.
        (datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC), "6 décembre 2026"),
        (None, ""),
    ],
)
def test_long_date(value, expected):
    """The one date format: « 6 décembre 2026 », « 1er » on the first."""
    assert french.long_date(value) == expected


def test_the_month_names_are_django_s_french_ones():
    """The month table writes each month as Django's French locale does (« F »)."""
    from django.utils import dateformat, translation

    with translation.override("fr"):
        for month in range(1, 13):
            value = datetime.date(2026, month, 15)
            assert french.long_date(value) == f"15 {dateformat.format(value, 'F Y')}"


def test_long_datetime_in_the_platform_time_zone():
    """« 6 décembre 2026 à 14 h 05 », in Paris time, the minutes on two digits."""
    value = datetime.datetime(2026, 12, 6, 13, 5, tzinfo=datetime.UTC)
    assert french.long_datetime(value) == "6 décembre 2026 à 14 h 05"
    assert french.long_datetime(datetime.datetime(2026, 8, 1, 9, 0, tzinfo=PARIS)) == (
        "1er août 2026 à 9 h 00"
    )


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "à l'instant"),
        (59, "à l'instant"),
        (-30, "à l'instant"),
        # Django's durations keep the number and its unit together (no-break space).
        (60, "il y a 1\xa0minute"),
        (5 * 60, "il y a 5\xa0minutes"),
        (3 * 86400 + 7200, "il y a 3\xa0jours, 2\xa0heures"),
    ],
)
def test_ago_never_says_zero_minutes(seconds, expected):
    """« à l'instant » under a minute, never « il y a 0 minute »."""
    now = datetime.datetime(2026, 12, 6, 14, 5, tzinfo=datetime.UTC)
    assert french.ago(now - datetime.timedelta(seconds=seconds), now=now) == expected


def test_filters_escape_what_they_are_given():
    """The template filters give the same French, escaped like any value."""
    html = Template(
        "{% load maillage_tags %}{{ name|de }}|{{ name|de_prefix }}|{{ day|long_date }}|"
        "{{ moment|long_datetime }}"
    ).render(
        Context(
            {
                "name": "Élodie <b>",
                "day": datetime.date(2026, 12, 6),
                "moment": datetime.datetime(2026, 12, 6, 13, 5, tzinfo=datetime.UTC),
            }
        )
    )
    assert html == "d&#x27;Élodie &lt;b&gt;|d&#x27;|6 décembre 2026|6 décembre 2026 à 14 h 05"


def test_django_date_formats_are_the_platform_s(settings):
    """``|date`` without a format and a datetime shown as such follow the same format."""
    settings.FORMAT_MODULE_PATH = ["maillage.formats"]
    moment = datetime.datetime(2026, 12, 6, 13, 5, tzinfo=datetime.UTC)
    html = Template("{{ moment|date }}|{{ moment }}").render(Context({"moment": moment}))
    assert html == "6 décembre 2026|6 décembre 2026 à 14 h 05"
