"""Benchmark: the persons register exported as XLSX, against openpyxl's write-only mode
writing the same number of rows and columns of constant values (the anchor: the cost of
the file format alone), measured in the same run. Prints time and peak traced memory.

    PYTHONPATH=src python bench/persons_export.py [--persons 100000]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench PYTHONPATH=src python bench/persons_export.py

Set-up writes the population with bulk_create (bench/_setup.py); the export goes through
`reports.exports.export_records`, guard and audit included, as a protection officer.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

from _setup import bulk_population, django_setup


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.reports import exports

    t = time.perf_counter()
    site = bulk_population(args.persons)
    officer = create_user(
        actor=None, username=f"bench-export-{time.time_ns()}", role=Role.PROTECTION_OFFICER, sites=[site]
    ).user
    print(f"database: {connection.vendor}  set-up: {args.persons:,} persons in {time.perf_counter() - t:.1f} s")
    before = rss_mb()
    t = time.perf_counter()
    out = exports.export_records(actor=officer, kind="persons", site=site, fmt="xlsx", purpose="Benchmark (synthetic).")
    export_s = time.perf_counter() - t
    after = rss_mb()
    width = len([c for c in exports.RECORD_EXPORTS["persons"].columns if not c.sensitive])
    out.path.unlink(missing_ok=True)

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
    print(
        f"export  persons XLSX, {out.rows:,} rows ({out.size / 1e6:.1f} MB): {export_s:7.2f} s",
        f"  ratio {export_s / anchor_s:.2f}x",
    )
    print(f"memory  peak RSS before export {before:.0f} MB, after {after:.0f} MB (+{after - before:.0f} MB)")


if __name__ == "__main__":
    main()
