"""asylon matching rebuild-keys [--site CODE]

Recomputes the name keys of every person (after a change to the normalisation rules, or
to fill the tables of a register loaded before `matching` existed).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from asylon.matching.keys import BATCH, refresh_keys
from asylon.registry.models import Person, Site


class Command(BaseCommand):
    help = "Name-matching tools. `matching rebuild-keys` recomputes every person's name keys."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        rebuild = sub.add_parser("rebuild-keys", help="Recompute the name keys of every person.")
        rebuild.add_argument("--site", help="Only this site's persons (site code).")
        rebuild.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "rebuild-keys":
            self.rebuild(options.get("site"), options.get("quiet", False))

    def rebuild(self, site_code: str | None, quiet: bool) -> None:
        qs = Person.objects.order_by("pk")
        if site_code:
            site = Site.objects.filter(code=site_code).first()
            if site is None:
                raise CommandError(f"No site {site_code!r}.")
            qs = qs.filter(site=site)
        total = qs.count()
        done, last_pk = 0, 0
        with Progress(
            TextColumn("name keys"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=quiet,
            console=None,
        ) as progress:
            task = progress.add_task("keys", total=total)
            while True:
                chunk = list(qs.filter(pk__gt=last_pk)[:BATCH])
                if not chunk:
                    break
                with transaction.atomic():
                    done += refresh_keys(chunk)
                last_pk = chunk[-1].pk
                progress.update(task, completed=done)
        self.stdout.write(f"Name keys rebuilt for {done} persons.")
