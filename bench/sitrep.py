"""Benchmark: the situation report PDF of the demo camp, against a one-page PDF (the anchor:
what WeasyPrint costs for any document at all), measured in the same run.

    PYTHONPATH=src python bench/sitrep.py [--persons 3000] [--runs 3]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench PYTHONPATH=src python bench/sitrep.py

Seeds the demo camp (`demo.seeding.seed`) in a fresh database, then times building the
report's figures and rendering them, separately, as a protection officer of the camp. Then the
first report of a new process, twice: as a new `asylon worker` makes it (after its warm-up,
operations/worker.py), and with no warm-up at all (`asylon report sitrep` on the command line).
The data is unchanged since the runs above, so both read the published figures from the cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

from _setup import django_setup


def first_report(username: str, warm: bool) -> None:
    """In a new process: the first report, after the worker's warm-up if `warm`; prints seconds."""
    import django

    django.setup()
    from asylon.accounts.models import User
    from asylon.operations import worker
    from asylon.reports import sitrep

    officer = User.objects.get(username=username)
    site = officer.sites.order_by("pk").first()
    end = date.today()  # noqa: DTZ011 - a benchmark's period
    if warm:
        worker.warm_up()
    t = time.perf_counter()
    context = sitrep.build_context(officer, site=site, start=end - timedelta(days=365), end=end)
    sitrep.render_pdf(context)
    print(f"{time.perf_counter() - t:.4f}")


def new_process(username: str, warm: bool) -> float:
    args = [sys.executable, __file__, "--first-report", username] + (["--warm"] if warm else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)  # noqa: S603 - our own script
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--first-report", metavar="USERNAME", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_report:
        first_report(args.first_report, args.warm)
        return
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
    worker = new_process(officer.username, warm=True)
    print(f"new process, warmed worker: {worker * 1000:8.0f} ms   ratio to anchor {worker / a:.1f}x")
    bare = new_process(officer.username, warm=False)
    print(f"new process, no warm-up   : {bare * 1000:8.0f} ms   ratio to anchor {bare / a:.1f}x")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
