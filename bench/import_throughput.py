"""Import throughput: `asylon import` against django-import-export and against COPY.

    PYTHONPATH=src python bench/import_throughput.py [--persons 100000] [--memory 100000,1000000]
        [--dii-modes default,bulk | --skip-dii]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_imports python bench/import_throughput.py

One CSV of N synthetic persons in households (a hand-kept sheet: household id, relationship,
names, sex, date of birth, nationality, block, unit) is imported, in the same run, by:

* our importer, dry run (checks every row, writes nothing) and real run (households,
  persons, memberships, sensitive profiles, name keys, the list of imported persons and one audit
  event, all in one transaction);
* django-import-export (`pip install .[bench]`): a ModelResource for Person importing the same
  rows into the same table, persons only (it has no notion of households), default settings
  and with `use_bulk=True`;
* the anchor: the rows our real run wrote into every table (households, persons, memberships,
  profiles, name keys and tokens, the imported-persons list) loaded again as another site's,
  with one audit event, in one transaction: PostgreSQL COPY (psycopg `copy`) with its deferred
  foreign-key checks run before the clock stops (the import pays them at COMMIT), or on SQLite
  one `executemany` INSERT per table; and, as before, COPY of the person rows alone.

Prints persons/second and the ratios. `--memory` runs our importer in a fresh subprocess per
size and reports its peak resident memory (ru_maxrss), dry run and real run.
Uses a throwaway SQLite data dir unless ASYLON_DATABASE_URL is set (then a scratch database
`<name>_bench` on that server is created and dropped).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))
os.environ.setdefault("ASYLON_SECRET_KEY", "bench-only-secret-key-not-for-use-anywhere-else-0123456789")

HEADERS = ["Household ID", "Relationship", "First name", "Father's name", "Surname", "Sex", "Date of birth"]
HEADERS += ["Nationality", "Block", "Unit"]
GIVEN = ["Bahram", "Kourosh", "Farhad", "Golnar", "Shirin", "Roya", "Nasrin", "Omid", "Laleh", "Kaveh"]
FAMILY = ["Navabi", "Sepehri", "Golbahar", "Arjomandi", "Tabesh", "Rahnavard", "Farzin", "Kianfar"]


def write_file(path: Path, n: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    households = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        i = 0
        while i < n:
            households += 1
            family = rng.choice(FAMILY)
            for k in range(min(rng.randint(1, 6), n - i)):
                i += 1
                rel = "PA" if k == 0 else rng.choice(["spouse", "child", "child", "parent"])
                w.writerow(
                    [
                        f"H{households:07d}",
                        rel,
                        rng.choice(GIVEN),
                        rng.choice(GIVEN),
                        family,
                        rng.choice("FM"),
                        f"{rng.randint(1940, 2012)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "IR",
                        f"B{rng.randint(0, 19):02d}",
                        f"U{rng.randint(0, 49):03d}",
                    ]
                )
    return households


def make_site(code: str):
    from asylon.registry.models import Location, Site

    site = Site.objects.create(code=code, name=f"Bench {code}", host_country="IQ", designation="TTL")
    blocks = Location.objects.bulk_create([Location(site=site, kind="BLOCK", name=f"B{b:02d}") for b in range(20)])
    Location.objects.bulk_create(
        [Location(site=site, kind="UNIT", parent=b, name=f"U{u:03d}") for b in blocks for u in range(50)]
    )
    return site


def clerk_for(sites):
    from asylon.accounts.services import create_user

    user = create_user(
        actor=None, username=f"bench-{sites[0].code}", role="registration_clerk", sites=sites, password="x" * 16
    ).user
    return user


def ours(path: Path, site, actor, dry_run: bool) -> float:
    return ours_run(path, site, actor, dry_run)[0]


def ours_run(path: Path, site, actor, dry_run: bool):
    from asylon.reports.imports.services import import_registrations

    t = time.perf_counter()
    run = import_registrations(actor=actor, site=site, path=path, dry_run=dry_run)
    elapsed = time.perf_counter() - t
    assert run.error_count == 0, run.errors[:5]
    return elapsed, run


def person_rows(path: Path, site_id: int, prefix: str):
    """The file's rows as Person column values (what the others import)."""
    today = date.today()  # noqa: DTZ011 - bench data
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for i, r in enumerate(reader, start=1):
            yield (f"{prefix}-{i:07d}", site_id, r[2], r[3], r[4], r[5], r[6], "IR", "IR", today)


PERSON_COLUMNS = (
    "reference",
    "site_id",
    "given_name",
    "fathers_name",
    "family_name",
    "sex",
    "date_of_birth",
    "nationality",
    "country_of_origin",
    "registered_on",
)
DEFAULTS = {
    "given_name_original": "",
    "fathers_name_original": "",
    "family_name_original": "",
    "dob_precision": "EXACT",
    "stateless": False,
    "languages": "",
    "presence": "PRESENT",
    "biometric_ref": "",
}


def django_import_export(path: Path, site, bulk: bool) -> float | None:
    try:
        import tablib
        from import_export import resources
    except ImportError:
        return None
    from asylon.registry.models import Person

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            fields = ("id", *(c.replace("site_id", "site") for c in PERSON_COLUMNS))
            import_id_fields = ("reference",)
            use_bulk = bulk
            batch_size = 2000
            skip_diff = bulk
            force_init_instance = True

    prefix = f"{site.code}{'B' if bulk else 'D'}"
    headers = [c.replace("site_id", "site") for c in PERSON_COLUMNS]
    t = time.perf_counter()
    data = tablib.Dataset(*person_rows(path, site.pk, prefix), headers=headers)
    result = PersonResource().import_data(data, dry_run=False, use_transactions=True, raise_errors=True)
    elapsed = time.perf_counter() - t
    assert not result.has_errors()
    return elapsed


def physical_limit(path: Path, site) -> tuple[str, float]:
    from django.db import connection, transaction

    columns = [*PERSON_COLUMNS, *DEFAULTS, "created_at", "updated_at"]
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    extra = (*DEFAULTS.values(), now, now)
    rows = (r + extra for r in person_rows(path, site.pk, f"{site.code}C"))
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY registry_person ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            label = "PostgreSQL COPY"
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO registry_person ({', '.join(columns)}) VALUES ({marks})", list(rows))
            label = "SQLite executemany INSERT"
    return label, time.perf_counter() - t


class _Discard(Exception):
    """Rolls the anchor's rows back once timed."""


def _import_models():
    from asylon.matching.models import NameKeyToken, PersonNameKeys
    from asylon.registry.models import Household, Membership, Person, SensitiveProfile, SpecificNeed
    from asylon.reports.models import ImportedPerson

    return [Household, Person, Membership, SensitiveProfile, SpecificNeed, PersonNameKeys, NameKeyToken, ImportedPerson]


def _copied_rows(model, site, run, to_site, offsets) -> tuple[list[str], str]:
    """The columns of `model` and a SELECT giving the rows our import wrote into its table, as
    new rows of `to_site`: primary and foreign keys of persons and households moved past the
    existing ones, references renamed to the other site's code."""
    from asylon.registry.models import Household, Person

    opts = model._meta
    columns, exprs = [], []
    for f in opts.concrete_fields:
        col = f.column
        target = f.related_model if f.is_relation else None
        if f.primary_key and not f.is_relation:
            expr = f'"{col}" + {offsets[model]}'
        elif target in (Person, Household):
            expr = f'"{col}" + {offsets[target]}'
        elif col == "site_id":
            expr = str(to_site.pk)
        elif col == "reference":
            expr = f"'{to_site.code}' || substr(\"reference\", {len(site.code) + 1})"
        else:
            expr = f'"{col}"'
        columns.append(col)
        exprs.append(expr)
    person_ids = f'SELECT id FROM "{Person._meta.db_table}" WHERE site_id = {site.pk}'
    names = {f.column for f in opts.concrete_fields}
    if model is Household or model is Person:
        where = f"site_id = {site.pk}"
    elif "run_id" in names:
        where = f"run_id = {run.pk}"
    else:
        where = f"person_id IN ({person_ids})"
    return columns, f'SELECT {", ".join(exprs)} FROM "{opts.db_table}" WHERE {where}'  # noqa: S608


def all_tables_limit(site, run, actor) -> tuple[str, float, int, float]:
    """The anchor: the very rows our real run wrote (households, persons, memberships,
    profiles, specific needs, name keys and tokens, the imported-persons list), loaded again
    as new rows of another site in one transaction with one audit event, by COPY on PostgreSQL
    and one executemany per table on SQLite, foreign keys checked (PostgreSQL defers them to
    the commit: they are checked before the clock stops). Rows are prepared before the clock
    starts; the vocabulary of name variants is left out (our run added its few rows already).
    Returns the label, the time, the rows and the time before the deferred checks."""
    from django.db import connection, transaction
    from django.db.models import Max

    from asylon.audit import services as audit

    to_site = make_site("LIA")
    models = _import_models()
    offsets = {m: (m.objects.aggregate(n=Max("pk"))["n"] or 0) for m in models if not m._meta.pk.is_relation}
    prepared = []
    total_rows = 0
    with connection.cursor() as cursor:
        for model in models:
            columns, select = _copied_rows(model, site, run, to_site, offsets)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as out:
                    data = b"".join(bytes(block) for block in out)
                total_rows += data.count(b"\n")
            else:
                cursor.execute(select)
                data = cursor.fetchall()
                total_rows += len(data)
            prepared.append((model._meta.db_table, columns, data))
    t = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, data in prepared:
                names = ", ".join(f'"{c}"' for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                        copy.write(data)
                elif data:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', data)
            audit.record(actor, "import.committed", run, object_ref=f"import-{run.pk}", changes={"anchor": True})
            copied = time.perf_counter() - t
            if connection.vendor == "postgresql":
                # The foreign keys are DEFERRABLE INITIALLY DEFERRED: PostgreSQL checks the
                # copied rows at COMMIT, which the anchor never reaches. Check them now, as a
                # load that commits would (SQLite checks each row as it is inserted).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - t
            raise _Discard
    except _Discard:
        pass
    label = "PostgreSQL COPY, all tables" if connection.vendor == "postgresql" else "SQLite executemany, all tables"
    return label, elapsed, total_rows, copied


def child(args) -> None:
    """One importer run in this process; prints its peak resident memory."""
    from django.db import connection

    site = make_site(args.site)
    actor = clerk_for([site])
    path = Path(args.file)
    elapsed = ours(path, site, actor, dry_run=args.child == "dry")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"CHILD {elapsed:.2f} {peak_kib} {connection.vendor}")


def setup_db(child: bool):
    """A fresh database for the run: on PostgreSQL `<name>_bench` (or the named `..._bench`
    database itself) is created anew and dropped at the end; children use the parent's."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and not child:
        name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = name if name.endswith("_bench") else f"{name}_bench"
        return connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    call_command("migrate", verbosity=0)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--memory", default="", help="sizes for the peak-memory runs, e.g. 100000,1000000")
    parser.add_argument("--memory-kinds", default="dry,real", help="which runs to measure for memory")
    parser.add_argument("--memory-real-max", type=int, default=10**9, help="largest size for a real memory run")
    parser.add_argument("--skip-dii", action="store_true")
    parser.add_argument("--dii-modes", default="default,bulk", help="django-import-export runs: default, bulk")
    parser.add_argument("--child", choices=["dry", "real"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--site", default="MEM", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scratch = setup_db(bool(args.child))
    from django.db import connection

    if args.child:
        child(args)
        return
    try:
        run(args)
    finally:
        if scratch:
            connection.creation.destroy_test_db(scratch, verbosity=0)


def run(args) -> None:
    from django.db import connection

    n = args.persons
    folder = Path(tempfile.mkdtemp(prefix="asylon-import-bench-"))
    path = folder / f"persons-{n}.csv"
    households = write_file(path, n)
    print(f"{n:,} persons in {households:,} households, {path.stat().st_size / 1e6:.1f} MB CSV, on {connection.vendor}")
    site = make_site("OUR")
    actor = clerk_for([site])
    dry = ours(path, site, actor, dry_run=True)
    real, real_run = ours_run(path, site, actor, dry_run=False)
    label, limit, rows, copied = all_tables_limit(site, real_run, actor)
    persons_label, persons_limit = physical_limit(path, make_site("LIM"))
    print(f"  {label} ({rows:,} rows): {limit:7.1f} s  {n / limit:9,.0f} persons/s   (anchor)")
    if connection.vendor == "postgresql":
        print(
            f"    of which the deferred foreign-key checks: {limit - copied:.1f} s "
            f"(without them: {copied:.1f} s, the import x{real / copied:.2f})"
        )
    print(f"  {persons_label} (persons table only): {persons_limit:7.1f} s  {n / persons_limit:9,.0f} persons/s")
    print(
        f"  asylon import, dry run:            {dry:7.1f} s  {n / dry:9,.0f} persons/s   x{dry / limit:.2f} the anchor"
    )
    print(
        f"  asylon import, real run:           {real:7.1f} s  {n / real:9,.0f} persons/s   "
        f"x{real / limit:.2f} the anchor (x{real / persons_limit:.1f} the persons-only load)"
    )
    if not args.skip_dii:
        for bulk in [mode == "bulk" for mode in args.dii_modes.split(",") if mode]:
            t = django_import_export(path, make_site("DIB" if bulk else "DID"), bulk)
            if t is None:
                print("  django-import-export not installed (pip install .[bench])")
                break
            name = "django-import-export, use_bulk" if bulk else "django-import-export, default"
            print(
                f"  {name + ':':34} {t:7.1f} s  {n / t:9,.0f} persons/s   x{t / limit:.1f} the anchor; "
                f"asylon real run takes x{real / t:.2f} its time"
            )
    for m, size in enumerate(int(s) for s in args.memory.split(",") if s):
        mem_path = folder / f"memory-{size}.csv"
        write_file(mem_path, size)
        for kind in args.memory_kinds.split(","):
            if kind == "real" and size > args.memory_real_max:
                continue
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
            if connection.vendor == "postgresql":
                s = connection.settings_dict
                env["ASYLON_DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    kind,
                    "--file",
                    str(mem_path),
                    "--site",
                    f"M{kind[0].upper()}{chr(65 + m)}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            _tag, elapsed, peak, _vendor = out.strip().splitlines()[-1].split()
            print(
                f"  peak memory, {kind} run of {size:,} persons: {int(peak) / 1024:.0f} MiB "
                f"({float(elapsed):.0f} s, {size / float(elapsed):,.0f} persons/s)"
            )
        mem_path.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main()
