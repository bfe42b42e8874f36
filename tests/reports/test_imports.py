"""Importing registrations: KoboToolbox exports with repeat groups, hand-kept sheets, problems
reported by row and column with nothing written, updates and probable duplicates."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.conftest import member
from tests.reports.kobo import FLAT_HEADERS, flat_rows, kobo_households, write_csv, write_kobo_xlsx, write_kobo_zip

from asylon.audit.models import AuditEvent
from asylon.core.errors import NotPermitted
from asylon.registry import services as registry
from asylon.registry.models import Household, Membership, Person
from asylon.reports.imports.mapping import guess_target
from asylon.reports.imports.services import import_registrations
from asylon.reports.models import ImportedPerson, ImportRun, ImportSource, ImportStatus


@pytest.fixture
def units(site_a, unit_a):
    block = unit_a.parent
    registry_units = [unit_a]
    from asylon.registry.models import Location

    registry_units.append(Location.objects.create(site=site_a, kind="UNIT", name="T02", parent=block))
    return registry_units


def test_headers_are_guessed_across_tools_and_scripts():
    assert guess_target("household/head_given_name") == "given_name"
    assert guess_target("members/member_sex") == "sex"
    assert guess_target("members/member_age") == "age"
    assert guess_target("Date of birth") == "date_of_birth"
    assert guess_target("DOB") == "date_of_birth"
    assert guess_target("First name") == "given_name"
    assert guess_target("نام") == "given_name"
    assert guess_target("نام خانوادگی") == "family_name"
    assert guess_target("household/hh_size") == ""
    assert guess_target("_parent_index") == ""
    assert guess_target("_submission__uuid") == ""


@pytest.mark.parametrize("writer", [write_kobo_xlsx, write_kobo_zip], ids=["xlsx", "zip-of-csv"])
def test_a_kobo_export_with_repeat_groups_imports_right(tmp_path, clerk, site_a, units, writer):
    households = kobo_households(6, units=("T01", "T02"))
    path = writer(tmp_path / f"kobo.{'xlsx' if writer is write_kobo_xlsx else 'zip'}", households)
    persons = sum(1 + len(m) for _h, m in households)

    dry = import_registrations(actor=clerk, site=site_a, path=path, source="Liberty form v3")
    assert (dry.status, dry.error_count, dry.households, dry.created) == (ImportStatus.DRY_RUN, 0, 6, persons)
    assert Person.objects.count() == 0
    assert ImportSource.objects.get(name="Liberty form v3").mapping["household/head_given_name"] == "given_name"

    run = import_registrations(actor=clerk, site=site_a, path=path, source="Liberty form v3", dry_run=False)
    assert run.status == ImportStatus.COMMITTED, run.errors
    assert Household.objects.filter(site=site_a).count() == 6
    assert Person.objects.filter(site=site_a).count() == persons
    main, members = households[0]
    head = Person.objects.get(given_name=main["household/head_given_name"], date_of_birth=main["household/head_dob"])
    household = head.memberships.get().household
    assert head.memberships.get().relationship == "PA"
    assert head.unit.name == "T01" and household.arrival_date == date(2012, 2, 18)
    assert head.nationality == "IR"
    assert household.memberships.count() == 1 + len(members)
    relationships = sorted(m.relationship for m in household.memberships.exclude(person=head))
    expected = sorted(
        {"spouse": "SPOUSE", "son": "CHILD", "daughter": "CHILD", "mother": "PARENT"}[m["members/member_relationship"]]
        for m in members
    )
    assert relationships == expected
    mother = Person.objects.filter(memberships__relationship="PARENT").first()
    if mother is not None:  # known by age only: an estimated year, flagged, and her need recorded
        assert mother.dob_precision == "ESTIMATED" and mother.date_of_birth.month == 7
        assert list(mother.specific_needs.values_list("code_id", flat=True)) == ["ER-NF"]
    event = AuditEvent.objects.get(action="import.committed")
    assert event.changes["sha256"] == run.sha256 and event.changes["created"] == persons
    # One event for the whole import, naming what it registered: no event per person.
    assert not AuditEvent.objects.filter(action__in=["person.registered", "household.registered"]).exists()
    imported = list(ImportedPerson.objects.filter(run=run).order_by("person__reference"))
    references = [i.person.reference for i in imported]
    assert len(imported) == persons and set(references) == set(Person.objects.values_list("reference", flat=True))
    assert ImportedPerson.objects.get(person=head).row.endswith(":2")  # the first submission's row
    registered = event.changes["registered"]
    assert (registered["persons"], registered["households"]) == (persons, 6)
    assert registered["references_sha256"] == hashlib.sha256("".join(f"{r}\n" for r in references).encode()).hexdigest()


def test_ten_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, clerk, site_a, units, capsys):
    rows = flat_rows(30)
    heads = [i for i, r in enumerate(rows) if r[1] == "PA"]
    bad = {
        heads[0]: (6, "31/02/1980", "Date of birth"),  # no such date
        heads[1]: (5, "K", "Sex"),  # unknown code
        heads[2]: (7, "Atlantis", "Nationality"),  # unknown country
        heads[3]: (2, "", "First name"),  # missing given name
        heads[4]: (10, "ZZ-99", "Specific needs"),  # unknown code
        heads[5]: (6, "01/01/2090", "Date of birth"),  # in the future
        heads[6]: (9, "T99", "Unit"),  # unknown place
        heads[7]: (1, "spouse", "Relationship"),  # no principal applicant left in the household
        heads[8]: (1, "cousin-in-law", "Relationship"),  # unknown relationship
        heads[9]: (6, "1980-13", "Date of birth"),  # month 13
    }
    for i, (col, value, _header) in bad.items():
        rows[i][col] = value
    path = write_csv(tmp_path / "hand-kept.csv", FLAT_HEADERS, rows)
    audit_before = AuditEvent.objects.count()

    for dry_run in (True, False):
        run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=dry_run)
        assert run.status == (ImportStatus.DRY_RUN if dry_run else ImportStatus.FAILED)
        reported = {(e["row"], e["column"]) for e in run.errors}
        assert reported == {(i + 2, header) for i, (_c, _v, header) in bad.items()}, run.errors
        assert Person.objects.count() == 0 and Household.objects.count() == 0

    with pytest.raises(CommandError, match="10 problem"):
        call_command("import", str(path), site="AAA", username="clerk")
    err = capsys.readouterr().err
    for i, (_c, _v, header) in bad.items():
        assert f"row {i + 2}, {header}:" in err
    assert Person.objects.count() == 0
    # Only the runs themselves are audited: three import.failed/import.checked events.
    assert AuditEvent.objects.count() == audit_before + 3


def test_a_hand_kept_sheet_without_household_ids_groups_by_principal_applicant(tmp_path, clerk, site_a, units):
    rows = [
        ["PA", "Golnar", "Kaveh", "Tabesh", "F", "1979", "IRN"],
        ["son", "Omid", "Arash", "Tabesh", "M", "2005-04", "IRN"],
        ["head", "Babak", "Farhad", "Navabi", "M", "03/04/1970", "Iran"],
    ]
    path = write_csv(
        tmp_path / "list.csv", ["Relationship", "Name", "Father", "Last name", "Gender", "DOB", "Citizenship"], rows
    )
    run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False)
    assert run.status == ImportStatus.COMMITTED, run.errors
    assert Household.objects.count() == 2
    golnar = Person.objects.get(given_name="Golnar")
    assert (golnar.date_of_birth, golnar.dob_precision) == (date(1979, 7, 1), "YEAR")
    omid = Person.objects.get(given_name="Omid")
    assert omid.dob_precision == "MONTH" and omid.memberships.get().household == golnar.memberships.get().household
    assert Person.objects.get(given_name="Babak").date_of_birth == date(1970, 4, 3)


def test_rows_with_a_reference_update_the_person_and_probable_duplicates_wait_for_a_decision(
    tmp_path, clerk, site_a, household
):
    head = household.memberships.get(relationship="PA").person
    rows = [
        [head.reference, "PA", "Dariush", "Kamran", "Tehranifar", "M", "1980-03-01", "fa, en"],
        # The spouse already registered, spelled another way, in a new household of her own.
        ["", "PA", "Parvane", "Kamran", "Tehranifar", "F", "1980-03-01", ""],
        ["", "PA", "Shirin", "Babak", "Golbahar", "F", "1990-01-01", ""],
    ]
    headers = [
        "Reference",
        "Relationship",
        "Given name",
        "Father name",
        "Family name",
        "Sex",
        "Birth date",
        "Languages",
    ]
    path = write_csv(tmp_path / "again.csv", headers, rows)

    dry = import_registrations(actor=clerk, site=site_a, path=path)
    assert (dry.updated, dry.needs_decision, dry.created, dry.error_count) == (1, 1, 1, 0)
    decide = next(o for o in dry.outcomes if o["action"] == "decide")
    assert decide["row"] == "3" and decide["candidates"][0]["name"] == "Parvaneh Kamran Tehranifar"

    refused = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False)
    assert refused.status == ImportStatus.FAILED and Person.objects.count() == 3

    spouse = Person.objects.get(given_name="Parvaneh")
    run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False, decisions={"3": spouse.reference})
    assert run.status == ImportStatus.COMMITTED, run.errors
    assert (run.updated, run.linked, run.created) == (1, 1, 1)
    assert Person.objects.count() == 4  # only Shirin is new
    head.refresh_from_db()
    assert head.languages == "fa, en"
    assert AuditEvent.objects.filter(action="person.corrected", object_ref=head.reference).exists()
    spouse.refresh_from_db()
    assert spouse.given_name == "Parvane"  # the file's spelling, as an audited correction


def test_importing_needs_the_permission(tmp_path, make_user, site_a):
    path = write_csv(tmp_path / "x.csv", FLAT_HEADERS, flat_rows(1))
    monitor = make_user("field_monitor", username="monitor")
    with pytest.raises(NotPermitted):
        import_registrations(actor=monitor, site=site_a, path=path)
    assert not ImportRun.objects.exists()


def test_the_command_imports_with_a_mapping_and_lists_runs(tmp_path, clerk, site_a, units, capsys):
    rows = [["Navid", "M", "PA"], ["Roya", "F", "wife"]]
    path = write_csv(tmp_path / "odd.csv", ["Col A", "Col B", "Col C"], rows)
    mapping = json.dumps({"Col A": "given_name", "Col B": "sex", "Col C": "relationship"})
    call_command("import", str(path), site="AAA", username="clerk", mapping=mapping, source="odd sheet")
    out = capsys.readouterr().out
    assert "registered 2" in out and "committed" in out
    assert Membership.objects.filter(relationship="SPOUSE").count() == 1
    call_command("import", list=True, username="clerk")
    assert "odd.csv" in capsys.readouterr().out


def test_sensitive_columns_need_a_role_that_records_them(tmp_path, clerk, protection_officer, site_a):
    path = write_csv(tmp_path / "s.csv", ["Given name", "Sex", "Religion"], [["Kaveh", "M", "RELIGION-X"]])
    assert import_registrations(actor=clerk, site=site_a, path=path).errors[0]["column"] == "Religion"
    run = import_registrations(actor=protection_officer, site=site_a, path=path, dry_run=False)
    assert run.status == ImportStatus.COMMITTED
    assert Person.objects.get(given_name="Kaveh").sensitive.religion == "RELIGION-X"


def test_an_unreadable_file_is_refused(tmp_path, clerk, site_a):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    run = import_registrations(actor=clerk, site=site_a, path=path)
    assert run.status == ImportStatus.FAILED and "cannot be read" in run.errors[0]["message"]


def test_existing_registration_keeps_working(clerk, site_a):
    # The import reuses register_households; a registration through the service still works beside it.
    registry.register_household(actor=clerk, site=site_a, members=[member()])
    assert Person.objects.count() == 1


MIXED_HEADERS = ["Household ID", "Reference", "Relationship", "Given name", "Father name", "Family name", "Sex"]
MIXED_HEADERS += ["Birth date", "Languages"]


def test_new_persons_in_a_group_with_registered_ones_join_their_household(tmp_path, clerk, site_a, household):
    head = household.memberships.get(relationship="PA").person
    spouse = household.memberships.get(relationship="SPOUSE").person
    rows = [
        ["F1", head.reference, "PA", "Dariush", "Kamran", "Tehranifar", "M", "1980-03-01", "fa, en"],
        ["F1", "", "wife", "Parvane", "Kamran", "Tehranifar", "F", "1980-03-01", ""],  # the clerk links her
        ["F1", "", "son", "Arman", "Dariush", "Tehranifar", "M", "2012-11-30", ""],  # born since
    ]
    path = write_csv(tmp_path / "update.csv", MIXED_HEADERS, rows)
    decisions = {"3": spouse.reference}

    dry = import_registrations(actor=clerk, site=site_a, path=path, decisions=decisions)
    assert (dry.error_count, dry.created, dry.updated, dry.linked) == (0, 1, 1, 1), dry.errors
    shown = {o["row"]: (o["action"], o["reference"], o["household"]) for o in dry.outcomes}
    assert shown == {
        "2": ("update", head.reference, household.reference),
        "3": ("link", spouse.reference, household.reference),
        "4": ("create", None, household.reference),
    }
    assert Person.objects.count() == 3

    run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False, decisions=decisions)
    assert run.status == ImportStatus.COMMITTED, run.errors
    assert Household.objects.count() == 1 and Person.objects.count() == 4
    arman = Person.objects.get(given_name="Arman")
    assert arman.memberships.get(ended_on__isnull=True).household == household
    assert arman.unit == household.unit and arman.memberships.get().relationship == "CHILD"
    assert ImportedPerson.objects.get(run=run).person == arman
    head.refresh_from_db()
    assert head.languages == "fa, en"
    event = AuditEvent.objects.get(action="import.committed")
    assert (event.changes["registered"]["persons"], event.changes["registered"]["households"]) == (1, 0)


def test_a_group_that_cannot_join_one_household_is_refused_by_row(tmp_path, clerk, site_a, household):
    head = household.memberships.get(relationship="PA").person
    other = registry.register_household(actor=clerk, site=site_a, members=[member(given_name="Kaveh")])
    kaveh = other.memberships.get().person
    rows = [
        ["F1", head.reference, "PA", "Dariush", "Kamran", "Tehranifar", "M", "1980-03-01", ""],
        ["F1", "", "PA", "Babak", "Farhad", "Navabi", "M", "1970-01-01", ""],  # a second principal applicant
        ["F1", "", "cousin-in-law", "Omid", "Farhad", "Navabi", "M", "1999-01-01", ""],  # relationship unknown
        ["F2", head.reference, "PA", "Dariush", "Kamran", "Tehranifar", "M", "1980-03-01", ""],
        ["F2", kaveh.reference, "son", "Kaveh", "Kamran", "Tehranifar", "M", "1980-03-01", ""],
        ["F2", "", "daughter", "Roya", "Kaveh", "Tehranifar", "F", "2011-01-01", ""],  # two households
    ]
    path = write_csv(tmp_path / "bad.csv", MIXED_HEADERS, rows)
    persons = Person.objects.count()
    for dry_run in (True, False):
        run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=dry_run)
        by_row = {(e["row"], e["column"]): e["message"] for e in run.errors}
        assert "already has a principal applicant" in by_row[(3, "Relationship")]
        assert (4, "Relationship") in by_row
        assert "not members of one household" in by_row[(5, "Reference")]
        assert Person.objects.count() == persons
