"""Similarity of names and dates of birth, for ranking candidate duplicates.

Scores only rank candidates for a person to review; nothing here decides a merge.
"""

from __future__ import annotations

import datetime as dt

from rapidfuzz.distance import JaroWinkler

from asylon.matching.names import NameKeys, is_persian_script, name_keys

__all__ = [
    "ADJACENT_YEAR",
    "DAY_MONTH_SWAPPED",
    "EXACT_DATE",
    "PHONETIC_MATCH",
    "SAME_YEAR",
    "SAME_YEAR_AND_MONTH",
    "SKELETON_MATCH",
    "date_similarity",
    "jaro_winkler",
    "name_similarity",
    "parse_birth_date",
]

# Floors a key agreement lifts the score to. A skeleton agreement is strong evidence of
# one name spelled two ways; a phonetic agreement is weaker (Mohammad/Mahmoud share it).
SKELETON_MATCH = 0.95
PHONETIC_MATCH = 0.85
# The best a Persian-script name scores against a name whose skeleton differs from it.
CROSS_SCRIPT_NEAR = 0.85
# Skeletons this short (Ali: "ly") agree by accident too often to lift a score.
_MIN_KEY_LENGTH = 3


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (prefix weight 0.1, boost above 0.7)."""
    return JaroWinkler.similarity(a, b)


def _sorted_compact(text: str) -> str:
    return "".join(sorted(text.split()))


def _string_score(a: str, b: str) -> float:
    """Best of the joined and the token-sorted comparison.

    Joined, so that "Mohammad Reza" meets "Mohammadreza"; token-sorted, so that a
    name recorded family-name-first meets the same name given-name-first.
    """
    return max(
        jaro_winkler(a.replace(" ", ""), b.replace(" ", "")),
        jaro_winkler(_sorted_compact(a), _sorted_compact(b)),
    )


def _key_floor(a: NameKeys, b: NameKeys) -> float:
    if a.compact_skeleton == b.compact_skeleton and len(a.compact_skeleton) >= _MIN_KEY_LENGTH:
        return SKELETON_MATCH
    phonetic_a, phonetic_b = a.phonetic.replace(" ", ""), b.phonetic.replace(" ", "")
    if phonetic_a == phonetic_b and len(phonetic_a) >= _MIN_KEY_LENGTH:
        return PHONETIC_MATCH
    return 0.0


def name_similarity(a: str | None, b: str | None) -> float:
    """Similarity in [0, 1] of two names in any script; 0.0 when either is empty.

    Two Latin names compare on their folded forms. When either is in Persian script
    the folded forms carry no short vowels, so the names compare on their skeletons.
    Agreement of the skeleton or phonetic keys lifts the score to a floor.
    """
    keys_a, keys_b = name_keys(a), name_keys(b)
    if not keys_a.fold or not keys_b.fold:
        return 0.0
    if keys_a.fold == keys_b.fold:
        return 1.0
    if is_persian_script(a) or is_persian_script(b):
        # Equal skeletons across scripts are the best we can see: vowels are unknown.
        # Skeletons that differ in a letter are different names as often as a typo
        # (Mohammad mhmd, Mahmoud mhmwd): they score below an agreement of the keys.
        score = min(_string_score(keys_a.skeleton, keys_b.skeleton), CROSS_SCRIPT_NEAR)
    else:
        score = _string_score(keys_a.fold, keys_b.fold)
    return max(score, _key_floor(keys_a, keys_b))


# --- dates of birth --------------------------------------------------------------------

EXACT_DATE = 1.0
DAY_MONTH_SWAPPED = 0.9  # 03/04 read as 04/03: a clerk's slip, not another person
SAME_YEAR_AND_MONTH = 0.8
SAME_YEAR = 0.6
ADJACENT_YEAR = 0.4  # ages are often estimated, and years converted between calendars

PartialDate = tuple[int, int | None, int | None]


def parse_birth_date(value: dt.date | str | None) -> PartialDate | None:
    """(year, month, day) of a date or an ISO string "YYYY", "YYYY-MM" or "YYYY-MM-DD".

    Unknown parts are None; an empty value is None. A malformed string raises ValueError.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day)
    parts = value.strip().split("-")
    if len(parts) == 3:
        parsed = dt.date.fromisoformat(value.strip())
        return (parsed.year, parsed.month, parsed.day)
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError(f"month out of range in {value!r}")
        return (year, month, None)
    if len(parts) == 1 and parts[0].isdigit():
        return (int(parts[0]), None, None)
    raise ValueError(f"not a date of birth: {value!r}")


def date_similarity(d1: dt.date | str | None, d2: dt.date | str | None) -> float | None:
    """Similarity in [0, 1] of two dates of birth; None when either is unknown.

    None rather than 0.0, because a missing date is no evidence against a match.
    Partial dates (year, or year and month) score on the parts both sides know.
    """
    a, b = parse_birth_date(d1), parse_birth_date(d2)
    if a is None or b is None:
        return None
    (year_a, month_a, day_a), (year_b, month_b, day_b) = a, b
    if abs(year_a - year_b) == 1:
        return ADJACENT_YEAR
    if year_a != year_b:
        return 0.0
    if month_a is None or month_b is None:
        return SAME_YEAR
    if day_a is not None and day_b is not None:
        if (month_a, day_a) == (month_b, day_b):
            return EXACT_DATE
        if (month_a, day_a) == (day_b, month_b):
            return DAY_MONTH_SWAPPED
    return SAME_YEAR_AND_MONTH if month_a == month_b else SAME_YEAR
