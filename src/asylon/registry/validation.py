"""Checks on person and household input shared by every way in (page, API, import, command).

Each function collects every problem instead of stopping at the first, keyed by the field
path the edge will show ("members.2.date_of_birth").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from asylon.core.dates import today
from asylon.core.models import DatePrecision

from .models import PERSON_NAME_FIELDS, Presence, Relationship, SensitiveProfile, Sex

PERSON_FIELDS = (
    *PERSON_NAME_FIELDS,
    "sex",
    "date_of_birth",
    "dob_precision",
    "nationality",
    "country_of_origin",
    "stateless",
    "languages",
    "registered_on",
    "biometric_ref",
)
CORRECTABLE_FIELDS = (*PERSON_FIELDS, "unit")
NAME_FIELDS = PERSON_FIELDS[:6]
MAX_NAME = 100

Errors = dict[str, list[str]]

# Looked up once: an enum's `.values` is rebuilt on every access, and imports check every row.
SEXES, PRECISIONS = frozenset(Sex.values), frozenset(DatePrecision.values)
PRESENCES, RELATIONSHIPS = frozenset(Presence.values), frozenset(Relationship.values)


# Invisible characters that are never part of a name's spelling: bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069), the directional marks (LRM, RLM, ALM), the zero-width
# space, the word joiner and the byte-order mark. They can make a name look like another one or
# like nothing at all, so they are removed wherever a name comes in.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff]")
# Joiners (ZWNJ U+200C, ZWJ U+200D) belong to Persian and Arabic spelling between two letters
# ("می\u200cخواهم"); at a word's edge or alone they only hide, so they are dropped there.
_JOINERS = "\u200c\u200d"
_EDGE_JOINERS = re.compile(f"(?:^|(?<=\\s))[{_JOINERS}]+|[{_JOINERS}]+(?=\\s|$)")


def normalise_name(value: Any) -> str:
    """A name as it is stored: NFC, without invisible controls, joiners only inside words,
    whitespace collapsed to single spaces. A name made only of invisible characters becomes ""."""
    return _normalised(str(value or ""))


@lru_cache(maxsize=65536)
def _normalised(value: str) -> str:
    """Cached: names repeat, and a bulk registration normalises every member's six."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    text = _EDGE_JOINERS.sub("", " ".join(text.split()))
    return " ".join(text.split())


@lru_cache(maxsize=1024)
def _known_country(code: str) -> bool:
    """Cached: `code in countries` costs a thread-local look-up (django-countries' per-thread
    options, which Asylon does not use), and imports check two codes on every row."""
    return code in countries


def new_errors() -> Errors:
    return defaultdict(list)


_KNOWN_FIELDS = frozenset(PERSON_FIELDS) | {"relationship", "specific_needs", "sensitive", "unit", "presence"}


def check_person(
    data: dict[str, Any], errors: Errors, prefix: str = "", *, partial: bool = False, on: date | None = None
) -> None:
    """Check a person's own fields. `partial` checks only the fields present (a correction);
    `on` is today's date when the caller has it (many members are checked at once)."""

    def present(field: str) -> bool:
        return field in data or not partial

    def err(field: str, msg: str) -> None:
        errors[f"{prefix}{field}"].append(msg)

    unknown = data.keys() - _KNOWN_FIELDS
    for field in sorted(unknown):
        err(field, _("Unknown field."))
    for field in NAME_FIELDS:
        value = data.get(field)
        if not value:  # nothing to read: only a missing given name is a problem
            if field == "given_name" and present(field):
                err(field, _("A given name is required."))
            continue
        raw = str(value)
        name = _normalised(raw)
        if raw.strip() and not name:
            err(field, _("This name is made only of invisible characters."))
        elif field == "given_name" and present(field) and not name:
            err(field, _("A given name is required."))
        if len(name) > MAX_NAME:
            err(field, _("At most %(n)d characters.") % {"n": MAX_NAME})
    if present("sex") and data.get("sex") not in SEXES:
        err(
            "sex",
            _("Unknown sex %(v)r: use one of %(choices)s.") % {"v": data.get("sex"), "choices": ", ".join(Sex.values)},
        )
    now = on or today()
    dob = data.get("date_of_birth")
    if dob is not None and not isinstance(dob, date):
        err("date_of_birth", _("Not a date."))
    elif isinstance(dob, date) and dob > now:
        err("date_of_birth", _("The date of birth %(d)s is in the future.") % {"d": dob.isoformat()})
    elif isinstance(dob, date) and dob.year < 1900:
        err("date_of_birth", _("The date of birth %(d)s is before 1900.") % {"d": dob.isoformat()})
    if "dob_precision" in data and data["dob_precision"] not in PRECISIONS:
        err("dob_precision", _("Unknown precision: use one of %(c)s.") % {"c": ", ".join(DatePrecision.values)})
    for field in ("nationality", "country_of_origin"):
        code = data.get(field) or ""
        if code and not _known_country(str(code).upper()):
            err(field, _("Unknown country code %(v)r: use ISO 3166-1 alpha-2, e.g. IR.") % {"v": code})
    reg = data.get("registered_on")
    if reg is not None and (not isinstance(reg, date) or reg > now):
        err("registered_on", _("The registration date must be a date not in the future."))
    if "presence" in data and data["presence"] not in PRESENCES:
        err("presence", _("Unknown presence: use one of %(c)s.") % {"c": ", ".join(Presence.values)})
    sensitive = data.get("sensitive")
    for field in set(sensitive) - set(SensitiveProfile.FIELDS) if sensitive else ():
        err(f"sensitive.{field}", _("Unknown field."))


def check_members(members: list[dict[str, Any]], errors: Errors, prefix: str = "") -> None:
    if not members:
        errors[f"{prefix}members"].append(_("A household needs at least one member."))
        return
    principals = [i for i, m in enumerate(members) if m.get("relationship") == Relationship.PRINCIPAL_APPLICANT]
    if not principals:
        errors[f"{prefix}members"].append(_("A household needs a principal applicant among its members."))
    elif len(principals) > 1:
        errors[f"{prefix}members"].append(
            _("A household has exactly one principal applicant; %(n)d were given.") % {"n": len(principals)}
        )
    on = today()
    for i, member in enumerate(members):
        member_prefix = f"{prefix}members.{i}."
        if member.get("relationship") not in RELATIONSHIPS:
            errors[f"{member_prefix}relationship"].append(
                _("Unknown relationship to the principal applicant: use one of %(c)s.")
                % {"c": ", ".join(Relationship.values)}
            )
        check_person(member, errors, member_prefix, on=on)


def normalise_country(code: str | None) -> str:
    return str(code or "").upper()
