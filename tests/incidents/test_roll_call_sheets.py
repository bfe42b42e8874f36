"""Paper roll-call sheets: a block's sheet lists exactly its expected persons (in the reader's
language); entering a sheet marks exactly the rows entered, as from paper, after showing what
it will record; deaths and disappearances wait for review as when marked by phone."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from tests.confirm_page import asks_to_confirm, summary
from tests.incidents.conftest import register_residents
from tests.reports.test_sitrep import needs_poppler
from tests.signin import sign_in

from asylon.audit.models import AuditEvent
from asylon.incidents import rollcall, sheets
from asylon.incidents.models import PresenceReview, RollCallEntry
from asylon.registry import services as registry
from asylon.registry.models import Location, Person


@pytest.fixture
def blocks(clerk, site_a, unit_a):
    """Block 1 (unit_a's) with four residents, one of whom has left; Block 2 with two."""
    other_block = Location.objects.create(site=site_a, kind="BLOCK", name="Block 2")
    other_unit = Location.objects.create(site=site_a, kind="UNIT", name="T20", parent=other_block)
    first = register_residents(clerk, site_a, unit_a, ["Ava", "Behrouz", "Camran", "Gilan"])
    second = register_residents(clerk, site_a, other_unit, ["Elham", "Farid"])
    registry.change_presence(actor=clerk, person=first[3], presence="DEPARTED", reason="resettled")
    return unit_a.parent, first[:3], other_block, second


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@needs_poppler
@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_blocks_sheet_lists_its_expected_residents_and_no_one_else(
    officer, monitor, site_a, blocks, tmp_path, language
):
    block, residents, _other_block, others = blocks
    gone = Person.objects.get(given_name="Gilan")
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    with translation.override(language):
        pdf, sheet = sheets.print_sheet(actor=monitor, roll_call=rc, block_id=block.pk)
    text = pdf_text(pdf, tmp_path)
    for p in residents:
        assert p.reference in text
        assert p.given_name in text
    for p in [*others, gone]:
        assert p.reference not in text
        assert p.given_name not in text
    assert [r.ref for r in sheet.rows] == [p.reference for p in residents]
    assert "Block 1" in text
    if language == "fa":
        assert "حضور و غیاب" in text  # "Roll call", in Persian letters that are drawn
    else:
        assert "Roll call" in text and "Counted by" in text
    assert AuditEvent.objects.filter(action="roll_call.sheet_printed").count() == 1


def test_a_sheet_groups_rows_by_unit_and_household(officer, monitor, site_a, blocks):
    block, residents, *_ = blocks
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    sheet = sheets.get_sheet(rc, block.pk)
    assert [u.name for u in sheet.units] == ["T01"]
    assert len(sheet.units[0].households) == 3  # each resident registered as their own household
    assert all(h.reference.startswith("AAA-") for h in sheet.units[0].households)


def _client(user) -> Client:
    return sign_in(Client(), user)


def test_entering_a_sheet_previews_then_marks_exactly_the_rows_entered(officer, monitor, site_a, blocks):
    block, (ava, behrouz, camran), _b2, (elham, _farid) = blocks
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    client = _client(monitor)
    url = reverse("incidents:rollcall_sheet_enter", args=[rc.pk, block.pk])
    assert client.get(url).status_code == 200
    counted_at = timezone.localtime() - timedelta(minutes=1)
    form = {
        "counted_by": "Nasrin (block leader)",
        "counted_at": counted_at.strftime("%Y-%m-%dT%H:%M"),
        f"r-{ava.reference}": "ACCOUNTED_SAFE",
        f"r-{behrouz.reference}": "DECEASED",
        f"r-{camran.reference}": "",  # not entered
    }
    preview = client.post(url, form)
    assert asks_to_confirm(preview)
    said = summary(preview)
    assert "2 rows" in said and behrouz.full_name in said and ava.full_name not in said
    assert not RollCallEntry.objects.filter(roll_call=rc).exclude(result="NOT_YET_CHECKED").exists()

    done = client.post(url, {**form, "confirm": "yes"})
    assert done.status_code == 302
    marks = dict(RollCallEntry.objects.filter(roll_call=rc).values_list("person__reference", "result"))
    assert marks == {
        ava.reference: "ACCOUNTED_SAFE",
        behrouz.reference: "DECEASED",
        camran.reference: "NOT_YET_CHECKED",
        elham.reference: "NOT_YET_CHECKED",
        _farid.reference: "NOT_YET_CHECKED",
    }
    entered = RollCallEntry.objects.get(roll_call=rc, person=ava)
    assert (entered.channel, entered.marked_by) == ("PAPER", monitor)
    assert rollcall.counts(rc)["unaccounted"] == 3  # camran and block 2 still to account for
    event = AuditEvent.objects.get(action="roll_call.sheet_entered")
    assert event.changes["counted_by"] == "Nasrin (block leader)"
    assert event.changes["to_review"] == [behrouz.reference]

    # The close page says the death came from a paper sheet.
    closing = _client(officer).get(reverse("incidents:rollcall_close", args=[rc.pk])).content.decode()
    assert "(paper sheet)" in closing
    # The death is an observation: closing sends it to review, and the register is unchanged.
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    review = PresenceReview.objects.get(roll_call=rc)
    assert (review.person, review.observed, review.state) == (behrouz, "DECEASED", "PENDING")
    behrouz.refresh_from_db()
    assert behrouz.presence == "PRESENT"


def test_a_phones_later_mark_wins_over_the_sheet(officer, monitor, site_a, blocks):
    block, (ava, *_rest), *_ = blocks
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    now = timezone.now()
    phone = rollcall.Mark(person=ava.reference, result="INJURED", marked_at=now, client_id="phone-1")
    rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[phone])
    entry = sheets.parse_entry(
        rc, block.pk, {ava.reference: "ACCOUNTED_SAFE"}, counted_by="Nasrin", counted_at=now - timedelta(seconds=30)
    )
    out = sheets.enter_sheet(actor=officer, roll_call=rc, entry=entry)
    assert out[0]["status"] == "conflict"
    stored = RollCallEntry.objects.get(roll_call=rc, person=ava)
    assert (stored.result, stored.channel) == ("INJURED", "PHONE")


def test_a_sheet_refuses_nothing_entered_and_a_stranger(officer, monitor, site_a, blocks):
    block, (ava, *_), _b2, (elham, _f) = blocks
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    from asylon.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        sheets.parse_entry(rc, block.pk, {ava.reference: ""}, counted_by="N", counted_at=timezone.now())
    with pytest.raises(InvalidInput):  # a person of another block is not on this sheet
        sheets.parse_entry(rc, block.pk, {elham.reference: "MISSING"}, counted_by="N", counted_at=timezone.now())


def test_the_roll_call_page_links_to_the_sheets(officer, monitor, site_a, blocks):
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    page = _client(monitor).get(reverse("incidents:rollcall_mark", args=[rc.pk]))
    assert reverse("incidents:rollcall_sheets", args=[rc.pk]) in page.content.decode()
    listing = _client(monitor).get(reverse("incidents:rollcall_sheets", args=[rc.pk])).content.decode()
    assert "Block 1" in listing and "Block 2" in listing
