"""The person list page at 100,000 persons: response times of realistic requests.

    PYTHONPATH=src python bench/person_list.py [--persons 100000]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench python bench/person_list.py

Prints p50/p95 per request, and the ratio against the anchor: the cost of the bare
`SELECT ... LIMIT 50` the page could not do less than, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import bulk_population, django_setup

REQUESTS = [
    ("first page", ""),
    ("page 1,000 of the list", "page=1000"),
    ("women 18-59 present", "sex=F&age_bracket=18-59&presence=PRESENT"),
    ("one block", "block={block}"),
    ("specific need SM", "specific_need=SM"),
    ("children 0-4, page 5", "age_bracket=0-4&page=5"),
]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    django_setup()

    from django.db import connection
    from django.test import Client

    from asylon.accounts.services import create_user
    from asylon.registry.models import Location, Person

    t = time.perf_counter()
    site = bulk_population(args.persons)
    print(f"set-up: {args.persons:,} persons in {time.perf_counter() - t:.1f} s on {connection.vendor}")
    user = create_user(actor=None, username="bench-clerk", role="registration_clerk", sites=[site]).user
    client = Client()
    client.force_login(user)
    block = Location.objects.filter(site=site, parent__isnull=True).first().pk

    anchor = timed(lambda: list(Person.objects.filter(site=site).order_by("reference")[:50]), args.repeat)
    a50 = statistics.median(anchor)
    print(f"anchor: bare SELECT of 50 persons p50 {a50:.1f} ms")
    print(f"{'request':32} {'p50 ms':>8} {'p95 ms':>8} {'x anchor':>9}")
    for label, query in REQUESTS:
        url = "/persons/?" + query.format(block=block)
        assert client.get(url).status_code == 200
        times = timed(lambda url=url: client.get(url), args.repeat)
        p50, p95 = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
        print(f"{label:32} {p50:8.1f} {p95:8.1f} {p50 / a50:9.1f}")


if __name__ == "__main__":
    main()
