"""`asylon report sitrep --site CODE --period START:END [--out FILE.pdf] --as USERNAME [--annex]`

A command acts as a named user (`--as`): the report covers only that user's sites and is
recorded under that name, like one asked for on a page. The annex with personal data needs a
user allowed to add it (a protection officer).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.models import User
from asylon.core.errors import DomainError
from asylon.registry.models import Site
from asylon.reports import sitrep


class Command(BaseCommand):
    help = "Generate a report. Kinds: sitrep (the situation report, as a PDF)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        p = sub.add_parser("sitrep", help="The situation report of a site for a period, as a PDF.")
        p.add_argument("--site", required=True, help="Site code, e.g. LIB")
        p.add_argument("--period", required=True, help="START:END, e.g. 2013-01-01:2013-03-31")
        p.add_argument("--out", help="PDF file to write (default: sitrep-SITE-START-END.pdf)")
        p.add_argument("--as", dest="username", required=True, help="Act as this user (scope and record)")
        p.add_argument("--annex", action="store_true", help="Add the annex with personal data (protection officer)")

    def handle(self, *args, kind: str, site: str, period: str, out: str | None, username: str, annex: bool, **opts):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            start, end = sitrep.parse_period(period)
            site_obj = Site.objects.filter(code=site).first()
            if site_obj is None:
                raise CommandError(f"No site {site!r}.")
            pdf, run = sitrep.generate_sitrep(actor, site=site_obj, start=start, end=end, annex=annex)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        path = Path(out or sitrep.filename(site_obj, start, end))
        path.write_bytes(pdf)
        self.stdout.write(f"Wrote {path} ({len(pdf)} bytes, sha256 {run.sha256}).")
