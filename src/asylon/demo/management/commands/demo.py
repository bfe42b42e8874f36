"""`asylon demo`: create the data dir and database, seed the synthetic camp, and serve it with
the production server (`asylon serve`) and a background worker (`asylon worker`), as a real
installation runs (docs/deploy.md). Ctrl+C stops both."""

from __future__ import annotations

import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from asylon.core import collector
from asylon.demo import seeding


class Command(BaseCommand):
    help = "Create the database, seed the synthetic demo camp (once), and serve it on 127.0.0.1:8000."
    # Checked before serving, not at start: the URL checks load every page and the API, which
    # seeding does not need and which cost a fresh demo more than its migrations (issue 24).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Seed only; do not start the server.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")
        parser.add_argument("--persons", type=int, default=3000, help="About how many residents to seed.")

    def handle(self, *args, no_serve: bool, addr: str, persons: int, **options):
        started = time.perf_counter()
        with collector.batch():
            call_command("migrate", interactive=False, verbosity=0)
            migrated = time.perf_counter()
            result = seeding.seed(persons)
        done = time.perf_counter()
        if result.created:
            self.stdout.write(
                f"Seeded the demo camp: {result.persons} residents in {done - started:.1f} s "
                f"(database {migrated - started:.1f} s, camp {done - migrated:.1f} s)."
            )
        else:
            self.stdout.write(f"The demo camp is already there ({result.persons} residents); nothing added.")
        if result.users:
            self.stdout.write("Demo users (passwords are shown only this once):")
            for username, password in result.users.items():
                self.stdout.write(f"  {username:28} {password}")
        if result.enrolment_codes:
            self.stdout.write("Second-factor enrolment codes (asked at the first log-in, valid for a few days):")
            for username, code in result.enrolment_codes.items():
                self.stdout.write(f"  {username:28} {code}")
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        if no_serve:
            return
        self.check()
        self.stdout.write(f"Serving on http://{addr}/  (log in as admin), with a background worker")
        worker = subprocess.Popen([sys.executable, "-m", "asylon", "worker", "--verbosity", "0"])  # noqa: S603
        try:
            call_command("serve", bind=addr, workers=2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
