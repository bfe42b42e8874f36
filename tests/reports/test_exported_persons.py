"""D6 for record exports: which persons' data an export carried stays provable, however many,
as a list beside its audit event (count and digest), readable by who reads the trail."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from tests.conftest import member
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.errors import SafeguardRefusal
from asylon.registry import services as registry
from asylon.reports import exports
from asylon.reports.models import ExportedPerson, PersonalDataExport
from asylon.safeguards import Agreement, DisclosureSubject, Recipient, RecipientKind


@pytest.fixture
def three(protection_officer, site_a, site_b, unit_a, make_user):
    """A household of three in site A (one with a specific need), and one person in site B."""
    household = registry.register_household(
        actor=protection_officer,
        site=site_a,
        unit=unit_a,
        members=[
            member(),
            member("SPOUSE", given_name="Shirin", sex="F", specific_needs=["SM-CI"]),
            member("CHILD", given_name="Sara", sex="F"),
        ],
    )
    clerk_b = make_user(Role.REGISTRATION_CLERK, sites=[site_b], username="clerk-b")
    registry.register_household(actor=clerk_b, site=site_b, members=[member(given_name="Elsewhere")])
    return sorted(m.person.reference for m in household.memberships.select_related("person"))


def _file_rows(result, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.path.read_text(encoding="utf-8"))))
    else:
        book = openpyxl.load_workbook(result.path, read_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in book["export"].iter_rows(values_only=True)]
        rows = [r + [""] * (len(rows[0]) - len(r)) for r in rows]  # a row's empty cells at its end are not written
    result.path.unlink()
    return rows


def _get(user, path: str, **params):
    return Client().get(path, params, **bearer(user))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_three_person_export_records_exactly_those_three_where_the_trail_reader_reads_them(
    fmt, three, protection_officer, site_a
):
    result = exports.export_records(actor=protection_officer, kind="persons", site=site_a, fmt=fmt, purpose="Check")
    rows = _file_rows(result, fmt)
    assert [r[0] for r in rows[1:]] == three
    # The specific need is on its own person's row only.
    assert [r[rows[0].index("Specific needs")] for r in rows[1:]] == ["", "SM-CI", ""]

    listed = _get(protection_officer, "/api/v1/personal-data-exports", reference=three[1]).json()
    assert [(e["kind"], e["format"], e["person_count"], e["purpose"]) for e in listed] == [("persons", fmt, 3, "Check")]
    export_id = listed[0]["id"]
    persons = _get(protection_officer, f"/api/v1/personal-data-exports/{export_id}/persons").json()
    assert [(p["row"], p["reference"]) for p in persons["items"]] == [(2, three[0]), (3, three[1]), (4, three[2])]
    assert persons["next_cursor"] is None

    # The audit event holds the count and the digest of that list, and they agree.
    event = AuditEvent.objects.get(action="export.personal_data")
    digest = hashlib.sha256("".join(f"{r}\n" for r in three).encode()).hexdigest()
    assert (event.changes["export_id"], event.changes["count"], event.changes["references_sha256"]) == (
        export_id,
        3,
        digest,
    )
    assert "persons" not in event.changes
    checked = _get(protection_officer, f"/api/v1/personal-data-exports/{export_id}").json()
    assert (checked["matches_audit"], checked["references_sha256"], checked["person_count"]) == (True, digest, 3)


def test_pages_of_persons_follow_each_other(three, protection_officer, site_a):
    exports.export_records(actor=protection_officer, kind="persons", site=site_a, fmt="csv", purpose="x").path.unlink()
    export_id = PersonalDataExport.objects.get().pk
    path = f"/api/v1/personal-data-exports/{export_id}/persons"
    first = _get(protection_officer, path, limit=2).json()
    second = _get(protection_officer, path, limit=2, cursor=first["next_cursor"]).json()
    assert [p["reference"] for p in first["items"] + second["items"]] == three
    assert second["next_cursor"] is None


def test_a_list_changed_after_the_export_no_longer_matches_its_audit_event(three, protection_officer, site_a):
    exports.export_records(actor=protection_officer, kind="persons", site=site_a, fmt="csv", purpose="x").path.unlink()
    export_id = PersonalDataExport.objects.get().pk
    ExportedPerson.objects.filter(reference=three[2]).delete()
    checked = _get(protection_officer, f"/api/v1/personal-data-exports/{export_id}").json()
    assert checked["matches_audit"] is False and checked["person_count"] == 2


def test_exports_stream_their_persons_in_chunks(monkeypatch, three, protection_officer, site_a):
    """Chunks smaller than the site: every person is still recorded once, in file order."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    result = exports.export_records(actor=protection_officer, kind="households", site=site_a, fmt="csv", purpose="x")
    result.path.unlink()
    recorded = list(ExportedPerson.objects.order_by("pk").values_list("row", "reference"))
    assert sorted(recorded) == [(2, r) for r in three]  # one household row names its three members
    assert AuditEvent.objects.get(action="export.personal_data").changes["count"] == 3


@pytest.mark.parametrize("agreed", [False, True])
def test_a_refusal_in_a_later_chunk_refuses_the_export_and_keeps_no_list(
    agreed, monkeypatch, protection_officer, site_a
):
    """The last chunk names a person who fled the recipient's state: the export is refused under
    D1, as when assessed at once, whether the first chunk was refused by another rule (no
    agreement) or allowed and already written (under an agreement)."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    persons = [
        DisclosureSubject(reference="AAA-000001", country_of_origin="SY", nationality="SY"),
        DisclosureSubject(reference="AAA-000002", country_of_origin="SY", nationality="SY"),
        DisclosureSubject(reference="AAA-000003", country_of_origin="IR", nationality="IR"),
    ]
    agreement = Agreement(
        purpose="verification",
        fields=frozenset({"given_name"}),
        non_refoulement_undertaking=True,
        valid_from=date(2000, 1, 1),
        reference="MOU-1",
    )
    partner = Recipient(
        kind=RecipientKind.NGO, country="IR", name="A partner in Iran", agreement=agreement if agreed else None
    )
    written: list[list] = []
    insert_rows = exports.insert_rows
    monkeypatch.setattr(
        exports, "insert_rows", lambda t, c, rows: insert_rows(t, c, written.append(list(rows)) or written[-1])
    )
    with pytest.raises(SafeguardRefusal) as refused:
        exports.guard_export(protection_officer, partner, persons, ["given_name"], "verification", site=site_a)
    assert refused.value.rule == "D1"
    assert len(written) == (1 if agreed else 0)  # the allowed first chunk was written, then taken back
    assert not PersonalDataExport.objects.exists() and not ExportedPerson.objects.exists()
    event = AuditEvent.objects.get(action="export.personal_data")
    assert (event.changes["allowed"], event.changes["count"], event.changes["export_id"]) == (False, 3, None)


def test_only_trail_readers_of_the_site_read_an_export(three, protection_officer, site_a, site_b, make_user):
    exports.export_records(actor=protection_officer, kind="persons", site=site_a, fmt="csv", purpose="x").path.unlink()
    export_id = PersonalDataExport.objects.get().pk
    officer_b = make_user(Role.PROTECTION_OFFICER, sites=[site_b], username="po-b")
    assert _get(officer_b, f"/api/v1/personal-data-exports/{export_id}/persons").status_code == 404
    assert _get(officer_b, "/api/v1/personal-data-exports").json() == []
    clerk = make_user(Role.REGISTRATION_CLERK, username="clerk-a")
    assert _get(clerk, f"/api/v1/personal-data-exports/{export_id}").status_code in (401, 403, 404)
