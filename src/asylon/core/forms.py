"""Shared pieces of page forms: choice lists, and dates in the user's calendar.

A choice the user must judge (who did it, what harm, which outcome) starts on an empty
"— choose —" option, so that a form submitted without a look is refused with an error on
that field instead of recording the first answer of the list (no answer is chosen for the user).

Every date of a page form is a `LocalDateField`: typed and shown in the user's calendar
(Solar Hijri or Gregorian) and digits (Western, Persian or Arabic-Indic), year first;
`tests/core/test_local_date_field.py` holds every form to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core import i18n
from asylon.core.dates import today

CHOOSE: tuple[str, Any] = ("", _("— choose —"))


def judged(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """`choices` behind an empty first option; with `required=True` the field must be chosen."""
    return [CHOOSE, *choices]


def judged_if_several(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A site (or other scope) list: the only answer when there is one, else it must be chosen."""
    options = list(choices)
    return options if len(options) == 1 else judged(options)


# --- Dates in the user's calendar and digits ---------------------------------------------------

# What may sit between the parts of a typed date, and the direction marks a right-to-left
# keyboard or a copied date carries along.
_DATE_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.\u066b\u060c\s]\s*(\d{1,2})\s*[-/.\u066b\u060c\s]\s*(\d{1,2})\s*$")
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Persian (۰-۹) and Arabic-Indic (٠-٩) digits read as ASCII digits.
_ASCII_DIGITS = {0x06F0 + i: ord("0") + i for i in range(10)} | {0x0660 + i: ord("0") + i for i in range(10)}
# A Solar Hijri user may still type a Gregorian year (a date copied from a passport, a native
# date picker of a browser): no Solar Hijri date Asylon keeps has a year this large (1700 SH is
# 2321 AD), so such a year is read as Gregorian.
FIRST_GREGORIAN_YEAR = 1700


def _native_picker() -> bool:
    """The browser's own date picker: Gregorian and ISO in Western digits, nothing else."""
    return i18n.current().calendar != i18n.Calendar.SOLAR_HIJRI and i18n.digit_system() == i18n.Digits.LATIN


class LocalDateInput(forms.DateInput):
    """A date input in the user's calendar and digits.

    For a Gregorian user who writes Western digits it is the browser's date picker; for
    everyone else a text input showing the date as Asylon writes it (year/month/day in the
    user's calendar and digits: ۱۴۰۳/۰۱/۱۵), since no browser's picker knows Solar Hijri.
    """

    input_type = "text"

    def format_value(self, value):
        if isinstance(value, date):
            return value.isoformat() if _native_picker() else i18n.format_date(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if _native_picker():
            widget["type"] = "date"
        else:
            widget["type"] = "text"
            widget["attrs"].setdefault("inputmode", "numeric")
            widget["attrs"].setdefault("dir", "ltr")
            widget["attrs"].setdefault("placeholder", date_format_hint())
            widget["attrs"].setdefault("autocomplete", "off")
        return context


def date_format_hint() -> str:
    """How to type a date in the user's calendar: year/month/day."""
    if i18n.current().calendar == i18n.Calendar.SOLAR_HIJRI:
        return str(_("yyyy/mm/dd (Solar Hijri)"))
    return str(_("yyyy/mm/dd"))


def parse_local_date(text: str) -> date:
    """A typed date in the user's calendar, in any of Western, Persian or Arabic-Indic digits.

    Year first, in four digits, parts separated by "/", "-" or ".". Raises ValueError.
    """
    clean = text.translate(_MARKS).translate(_ASCII_DIGITS)
    match = _DATE_PARTS.match(clean)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    if i18n.current().calendar == i18n.Calendar.SOLAR_HIJRI and year < FIRST_GREGORIAN_YEAR:
        return i18n.from_solar_hijri(year, month, day)
    return date(year, month, day)


class LocalDateField(forms.DateField):
    """A date field that reads and shows the user's calendar and digits (every page form's
    date goes through it; the API keeps ISO 8601)."""

    widget = LocalDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_local_date(str(value))
        except ValueError:
            raise forms.ValidationError(self._invalid_message(), code="invalid") from None

    def _invalid_message(self) -> str:
        # The field's name is beside the box and leads its line in the form's error summary.
        example = i18n.format_date(today())
        if i18n.current().calendar == i18n.Calendar.SOLAR_HIJRI:
            return _("Enter a Solar Hijri date as year/month/day, e.g. %(example)s.") % {"example": example}
        return _("Enter a date as year/month/day, e.g. %(example)s.") % {"example": example}
