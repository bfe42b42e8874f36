"""How dates and numbers are shown to the user: calendar and digits, per user preference.

The preferences of the user of the current request are held in a context variable (set by
`asylon.accounts.middleware.UserPreferencesMiddleware`), the way Django holds the active
language, so the template filters of `asylon_i18n` need no request. Outside a request
(commands, PDF reports) the defaults apply: Gregorian calendar, digits of the active language.

Solar Hijri (the Iranian calendar, "jalali"): converted by jdatetime, whose arithmetic of the
33-year cycle with the break years of Borkowski's table is the one the jalaali libraries use.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import jdatetime
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


# --- Solar Hijri ---------------------------------------------------------------------------
# The conversion is jdatetime's (jalali-core: the 33-year cycles with Borkowski's break years);
# Asylon's own three functions keep their names for the rest of the code.


def is_solar_hijri_leap(jy: int) -> bool:
    return jdatetime.date(jy, 1, 1).isleap()


def to_solar_hijri(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Solar Hijri calendar of a Gregorian date."""
    solar = jdatetime.date.fromgregorian(date=day)
    return solar.year, solar.month, solar.day


def from_solar_hijri(jy: int, jm: int, jd: int) -> date:
    """The Gregorian date of a Solar Hijri date (month 1-12, day 1-31); ValueError if none."""
    return jdatetime.date(jy, jm, jd).togregorian()


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


# The decimal separator and percent sign of the digits: Persian and Arabic write "٫" and "٪".
_DECIMAL = {Digits.PERSIAN.value: "\u066b", Digits.ARABIC.value: "\u066b"}
_PERCENT = {Digits.PERSIAN.value: "\u066a", Digits.ARABIC.value: "\u066a"}


def format_decimal(value: float, places: int = 1) -> str:
    """A number with `places` decimals in the user's digits and decimal separator (۲٫۵)."""
    system = digit_system()
    text = f"{float(value):.{places}f}"
    return to_digits(text, system).replace(".", _DECIMAL.get(system, "."))


def format_percent(share: float) -> str:
    """A share (0..1) as a percentage in the user's digits (۹۷٪): whole percents, except
    just under 100, shown to a tenth (99.9%), never rounded up to a certainty it is not."""
    system = digit_system()
    pct = float(share) * 100
    if 99 < pct < 100:
        text = format_decimal(min(int(pct * 10) / 10, 99.9), 1)
    else:
        text = to_digits(f"{round(pct)}", system)
    return text + _PERCENT.get(system, "%")


def localise_numbers(text: str) -> str:
    """A sentence with its figures in the user's digits, a decimal point between two digits
    written as the digits' decimal separator (2.5 → ۲٫۵); the full stop stays a full stop."""
    system = digit_system()
    text = to_digits(text, system)
    separator = _DECIMAL.get(system)
    if separator is None:
        return text
    zero = _ZERO[system]
    digit = f"[{chr(zero)}-{chr(zero + 9)}]"
    return re.sub(rf"(?<={digit})\.(?={digit})", separator, text)


# Codes registers use that CLDR files under another name: Dari (ISO 639-3 prs) is CLDR's fa_AF,
# and the three-letter codes of the languages most heard in the camps.
_LANGUAGE_ALIASES = {
    "prs": "fa_AF",
    "fas": "fa",
    "per": "fa",
    "ara": "ar",
    "pus": "ps",
    "kur": "ku",
    "urd": "ur",
    "tur": "tr",
    "eng": "en",
}


def language_names(codes: str) -> str:
    """Stored ISO 639 codes ("fa,prs") as language names in the reader's language (CLDR, by
    Babel): "Persian, Dari" in English, "فارسی، دری" in Persian. A code CLDR does not know stays
    as it was written, so nothing recorded is hidden."""
    import babel

    items = [code.strip() for code in codes.split(",") if code.strip()]
    if not items:
        return ""
    names: Mapping[str, str] = {}
    with contextlib.suppress(ValueError, babel.UnknownLocaleError):
        names = babel.Locale.parse(translation.get_language() or "en", sep="-").languages
    separator = "، " if translation.get_language_bidi() else ", "
    return separator.join(names.get(_language_key(code), code) for code in items)


def _language_key(code: str) -> str:
    key = code.lower().replace("-", "_")
    return _LANGUAGE_ALIASES.get(key, key)
