"""Shared set-up for benchmarks: Django on a throwaway database, and fast synthetic rows.

A benchmark runs on SQLite in a temporary data dir by default, or on the database named by
ASYLON_DATABASE_URL (which it migrates; use a database kept for benchmarks).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))


def django_setup(fresh: bool = True) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    if fresh and "ASYLON_DATABASE_URL" in os.environ:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)


def bulk_population(n: int, *, site_code: str = "BEN", blocks: int = 20, units_per_block: int = 50, seed: int = 7):
    """n persons in households of one to six, placed in units, with a few specific needs.

    Rows are written with bulk_create: this is set-up for a measurement, not a way in.
    """
    import random
    from datetime import date, timedelta

    from asylon.registry.models import (
        Household,
        Location,
        Membership,
        Person,
        SensitiveProfile,
        Site,
        SpecificNeed,
    )

    rng = random.Random(seed)
    site = Site.objects.create(code=site_code, name=f"Bench {site_code}", host_country="IQ", designation="TTL")
    block_rows = Location.objects.bulk_create(
        [Location(site=site, kind="BLOCK", name=f"B{b:02d}") for b in range(blocks)]
    )
    units = Location.objects.bulk_create(
        [Location(site=site, kind="UNIT", parent=b, name=f"U{u:03d}") for b in block_rows for u in range(units_per_block)]
    )
    today = date.today()  # noqa: DTZ011 - set-up data only
    persons, households, memberships = [], [], []
    i = 0
    while i < n:
        size = min(rng.randint(1, 6), n - i)
        unit = rng.choice(units)
        hh = Household(reference=f"{site_code}-H-{len(households) + 1:07d}", site=site, unit=unit)
        households.append(hh)
        for k in range(size):
            i += 1
            persons.append(Person(
                reference=f"{site_code}-{i:07d}", site=site, unit=unit,
                given_name=rng.choice(["Ali", "Reza", "Maryam", "Zahra", "Hossein", "Fatemeh", "Mehdi", "Sara"]),
                family_name=rng.choice(["Ahmadi", "Hosseini", "Karimi", "Rahimi", "Moradi", "Jafari"]),
                fathers_name=rng.choice(["Hassan", "Mohammad", "Abbas", "Karim"]),
                sex=rng.choice("FM"), date_of_birth=today - timedelta(days=rng.randint(0, 85 * 365)),
                nationality="IR", country_of_origin="IR", registered_on=today - timedelta(days=rng.randint(0, 900)),
                presence=rng.choices(["PRESENT", "DEPARTED", "HOSPITALISED"], weights=[90, 8, 2])[0],
            ))
            memberships.append((len(households) - 1, len(persons) - 1, "PA" if k == 0 else "CHILD"))
    Household.objects.bulk_create(households, batch_size=5000)
    Person.objects.bulk_create(persons, batch_size=5000)
    SensitiveProfile.objects.bulk_create([SensitiveProfile(person=p) for p in persons], batch_size=5000)
    Membership.objects.bulk_create(
        [Membership(household=households[h], person=persons[p], relationship=r, started_on=today)
         for h, p, r in memberships], batch_size=5000,
    )
    SpecificNeed.objects.bulk_create(
        [SpecificNeed(person=p, code_id=rng.choice(["SM-CI", "DS-PM", "ER-NF"]), recorded_on=today)
         for p in persons if rng.random() < 0.1], batch_size=5000,
    )
    return site
