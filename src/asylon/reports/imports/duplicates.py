"""Probable duplicates of incoming rows among the persons a site already has.

Blocking: the site's persons are grouped by the skeleton keys of their given and family names
(`matching.names`: every spelling of a name, in either script, meets on its skeleton); a row
is compared only with the persons of its block, of a compatible sex and a birth year at most
one apart, and scored with `matching.similarity`. The keys are computed here in Python, once
per import; when the matching app's key table is merged this index reads it instead.

Memory: one small tuple per person already in the site (not per row of the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from asylon.matching.names import name_keys
from asylon.matching.similarity import date_similarity, name_similarity
from asylon.registry.models import Person, Site

NAME_THRESHOLD = 0.9  # full-name similarity from which a row is a probable duplicate
DATE_THRESHOLD = 0.6  # dates of birth at least in the same year (None: unknown, no evidence)
MAX_CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    reference: str
    name: str
    date_of_birth: date | None
    score: float

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "score": round(self.score, 2),
        }


def _block(given: str, family: str) -> tuple[str, str]:
    return name_keys(given).skeleton, name_keys(family).skeleton


def partial(dob: date | None, precision: str | None) -> date | str | None:
    """The known part of a date of birth, as `date_similarity` reads it."""
    if dob is None:
        return None
    if precision == "MONTH":
        return f"{dob.year:04d}-{dob.month:02d}"
    if precision in ("YEAR", "ESTIMATED"):
        return f"{dob.year:04d}"
    return dob


def _full(given: str, fathers: str, family: str) -> str:
    return " ".join(p for p in (given, fathers, family) if p)


# reference, full name, sex, date of birth, its known part, name without the father's name
Entry = tuple[str, str, str, date | None, date | str | None, str]


class DuplicateIndex:
    def __init__(self, site: Site):
        self.site = site
        self._blocks: dict[tuple[str, str], list[Entry]] | None = None

    def _load(self) -> dict[tuple[str, str], list[Entry]]:
        if self._blocks is None:
            blocks: dict[tuple[str, str], list[Entry]] = {}
            rows = (
                Person.objects.filter(site=self.site)
                .values_list(
                    "reference", "given_name", "fathers_name", "family_name", "sex", "date_of_birth", "dob_precision"
                )
                .iterator(chunk_size=5000)
            )
            for ref, given, fathers, family, sex, dob, precision in rows:
                entry = (
                    ref,
                    _full(given, fathers, family),
                    sex,
                    dob,
                    partial(dob, precision),
                    _full(given, "", family),
                )
                blocks.setdefault(_block(given, family), []).append(entry)
            self._blocks = blocks
        return self._blocks

    def candidates(self, person: dict) -> list[Candidate]:
        """Persons already registered that this row probably describes, best first."""
        given, family = person.get("given_name") or "", person.get("family_name") or ""
        blocks = self._load()
        if not given or not blocks:
            return []
        block = blocks.get(_block(given, family))
        if not block:
            return []
        fathers = person.get("fathers_name") or ""
        name, short = _full(given, fathers, family), _full(given, "", family)
        sex, dob = person.get("sex"), person.get("date_of_birth")
        known = partial(dob, person.get("dob_precision")) if isinstance(dob, date) else None
        found = []
        for ref, other_name, other_sex, other_dob, other_known, other_short in block:
            if sex in ("F", "M") and other_sex in ("F", "M") and sex != other_sex:
                continue
            if isinstance(dob, date) and other_dob is not None and abs(dob.year - other_dob.year) > 1:
                continue
            # A father's name missing on either side is no evidence: compare without it.
            both = fathers and other_name != other_short
            score = name_similarity(name, other_name) if both else name_similarity(short, other_short)
            if score < NAME_THRESHOLD:
                continue
            dates = date_similarity(known, other_known)
            if dates is not None and dates < DATE_THRESHOLD:
                continue
            found.append(Candidate(ref, other_name, other_dob, score if dates is None else (score + dates) / 2))
        found.sort(key=lambda c: -c.score)
        return found[:MAX_CANDIDATES]
