"""Solar Hijri conversion against known dates, and digits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from asylon.core.i18n import from_solar_hijri, is_solar_hijri_leap, to_digits, to_solar_hijri

KNOWN = [
    (date(2013, 3, 21), (1392, 1, 1)),  # Nowruz 1392
    (date(2012, 3, 20), (1391, 1, 1)),  # Nowruz in a Gregorian leap year
    (date(1979, 2, 11), (1357, 11, 22)),  # 22 Bahman 1357
    (date(1981, 8, 17), (1360, 5, 26)),
    (date(2014, 8, 4), (1393, 5, 13)),
    (date(2012, 12, 21), (1391, 10, 1)),  # 1 Dey, the day after Yalda night
    (date(2021, 3, 20), (1399, 12, 30)),  # last day of the leap year 1399
    (date(2025, 3, 20), (1403, 12, 30)),  # and of 1403
    (date(2025, 3, 21), (1404, 1, 1)),
    (date(2000, 1, 1), (1378, 10, 11)),
]


@pytest.mark.parametrize(("gregorian", "solar"), KNOWN)
def test_known_dates(gregorian, solar):
    assert to_solar_hijri(gregorian) == solar
    assert from_solar_hijri(*solar) == gregorian


def test_round_trip_every_day_of_a_decade():
    day = date(2010, 1, 1)
    while day < date(2020, 1, 1):
        assert from_solar_hijri(*to_solar_hijri(day)) == day
        day += timedelta(days=1)


def test_leap_years():
    assert [y for y in range(1390, 1405) if is_solar_hijri_leap(y)] == [1391, 1395, 1399, 1403]
    with pytest.raises(ValueError):
        from_solar_hijri(1400, 12, 30)
    with pytest.raises(ValueError):
        from_solar_hijri(1400, 7, 31)


def test_digits():
    assert to_digits("2013-03-21", "arabext") == "۲۰۱۳-۰۳-۲۱"
    assert to_digits(1404, "arab") == "١٤٠٤"
    assert to_digits("P-12", "latn") == "P-12"
