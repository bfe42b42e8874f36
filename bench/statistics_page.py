"""Benchmark: the statistics page of the demo camp, against the person list (the anchor: what
any page costs on the same stack), measured in the same run.

    PYTHONPATH=src python bench/statistics_page.py [--persons 3000] [--runs 5]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench PYTHONPATH=src python bench/statistics_page.py

Seeds the demo camp (`demo.seeding.seed`) in a fresh database and requests the page as a
protection officer through Django's test client: the first request (figures not yet computed
for this data version) and the median of the following ones, with the page's size; then its
two charts (separate SVG files, drawn once per data version) the same way.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

from _setup import django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("ASYLON_REQUIRE_2FA", "false")
    os.environ.setdefault("ASYLON_SECURE_COOKIES", "false")
    django_setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from asylon.accounts.models import User
    from asylon.demo import seeding

    t = time.perf_counter()
    seeding.seed(args.persons)
    print(f"database: {connection.vendor}  set-up: demo camp of {args.persons:,} in {time.perf_counter() - t:.1f} s")
    cache.clear()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="demo-protection-officer"))

    def get(url: str) -> tuple[float, int, str]:
        t = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
        return elapsed, len(response.content), response.content.decode()

    get("/persons/")
    first, size, html = get("/reports/statistics/")
    anchor = [get("/persons/")[0] for _ in range(args.runs)]
    warm = [get("/reports/statistics/")[0] for _ in range(args.runs)]
    a, w = statistics.median(anchor), statistics.median(warm)
    print(f"anchor  person list        : {a * 1000:8.0f} ms")
    print(f"stats   first request      : {first * 1000:8.0f} ms   {size / 1024:.0f} KB   ratio {first / a:.1f}x")
    print(f"stats   following (median) : {w * 1000:8.0f} ms   ratio {w / a:.1f}x")
    for url in re.findall(r'<img class="chart" src="([^"]+)"', html):
        url = url.replace("&amp;", "&")
        drawn, chart_size, _svg = get(url)
        kept = statistics.median([get(url)[0] for _ in range(args.runs)])
        name = url.split("?")[0].rsplit("/", 1)[-1]
        size_kb = chart_size / 1024
        print(f"chart   {name:14} first  : {drawn * 1000:8.0f} ms   {size_kb:.0f} KB   ratio {drawn / a:.1f}x")
        print(f"chart   {name:14} kept   : {kept * 1000:8.0f} ms   ratio {kept / a:.1f}x")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
