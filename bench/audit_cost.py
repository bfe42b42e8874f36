"""What the audit trail adds to a write.

    PYTHONPATH=src python bench/audit_cost.py [N]

Times N corrections through registry.services.correct_person with the audit trail as it
is, then N more with audit.record replaced by a no-op (three alternating rounds, best of
each), and prints both and their ratio.
Uses a throwaway SQLite data dir unless ASYLON_DATABASE_URL is set (then a scratch database
`<name>_bench` on that server is created and dropped).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))
os.environ.setdefault("ASYLON_SECRET_KEY", "bench-only-secret-key-not-for-use-anywhere-else-0123456789")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench"
        test_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
        test_name = None
    try:
        run(n)
    finally:
        if test_name:
            creation.destroy_test_db(old_name, verbosity=0)


def run(n: int) -> None:
    from django.db import connection

    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.audit import services as audit
    from asylon.registry import services
    from asylon.registry.models import Site

    site = Site.objects.create(code="BEN", name="Bench", host_country="IQ", designation="TTL")
    clerk = create_user(actor=None, username="bench", role=Role.REGISTRATION_CLERK, sites=[site]).user
    household = services.register_household(
        actor=clerk, site=site, members=[{"relationship": "PA", "given_name": "Bench", "sex": "M"}]
    )
    person = household.memberships.get().person

    def corrections(label: str) -> float:
        started = time.perf_counter()
        for i in range(n):
            services.correct_person(actor=clerk, person=person, changes={"languages": f"{label} {i}"}, reason="bench")
        return time.perf_counter() - started

    corrections("warm")  # caches, connection, query plans
    # Alternate the two, three rounds, and keep each one's best: the machine is shared.
    with_audit = without = float("inf")
    for r in range(3):
        with_audit = min(with_audit, corrections(f"audit{r}"))
        with mock.patch.object(audit, "record", lambda *a, **k: None):
            without = min(without, corrections(f"none{r}"))
    print(f"database: {connection.vendor}, {n} corrections each")
    print(f"with audit:    {with_audit * 1000 / n:7.3f} ms per write ({with_audit:.2f} s)")
    print(f"without audit: {without * 1000 / n:7.3f} ms per write ({without:.2f} s)")
    print(f"ratio with/without: {with_audit / without:.2f}")


if __name__ == "__main__":
    main()
