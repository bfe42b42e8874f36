"""How dates and numbers are shown to the user: calendar and digits, per user preference.

The preferences of the user of the current request are held in a context variable (set by
`asylon.accounts.middleware.UserPreferencesMiddleware`), the way Django holds the active
language, so the template filters of `asylon_i18n` need no request. Outside a request
(commands, PDF reports) the defaults apply: Gregorian calendar, digits of the active language.

Solar Hijri (the Iranian calendar, "jalali"): the arithmetic of the 33-year cycle with the
break years of Borkowski's table, as used by the widely used jalaali libraries; exact for
Solar Hijri years -61 to 3177 (Gregorian 560 to 3798).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Digits(models.TextChoices):
    """Which digits numbers are written with (CLDR numbering-system names)."""

    AUTO = "auto", _("as usual for the language")
    LATIN = "latn", _("0123456789 (Western)")
    PERSIAN = "arabext", _("۰۱۲۳۴۵۶۷۸۹ (Persian)")
    ARABIC = "arab", _("٠١٢٣٤٥٦٧٨٩ (Arabic-Indic)")


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    SOLAR_HIJRI = "persian", _("Solar Hijri (Iranian)")


@dataclass(frozen=True)
class Preferences:
    digits: str = Digits.AUTO
    calendar: str = Calendar.GREGORIAN


_DEFAULT = Preferences()
_current: contextvars.ContextVar[Preferences | None] = contextvars.ContextVar("asylon_preferences", default=None)

# The digits a language writes by default. Arabic: Arabic-Indic digits, as in Iraq and the
# Mashriq (a Maghreb operation would choose Western digits in the preferences).
LANGUAGE_DIGITS = {"fa": Digits.PERSIAN, "ar": Digits.ARABIC}
_ZERO: dict[str, int] = {Digits.PERSIAN.value: 0x06F0, Digits.ARABIC.value: 0x0660}


def activate(preferences: Preferences) -> contextvars.Token:
    return _current.set(preferences)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def current() -> Preferences:
    return _current.get() or _DEFAULT


def digit_system(preferences: Preferences | None = None) -> str:
    prefs = preferences or current()
    if prefs.digits != Digits.AUTO:
        return prefs.digits
    return LANGUAGE_DIGITS.get((translation.get_language() or "en").split("-")[0], Digits.LATIN)


def to_digits(text: object, system: str | None = None) -> str:
    """`text` with its ASCII digits written in `system` (default: the current preference)."""
    value = str(text)
    system = system or digit_system()
    zero = _ZERO.get(system)
    if zero is None:
        return value
    return value.translate({ord("0") + i: chr(zero + i) for i in range(10)})


# --- Solar Hijri -----------------------------------------------------------------------------

_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178)


def _div(a: int, b: int) -> int:  # division truncated toward zero, as the published algorithm has it
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _farvardin_first(jy: int) -> date:
    """The Gregorian date of 1 Farvardin (Nowruz) of Solar Hijri year `jy`."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise ValueError(f"Solar Hijri year {jy} is outside the supported range")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    return date(gy, 3, 20 + leap_j - leap_g)


def is_solar_hijri_leap(jy: int) -> bool:
    return (_farvardin_first(jy + 1) - _farvardin_first(jy)).days == 366


def to_solar_hijri(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Solar Hijri calendar of a Gregorian date."""
    jy = day.year - 621
    first = _farvardin_first(jy)
    if day < first:
        jy -= 1
        first = _farvardin_first(jy)
    k = (day - first).days
    if k < 186:  # the first six months have 31 days
        return jy, 1 + k // 31, 1 + k % 31
    k -= 186
    return jy, 7 + k // 30, 1 + k % 30


def from_solar_hijri(jy: int, jm: int, jd: int) -> date:
    """The Gregorian date of a Solar Hijri date (month 1-12, day 1-31)."""
    if not 1 <= jm <= 12 or not 1 <= jd <= (31 if jm <= 6 else 30):
        raise ValueError(f"No such Solar Hijri date: {jy}-{jm}-{jd}")
    if jm == 12 and jd == 30 and not is_solar_hijri_leap(jy):
        raise ValueError(f"{jy} is not a leap year: Esfand has 29 days")
    first = _farvardin_first(jy)
    offset = (jm - 1) * 31 - max(0, jm - 7) + jd - 1
    return date.fromordinal(first.toordinal() + offset)


# --- Formatting ------------------------------------------------------------------------------

# A date known only to the month or the year is shown in the Gregorian calendar as it was
# recorded: converting "1980" to Solar Hijri would have to invent a month and a day.
_PARTIAL = {"MONTH": "%Y-%m", "YEAR": "%Y"}


def format_date(value: date | datetime | None, precision: str = "", with_time: bool = False) -> str:
    """A date in the user's calendar and digits, year first (2013-03-21, ۱۳۹۲/۰۱/۰۱)."""
    if value is None or value == "":
        return ""
    time = ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time = f" {value:%H:%M}" if with_time else ""
        value = value.date()
    if precision in _PARTIAL:
        text = value.strftime(_PARTIAL[precision])
    elif current().calendar == Calendar.SOLAR_HIJRI:
        jy, jm, jd = to_solar_hijri(value)
        text = f"{jy:04d}-{jm:02d}-{jd:02d}"
    else:
        text = value.isoformat()
    system = digit_system()
    if system != Digits.LATIN:
        # "/" keeps the parts of a date in one left-to-right run inside right-to-left text (the
        # bidi algorithm joins Arabic-Indic digits across "/", not across "-"), and is how
        # Persian and Arabic write numeric dates (۱۳۹۲/۰۱/۰۱).
        text = text.replace("-", "/")
    return to_digits(text + time, system)
