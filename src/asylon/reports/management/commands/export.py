"""`asylon export KIND --site CODE --as USERNAME --format csv|xlsx --purpose TEXT --out FILE [--sensitive] [--hxl]`

Record exports (persons, households, incidents) are plain files for internal use: they pass
the data-sharing guard and are recorded with their purpose. Aggregate exports
(households-by-block, incidents-by-month) carry the HXL hashtag row and hide small cells.
HXL is for aggregates only (DOMAIN.md 10): `--hxl` on a record export is refused.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.accounts.models import User
from asylon.core.errors import DomainError
from asylon.registry.models import Site
from asylon.reports import exports


class Command(BaseCommand):
    help = "Export a register (persons, households, incidents) or an aggregate table with HXL hashtags."

    def add_arguments(self, parser):
        kinds = [*exports.RECORD_EXPORTS, *exports.AGGREGATE_EXPORTS]
        parser.add_argument("kind", choices=kinds)
        parser.add_argument("--site", required=True, help="Site code, e.g. LIB")
        parser.add_argument("--as", dest="username", required=True, help="Act as this user (scope and record)")
        parser.add_argument("--format", dest="fmt", choices=exports.FORMATS, default="csv")
        parser.add_argument("--purpose", default="", help="Why the data is exported (recorded; required for records)")
        parser.add_argument("--out", required=True, help="File to write")
        parser.add_argument("--sensitive", action="store_true", help="Include sensitive fields (protection roles)")
        parser.add_argument("--hxl", action="store_true", help="HXL hashtag row (aggregate exports always have it)")

    def handle(self, *args, kind, site, username, fmt, purpose, out, sensitive, hxl, **opts):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {username!r}.")
        site_obj = Site.objects.filter(code=site).first()
        if site_obj is None:
            raise CommandError(f"No site {site!r}.")
        try:
            if kind in exports.AGGREGATE_EXPORTS:
                result = exports.export_aggregate(actor=actor, kind=kind, site=site_obj, fmt=fmt)
            else:
                if hxl:
                    raise CommandError(
                        "HXL exports are aggregates only (DOMAIN.md 10): use households-by-block or "
                        "incidents-by-month; record exports are for internal use."
                    )
                result = exports.export_records(
                    actor=actor, kind=kind, site=site_obj, fmt=fmt, purpose=purpose, include_sensitive=sensitive
                )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        shutil.move(str(result.path), out)
        self.stdout.write(f"Wrote {Path(out)} ({result.rows} rows, sha256 {result.sha256}).")
