"""Synthetic KoboToolbox exports (invented people only), shaped like the real thing.

A KoboToolbox XLSX export with "XML values and headers" and group names kept: the main sheet is
named after the form and holds one row per submission (the household and its head, in the group
`household/`); the repeat group `members` has its own sheet whose rows point to their submission
through `_parent_index` (= the main sheet's `_index`), with Kobo's metadata columns on both.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

MAIN_HEADERS = [
    "start",
    "end",
    "today",
    "deviceid",
    "household/block",
    "household/unit",
    "household/arrival_date",
    "household/head_given_name",
    "household/head_fathers_name",
    "household/head_family_name",
    "household/head_given_name_fa",
    "household/head_sex",
    "household/head_dob",
    "household/head_nationality",
    "household/hh_size",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]
MEMBER_HEADERS = [
    "members/member_given_name",
    "members/member_fathers_name",
    "members/member_family_name",
    "members/member_sex",
    "members/member_relationship",
    "members/member_dob",
    "members/member_age",
    "members/member_specific_needs",
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

GIVEN_M = ["Bahram", "Kourosh", "Farhad", "Siavash", "Omid", "Arash", "Babak", "Kaveh"]
GIVEN_F = ["Golnar", "Shirin", "Roya", "Nasrin", "Laleh", "Mina", "Ziba", "Parisa"]
FAMILY = ["Navabi", "Sepehri", "Golbahar", "Arjomandi", "Tabesh", "Rahnavard", "Farzin", "Kianfar"]
FORM = "Registration_Liberty_v3"


def kobo_households(n: int, *, seed: int = 3, block: str = "Block 1", units: tuple[str, ...] = ("T01",)):
    """n invented households: (main row dict, [member row dicts])."""
    rng = random.Random(seed)
    out = []
    start = datetime(2012, 2, 18, 9, 0, tzinfo=UTC)
    member_index = 0
    for i in range(1, n + 1):
        family = rng.choice(FAMILY)
        father = rng.choice(GIVEN_M)
        head_sex = rng.choice(["male", "female"])
        given = rng.choice(GIVEN_M if head_sex == "male" else GIVEN_F)
        sub_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        when = start + timedelta(minutes=17 * i)
        members = []
        kinds = rng.sample(["spouse", "son", "daughter", "mother"], k=rng.randint(1, 3))
        for kind in kinds:
            member_index += 1
            sex = {"spouse": "female" if head_sex == "male" else "male", "son": "male", "mother": "female"}.get(
                kind, "female"
            )
            by_age = kind == "mother"  # the enumerator only knew her age
            born = date(1975 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
            members.append(
                {
                    "members/member_given_name": rng.choice(GIVEN_M if sex == "male" else GIVEN_F),
                    "members/member_fathers_name": rng.choice(GIVEN_M),
                    "members/member_family_name": family,
                    "members/member_sex": sex,
                    "members/member_relationship": kind,
                    "members/member_dob": None if by_age else born,
                    "members/member_age": 67 if by_age else None,
                    "members/member_specific_needs": "ER-NF" if by_age else "",
                    "_index": member_index,
                    "_parent_table_name": FORM,
                    "_parent_index": i,
                    "_submission__id": 100 + i,
                    "_submission__uuid": sub_uuid,
                    "_submission__submission_time": when.isoformat(),
                    "_submission__validation_status": "",
                    "_submission__notes": "",
                    "_submission__status": "submitted_via_web",
                    "_submission__submitted_by": "enumerator1",
                    "_submission___version__": "vGx3kT",
                    "_submission__tags": "",
                }
            )
        main = {
            "start": when.isoformat(),
            "end": (when + timedelta(minutes=12)).isoformat(),
            "today": when.date(),
            "deviceid": "collect:Zx81",
            "household/block": block,
            "household/unit": units[(i - 1) % len(units)],
            "household/arrival_date": date(2012, 2, 18),
            "household/head_given_name": given,
            "household/head_fathers_name": father,
            "household/head_family_name": family,
            "household/head_given_name_fa": "",
            "household/head_sex": head_sex,
            "household/head_dob": date(1960 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28)),
            "household/head_nationality": "iran",
            "household/hh_size": 1 + len(members),
            "_id": 100 + i,
            "_uuid": sub_uuid,
            "_submission_time": when.isoformat(),
            "_validation_status": "",
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": "enumerator1",
            "__version__": "vGx3kT",
            "_tags": "",
            "_index": i,
        }
        out.append((main, members))
    return out


def write_kobo_xlsx(path: Path, households) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    main = book.create_sheet(FORM)
    main.append(MAIN_HEADERS)
    repeat = book.create_sheet("members")
    repeat.append(MEMBER_HEADERS)
    for row, members in households:
        main.append([row[h] for h in MAIN_HEADERS])
        for m in members:
            repeat.append([m[h] for h in MEMBER_HEADERS])
    book.save(path)
    return path


def write_kobo_zip(path: Path, households) -> Path:
    """The same export as a ZIP of CSV files (one per table)."""

    def table(headers, rows) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if r[h] is None else r[h] for h in headers])
        return out.getvalue()

    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{FORM}.csv", table(MAIN_HEADERS, [m for m, _ in households]))
        z.writestr("members.csv", table(MEMBER_HEADERS, [x for _, ms in households for x in ms]))
    return path


FLAT_HEADERS = [
    "Household ID",
    "Relationship",
    "First name",
    "Father's name",
    "Surname",
    "Sex",
    "Date of birth",
    "Nationality",
    "Block",
    "Unit",
    "Specific needs",
]


def flat_rows(households: int, *, seed: int = 5, unit: str = "T01", block: str = "Block 1") -> list[list[str]]:
    """A hand-kept sheet: one row per person, a household id grouping them."""
    rng = random.Random(seed)
    rows = []
    for h in range(1, households + 1):
        family = rng.choice(FAMILY)
        for k, rel in enumerate(["PA", "spouse", "child"][: rng.randint(1, 3)]):
            sex = "M" if (k == 0) == (h % 2 == 0) else "F"
            rows.append(
                [
                    f"HH{h:05d}",
                    rel,
                    rng.choice(GIVEN_M if sex == "M" else GIVEN_F),
                    rng.choice(GIVEN_M),
                    family,
                    sex,
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2010)}",
                    "IR",
                    block,
                    unit,
                    "",
                ]
            )
    return rows


def write_csv(path: Path, headers: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path
