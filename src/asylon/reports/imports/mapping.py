"""Column mappings: which header of a file holds which field of a household or a person.

A mapping is a plain dict {header: target}; an empty target means "ignore this column".
It is guessed from the headers on first use (synonyms in English, Persian and Arabic, and
the group paths of KoboToolbox/ODK such as ``household/head_given_name``) and then saved
per source (`ImportSource`), so that the next export of the same form maps the same way.

Beside the mapping, a file with repeat groups has a roster shape (`Roster`), saved with it:
either the household's head is in the main sheet and the repeat rows are the other members
(`HEAD_IN_MAIN`), or the main sheet holds household fields only and every member, the head
included, is a repeat row whose relationship column says who is the head (`HEAD_IN_REPEAT`).
`detect_roster` picks the shape from the mapped headers when it is obvious.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asylon.registry.models import SensitiveProfile

# Household-level targets: read from the main sheet (or a household's first row).
HOUSEHOLD_TARGETS = ("household_key", "household_reference", "block", "unit", "arrival_date")
# Person-level targets; `person_reference` names a person already in the register.
PERSON_TARGETS = (
    "person_reference",
    "relationship",
    "given_name",
    "fathers_name",
    "family_name",
    "given_name_original",
    "fathers_name_original",
    "family_name_original",
    "sex",
    "date_of_birth",
    "dob_precision",
    "age",
    "nationality",
    "country_of_origin",
    "stateless",
    "languages",
    "registered_on",
    "biometric_ref",
    "specific_needs",
    *(f"sensitive.{f}" for f in SensitiveProfile.FIELDS),
)
TARGETS = (*HOUSEHOLD_TARGETS, *PERSON_TARGETS)

# Link columns of KoboToolbox (`_index`/`_parent_index`) and ODK Central (`KEY`/`PARENT_KEY`):
# never mapped, the reader uses them to join repeat groups to their submission.
LINK_COLUMNS = ("_index", "_parent_index", "KEY", "PARENT_KEY", "_submission__uuid", "_parent_table_name")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "household_key": (
        "household_id",
        "hh_id",
        "household",
        "household_number",
        "family_id",
        "case_id",
        "group_id",
        "registration_group",
    ),
    "household_reference": ("household_reference", "hh_reference", "case_reference", "household_ref"),
    "block": ("block", "sector", "zone", "بلوک", "بلوك", "قطاع"),
    "unit": ("unit", "shelter", "trailer", "tent", "shelter_id", "caravan", "واحد", "كرفان"),
    "arrival_date": ("arrival_date", "date_of_arrival", "arrived_on", "arrival", "تاریخ_ورود", "تاريخ_الوصول"),
    "person_reference": (
        "person_reference",
        "individual_reference",
        "reference",
        "individual_id",
        "person_id",
        "progres_id",
        "asylon_reference",
    ),
    "relationship": (
        "relationship",
        "relation",
        "relationship_to_head",
        "relationship_to_pa",
        "relationship_to_principal",
        "rel_to_head",
        "نسبت",
        "صلة_القرابة",
    ),
    "given_name": ("given_name", "first_name", "firstname", "forename", "given_names", "name", "نام", "الاسم"),
    "fathers_name": ("fathers_name", "father_name", "father_s_name", "father", "نام_پدر", "اسم_الأب", "اسم_الاب"),
    "family_name": (
        "family_name",
        "last_name",
        "lastname",
        "surname",
        "نام_خانوادگی",
        "اسم_العائلة",
        "اللقب",
    ),
    "given_name_original": ("given_name_original", "given_name_fa", "given_name_ar", "first_name_original"),
    "fathers_name_original": ("fathers_name_original", "father_name_original", "fathers_name_fa"),
    "family_name_original": ("family_name_original", "last_name_original", "family_name_fa", "surname_original"),
    "sex": ("sex", "gender", "جنسیت", "جنس", "الجنس"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate", "born", "تاریخ_تولد", "تاريخ_الميلاد"),
    "dob_precision": ("dob_precision", "birth_date_precision", "date_of_birth_precision"),
    "age": ("age", "age_years", "سن", "العمر"),
    "nationality": ("nationality", "citizenship", "تابعیت", "ملیت", "الجنسية"),
    "country_of_origin": ("country_of_origin", "origin_country", "coo", "origin", "کشور_مبدا", "بلد_المنشأ"),
    "stateless": ("stateless", "is_stateless", "بدون_تابعیت"),
    "languages": ("languages", "language", "زبان", "اللغة"),
    "registered_on": ("registered_on", "registration_date", "date_registered", "date_of_registration"),
    "biometric_ref": ("biometric_ref", "biometric_reference", "biometrics_id"),
    "specific_needs": ("specific_needs", "specific_need_codes", "needs", "sn_codes", "vulnerabilities"),
    "sensitive.religion": ("religion", "دین", "الدين"),
    "sensitive.ethnicity": ("ethnicity", "قومیت", "العرق"),
    "sensitive.political_profile": ("political_profile",),
    "sensitive.medical_notes": ("medical_notes",),
    "sensitive.torture_survivor": ("torture_survivor",),
}
SYNONYMS: dict[str, str] = {word: target for target, words in _SYNONYMS.items() for word in words}

# Prefixes forms put before a person's fields: head_given_name, member_sex, ind_dob...
_PERSON_PREFIXES = ("head_of_household_", "household_head_", "head_", "member_", "hh_", "ind_", "pa_", "person_")


def normalise_header(header: str) -> str:
    """`household/Head Given-Name` -> `head_given_name` (the last group segment, snake case)."""
    last = str(header).strip().split("/")[-1]
    return re.sub(r"[^\w]+", "_", last.casefold()).strip("_")


def guess_target(header: str) -> str:
    """The target a header most likely holds, or "" when none fits."""
    if header in LINK_COLUMNS or str(header).startswith("_"):
        return ""
    if str(header).startswith("SET-OF-"):  # ODK Central's column naming a repeat group's rows
        return ""
    # ODK Central joins groups with "-" (`household-block`): the last segment is tried too.
    for word in dict.fromkeys((normalise_header(header), normalise_header(str(header).split("-")[-1]))):
        if word in SYNONYMS:
            return SYNONYMS[word]
        for prefix in _PERSON_PREFIXES:
            if word.startswith(prefix) and word[len(prefix) :] in SYNONYMS:
                return SYNONYMS[word[len(prefix) :]]
    return ""


def guess_mapping(headers: Iterable[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """A mapping for these headers: the saved one where it knows the header, guesses elsewhere."""
    saved = saved or {}
    return {h: (saved[h] if h in saved else guess_target(h)) for h in headers if h is not None and str(h) != ""}


def mapping_problems(mapping: dict[str, str], sheets: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(sheet, column, message) for targets that are unknown or given twice in one sheet, and for a
    file in which no column holds a given name."""
    problems = []
    for header, target in mapping.items():
        if target and target not in TARGETS:
            problems.append(("", header, _("Unknown target %(t)r for this column.") % {"t": target}))
    for sheet, headers in sheets.items():
        seen: dict[str, str] = {}
        for header in headers:
            target = mapping.get(header, "")
            if not target:
                continue
            if target in seen:
                problems.append(
                    (
                        sheet,
                        header,
                        _("Columns %(a)r and %(b)r both map to %(t)s.") % {"a": seen[target], "b": header, "t": target},
                    )
                )
            seen[target] = header
    if "given_name" not in mapping.values():
        problems.append(("", "", _("No column holds the given name; map one with --mapping.")))
    return problems


# --- the household roster's shape -------------------------------------------------------

HEAD_IN_MAIN = "head_in_main"
HEAD_IN_REPEAT = "head_in_repeat"
SHAPES = {
    HEAD_IN_MAIN: gettext_lazy("the head in the main sheet, the other members in the repeat rows"),
    HEAD_IN_REPEAT: gettext_lazy("household fields in the main sheet, every member (the head too) in the repeat rows"),
}
# The values of a relationship column that name the head, as forms write them (compared
# case-blind, spaces and dashes read as "_").
HEAD_VALUES = (
    "head",
    "self",
    "pa",
    "principal_applicant",
    "hoh",
    "household_head",
    "head_of_household",
    "سرپرست",
    "رب_الأسرة",
)
# Person fields a household-only main sheet may still hold: they hold for every member and
# fill the member rows that leave them empty. Any other person field there is a mapping error.
HOUSEHOLD_WIDE = ("registered_on", "country_of_origin", "nationality", "languages", "stateless")


def head_code(value: Any) -> str:
    return re.sub(r"[\s\-/]+", "_", " ".join(str(value or "").split()).casefold())


@dataclass(frozen=True)
class Roster:
    """How a file with repeat groups lays out a household. `relationship_column` is the repeat
    column mapped to `relationship`; `declared` tells a choice made by a person from a guess."""

    shape: str = HEAD_IN_MAIN
    relationship_column: str = ""
    head_values: tuple[str, ...] = HEAD_VALUES
    declared: bool = False

    @property
    def head_in_repeat(self) -> bool:
        return self.shape == HEAD_IN_REPEAT

    @cached_property
    def _head_codes(self) -> frozenset[str]:
        return frozenset(head_code(v) for v in self.head_values)

    def is_head(self, value: Any) -> bool:
        return head_code(value) in self._head_codes

    def label(self) -> str:
        return str(SHAPES[self.shape])

    def as_dict(self) -> dict[str, Any]:
        return {
            "shape": self.shape,
            "relationship_column": self.relationship_column,
            "head_values": list(self.head_values),
            "declared": self.declared,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Roster | None:
        if not data or data.get("shape") not in SHAPES:
            return None
        return cls(
            shape=data["shape"],
            relationship_column=str(data.get("relationship_column") or ""),
            head_values=tuple(str(v) for v in data.get("head_values") or HEAD_VALUES),
            declared=bool(data.get("declared")),
        )


def detect_roster(
    mapping: dict[str, str],
    sheets: dict[str, list[str]],
    chosen: Roster | None = None,
) -> Roster | None:
    """The roster of a file with repeat groups (None for a flat file): the `chosen` shape and
    head values when given (declared or saved), else guessed. The guess is "head among the
    repeat rows" when the main sheet maps no given name and a repeat sheet maps a relationship;
    otherwise "head in the main sheet", as exports of registration forms have long been read."""
    if len(sheets) < 2:
        return None
    names = list(sheets)
    main, repeats = sheets[names[0]], [h for name in names[1:] for h in sheets[name]]
    relationship_column = next((h for h in repeats if mapping.get(h) == "relationship"), "")
    if chosen is not None:
        return Roster(chosen.shape, relationship_column, chosen.head_values, chosen.declared)
    main_names = any(mapping.get(h) == "given_name" for h in main)
    shape = HEAD_IN_REPEAT if not main_names and relationship_column else HEAD_IN_MAIN
    return Roster(shape, relationship_column)


def roster_problems(
    roster: Roster | None, mapping: dict[str, str], sheets: dict[str, list[str]]
) -> list[tuple[str, str, str]]:
    """(sheet, column, message) for a roster whose head is among the repeat rows but that has no
    relationship column there, or whose main sheet maps a person's own field."""
    if roster is None or not roster.head_in_repeat:
        return []
    names = list(sheets)
    problems = []
    if not roster.relationship_column:
        problems.append(
            (
                names[1] if len(names) > 1 else "",
                "",
                _(
                    "The head is among the repeat rows, but no repeat column holds the relationship to the "
                    "head: map one to relationship."
                ),
            )
        )
    for header in sheets[names[0]]:
        target = mapping.get(header, "")
        if target in PERSON_TARGETS and target not in HOUSEHOLD_WIDE:
            problems.append(
                (
                    names[0],
                    header,
                    _(
                        "The head is among the repeat rows, so the main sheet holds household fields only: "
                        "this column cannot hold a person's %(t)s. Map it to nothing, or declare the head "
                        "in the main sheet."
                    )
                    % {"t": target},
                )
            )
    return problems
