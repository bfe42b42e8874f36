"""Benchmark: a prima facie declaration over 100,000 persons, against applying the same
statuses one person at a time through the service (the anchor), measured in the same run.

    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_status_bench \
        PYTHONPATH=src python bench/group_declaration.py [--persons 100000] [--sample 2000]

Set-up (persons, an officer) uses bulk_create directly. The declaration goes through
`services.declare_group`; the anchor applies one status per person through the one-person
service path (`services.declare_group` over a one-person criterion would add the criteria
query, so the anchor is `entries.append_entries` + one audit event per person, inside one
transaction each: what a per-person "recognise" service costs). The anchor is timed on a
sample and extrapolated. Everything created is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from asylon.accounts.roles import Role  # noqa: E402
from asylon.accounts.services import create_user  # noqa: E402
from asylon.audit import services as audit  # noqa: E402
from asylon.registry.models import Person, Site  # noqa: E402
from asylon.status import services  # noqa: E402
from asylon.status.entries import append_entries  # noqa: E402
from asylon.status.models import DeterminationMode, GroupDeclaration, LegalStatus, StatusEntry  # noqa: E402
from asylon.status.queries import Criteria, statuses_on  # noqa: E402

CODE = "BENCH"


@transaction.atomic
def recognise_one(*, actor, person: Person) -> None:
    """The one-at-a-time path: lock the person, check, append the entry, audit it."""
    Person.objects.select_for_update().get(pk=person.pk)
    append_entries(
        actor=actor,
        person_ids=[person.pk],
        status=LegalStatus.REFUGEE,
        effective_on=date(2013, 2, 1),
        recognised_by="UNHCR",
        determination_mode=DeterminationMode.PRIMA_FACIE_INDIVIDUAL,
        legal_basis="1951_CONV",
        note="bench",
    )
    audit.record(actor, "status.recognised", person, changes={"status": "REFUGEE"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    from django.db import connection

    print(f"database: {connection.vendor}")
    site = Site.objects.filter(code=CODE).first() or Site.objects.create(
        code=CODE, name="Bench site", host_country="IQ", designation="TTL"
    )
    officer = create_user(
        actor=None, username=f"bench-protection-{time.time_ns()}", role=Role.PROTECTION_OFFICER, sites=[site]
    ).user
    t = time.perf_counter()
    Person.objects.bulk_create(
        (
            Person(
                reference=f"{CODE}-{n:07d}",
                site=site,
                given_name=f"Bench{n}",
                sex="MF"[n % 2],
                nationality="IR",
                registered_on=date(2012, 1, 1),
            )
            for n in range(1, args.persons + 1)
        ),
        batch_size=5000,
    )
    print(f"set-up: {args.persons:,} persons in {time.perf_counter() - t:.1f} s")
    try:
        criteria = Criteria(site=site, nationality="IR", cutoff_kind="REGISTRATION", cutoff_date=date(2013, 1, 1))
        t = time.perf_counter()
        declaration = services.declare_group(
            actor=officer,
            criteria=criteria,
            effective_on=date(2013, 2, 1),
            legal_basis="1951_CONV",
            recognised_by="UNHCR",
            legal_basis_text="Bench declaration (synthetic).",
        )
        confirm_s = time.perf_counter() - t
        assert declaration.applied_count == args.persons
        print(f"declare (confirm) over {args.persons:,} persons: {confirm_s:.2f} s")

        ids = list(Person.objects.filter(site=site).values_list("pk", flat=True))
        t = time.perf_counter()
        snaps = statuses_on(ids)
        read_s = time.perf_counter() - t
        assert sum(s.status == "REFUGEE" for s in snaps.values()) == args.persons
        print(f"statuses_on over {args.persons:,} persons: {read_s:.2f} s")

        t = time.perf_counter()
        services.revoke_group_declaration(actor=officer, declaration=declaration, reason="bench")
        revoke_s = time.perf_counter() - t
        print(f"revoke over {args.persons:,} persons: {revoke_s:.2f} s")

        sample = list(Person.objects.filter(site=site).order_by("pk")[: args.sample])
        t = time.perf_counter()
        for person in sample:
            recognise_one(actor=officer, person=person)
        one_s = time.perf_counter() - t
        per_person = one_s / len(sample)
        extrapolated = per_person * args.persons
        print(
            f"one at a time: {len(sample):,} persons in {one_s:.2f} s ({per_person * 1000:.2f} ms each); "
            f"extrapolated to {args.persons:,}: {extrapolated:.0f} s"
        )
        print(f"ratio (one at a time / declaration): {extrapolated / confirm_s:.1f}x")
    finally:
        t = time.perf_counter()
        StatusEntry.objects.filter(person__site=site).delete()
        GroupDeclaration.objects.filter(site=site).delete()
        Person.objects.filter(site=site).delete()
        print(f"clean-up: {time.perf_counter() - t:.1f} s (audit events stay, as they must)")


if __name__ == "__main__":
    main()
