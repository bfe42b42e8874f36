"""Paper roll-call sheets, for when phones fail: print one per block, enter it afterwards.

A sheet lists the block's persons expected at the roll call (the marking list's entries),
grouped by unit and household, with a box per result. Entering a sheet sends its rows
through the same marking service as the phones (rollcall.mark_persons), recorded as coming
from a paper sheet: a "dead", "missing" or "not found" row is an observation that becomes a
review on closing (reviews.py), never a change of presence by itself (DOMAIN 9.2). A row
left "not entered" stays as it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.i18n import Digits, digit_system
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Location, Membership

from .models import RollCall, RollCallChannel, RollCallEntry, RollCallResult
from .rollcall import CLOCK_SKEW, PROPOSED_PRESENCE, Mark, mark_persons

NOT_ENTERED = ""

# The boxes of a sheet, in the order they are printed; "not found" is the box for "not seen".
SHEET_RESULTS = (
    RollCallResult.ACCOUNTED_SAFE,
    RollCallResult.INJURED,
    RollCallResult.MISSING,
    RollCallResult.DECEASED,
    RollCallResult.NOT_FOUND,
)
# The sheet of the persons whose unit lies in no block.
NO_BLOCK = 0


@dataclass
class Row:
    ref: str
    name: str
    orig: str
    result: str  # the stored mark
    entered: str = NOT_ENTERED  # the result chosen on the entry page, while it is checked


@dataclass
class Household:
    reference: str  # "" for persons in no household
    rows: list[Row] = field(default_factory=list)


@dataclass
class Unit:
    name: str
    households: list[Household] = field(default_factory=list)


@dataclass
class Sheet:
    roll_call: RollCall
    block_id: int
    block_name: str
    units: list[Unit]

    @property
    def rows(self) -> list[Row]:
        return [r for u in self.units for h in u.households for r in h.rows]


def sheet_blocks(roll_call: RollCall) -> list[tuple[int, str, int]]:
    """The blocks of a roll call's expected persons: (id, name, persons), NO_BLOCK last."""
    counts: dict[int, int] = {}
    for block_id in RollCallEntry.objects.filter(roll_call=roll_call).values_list("person__unit__parent", flat=True):
        key = block_id or NO_BLOCK
        counts[key] = counts.get(key, 0) + 1
    names = dict(Location.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "name"))
    out = sorted(((k, names[k], n) for k, n in counts.items() if k), key=lambda b: b[1])
    if NO_BLOCK in counts:
        out.append((NO_BLOCK, _("No block"), counts[NO_BLOCK]))
    return out


def get_sheet(roll_call: RollCall, block_id: int) -> Sheet:
    """The block's rows of the marking list, by unit and household. NotFound for another block."""
    entries = RollCallEntry.objects.filter(roll_call=roll_call)
    if block_id == NO_BLOCK:
        entries = entries.filter(person__unit__parent__isnull=True)
        block_name = _("No block")
    else:
        block = Location.objects.filter(pk=block_id, site_id=roll_call.site_id).first()
        if block is None:
            raise NotFound(_("No such block in this roll call."))
        entries = entries.filter(person__unit__parent=block)
        block_name = block.name
    rows = list(
        entries.values_list(
            "person_id",
            "person__reference",
            "person__given_name",
            "person__fathers_name",
            "person__family_name",
            "person__given_name_original",
            "person__family_name_original",
            "person__unit__name",
            "result",
        )
    )
    if not rows:
        raise NotFound(_("No such block in this roll call."))
    households = dict(
        Membership.objects.filter(person_id__in=[r[0] for r in rows], ended_on__isnull=True).values_list(
            "person_id", "household__reference"
        )
    )
    rows.sort(key=lambda r: (r[7] or "", households.get(r[0], "~"), r[1]))
    units: list[Unit] = []
    for pid, ref, given, father, family, given_o, family_o, unit, result in rows:
        if not units or units[-1].name != (unit or ""):
            units.append(Unit(unit or ""))
        hh = households.get(pid, "")
        if not units[-1].households or units[-1].households[-1].reference != hh:
            units[-1].households.append(Household(hh))
        name = " ".join(p for p in (given, father, family) if p)
        orig = " ".join(p for p in (given_o, family_o) if p)
        units[-1].households[-1].rows.append(Row(ref, name, orig, result))
    return Sheet(roll_call, block_id, block_name, units)


# The CSS counter style that writes page numbers in the reader's digits (as the sitrep).
PAGE_DIGITS: dict[str, str] = {Digits.PERSIAN: "persian", Digits.ARABIC: "arabic-indic"}


@transaction.atomic
def print_sheet(*, actor: Actor, roll_call: RollCall, block_id: int) -> tuple[bytes, Sheet]:
    """The block's sheet as a PDF in the reader's language. Personal data (D4): audited."""
    ensure(actor, "incidents.mark_rollcall", roll_call)
    sheet = get_sheet(roll_call, block_id)
    import weasyprint

    html = render_to_string(
        "incidents/rollcall_sheet.html",
        {
            "sheet": sheet,
            "rc": roll_call,
            "results": [(r, RollCallResult(r).label) for r in SHEET_RESULTS],
            "printed_at": timezone.now(),
            "printed_by": actor.get_username(),
            "page_digits": PAGE_DIGITS.get(digit_system(), "decimal"),
        },
    )
    pdf = weasyprint.HTML(string=html).write_pdf()
    audit.record(
        actor, "roll_call.sheet_printed", roll_call, changes={"block": sheet.block_name, "persons": len(sheet.rows)}
    )
    return pdf, sheet


def filename(roll_call: RollCall, block_id: int) -> str:
    return f"roll-call-{roll_call.pk}-block-{block_id}.pdf"


@dataclass
class SheetEntry:
    """What a paper sheet's entry will record: results per row, and who counted when."""

    sheet: Sheet
    results: dict[str, str]  # person reference -> result, entered rows only
    counted_by: str
    counted_at: datetime

    def counts(self) -> list[tuple[str, int]]:
        return [
            (str(RollCallResult(r).label), n)
            for r in SHEET_RESULTS
            if (n := sum(1 for v in self.results.values() if v == r))
        ]

    def to_review(self) -> list[tuple[str, Row]]:
        """The rows that become reviews on closing: dead, missing, not found."""
        return [
            (str(RollCallResult(self.results[r.ref]).label), r)
            for r in self.sheet.rows
            if self.results.get(r.ref) in PROPOSED_PRESENCE
        ]


def parse_entry(
    roll_call: RollCall, block_id: int, results: dict[str, str], *, counted_by: str, counted_at: datetime | None
) -> SheetEntry:
    """Check a sheet's entry: known rows, known results, a counter and a time within the roll call."""
    sheet = get_sheet(roll_call, block_id)
    refs = {r.ref for r in sheet.rows}
    errors: dict[str, list[str]] = {}
    chosen = {ref: v for ref, v in results.items() if v != NOT_ENTERED}
    if any(ref not in refs for ref in chosen) or any(v not in SHEET_RESULTS for v in chosen.values()):
        errors["__all__"] = [_("Choose one of the sheet's results for the sheet's persons.")]
    elif not chosen:
        errors["__all__"] = [_("Enter at least one row of the sheet.")]
    if not counted_by.strip():
        errors["counted_by"] = [_("Say who counted, as written on the sheet.")]
    now = timezone.now()
    if counted_at is None:
        errors["counted_at"] = [_("Give the time written on the sheet.")]
    elif not roll_call.started_at - CLOCK_SKEW <= counted_at <= now + CLOCK_SKEW:
        errors["counted_at"] = [_("The time must lie between the roll call's start and now.")]
    if errors:
        raise InvalidInput(errors)
    assert counted_at is not None
    return SheetEntry(sheet, chosen, counted_by.strip(), counted_at)


@transaction.atomic
def enter_sheet(*, actor: Actor, roll_call: RollCall, entry: SheetEntry) -> list[dict]:
    """Mark the entered rows through the phones' service, as from a paper sheet, and audit it.

    Each row comes back as applied, or as a conflict when a phone marked the person after the
    time written on the sheet (the newer mark wins, as between phones).
    """
    ensure(actor, "incidents.mark_rollcall", roll_call)
    batch = uuid.uuid4().hex[:12]
    marks = [
        Mark(person=ref, result=result, marked_at=entry.counted_at, client_id=f"sheet-{batch}-{ref}")
        for ref, result in entry.results.items()
    ]
    out = mark_persons(actor=actor, roll_call=roll_call, marks=marks, channel=RollCallChannel.PAPER)
    applied = {r["person"]: r["result"] for r in out if r["status"] == "applied"}
    changes: dict[str, Any] = {
        "block": entry.sheet.block_name,
        "counted_by": entry.counted_by,
        "counted_at": entry.counted_at.isoformat(),
        "entered": len(entry.results),
        "applied": len(applied),
        "not_applied": sorted(r["person"] for r in out if r["status"] != "applied"),
        "to_review": sorted(ref for ref, result in applied.items() if result in PROPOSED_PRESENCE),
    }
    audit.record(actor, "roll_call.sheet_entered", roll_call, changes=changes)
    return out
