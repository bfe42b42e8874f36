"""The scorer's words, as the reader reads them.

The scorer runs without Django (the benches use it bare), so it names fields and levels of
agreement in English (`scorer.LEVEL_LABELS`, `REGISTER_FIELDS`) and a pair's explanation is
stored that way. Pages translate them here, in the context "agreement of two records" (so
"missing" is a missing field, not a missing person). tests/matching/test_explain.py holds
every word of the scorer to this table, so a new level cannot reach a page in English.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asylon.core.i18n import localise_numbers

FIELDS = {
    "given name": _("Given name"),
    "father's name": _("Father's name"),
    "family name": _("Family name"),
    "date of birth": _("Date of birth"),
    "sex": _("Sex"),
    "place of birth": _("Place of birth"),
    "household": _("Household"),
    "site": _("Site"),
    "missing fields": pgettext_lazy("agreement of two records", "missing fields"),
    "one household": pgettext_lazy("agreement of two records", "one household"),
    "engine": pgettext_lazy("agreement of two records", "engine"),
}

LEVELS = {
    "exact": pgettext_lazy("agreement of two records", "exact"),
    "spelled differently": pgettext_lazy("agreement of two records", "same name, spelled differently"),
    "same skeleton": pgettext_lazy("agreement of two records", "same skeleton"),
    "close": pgettext_lazy("agreement of two records", "close"),
    "similar": pgettext_lazy("agreement of two records", "similar"),
    "different": pgettext_lazy("agreement of two records", "different"),
    "both 1 January (estimated ages)": pgettext_lazy("agreement of two records", "both 1 January (estimated ages)"),
    "day/month swapped": pgettext_lazy("agreement of two records", "day/month swapped"),
    "same month": pgettext_lazy("agreement of two records", "same month"),
    "1 January against a day of the same year": pgettext_lazy(
        "agreement of two records", "1 January against a day of the same year"
    ),
    "same year": pgettext_lazy("agreement of two records", "same year"),
    "same day and month, year off by one or ten": pgettext_lazy(
        "agreement of two records", "same day and month, year off by one or ten"
    ),
    "1 January, adjacent year": pgettext_lazy("agreement of two records", "1 January, adjacent year"),
    "adjacent year": pgettext_lazy("agreement of two records", "adjacent year"),
    "very close": pgettext_lazy("agreement of two records", "very close"),
    "one edit": pgettext_lazy("agreement of two records", "one edit"),
    "two edits": pgettext_lazy("agreement of two records", "two edits"),
    "equal": pgettext_lazy("agreement of two records", "equal"),
    "same": pgettext_lazy("agreement of two records", "same"),
    "missing": pgettext_lazy("agreement of two records", "missing"),
    "other names": pgettext_lazy("agreement of two records", "other names"),
}

# "close (+2.5)", "same (+0.0: other names)", "+1.5" or a bare word.
_WEIGHED = re.compile(r"^(?P<words>.*?)\s*\((?P<weight>[+-]?\d+(?:\.\d+)?)(?::\s*(?P<note>[^)]*))?\)$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def field_name(label: str) -> str:
    return str(FIELDS.get(label, label))


def agreement(words: str) -> str:
    return str(LEVELS.get(words, words))


def weighed(value: object) -> str:
    """One stored line of an explanation in the reader's words and digits."""
    text = str(value)
    if _NUMBER.match(text):
        return localise_numbers(text)
    match = _WEIGHED.match(text)
    if match is None:
        return agreement(text)
    note = match["note"]
    weight = localise_numbers(match["weight"]) + (f": {agreement(note)}" if note else "")
    return f"{agreement(match['words'])} ({weight})"


def explanation(stored: dict) -> list[tuple[str, str]]:
    """A pair's stored explanation as (field, how they agree) lines for a page."""
    return [(field_name(k), weighed(v)) for k, v in stored.items()]
