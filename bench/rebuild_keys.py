"""`asylon matching rebuild-keys` throughput against loading the same key rows.

    PYTHONPATH=src python bench/rebuild_keys.py [--persons 1000000]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_import python bench/rebuild_keys.py

N synthetic persons (names drawn from a few thousand made-up given and family names, so that
the per-name cache is not flattered by a handful of names) are loaded with bulk rows. Then, in
the same run:

* `asylon matching rebuild-keys` recomputes and rewrites every person's name keys;
* the anchor: the key rows it wrote (`PersonNameKeys` and `NameKeyToken`), read back, are
  deleted and loaded again in one transaction by PostgreSQL COPY (or one executemany per table
  on SQLite), the rows prepared before the clock starts.

Prints persons/s of each and the ratio, the CPU seconds the rebuild took in this process (on
SQLite all of the work; on PostgreSQL the server's is not counted), and the load average
before and after (the machine may be shared: wall time is then an upper bound). A throwaway SQLite data dir unless
ASYLON_DATABASE_URL is set (then the database `<name>_bench` is created and dropped).
`--reuse` (PostgreSQL): the database `<name>_bench` is kept after the run, and a later run
with the same `--persons` finds its persons there and skips loading them (the keys the
last run wrote are then the "old" keys the rebuild replaces).

Log (100,000 persons; a 2-core machine shared with other work, so CPU seconds are the figure to
compare; "before" and "after" alternated on the same data, three rounds on SQLite, two on
PostgreSQL, figures given as medians or ranges):

* SQLite rows went in by one `executemany` per table: a row per step, Python's lock taken back
  after each row, so the keying thread and the writes took turns instead of overlapping.
  Now `bulk.insert_rows` writes thousands of rows per INSERT (half the CPU per row, the lock
  given up once per statement) through the driver's own cursor (Django's rewrote every "%s"
  of every statement), and the rebuild reads the year of birth as a number on SQLite and the
  driver's rows as they come (no per-row date parsing and converting).
  SQLite, load 17-23: CPU 5.3 s -> 4.2 s (the main thread, which SQLite runs in: 4.1 -> 3.1 s),
  wall 35-92 s -> 27-61 s. The bench as such, one run each back to back, load 18-19:
  rebuild 40.5 s (2,469/s) -> 32.7 s (3,055/s). At load 6-9 earlier the same day: before
  11-17 s (3.9-4.5 CPU s), after the INSERT change alone 7.5-13 s.
  PostgreSQL (client CPU; the server's work is the same statements), load 17-20:
  1.76 -> 1.62 s, wall 26.5-27.6 s -> 22.6-30.8 s: no slower.
  Measured with a script timing `call_command("matching", "rebuild-keys")` (process and
  main-thread CPU) on the data this bench leaves in ASYLON_DATA_DIR=/tmp/rbsqlite-data,
  and with this bench: `ASYLON_DATA_DIR=/tmp/rbsqlite-data python bench/rebuild_keys.py
  --persons 100000`.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))

SYLLABLES = ["ba", "far", "go", "ka", "la", "man", "na", "ro", "sha", "ta", "va", "za", "mir", "hos", "dar"]


def synthetic_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(names)


def load_persons(n: int, seed: int = 5) -> None:
    """n persons in one site, their rows streamed in (no keys: rebuild-keys writes them)."""
    from datetime import date

    from asylon.registry.bulk import insert_rows
    from asylon.registry.models import Person, Site

    rng = random.Random(seed)
    given, family = synthetic_names(rng, 3000), synthetic_names(rng, 2000)
    site = Site.objects.create(code="RBK", name="Bench RBK", host_country="IQ", designation="TTL")
    columns = ["reference", "site_id", "given_name", "fathers_name", "family_name", "sex", "date_of_birth"]
    columns += ["nationality", "country_of_origin", "registered_on", "given_name_original"]
    columns += ["fathers_name_original", "family_name_original", "dob_precision", "stateless", "languages"]
    columns += ["presence", "biometric_ref", "created_at", "updated_at"]
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    today = date.today()  # noqa: DTZ011 - bench data
    from django.db import transaction

    step = 50_000
    for start in range(0, n, step):
        rows = [
            (
                f"RBK-{i:08d}",
                site.pk,
                rng.choice(given),
                rng.choice(given),
                rng.choice(family),
                rng.choice("FM"),
                date(rng.randint(1940, 2012), rng.randint(1, 12), rng.randint(1, 28)),
                "IR",
                "IR",
                today,
                "",
                "",
                "",
                "EXACT",
                False,
                "",
                "PRESENT",
                "",
                now,
                now,
            )
            for i in range(start + 1, min(n, start + step) + 1)
        ]
        with transaction.atomic():
            insert_rows(Person._meta.db_table, columns, rows)


class _Discard(Exception):
    pass


def load_key_rows() -> tuple[float, int]:
    """The anchor: the key rows now in the tables, deleted and loaded again in one transaction."""
    from django.db import connection, transaction

    from asylon.matching.models import NameKeyToken, PersonNameKeys

    tables = []
    rows = 0
    with connection.cursor() as cursor:
        for model in (PersonNameKeys, NameKeyToken):
            columns = [f.column for f in model._meta.concrete_fields]
            names = ", ".join(f'"{c}"' for c in columns)
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                buf = io.BytesIO()
                with cursor.cursor.copy(f'COPY "{table}" ({names}) TO STDOUT') as out:
                    for block in out:
                        buf.write(block)
                data = buf.getvalue()
                rows += data.count(b"\n")
            else:
                cursor.execute(f'SELECT {names} FROM "{table}"')
                data = cursor.fetchall()
                rows += len(data)
            tables.append((table, names, len(columns), data))
    t = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, _names, _n, _data in reversed(tables):
                cursor.execute(f'DELETE FROM "{table}"')
            for table, names, width, data in tables:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                        copy.write(data)
                else:
                    marks = ", ".join(["%s"] * width)
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', data)
            elapsed = time.perf_counter() - t
            raise _Discard
    except _Discard:
        pass
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL database for the next run")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    scratch = None
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = name if name.endswith("_bench") else f"{name}_bench"
        scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=args.reuse)
    else:
        call_command("migrate", verbosity=0)
    from asylon.registry.models import Person

    try:
        n = args.persons
        print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
        t = time.perf_counter()
        there = Person.objects.count()
        if there not in (0, n):
            raise SystemExit(f"the kept database holds {there:,} persons, not {n:,}: drop it or pass --persons {there}")
        if there == 0:
            load_persons(n)
            print(f"{n:,} persons loaded in {time.perf_counter() - t:.1f} s, on {connection.vendor}", flush=True)
        else:
            print(f"{n:,} persons found in the kept database, on {connection.vendor}", flush=True)
        t, cpu = time.perf_counter(), time.process_time()
        call_command("matching", "rebuild-keys", "--quiet", stdout=io.StringIO())
        rebuild, cpu = time.perf_counter() - t, time.process_time() - cpu
        line = f"  asylon matching rebuild-keys:             {rebuild:7.1f} s  {n / rebuild:9,.0f} persons/s"
        line += f"   ({cpu:.1f} CPU s in this process, both threads)"
        print(line, flush=True)
        anchor, rows = load_key_rows()
        print(f"  load of the same key rows ({rows:,} rows):{anchor:7.1f} s  {n / anchor:9,.0f} persons/s   (anchor)")
        print(f"  rebuild-keys / anchor: x{rebuild / anchor:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if scratch and not args.reuse:
            connection.creation.destroy_test_db(scratch, verbosity=0)


if __name__ == "__main__":
    main()
