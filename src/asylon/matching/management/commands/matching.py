"""asylon matching rebuild-keys [--site CODE]

Recomputes the name keys of every person (after a change to the normalisation rules, or
to fill the tables of a register loaded before `matching` existed), set-based and in one
transaction (`keys.rebuild`): search reads the old keys until the new ones are all written;
writes to the register wait for it (`matching/table_swap.py`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from asylon.matching import keys
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
        persons = Person.objects.all()
        site_id = None
        if site_code:
            site = Site.objects.filter(code=site_code).first()
            if site is None:
                raise CommandError(f"No site {site_code!r}.")
            site_id = site.pk
            persons = persons.filter(site_id=site_id)
        total = persons.count()
        with Progress(
            TextColumn("name keys"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=quiet,
            console=None,
        ) as progress:
            task = progress.add_task("keys", total=total)
            done = keys.rebuild(site_id, progress=lambda n: progress.update(task, completed=n))
        self.stdout.write(f"Name keys rebuilt for {done} persons.")
