"""Benchmark: a prima facie declaration over 100,000 persons and its revocation, against the
statements they come down to, measured in the same run on the same rows.

    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_status_bench \
        python bench/group_declaration.py [--persons 100000] [--sample 200]
    python bench/group_declaration.py --persons 100000           # SQLite, in a temporary data dir

On PostgreSQL the database named is dropped and re-created (nothing else lives there); on
SQLite a temporary data dir holds a fresh file. Set-up (persons, an officer) writes rows
directly. Then:

- confirm: `services.declare_group` (criteria, skips, the one INSERT ... SELECT, the digest of
  the persons and the audit event), against the anchor: one bare INSERT ... SELECT of the same
  entries from the site's persons, run and rolled back just before; on PostgreSQL also the
  same statement with its foreign keys checked in it (`SET CONSTRAINTS ALL IMMEDIATE`): the
  rolled-back anchor never reaches the commit where Django's deferred keys are checked, and
  the declaration does; the anchors' rolled-back rows are vacuumed before each act;
- revoke: `services.revoke_group_declaration`, against one bare UPDATE of the same entries,
  run and rolled back just before;
- memory: the Python heap's peak during each act (tracemalloc), which stays flat in the number
  of persons because no act reads the persons into Python;
- the audit chain verified after both acts (`audit.verify.verify_chain`);
- for scale, the one-at-a-time path (lock, append, audit per person) timed on a sample.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))
os.environ.setdefault("ASYLON_AUDIT_LOG_LEVEL", "WARNING")  # one checkpoint line per write would flood the output

CODE = "BENCH"
EFFECTIVE = date(2013, 2, 1)


class Rollback(Exception):
    pass


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed_and_rolled_back(sql: str, params: list, *, checked: bool = False) -> float:
    """Seconds one statement takes inside a transaction that is then rolled back. `checked`
    (PostgreSQL): with the table's foreign keys checked in the statement rather than at a
    commit that never comes (Django declares them DEFERRABLE INITIALLY DEFERRED)."""
    from django.db import connection, transaction

    t = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if checked:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    t = time.perf_counter()
                cursor.execute(sql, params)
            t = time.perf_counter() - t
            raise Rollback
    except Rollback:
        pass
    return t


def vacuum_rolled_back(table: str) -> None:
    """PostgreSQL: clear the rows a rolled-back anchor left behind (SQLite's rollback leaves
    none), as autovacuum soon would, so that the act meets the table as it was: otherwise the
    declaration probes 100,000 dead entries per anchor, and the revocation finds its pages
    filled by the anchor's dead versions."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")


def measured(act):
    """(result, seconds, peak MB of the Python heap) of one call."""
    tracemalloc.start()
    t = time.perf_counter()
    result = act()
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="persons for the one-at-a-time path")
    args = parser.parse_args()
    url = os.environ.get("ASYLON_DATABASE_URL")
    if url:
        recreate_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from django.db import connection, transaction
    from django.utils import timezone

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.audit import services as audit
    from asylon.audit.verify import verify_chain
    from asylon.registry.models import Person, Site
    from asylon.status import services
    from asylon.status.entries import append_entries
    from asylon.status.models import DeterminationMode, LegalStatus, StatusEntry
    from asylon.status.queries import Criteria, statuses_on

    print(
        f"database: {connection.vendor}   persons: {args.persons:,}   load average: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    site = Site.objects.create(code=CODE, name="Bench site", host_country="IQ", designation="TTL")
    officer = create_user(actor=None, username="bench-protection", role=Role.PROTECTION_OFFICER, sites=[site]).user
    t = time.perf_counter()
    for start in range(1, args.persons + 1, 5000):
        Person.objects.bulk_create(
            Person(
                reference=f"{CODE}-{n:07d}",
                site=site,
                given_name=f"Bench{n}",
                sex="MF"[n % 2],
                nationality="IR",
                registered_on=date(2012, 1, 1),
            )
            for n in range(start, min(start + 5000, args.persons + 1))
        )
    print(f"set-up: {args.persons:,} persons in {time.perf_counter() - t:.1f} s", flush=True)

    table = StatusEntry._meta.db_table
    person_table = Person._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    effective = connection.ops.adapt_datefield_value(EFFECTIVE)
    insert_sql = (
        f"INSERT INTO {table} (person_id, status, effective_on, recognised_by, determination_mode, legal_basis, "  # noqa: S608
        "note, recorded_by_id, recorded_at) "
        f"SELECT id, %s, %s, %s, %s, %s, '', %s, %s FROM {person_table} WHERE site_id = %s"
    )
    insert_params = ["REFUGEE", effective, "UNHCR", "PRIMA_FACIE_GROUP", "1951_CONV", officer.pk, now, site.pk]
    insert_anchor = timed_and_rolled_back(insert_sql, insert_params)
    # For reading the ratio: what the same statement costs once the database checks its
    # foreign keys, which a committed declaration pays and the rolled-back anchor does not.
    postgres = connection.vendor == "postgresql"
    insert_checked = timed_and_rolled_back(insert_sql, insert_params, checked=True) if postgres else None
    vacuum_rolled_back(table)

    criteria = Criteria(site=site, nationality="IR", cutoff_kind="REGISTRATION", cutoff_date=date(2013, 1, 1))
    declaration, confirm_s, confirm_mb = measured(
        lambda: services.declare_group(
            actor=officer,
            criteria=criteria,
            effective_on=EFFECTIVE,
            legal_basis="1951_CONV",
            recognised_by="UNHCR",
            legal_basis_text="Bench declaration (synthetic).",
        )
    )
    assert declaration.applied_count == args.persons  # noqa: S101

    ids = list(Person.objects.filter(site=site).values_list("pk", flat=True))
    t = time.perf_counter()
    refugees = sum(s.status == "REFUGEE" for s in statuses_on(ids).values())
    read_s = time.perf_counter() - t
    assert refugees == args.persons  # noqa: S101
    del ids

    update_anchor = timed_and_rolled_back(
        f"UPDATE {table} SET reverted_at = %s, reverted_by_id = %s WHERE declaration_id = %s",  # noqa: S608
        [now, declaration.pk, declaration.pk],
    )
    vacuum_rolled_back(table)
    _, revoke_s, revoke_mb = measured(
        lambda: services.revoke_group_declaration(actor=officer, declaration=declaration, reason="bench")
    )
    t = time.perf_counter()
    verdict = verify_chain()
    verify_s = time.perf_counter() - t

    @transaction.atomic
    def recognise_one(person: Person) -> None:
        Person.objects.select_for_update().get(pk=person.pk)
        append_entries(
            actor=officer,
            person_ids=[person.pk],
            status=LegalStatus.REFUGEE,
            effective_on=EFFECTIVE,
            recognised_by="UNHCR",
            determination_mode=DeterminationMode.PRIMA_FACIE_INDIVIDUAL,
            legal_basis="1951_CONV",
            note="bench",
        )
        audit.record(officer, "status.recognised", person, changes={"status": "REFUGEE"})

    sample = list(Person.objects.filter(site=site).order_by("pk")[: args.sample])
    t = time.perf_counter()
    for person in sample:
        recognise_one(person)
    per_person = (time.perf_counter() - t) / max(len(sample), 1)

    n = f"{args.persons:,}"
    print(f"anchor   one INSERT ... SELECT of {n} entries:  {insert_anchor:6.2f} s")
    print(
        f"confirm  declare_group over {n} persons:        {confirm_s:6.2f} s"
        f"   ×{confirm_s / insert_anchor:.1f} the anchor"
    )
    if insert_checked is not None:
        print(
            f"anchor   the same with its foreign keys checked:   {insert_checked:6.2f} s"
            f"   (confirm ×{confirm_s / insert_checked:.1f} this)"
        )
    print(f"anchor   one UPDATE of {n} entries:              {update_anchor:6.2f} s")
    print(
        f"revoke   revoke_group_declaration over {n}:     {revoke_s:6.2f} s"
        f"   ×{revoke_s / update_anchor:.1f} the anchor"
    )
    print(f"memory   Python heap peak: confirm {confirm_mb:.1f} MB, revoke {revoke_mb:.1f} MB")
    print(
        f"audit    chain verified after both: {'ok' if verdict.ok else 'BROKEN: ' + verdict.problem}"
        f" ({verdict.checked:,} events, {verify_s:.1f} s)"
    )
    print(f"read     statuses_on over {n} persons: {read_s:.2f} s")
    print(
        f"scale    one at a time: {per_person * 1000:.1f} ms a person (sample of {len(sample)}), "
        f"{per_person * args.persons:.0f} s for {n}: ×{per_person * args.persons / confirm_s:.0f} the declaration"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not verdict.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
