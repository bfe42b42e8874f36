"""Cell values as field collection tools and hand-kept sheets write them, turned into the
register's values. Each parser raises `BadValue` with a message a clerk can act on."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from asylon.core.dates import today
from asylon.core.models import DatePrecision
from asylon.registry.models import Relationship, Sex


class BadValue(ValueError):
    pass


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


SEXES = {
    **dict.fromkeys(("f", "female", "woman", "girl", "زن", "دختر", "انثى", "أنثى", "مؤنث"), Sex.FEMALE),
    **dict.fromkeys(("m", "male", "man", "boy", "مرد", "پسر", "ذكر", "مذكر"), Sex.MALE),
    **dict.fromkeys(("x", "other", "diverse", "دیگر", "آخر"), Sex.OTHER),
    **dict.fromkeys(("u", "unknown", "not_known", "prefer_not_to_say", "نامعلوم", "غير_معروف"), Sex.UNKNOWN),
}

RELATIONSHIPS = {
    **dict.fromkeys(
        (
            "pa",
            "head",
            "principal",
            "principal_applicant",
            "self",
            "hoh",
            "household_head",
            "head_of_household",
            "سرپرست",
            "رب_الأسرة",
        ),
        Relationship.PRINCIPAL_APPLICANT,
    ),
    **dict.fromkeys(("spouse", "wife", "husband", "partner", "همسر", "زوج", "زوجة"), Relationship.SPOUSE_PARTNER),
    **dict.fromkeys(("child", "son", "daughter", "فرزند", "پسر", "دختر", "ابن", "ابنة"), Relationship.CHILD),
    **dict.fromkeys(("parent", "mother", "father", "مادر", "پدر", "أم", "أب"), Relationship.PARENT),
    **dict.fromkeys(("sibling", "brother", "sister", "برادر", "خواهر", "أخ", "أخت"), Relationship.SIBLING),
    **dict.fromkeys(("grandchild", "grandson", "granddaughter", "نوه", "حفيد"), Relationship.GRANDCHILD),
    **dict.fromkeys(
        ("relative", "other_relative", "otherrelative", "uncle", "aunt", "cousin", "nephew", "niece"),
        Relationship.OTHER_RELATIVE,
    ),
    **dict.fromkeys(("non_relative", "nonrelative", "unrelated", "non_relative_dependant"), Relationship.NON_RELATIVE),
}

# Looked up once: an enum's `.values` is rebuilt on every access, and an import reads every row.
SEX_CODES = frozenset(Sex.values)
RELATIONSHIP_CODES = frozenset(Relationship.values)
PRECISION_CODES = frozenset(DatePrecision.values)

TRUE = {"1", "yes", "y", "true", "t", "بله", "آری", "نعم"}
FALSE = {"0", "no", "n", "false", "f", "نه", "خیر", "لا"}


def _code(value: Any) -> str:
    return re.sub(r"[\s\-/]+", "_", text(value).casefold())


def sex(value: Any) -> str:
    raw = text(value)
    if raw.upper() in SEX_CODES:
        return raw.upper()
    found = SEXES.get(_code(raw))
    if found is None:
        raise BadValue(_("Unknown sex %(v)r: use F, M, X (other) or U (unknown).") % {"v": raw})
    return found


def relationship(value: Any) -> str:
    raw = text(value)
    if raw.upper() in RELATIONSHIP_CODES:
        return raw.upper()
    found = RELATIONSHIPS.get(_code(raw))
    if found is None:
        raise BadValue(
            _("Unknown relationship %(v)r: use one of %(c)s.") % {"v": raw, "c": ", ".join(Relationship.values)}
        )
    return found


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_Y = re.compile(r"^(\d{4})$")


def a_date(value: Any) -> tuple[date, str]:
    """A date and how much of it is known. Day-first for slashed dates (15/03/1980)."""
    if isinstance(value, datetime):
        return value.date(), DatePrecision.EXACT
    if isinstance(value, date):
        return value, DatePrecision.EXACT
    raw = text(value)
    try:
        if m := _ISO.match(raw):
            return date(int(m[1]), int(m[2]), int(m[3])), DatePrecision.EXACT
        if m := _DMY.match(raw):
            return date(int(m[3]), int(m[2]), int(m[1])), DatePrecision.EXACT
        if m := _YM.match(raw):
            return date(int(m[1]), int(m[2]), 15), DatePrecision.MONTH
        if m := _Y.match(raw):
            return date(int(m[1]), 7, 1), DatePrecision.YEAR
    except ValueError:
        pass
    raise BadValue(_("Not a date: %(v)r. Write 1980-03-15, 15/03/1980, 1980-03 or 1980.") % {"v": raw})


def age(value: Any) -> tuple[date, str]:
    """An age in years as an estimated date of birth (1 July, flagged ESTIMATED)."""
    raw = text(value)
    if not raw.isdigit() or int(raw) > 120:
        raise BadValue(_("Not an age in years: %(v)r.") % {"v": raw})
    return date(today().year - int(raw), 7, 1), DatePrecision.ESTIMATED


def precision(value: Any) -> str:
    raw = text(value).upper()
    if raw not in PRECISION_CODES:
        raise BadValue(
            _("Unknown precision %(v)r: use one of %(c)s.") % {"v": raw, "c": ", ".join(DatePrecision.values)}
        )
    return raw


STATELESS = {"stateless", "بدون_تابعیت", "عديم_الجنسية"}


def country(value: Any) -> str:
    """ISO 3166-1 alpha-2 from an alpha-2, alpha-3 or numeric code or an English name;
    "" for stateless (the caller sets the flag)."""
    return _country(text(value))


@lru_cache(maxsize=4096)
def _country(raw: str) -> str:
    """Cached: a file names few countries, on every row (a refusal is raised, never cached)."""
    if _code(raw) in STATELESS:
        return ""
    code = countries.alpha2(raw.upper()) if len(raw) <= 3 else countries.by_name(raw)
    if not code:
        raise BadValue(_("Unknown country %(v)r: use ISO 3166-1 codes, e.g. IR or IRN.") % {"v": raw})
    return code


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise BadValue(_("Not yes or no: %(v)r.") % {"v": raw})


def codes(value: Any) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text(value).upper()) if c]
