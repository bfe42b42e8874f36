"""asylon duplicates find [--site S] [--csv FILE --out PAIRS.csv] [--engine splink --backend spark]

Finds probable duplicates. On the register, the pairs go into the review queue (never
merged automatically); on a spreadsheet, they are written to a CSV file. Asylon's own
scorer is the default engine; `--engine splink` runs the Splink model on DuckDB or, past
one machine, on Spark (docs/duplicates.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from asylon.matching.batch import ENGINES, dedupe_csv, find_duplicates_in_register
from asylon.matching.splink_engine import BACKENDS, EngineUnavailable
from asylon.registry.models import Site


class Command(BaseCommand):
    help = "Duplicate detection. `duplicates find` scores candidate pairs and queues the probable ones."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        find = sub.add_parser("find", help="Find probable duplicates in the register or in a CSV file.")
        find.add_argument("--site", help="Only this site (code).")
        find.add_argument("--csv", help="Read records from this CSV file instead of the register.")
        find.add_argument("--out", help="With --csv: write the pairs to this CSV file.")
        find.add_argument("--restart", action="store_true", help="Start a new run instead of resuming.")
        find.add_argument("--quiet", action="store_true", help="No progress bar.")
        find.add_argument("--engine", choices=ENGINES, default="asylon", help="Scorer (default: asylon).")
        find.add_argument(
            "--backend", choices=BACKENDS, default="duckdb", help="With --engine splink: duckdb, or spark (a cluster)."
        )

    def handle(self, *args, **options) -> None:
        try:
            self.find(**options)
        except EngineUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def find(self, **options) -> None:
        engine = {"engine": options["engine"], "backend": options["backend"]}
        if options.get("csv"):
            if not options.get("out"):
                raise CommandError("--csv needs --out PAIRS.csv")
            try:
                with (
                    open(options["csv"], newline="", encoding="utf-8-sig") as src,
                    open(options["out"], "w", newline="", encoding="utf-8") as out,
                ):
                    count = dedupe_csv(src, out, **engine)
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{count} probable duplicate pairs written to {options['out']}.")
            return
        site = None
        if options.get("site"):
            site = Site.objects.filter(code=options["site"]).first()
            if site is None:
                raise CommandError(f"No site {options['site']!r}.")
        with Progress(
            TextColumn("duplicate detection"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=options.get("quiet", False),
        ) as progress:
            task = progress.add_task("pairs", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            run = find_duplicates_in_register(
                site=site, resume=not options.get("restart"), progress=report, **engine
            )
        self.stdout.write(f"Run {run.pk}: {run.pairs_found} new pairs in the review queue.")
