"""The resettlement dashboard of a site with 100,000 residents and 30,000 cases.

Builds the site with bulk_create (set-up only), then renders the dashboard page through the
Django test client as a resettlement officer, several times. Prints the render time
(median, worst), the number of queries per render, and the ratio against the anchor
measured in the same run: one bare count of the site's residents.

    python bench/resettlement_dashboard.py [--residents 100000] [--cases 30000]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench python bench/resettlement_dashboard.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

from _setup import bulk_population, django_setup


def build(residents: int, n_cases: int):
    from django.utils import timezone

    from asylon.accounts.models import User
    from asylon.core.dates import today
    from asylon.registry.models import Person
    from asylon.solutions.models import (
        CaseMember,
        Outcome,
        Pledge,
        ReceivingCountry,
        ResettlementCase,
        Stage,
        Submission,
    )

    site = bulk_population(residents, site_code="RST")
    rng = random.Random(11)
    seeder = User.objects.create(username="bench-seeder")
    countries = ReceivingCountry.objects.bulk_create(
        [
            ReceivingCountry(country=c, selection_mode="DOSSIER", created_by=seeder)
            for c in ("AL", "DE", "NO", "FI", "CA")
        ]
    )
    on = today()
    Pledge.objects.bulk_create(
        [Pledge(country=c, year=on.year, places=rng.randint(500, 3000), recorded_by=seeder) for c in countries]
    )
    rows = list(Person.objects.filter(site=site).values_list("pk", "memberships__household_id").order_by("pk"))
    stages = [s for s in Stage.values if s != Stage.CLOSED]
    now = timezone.now()
    cases, groups = [], []
    for i in range(n_cases):
        group = rows[3 * i : 3 * i + 3] or rows[-1:]
        stage = rng.choice(stages)
        submitted = stage not in (Stage.IDENTIFIED, Stage.ASSESSED)
        country = rng.choice(countries) if submitted and stage != Stage.REJECTED else None
        cases.append(
            ResettlementCase(
                reference=f"RST-RST-{i + 1:06d}",
                site=site,
                household_id=group[0][1],
                stage=stage,
                stage_since=now - timedelta(days=rng.randint(0, 400)),
                persons=len(group),
                priority=rng.choices(["EMERGENCY", "URGENT", "NORMAL"], weights=[1, 4, 15])[0],
                primary_category="LPP",
                country=country,
                submitted_on=on - timedelta(days=rng.randint(1, 400)) if submitted else None,
                departed_on=on - timedelta(days=rng.randint(0, 365))
                if stage in (Stage.DEPARTED, Stage.ARRIVED)
                else None,
                created_by=seeder,
            )
        )
        groups.append(group)
    ResettlementCase.objects.bulk_create(cases, batch_size=5000)
    CaseMember.objects.bulk_create(
        [
            CaseMember(case=c, person_id=pid, relationship="PA")
            for c, g in zip(cases, groups, strict=True)
            for pid, _h in g[:3]
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    outcome = {Stage.REJECTED: Outcome.REJECTED, Stage.SUBMITTED: Outcome.PENDING, Stage.INTERVIEW: Outcome.PENDING}
    Submission.objects.bulk_create(
        [
            Submission(
                case=c,
                country=c.country or countries[0],
                priority=c.priority,
                submitted_on=c.submitted_on,
                submitted_by=seeder,
                outcome=outcome.get(c.stage, Outcome.ACCEPTED),
            )
            for c in cases
            if c.submitted_on
        ],
        batch_size=5000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":  # planner statistics, as autovacuum keeps them on a live database
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return site


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.registry.models import Person

    t0 = time.perf_counter()
    site = build(args.residents, args.cases)
    print(
        f"set-up: {args.residents} residents, {args.cases} cases"
        f" in {time.perf_counter() - t0:.1f}s ({connection.vendor})"
    )
    user = create_user(
        actor=None, username="bench-rso", role=Role.RESETTLEMENT_OFFICER, sites=[site], password="bench bench bench 1"
    ).user
    client = Client()
    client.force_login(user)
    url = f"/resettlement/dashboard/{site.code}/"
    client.get(url)  # warm caches (templates, matplotlib fonts)
    anchor, renders, counts = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        Person.objects.filter(site=site).exclude(presence__in=["DEPARTED", "DECEASED"]).count()
        anchor.append(time.perf_counter() - t)
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            renders.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
        counts.append(len(ctx.captured_queries))
    med, a = statistics.median(renders), statistics.median(anchor)
    print(f"dashboard render: median {med * 1000:.0f} ms, worst {max(renders) * 1000:.0f} ms, queries {counts[0]}")
    print(f"anchor (bare residents count): median {a * 1000:.1f} ms; ratio {med / a:.1f}x")
    if connection.vendor == "postgresql":
        print("target: under 1000 ms on PostgreSQL:", "met" if med < 1.0 else "NOT met")


if __name__ == "__main__":
    main()
