"""Limits every app shares, written once: how many people a count may hold, which dates are plausible, which
characters a name may contain, and which ids a query string or a posted choice may name.

Models use these as validators and database checks, forms as their bounds, so a number, a date or a
name that a page could not show is refused where it is typed, with a message, and again by the database.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# People counted at one meeting, event or activity (by sex): more than a stadium would be a typing mistake.
MAX_PEOPLE = 100_000
# Members of one Parents' Community Committee or child association (by sex).
MAX_COMMITTEE_MEMBERS = 1_000
# Children recorded in one submit of a group record (a medical camp, a kit distribution): a centre's whole roll.
MAX_GROUP_RECORD = 500

# Dates of records: nothing the programme records happened before 1990, or is planned more than a few years ahead.
EARLIEST_DATE = datetime.date(1990, 1, 1)
YEARS_AHEAD = 5
EARLIEST_BIRTH_YEAR = EARLIEST_DATE.year

# Ids are BigAutoField primary keys: 1 to 2**63 - 1. Anything else names no record.
MAX_ID = 2**63 - 1

# Zero-width non-joiner and joiner shape Urdu, Pashto and Balochi letters: a name may need them.
JOINERS = {"\u200c", "\u200d"}


def latest_date(today: datetime.date | None = None) -> datetime.date:
    """The last plausible date of a record: the end of the year YEARS_AHEAD years from today."""
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


def validate_plausible_date(value: datetime.date | None) -> None:
    """Refuse a date before 1990 or more than a few years ahead (0001-01-01, 9999-12-31 are typing mistakes)."""
    if value is None:
        return
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": date_format(EARLIEST_DATE), "latest": date_format(latest)},
        )


def validate_plausible_birth_year(value: int | None) -> None:
    """Refuse a birth year before 1990 or after this year (the age rule itself is the registry's)."""
    if value is None:
        return
    this_year = timezone.localdate().year
    if not EARLIEST_BIRTH_YEAR <= value <= this_year:
        raise ValidationError(
            _("Choose a birth year between %(earliest)s and %(latest)s."),
            code="implausible_birth_year",
            params={"earliest": EARLIEST_BIRTH_YEAR, "latest": this_year},
        )


def invisible_characters(value: str) -> list[str]:
    """The control and format characters in a text (direction overrides, marks, zero-width spaces, new lines),
    except the joiners Urdu needs; as U+XXXX names."""
    return [
        f"U+{ord(char):04X}" for char in value if unicodedata.category(char) in ("Cc", "Cf") and char not in JOINERS
    ]


def validate_name(value: str) -> None:
    """Refuse a name holding invisible control or format characters: a right-to-left override (U+202E) makes
    "evil" read as "live", and marks such as U+200F make two identical-looking names differ."""
    found = invisible_characters(value or "")
    if found:
        raise ValidationError(
            _("Remove the invisible characters from this name (%(characters)s); type it again if in doubt."),
            code="invisible_characters",
            params={"characters": ", ".join(dict.fromkeys(found))},
        )


def count_constraints(maximum: int, *fields: str) -> list[models.CheckConstraint]:
    """Database checks that each count field holds a whole number from 0 to `maximum`."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": 0, f"{name}__lte": maximum}), name=f"%(class)s_{name}_in_range"
        )
        for name in fields
    ]


def parse_id(value) -> int | None:
    """The record id a query string or a posted choice names, or None when it cannot name one (not a whole
    number, or outside 1 to 2**63 - 1, which SQLite cannot even compare)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None
