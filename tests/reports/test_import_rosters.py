"""Household rosters in repeat groups, in both shapes (the head in the main sheet, or the head
among the repeat rows) and in the export layouts of KoboToolbox (XLSX, `;`-separated CSV) and
ODK Central (ZIP of CSV files linked by KEY/PARENT_KEY)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.reports.rosters import HEAD_IN_MAIN, HEAD_IN_REPEAT, LAYOUTS, REPEAT, rosters, write

from asylon.registry.models import Household, Location, Person
from asylon.reports.imports.mapping import guess_target
from asylon.reports.imports.readers import RegistrationFile
from asylon.reports.imports.services import import_registrations
from asylon.reports.models import ImportRun, ImportSource, ImportStatus

RELATIONSHIP = {
    "head": "PA",
    "self": "PA",
    "ego": "PA",
    "spouse": "SPOUSE",
    "son": "CHILD",
    "daughter": "CHILD",
    "mother": "PARENT",
}


@pytest.fixture
def units(site_a, unit_a):
    Location.objects.create(site=site_a, kind="UNIT", name="T02", parent=unit_a.parent)


def _registered(site) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{(head's given name, head's family name): sorted [(relationship, given name)]} per household."""
    out = {}
    for household in Household.objects.filter(site=site).prefetch_related("memberships__person"):
        members = list(household.memberships.all())
        head = next(m.person for m in members if m.relationship == "PA")
        out[(head.given_name, head.date_of_birth)] = sorted((m.relationship, m.person.given_name) for m in members)
    return out


def _expected(households) -> dict:
    return {
        (h.head.given, h.head.born): sorted((RELATIONSHIP[m.relationship], m.given) for m in h.members)
        for h in households
    }


@pytest.mark.parametrize("shape", [HEAD_IN_MAIN, HEAD_IN_REPEAT])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_both_roster_shapes_import_from_every_layout(tmp_path, clerk, site_a, units, layout, shape):
    households = rosters(5, head_value="self" if layout == "odk-central" else "head")
    path = write(layout, tmp_path, households, shape)
    persons = sum(len(h.members) for h in households)

    dry = import_registrations(actor=clerk, site=site_a, path=path, source=f"Roster {layout}")
    assert (dry.status, dry.error_count, dry.households, dry.created) == (ImportStatus.DRY_RUN, 0, 5, persons), (
        dry.errors
    )
    assert dry.roster["shape"] == shape and dry.roster["declared"] is False  # detected from the columns
    assert dry.roster["relationship_column"].endswith("relationship_to_head")

    run = import_registrations(actor=clerk, site=site_a, path=path, source=f"Roster {layout}", dry_run=False)
    assert run.status == ImportStatus.COMMITTED, run.errors
    assert _registered(site_a) == _expected(households)
    first = households[0]
    head = Person.objects.get(given_name=first.head.given, date_of_birth=first.head.born)
    assert head.unit.name == first.unit and head.memberships.get().household.arrival_date == first.arrival
    if shape == HEAD_IN_REPEAT:  # the main sheet's household-wide fields hold for every member
        for person in Person.objects.filter(memberships__household=head.memberships.get().household):
            assert (person.registered_on, person.country_of_origin) == (first.registered, "IR")
    mother = Person.objects.filter(memberships__relationship="PARENT").first()
    if mother is not None:  # known by age only
        assert mother.dob_precision == "ESTIMATED"


@pytest.mark.parametrize("layout", ["kobo-xlsx", "odk-central"])
def test_a_household_without_a_head_or_with_two_gets_one_row_error_and_nothing_is_written(
    tmp_path, clerk, site_a, units, layout
):
    households = rosters(4)
    households[1].members[0].relationship = "spouse"  # nobody is the head any more
    households[3].members[1].relationship = "self"  # a second head
    path = write(layout, tmp_path, households, HEAD_IN_REPEAT)

    run = import_registrations(actor=clerk, site=site_a, path=path, dry_run=False)
    assert run.status == ImportStatus.FAILED and Person.objects.count() == 0
    column = f"{REPEAT}/relationship_to_head" if layout == "kobo-xlsx" else "relationship_to_head"
    main = "Household_Roster_v2"
    repeat = "household_roster" if layout == "kobo-xlsx" else "Household_Roster_v2-household_roster"
    # The fourth household's rows in the repeat sheet: after the other households' members.
    first_row = 2 + sum(len(h.members) for h in households[:3])
    assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in run.errors] == [
        (
            main,
            3,
            column,
            f"None of this household's {len(households[1].members)} member row(s) names its head ({column} is one of "
            "head, self, pa, principal_applicant, hoh, household_head, head_of_household, سرپرست, رب_الأسرة for the "
            "head): mark exactly one member as the head.",
        ),
        (
            main,
            5,
            column,
            f"Rows {repeat}:{first_row}, {repeat}:{first_row + 1} all name the head of this household: exactly one "
            "member is its head.",
        ),
    ]


def test_a_household_only_main_sheet_declared_as_holding_the_head_gets_one_error_per_household(
    tmp_path, clerk, site_a, units
):
    """Read the old way, every main row was a person without a name ("a given name is required",
    "2 principal applicants"); now each submission gets one error saying what to declare."""
    households = rosters(2)
    path = write("kobo-xlsx", tmp_path, households, HEAD_IN_REPEAT)
    run = import_registrations(actor=clerk, site=site_a, path=path, roster={"shape": HEAD_IN_MAIN})
    assert run.roster["shape"] == HEAD_IN_MAIN and run.roster["declared"] is True
    column = f"{REPEAT}/relationship_to_head"
    assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in run.errors] == [
        (
            "Household_Roster_v2",
            row,
            column,
            f"This main row names no person, and repeat row {REPEAT}:{head_row} names the head: the head is among "
            "the repeat rows. Import again with the head among the repeat rows (the household roster choice, or "
            "--roster repeat).",
        )
        for row, head_row in ((2, 2), (3, 2 + len(households[0].members)))
    ]
    assert Person.objects.count() == 0


def test_the_saved_mapping_and_roster_are_reused_on_the_next_export(tmp_path, clerk, site_a, units, capsys):
    first = rosters(3, seed=21, head_value="ego")  # the form's own word for the head
    path = write("odk-central", tmp_path, first, HEAD_IN_REPEAT, name="march")
    # Undeclared, "ego" names nobody: every household lacks its head.
    refused = import_registrations(actor=clerk, site=site_a, path=path, source="Roster form")
    heads = [(e["row"], e["message"]) for e in refused.errors if "names its head" in e["message"]]
    assert [row for row, _m in heads] == [2, 3, 4], refused.errors
    unknown = [e["column"] for e in refused.errors if e["message"].startswith("Unknown relationship 'ego'")]
    assert unknown == ["relationship_to_head"] * 3

    call_command(
        "import", str(path), site="AAA", username="clerk", source="Roster form", roster="repeat", head_value=["ego"]
    )
    saved = ImportSource.objects.get(name="Roster form")
    assert saved.roster["shape"] == HEAD_IN_REPEAT and saved.roster["head_values"] == ["ego"]
    assert saved.mapping["relationship_to_head"] == "relationship"
    assert "roster (declared): household fields in the main sheet" in capsys.readouterr().out

    second = rosters(2, seed=22, head_value="ego")
    later = write("odk-central", tmp_path, second, HEAD_IN_REPEAT, name="april")
    call_command("import", str(later), site="AAA", username="clerk", source="Roster form")
    run = ImportRun.objects.filter(file_name=later.name).get()
    assert run.status == ImportStatus.COMMITTED and run.roster["head_values"] == ["ego"]
    assert _registered(site_a) == _expected(first + second)


def test_the_command_refuses_a_head_value_without_the_repeat_shape(tmp_path, clerk, site_a):
    path = write("kobo-xlsx", tmp_path, rosters(1), HEAD_IN_REPEAT)
    with pytest.raises(CommandError, match="--head-value goes with --roster repeat"):
        call_command("import", str(path), site="AAA", username="clerk", head_value=["ego"])


def test_kobo_csv_is_read_with_its_semicolons_and_central_columns_are_named_by_their_field(tmp_path):
    households = rosters(2)
    with RegistrationFile(write("kobo-csv", tmp_path, households, HEAD_IN_REPEAT)) as f:
        assert f"{REPEAT}/member_name" in f.headers and f.is_linked
        orphans: list = []
        subs = list(f.submissions(orphans))
        assert [len(s.children) for s in subs] == [len(h.members) for h in households] and not orphans
        assert subs[0].children[0].values[f"{REPEAT}/member_name"] == households[0].head.given
    assert guess_target("household-block") == "block"
    assert guess_target("household-registration_date") == "registered_on"
    assert guess_target("SET-OF-household_roster") == ""
    assert guess_target("meta-instanceID") == ""


def test_the_upload_page_takes_the_roster_shape_shows_it_and_the_confirmation_keeps_it(
    client, clerk, site_a, units, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from tests.signin import sign_in

    households = rosters(2, seed=31, head_value="ego")
    path = write("odk-central", tmp_path, households, HEAD_IN_REPEAT)
    sign_in(client, clerk)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")
    form = {"site": "AAA", "file": upload, "roster": HEAD_IN_REPEAT, "head_values": "ego, Ego"}
    response = client.post(reverse("imports:upload"), form)
    dry = ImportRun.objects.get()
    assert dry.status == ImportStatus.DRY_RUN and dry.error_count == 0, dry.errors
    page = client.get(response["Location"]).content.decode()
    assert "The head is among the repeat rows" in page and "(declared)" in page
    assert "<code>relationship_to_head</code>" in page and "values that mean the head: ego, Ego" in page
    assert "<td><code>household-unit</code></td><td>unit</td>" in page  # the column mapping it read

    client.post(reverse("imports:confirm", args=[dry.pk]))
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert real.status == ImportStatus.COMMITTED and real.roster["head_values"] == ["ego", "Ego"], real.errors
    assert _registered(site_a) == _expected(households)


def test_a_head_in_main_export_declared_as_head_among_the_repeat_rows_names_the_main_columns(
    tmp_path, clerk, site_a, units
):
    path = write("kobo-xlsx", tmp_path, rosters(2), HEAD_IN_MAIN)
    run = import_registrations(actor=clerk, site=site_a, path=path, roster={"shape": HEAD_IN_REPEAT}, dry_run=False)
    assert run.status == ImportStatus.FAILED and Person.objects.count() == 0
    assert [(e["sheet"], e["row"], e["column"]) for e in run.errors] == [
        ("Household_Roster_v2", 1, f"household/head_{field}")
        for field in ("given_name", "fathers_name", "family_name", "sex", "dob")
    ]
    assert run.errors[0]["message"] == (
        "The head is among the repeat rows, so the main sheet holds household fields only: this column cannot hold "
        "a person's given_name. Map it to nothing, or declare the head in the main sheet."
    )
