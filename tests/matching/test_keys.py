"""Name keys written set-based: by the register's hook for every person it saves (one by one,
a household, an import), and by `asylon matching rebuild-keys`, which must give back exactly
what the hook wrote, and leave the tables as the migrations made them."""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from tests.conftest import member
from tests.reports.kobo import write_csv

from asylon.matching import table_swap
from asylon.matching.models import NameKeyToken, NameVariantKey, PersonNameKeys
from asylon.matching.search import search_persons
from asylon.registry import services
from asylon.registry.models import Person
from asylon.reports.imports.services import import_registrations

pytestmark = pytest.mark.django_db(transaction=False)

KEY_FIELDS = [f.attname for f in PersonNameKeys._meta.concrete_fields]
TOKEN_FIELDS = ["person_id", "site_id", "skeleton", "phonetic", "own", "birth_year"]


def _keys():
    rows = sorted(PersonNameKeys.objects.values_list(*KEY_FIELDS))
    tokens = sorted(NameKeyToken.objects.values_list(*TOKEN_FIELDS))
    return rows, tokens


@pytest.fixture
def registered(clerk, site_a, site_b, make_user):
    services.register_households(
        actor=clerk,
        site=site_a,
        households=[
            services.NewHousehold(
                members=[
                    member(given_name="Gholam-Reza", family_name="Hosseini", fathers_name="Ali"),
                    member(
                        "CHILD", given_name="Nasrin", family_name="Hosseini", sex="F", date_of_birth=date(2010, 3, 1)
                    ),
                ]
            ),
            services.NewHousehold(
                members=[member(given_name="Mohammad", family_name="Rezaei", given_name_original="محمد")]
            ),
        ],
    )
    other = make_user(sites=[site_b], username="clerk-b")
    services.register_household(actor=other, site=site_b, members=[member(given_name="Shirin", family_name="Navabi")])
    return Person.objects.order_by("pk")


def test_the_rebuild_gives_back_what_the_register_wrote(registered):
    before = _keys()
    assert len(before[0]) == registered.count()
    NameKeyToken.objects.all().delete()
    PersonNameKeys.objects.filter(person__given_name="Nasrin").update(given_fold="stale")
    out = StringIO()
    call_command("matching", "rebuild-keys", "--quiet", stdout=out)
    assert _keys() == before
    assert f"for {registered.count()} persons" in out.getvalue()


def test_a_rebuild_in_many_steps_gives_back_the_same_rows(registered, clerk, site_a, monkeypatch):
    from asylon.matching import keys
    from asylon.registry import bulk

    # One more person of site A after site B's: a site's rebuild meets a step with none of its persons.
    # Born on a day nobody knows: the year of the keys is none.
    services.register_household(
        actor=clerk, site=site_a, members=[member(given_name="Parvaneh", family_name="Sohrabi", date_of_birth=None)]
    )
    before = _keys()
    assert (None,) in PersonNameKeys.objects.values_list("birth_year")
    PersonNameKeys.objects.update(given_fold="stale")
    monkeypatch.setattr(keys, "REBUILD_BATCH", 1)  # a step per person, each keyed while the last is written
    monkeypatch.setattr(bulk, "SQLITE_PARAMETERS", 25)  # SQLite: a person's tokens go in several INSERTs
    out = StringIO()
    call_command("matching", "rebuild-keys", "--site", site_a.code, "--quiet", stdout=out)
    assert "for 4 persons" in out.getvalue()
    assert PersonNameKeys.objects.filter(given_fold="stale").count() == 1  # site B's
    call_command("matching", "rebuild-keys", "--quiet", stdout=out)
    assert _keys() == before
    assert "for 5 persons" in out.getvalue()


def test_the_rebuild_gives_back_what_an_import_wrote(tmp_path, clerk, site_a, unit_a):
    rows = [
        ["PA", "Golnar", "Kaveh", "Tabesh-Zadeh", "F", "1979", "IRN"],
        ["son", "Omid Reza", "Arash", "Tabesh-Zadeh", "M", "2005-04", "IRN"],
        ["head", "Babak", "Farhad", "Navabi", "M", "03/04/1970", "Iran"],
    ]
    headers = ["Relationship", "Name", "Father", "Last name", "Gender", "DOB", "Citizenship"]
    run = import_registrations(
        actor=clerk, site=site_a, path=write_csv(tmp_path / "list.csv", headers, rows), dry_run=False
    )
    assert run.created == 3, run.errors
    before = _keys()
    NameKeyToken.objects.all().delete()
    PersonNameKeys.objects.all().delete()
    call_command("matching", "rebuild-keys", "--quiet", stdout=StringIO())
    assert _keys() == before


def _schema() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: connection.introspection.get_constraints(cursor, model._meta.db_table)
            for model in (PersonNameKeys, NameKeyToken)
        }


def _table_ids() -> list[int]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'matching_personnamekeys'::regclass::oid, 'matching_namekeytoken'::regclass::oid")
        return list(cursor.fetchone())


def test_a_rebuild_leaves_the_tables_as_the_migrations_made_them(registered, clerk, site_a):
    schema = _schema()
    assert "matching_keys_namesakes" in schema["matching_personnamekeys"]
    assert "name_token_once" in schema["matching_namekeytoken"]
    before = _table_ids()
    call_command("matching", "rebuild-keys", "--quiet", stdout=StringIO())
    if connection.vendor == "postgresql":  # fresh tables were swapped in
        assert not set(_table_ids()) & set(before)
    assert _schema() == schema
    assert not [t for t in connection.introspection.table_names() if t.endswith("__fresh")]
    # The next registration writes its keys into the rebuilt tables, and search reads them.
    services.register_household(
        actor=clerk, site=site_a, members=[member(given_name="Parvaneh", family_name="Sohrabi")]
    )
    assert PersonNameKeys.objects.filter(person__given_name="Parvaneh").exists()
    assert "Parvaneh" in [hit.person.given_name for hit in search_persons(clerk, "Parvane Sohrabi")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="views on the key tables: a PostgreSQL deployment's")
def test_a_table_another_object_depends_on_is_rebuilt_in_place(registered):
    before = _keys()
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW token_count AS SELECT count(*) AS n FROM matching_namekeytoken")
    NameKeyToken.objects.all().delete()
    call_command("matching", "rebuild-keys", "--quiet", stdout=StringIO())
    assert _keys() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM token_count")
        assert cursor.fetchone()[0] == len(before[1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the swap of fresh tables is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_while_a_rebuild_runs_search_reads_the_old_keys_and_register_writes_wait(registered, monkeypatch):
    PersonNameKeys.objects.update(given_fold="stale")
    person = registered.first()
    seen: dict[str, object] = {}

    def look_from_another_session() -> None:
        from django.db import connection as other  # this thread's own connection

        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute("SELECT DISTINCT given_fold FROM matching_personnamekeys")
                seen["folds"] = [row[0] for row in cursor.fetchall()]
                try:
                    cursor.execute("UPDATE registry_person SET given_name = 'Nima' WHERE id = %s", [person.pk])
                    seen["write"] = "done"
                except OperationalError:
                    seen["write"] = "waited"
        finally:
            other.close()

    build = table_swap._build

    def look_once_the_keys_are_written(cursor, fresh):  # before any index or constraint is built
        if not seen:
            thread = threading.Thread(target=look_from_another_session)
            thread.start()
            thread.join()
        build(cursor, fresh)

    monkeypatch.setattr(table_swap, "_build", look_once_the_keys_are_written)
    call_command("matching", "rebuild-keys", "--quiet", stdout=StringIO())
    assert seen == {"folds": ["stale"], "write": "waited"}
    assert not PersonNameKeys.objects.filter(given_fold="stale").exists()


def test_a_rebuild_of_one_site_leaves_the_others_keys(registered, site_a, site_b):
    NameKeyToken.objects.filter(site=site_b).delete()
    PersonNameKeys.objects.update(given_fold="stale")
    call_command("matching", "rebuild-keys", "--site", site_a.code, "--quiet", stdout=StringIO())
    folds = dict(PersonNameKeys.objects.values_list("person__given_name", "given_fold"))
    assert folds["Shirin"] == "stale"
    assert folds["Nasrin"] != "stale"
    assert not NameKeyToken.objects.filter(site=site_b).exists()


def test_a_rebuilt_register_is_found_by_a_typo(registered, clerk):
    NameKeyToken.objects.all().delete()
    PersonNameKeys.objects.all().delete()
    NameVariantKey.objects.all().delete()
    call_command("matching", "rebuild-keys", "--quiet", stdout=StringIO())
    found = search_persons(clerk, "Hosseini Nasrn")
    assert "Nasrin" in [hit.person.given_name for hit in found]


def test_a_correction_replaces_the_persons_keys(registered, clerk):
    person = registered.get(given_name="Shirin")
    other = registered.exclude(pk=person.pk).first()
    untouched = list(NameKeyToken.objects.filter(person=other).values_list(*TOKEN_FIELDS))
    services.correct_person(
        actor=clerk, person=Person.objects.get(given_name="Nasrin"), changes={"given_name": "Laleh"}, reason="typo"
    )
    skeletons = NameKeyToken.objects.filter(person__given_name="Laleh").values_list("skeleton", flat=True)
    assert "lll" not in skeletons
    assert PersonNameKeys.objects.get(person__given_name="Laleh").given_fold == "laleh"
    assert list(NameKeyToken.objects.filter(person=other).values_list(*TOKEN_FIELDS)) == untouched


def test_an_unknown_site_is_one_clear_line(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No site"):
        call_command("matching", "rebuild-keys", "--site", "NOPE", "--quiet", stdout=StringIO())
