"""Benchmark: the persons register exported as XLSX, against openpyxl's write-only mode
writing the same number of rows and columns of constant values (the anchor: the cost of
the file format alone), measured in the same run. Prints the time, and the peak memory that
tracemalloc traces during a second export of the same site, for a small site (--small, 10,000
persons) and the large one, and their ratio: a flat memory is the same peak at both sizes.

    PYTHONPATH=src python bench/persons_export.py [--persons 100000] [--small 10000]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench PYTHONPATH=src python bench/persons_export.py

Set-up writes the population with bulk_create (bench/_setup.py); the export goes through
`reports.exports.export_records`, guard and audit included, as a protection officer.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc

from _setup import bulk_population, django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.reports import exports

    t = time.perf_counter()
    sizes = [(args.small, "BES"), (args.persons, "BEN")] if args.small else [(args.persons, "BEN")]
    sites = [bulk_population(n, site_code=code) for n, code in sizes]
    officer = create_user(
        actor=None, username=f"bench-export-{time.time_ns()}", role=Role.PROTECTION_OFFICER, sites=sites
    ).user
    persons = " + ".join(f"{n:,}" for n, _code in sizes)
    print(f"database: {connection.vendor}  set-up: {persons} persons in {time.perf_counter() - t:.1f} s")

    def export(site):
        return exports.export_records(actor=officer, kind="persons", site=site, fmt="xlsx", purpose="Benchmark.")

    peaks = []
    for site in sites:
        t = time.perf_counter()
        out = export(site)
        export_s = time.perf_counter() - t
        out.path.unlink(missing_ok=True)
        tracemalloc.start()
        export(site).path.unlink(missing_ok=True)
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks.append((out.rows, peak))
        print(
            f"export  persons XLSX, {out.rows:,} rows ({out.size / 1e6:.1f} MB): {export_s:7.2f} s"
            f"  {out.rows / export_s:,.0f} rows/s  peak traced memory {peak / 1e6:.1f} MB"
        )
    width = len([c for c in exports.RECORD_EXPORTS["persons"].columns if not c.sensitive])

    import openpyxl

    t = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("export")
    row = [f"value {i}" for i in range(width)]
    for _ in range(out.rows + 1):
        sheet.append(row)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
        anchor_s = time.perf_counter() - t
        _ = os.path.getsize(handle.name)
    print(f"anchor  openpyxl write-only, {out.rows:,} rows x {width}: {anchor_s:7.2f} s")
    print(f"ratio   export / anchor: {export_s / anchor_s:.2f}x   load average {os.getloadavg()[0]:.1f}")
    if len(peaks) == 2:
        (small_rows, small_peak), (large_rows, large_peak) = peaks
        print(
            f"memory  peak at {large_rows:,} rows / peak at {small_rows:,} rows: {large_peak / small_peak:.2f}x"
            "  (flat: about 1)"
        )


if __name__ == "__main__":
    main()
