"""Exports: registers through the data-sharing guard, recorded; aggregates with HXL, small cells hidden."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from tests.access_matrix import SECRETS
from tests.conftest import member

from asylon.audit.models import AuditEvent
from asylon.core.errors import NotPermitted, SafeguardRefusal
from asylon.incidents.services import report_incident
from asylon.registry import services as registry
from asylon.reports import exports
from asylon.reports.models import ReportRun
from asylon.safeguards import DisclosureSubject, Recipient, RecipientKind


def _rows(result) -> list[list[str]]:
    text = result.path.read_text(encoding="utf-8")
    result.path.unlink()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def secret_household(protection_officer, site_a, unit_a):
    return registry.register_household(
        actor=protection_officer,
        site=site_a,
        unit=unit_a,
        members=[member(sensitive={"religion": SECRETS["religion"]}), member("CHILD", given_name="Sara", sex="F")],
    )


def test_a_persons_export_leaves_sensitive_fields_out_and_is_recorded(protection_officer, site_a, secret_household):
    result = exports.export_records(
        actor=protection_officer, kind="persons", site=site_a, fmt="csv", purpose="Distribution list check"
    )
    rows = _rows(result)
    # The header row is for the person who opens the file: labels, not codes.
    assert rows[0][:4] == ["Reference", "Household", "Relationship to principal applicant", "Given name"]
    assert "Religion" not in rows[0] and not any(SECRETS["religion"] in c for r in rows for c in r)
    assert not rows[1][0].startswith("#")  # no HXL row on personal data
    assert [r[3] for r in rows[1:]] == ["Dariush", "Sara"]
    event = AuditEvent.objects.get(action="export.personal_data")
    assert event.changes["allowed"] is True and event.changes["count"] == 2
    assert event.changes["purpose"] == "Distribution list check"
    assert event.changes["recipient"]["name"] == exports.INTERNAL_USE
    assert event.changes["sha256"] == result.sha256 and "given_name" in event.changes["allowed_fields"]


def test_sensitive_fields_only_when_asked_by_a_role_that_sees_them(
    protection_officer, make_user, site_a, secret_household
):
    result = exports.export_records(
        actor=protection_officer,
        kind="persons",
        site=site_a,
        fmt="xlsx",
        purpose="Protection follow-up",
        include_sensitive=True,
    )
    import openpyxl

    book = openpyxl.load_workbook(result.path, read_only=True)
    values = [list(r) for r in book["export"].iter_rows(values_only=True)]
    legend = dict(book["columns"].iter_rows(min_row=2, values_only=True))
    result.path.unlink()
    assert "Religion" in values[0] and SECRETS["religion"] in values[1]
    # The machine names stay beside the labels, on the "columns" sheet, in the header's order.
    assert list(legend) == [c.key for c in exports.PERSON_COLUMNS]
    assert legend["religion"] == "Religion" and legend["date_of_birth"] == "Date of birth"
    event = AuditEvent.objects.get(action="export.personal_data")
    assert "religion" in event.changes["sensitive_fields"]

    rsd = make_user("rsd_officer", username="rsd")  # sees sensitive fields, may not export records
    with pytest.raises(NotPermitted):
        exports.export_records(actor=rsd, kind="persons", site=site_a, fmt="csv", purpose="x")
    clerk = make_user("registration_clerk", username="clerk2")
    with pytest.raises(NotPermitted):
        exports.export_records(actor=clerk, kind="households", site=site_a, fmt="csv", purpose="x")


def test_the_guard_refuses_the_country_of_origin_and_records_the_refusal(protection_officer, site_a):
    persons = [DisclosureSubject(reference="AAA-000001", country_of_origin="IR", nationality="IR")]
    embassy = Recipient(kind=RecipientKind.COUNTRY_OF_ORIGIN_AUTHORITY, country="IR", name="Embassy")
    with pytest.raises(SafeguardRefusal) as refused:
        exports.guard_export(protection_officer, embassy, persons, ["given_name"], "verification", site=site_a)
    assert refused.value.rule == "D1"
    event = AuditEvent.objects.get(action="export.personal_data")
    assert event.changes["allowed"] is False and event.changes["rule"] == "D1"


def test_households_export_names_the_principal_applicant(protection_officer, site_a, secret_household):
    rows = _rows(
        exports.export_records(actor=protection_officer, kind="households", site=site_a, fmt="csv", purpose="Audit")
    )
    pa = secret_household.memberships.get(relationship="PA").person
    assert rows[1][0] == secret_household.reference and rows[1][5] == pa.reference and rows[1][7] == "2"


def test_households_by_block_has_hxl_tags_and_hides_small_cells(protection_officer, site_a, secret_household):
    result = exports.export_aggregate(actor=protection_officer, kind="households-by-block", site=site_a, fmt="csv")
    rows = _rows(result)
    assert rows[1][3:] == [
        "#loc+name",
        "#population+hh",
        "#population+total",
        "#population+f",
        "#population+m",
        "#population+sex_other",
    ]
    assert rows[2][3] == "Block 1"
    assert rows[2][4:] == ["", "", "", "", "0"]  # 1 household, 2 persons, 1 F, 1 M: all below 5
    assert ReportRun.objects.get(kind="HH_BY_BLOCK").sha256 == result.sha256


def test_incidents_by_month_counts_events_and_hides_few_people(protection_officer, site_a):
    for day, injured in ((9, 2), (10, 12)):
        report_incident(
            actor=protection_officer,
            site=site_a,
            kind="ARMED_ATTACK",
            occurred_at=datetime(2013, 2, day, 5, 40, tzinfo=UTC),
            severity=3,
            injured=injured,
        )
    rows = _rows(exports.export_aggregate(actor=protection_officer, kind="incidents-by-month", site=site_a, fmt="csv"))
    assert "#affected+injured" in rows[1] and "#date+start" in rows[1]
    assert rows[2][3:] == ["2013-02", "ARMED_ATTACK", "2", "0", "14", "0", "0"]


def test_the_export_command_refuses_hxl_on_personal_data(tmp_path, protection_officer, site_a, secret_household):
    out = tmp_path / "p.csv"
    with pytest.raises(CommandError, match="aggregates only"):
        call_command("export", "persons", site="AAA", username="protection", out=str(out), hxl=True, purpose="x")
    call_command("export", "persons", site="AAA", username="protection", out=str(out), purpose="Check")
    assert out.read_text().startswith("Reference,Household")
    with pytest.raises(CommandError, match="purpose"):
        call_command("export", "persons", site="AAA", username="protection", out=str(out))


def test_a_persian_exporter_reads_the_headers_in_persian(protection_officer, site_a, secret_household):
    with translation.override("fa"):
        rows = _rows(
            exports.export_records(actor=protection_officer, kind="persons", site=site_a, fmt="csv", purpose="Check")
        )
        expected = [translation.gettext("Reference"), translation.gettext("Household")]
    assert rows[0][:2] == expected and expected[0] != "Reference"
    assert not any(cell.isascii() for cell in rows[0][:3])
