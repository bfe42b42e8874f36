"""Benchmark: the situation report PDF of the demo camp, against a one-page PDF (the anchor:
what WeasyPrint costs for any document at all), measured in the same run.

    PYTHONPATH=src python bench/sitrep.py [--persons 3000] [--runs 3]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench PYTHONPATH=src python bench/sitrep.py

Seeds the demo camp (`demo.seeding.seed`) in a fresh database, then times building the
report's figures and rendering them, separately, as a protection officer of the camp.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, timedelta

from _setup import django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.demo import seeding
    from asylon.registry.models import Site
    from asylon.reports import sitrep

    t = time.perf_counter()
    seeding.seed(args.persons)
    print(f"database: {connection.vendor}  set-up: demo camp of {args.persons:,} in {time.perf_counter() - t:.1f} s")
    site = Site.objects.order_by("pk").first()
    officer = create_user(
        actor=None, username=f"bench-po-{time.time_ns()}", role=Role.PROTECTION_OFFICER, sites=[site]
    ).user
    end = date.today()  # noqa: DTZ011 - a benchmark's period
    start = end - timedelta(days=365)

    import weasyprint

    anchor, build, render = [], [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        weasyprint.HTML(string="<html><body><h1>Anchor</h1><p>One page.</p></body></html>").write_pdf()
        anchor.append(time.perf_counter() - t)
        t = time.perf_counter()
        context = sitrep.build_context(officer, site=site, start=start, end=end)
        build.append(time.perf_counter() - t)
        t = time.perf_counter()
        pdf = sitrep.render_pdf(context)
        render.append(time.perf_counter() - t)
    a, b, r = (statistics.median(x) for x in (anchor, build, render))
    print(f"anchor  one-page PDF      : {a * 1000:8.0f} ms")
    print(f"sitrep  figures           : {b * 1000:8.0f} ms")
    print(f"sitrep  render ({len(pdf) // 1024} KB)  : {r * 1000:8.0f} ms")
    print(f"sitrep  total             : {(b + r) * 1000:8.0f} ms   ratio to anchor {(b + r) / a:.1f}x")
    cold = build[0] + render[0]
    print(f"sitrep  first (cold)      : {cold * 1000:8.0f} ms   ratio to anchor {cold / a:.1f}x")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
