"""Dates with precision, and ages as of a reporting date."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birth_range_for_age(min_age: int, max_age: int | None, on: date) -> tuple[date | None, date]:
    """Dates of birth (earliest, latest) that give an age within [min_age, max_age] on `on`.

    Used to turn an age bracket into an indexed date-of-birth range filter.
    """
    latest = _years_before(on, min_age)
    earliest = None
    if max_age is not None:
        earliest = date.fromordinal(_years_before(on, max_age + 1).toordinal() + 1)
    return earliest, latest


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)
