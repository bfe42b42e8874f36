"""Synthetic household rosters (invented people only) in the export layouts of KoboToolbox and
ODK Central, in both shapes a registration form takes:

* head in the main sheet: the main row holds the household and its head, one repeat row per
  other member;
* head among the repeat rows: the main row holds household fields only (block, unit, arrival,
  registration date, country of origin), one repeat row per member, the head included, with
  the relationship to the head.

Layouts, written from the tools' public export formats:

* KoboToolbox XLSX ("XML values and headers", groups kept with "/"): a main sheet named after
  the form with `_id`, `_uuid`, `meta/instanceID`, `_index`...; a sheet per repeat group whose
  rows point to their submission with `_parent_index` (= `_index`) and `_parent_table_name`,
  with the submission's metadata as `_submission__id`, `_submission__uuid`...
* KoboToolbox CSV: the same tables, one CSV per table (here in a ZIP), `;`-separated, every
  value quoted, group prefixes such as `household_roster/member_name`.
* ODK Central "CSV files (.zip)": `Form.csv` with `SubmissionDate`, the values with groups joined
  by "-" (`household-block`), `SET-OF-members`, `meta-instanceID`, `KEY` and Central's columns
  (`SubmitterID`, `ReviewState`...); `Form-members.csv` with the repeat's values, `PARENT_KEY`
  (the submission's `KEY`), `KEY` (`uuid:.../members[1]`) and `SET-OF-members`.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.reports.kobo import FAMILY, GIVEN_F, GIVEN_M

HEAD_IN_MAIN, HEAD_IN_REPEAT = "head_in_main", "head_in_repeat"
FORM = "Household_Roster_v2"
REPEAT = "household_roster"


@dataclass
class Member:
    given: str
    fathers: str
    family: str
    sex: str  # "male" / "female", as the form's choice names
    relationship: str  # as the form's choice names: head, spouse, son...
    born: date | None
    age: int | None = None


@dataclass
class Household:
    block: str
    unit: str
    arrival: date
    registered: date
    country_of_origin: str
    instance: str  # "uuid:..."
    submitted: datetime
    members: list[Member] = field(default_factory=list)  # the head first

    @property
    def head(self) -> Member:
        return self.members[0]


def rosters(n: int, *, seed: int = 11, head_value: str = "head", units: tuple[str, ...] = ("T01", "T02")):
    """n invented households, each with its head first and one to three other members."""
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        family = rng.choice(FAMILY)
        head_sex = rng.choice(["male", "female"])
        head = Member(
            rng.choice(GIVEN_M if head_sex == "male" else GIVEN_F),
            rng.choice(GIVEN_M),
            family,
            head_sex,
            head_value,
            date(1960 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28)),
        )
        household = Household(
            block="Block 1",
            unit=units[(i - 1) % len(units)],
            arrival=date(2012, 2, 18),
            registered=date(2012, 3, 1) + timedelta(days=i),
            country_of_origin="IRN",
            instance=f"uuid:{uuid.UUID(int=rng.getrandbits(128))}",
            submitted=datetime(2012, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=23 * i),
            members=[head],
        )
        for kind in rng.sample(["spouse", "son", "daughter", "mother"], k=rng.randint(1, 3)):
            sex = {"spouse": "female" if head_sex == "male" else "male", "son": "male"}.get(kind, "female")
            by_age = kind == "mother"
            household.members.append(
                Member(
                    rng.choice(GIVEN_M if sex == "male" else GIVEN_F),
                    rng.choice(GIVEN_M),
                    family,
                    sex,
                    kind,
                    None if by_age else date(1985 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28)),
                    66 if by_age else None,
                )
            )
        out.append(household)
    return out


# --- KoboToolbox ------------------------------------------------------------------------

_KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by"]
_KOBO_TAIL = ["__version__", "_tags", "_index"]
_KOBO_CHILD_META = [
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
    "_submission__validation_status",
    "_submission__notes",
    "_submission__status",
    "_submission__submitted_by",
    "_submission___version__",
    "_submission__tags",
]
_HOUSEHOLD = ["household/block", "household/unit", "household/arrival_date"]
_WIDE = ["household/registration_date", "household/country_of_origin"]
_HEAD = [
    "household/head_given_name",
    "household/head_fathers_name",
    "household/head_family_name",
    "household/head_sex",
    "household/head_dob",
]
_MEMBER = ["member_name", "member_fathers_name", "member_family_name", "member_sex", "relationship_to_head"]
_MEMBER_TAIL = ["member_dob", "member_age"]


def kobo_tables(households: list[Household], shape: str) -> dict[str, tuple[list[str], list[list]]]:
    """{sheet: (headers, rows)}: the main sheet first, then the repeat group's."""
    main_headers = ["start", "end", "today", "deviceid", *_HOUSEHOLD]
    main_headers += _HEAD if shape == HEAD_IN_MAIN else _WIDE
    main_headers += ["household/hh_size", "meta/instanceID", *_KOBO_META, *_KOBO_TAIL]
    child_headers = [f"{REPEAT}/{h}" for h in (*_MEMBER, *_MEMBER_TAIL)] + _KOBO_CHILD_META
    main_rows, child_rows, child_index = [], [], 0
    for i, h in enumerate(households, start=1):
        head = h.head
        values = [h.submitted.isoformat(), (h.submitted + timedelta(minutes=9)).isoformat(), h.submitted.date()]
        values += ["collect:K7q2", h.block, h.unit, h.arrival]
        if shape == HEAD_IN_MAIN:
            values += [head.given, head.fathers, head.family, head.sex, head.born]
        else:
            values += [h.registered, h.country_of_origin]
        sub_uuid = h.instance.removeprefix("uuid:")
        values += [len(h.members), h.instance, 500 + i, sub_uuid, h.submitted.isoformat(), "", "", "submitted_via_web"]
        values += ["enumerator2", "vR5bQ", "", i]
        main_rows.append(values)
        for m in h.members if shape == HEAD_IN_REPEAT else h.members[1:]:
            child_index += 1
            child_rows.append(
                [m.given, m.fathers, m.family, m.sex, m.relationship, m.born, m.age]
                + [child_index, FORM, i, 500 + i, sub_uuid, h.submitted.isoformat(), "", "", "submitted_via_web"]
                + ["enumerator2", "vR5bQ", ""]
            )
    return {FORM: (main_headers, main_rows), REPEAT: (child_headers, child_rows)}


def write_kobo_xlsx(path: Path, households: list[Household], shape: str) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for name, (headers, rows) in kobo_tables(households, shape).items():
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_kobo_csv_zip(path: Path, households: list[Household], shape: str) -> Path:
    """KoboToolbox's CSV: `;` between values, every value quoted."""
    with zipfile.ZipFile(path, "w") as z:
        for name, (headers, rows) in kobo_tables(households, shape).items():
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
            writer.writerow(headers)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
            z.writestr(f"{name}.csv", out.getvalue())
    return path


# --- ODK Central ------------------------------------------------------------------------

_CENTRAL_TAIL = [
    "meta-instanceID",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def central_tables(households: list[Household], shape: str) -> dict[str, tuple[list[str], list[list]]]:
    main_headers = ["SubmissionDate", "start", "end", "today", "deviceid"]
    main_headers += [h.replace("/", "-") for h in _HOUSEHOLD]
    main_headers += [h.replace("/", "-") for h in (_HEAD if shape == HEAD_IN_MAIN else _WIDE)]
    main_headers += ["household-hh_size", "SET-OF-household_roster", *_CENTRAL_TAIL]
    child_headers = [*_MEMBER, *_MEMBER_TAIL, "PARENT_KEY", "KEY", "SET-OF-household_roster"]
    main_rows, child_rows = [], []
    for h in households:
        head, when = h.head, h.submitted
        values = [when.isoformat(), when.isoformat(), (when + timedelta(minutes=9)).isoformat(), when.date()]
        values += ["collect:K7q2", h.block, h.unit, h.arrival]
        if shape == HEAD_IN_MAIN:
            values += [head.given, head.fathers, head.family, head.sex, head.born]
        else:
            values += [h.registered, h.country_of_origin]
        values += [len(h.members), f"{h.instance}/{REPEAT}", h.instance, h.instance, 7, "enumerator2", 0, 0]
        values += ["", "", "collect:K7q2", 0, "2"]
        main_rows.append(values)
        children = h.members if shape == HEAD_IN_REPEAT else h.members[1:]
        for n, m in enumerate(children, start=1):
            child_rows.append(
                [m.given, m.fathers, m.family, m.sex, m.relationship, m.born, m.age]
                + [h.instance, f"{h.instance}/{REPEAT}[{n}]", f"{h.instance}/{REPEAT}"]
            )
    return {FORM: (main_headers, main_rows), f"{FORM}-{REPEAT}": (child_headers, child_rows)}


def write_central_zip(path: Path, households: list[Household], shape: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, (headers, rows) in central_tables(households, shape).items():
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
            z.writestr(f"{name}.csv", out.getvalue())
    return path


LAYOUTS = {
    "kobo-xlsx": (write_kobo_xlsx, "xlsx"),
    "kobo-csv": (write_kobo_csv_zip, "zip"),
    "odk-central": (write_central_zip, "zip"),
}


def write(layout: str, folder: Path, households: list[Household], shape: str, name: str = "export") -> Path:
    writer, suffix = LAYOUTS[layout]
    return writer(folder / f"{name}-{layout}.{suffix}", households, shape)
