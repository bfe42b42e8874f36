"""`asylon status`: what /healthz reads (operations/health.py), for an operator at the console.
Exits 1 when a check fails; `--json` prints the same document as /healthz."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from asylon.operations import health

LINES = {
    "database": "database: {vendor}",
    "migrations": "migrations: {pending} waiting",
    "worker": "worker: {live} alive, last beat {last_beat_seconds} s ago",
    "queue": "queue: {waiting} waiting, {running} running, oldest waited {lag_seconds} s (limit {limit_seconds} s)",
    "disk": "disk: {free_mb} MB free in the data dir (minimum {minimum_mb} MB), {used_percent}% used",
}


class Command(BaseCommand):
    help = "Health of this installation: database, migrations, worker, queue, disk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the /healthz document")

    def handle(self, *args, as_json: bool = False, **options) -> None:
        reading = health.report()
        if as_json:
            self.stdout.write(json.dumps(reading, indent=2))
        else:
            for name, check in reading["checks"].items():
                if name == "worker" and check.get("live") == 0:
                    needed = check.get("needed", True)
                    self.stdout.write(
                        "FAIL worker: none alive (start asylon worker)"
                        if needed
                        else "ok   worker: tasks run in requests"
                    )
                    continue
                try:
                    line = LINES[name].format(**check)
                except KeyError:  # a check that could not run, or not needed here
                    line = f"{name}: " + ", ".join(f"{k} {v}" for k, v in check.items() if k != "ok")
                self.stdout.write(f"{'ok  ' if check['ok'] else 'FAIL'} {line}")
        if not reading["ok"]:
            raise CommandError("unhealthy: " + ", ".join(n for n, c in reading["checks"].items() if not c["ok"]))
