"""French date formats for every ``{{ value|date }}`` and localised value the templates, Wagtail and
the admin show without a format of their own: « 6 décembre 2026 », « 6 décembre 2026 à 14 h 05 »
(maillage/french.py writes the same, with « 1er » on the first of the month)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y à G \h i"
TIME_FORMAT = r"G \h i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
