"""The one write of the reports app: recording a report that left the system (D6)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from asylon.audit import services as audit
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Site

from .models import ReportKind, ReportRun

PERMISSION = {
    ReportKind.SITREP: "reports.generate_sitrep",
    ReportKind.STATISTICS_CSV: "reports.view_statistics",
    ReportKind.HOUSEHOLDS_BY_BLOCK: "reports.view_statistics",
    ReportKind.INCIDENTS_BY_MONTH: "reports.view_statistics",
}


@transaction.atomic
def record_report(
    *,
    actor: Actor,
    kind: str,
    site: Site,
    period_start: date | None,
    period_end: date,
    content: bytes,
    annex_persons: Sequence[str] = (),
    with_annex: bool = False,
) -> ReportRun:
    """Record who generated which report, for which site and period, and its checksum.

    An annex with personal data is recorded with the references of the persons it names.
    """
    ensure(actor, PERMISSION[ReportKind(kind)], site)
    if with_annex:
        ensure(actor, "reports.generate_sitrep_annex", site)
    run = ReportRun.objects.create(
        kind=kind,
        site=site,
        period_start=period_start,
        period_end=period_end,
        with_annex=with_annex,
        requested_by=actor,
        requested_at=timezone.now(),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    changes = {
        "kind": kind,
        "period": [period_start, period_end],
        "sha256": run.sha256,
        "with_annex": with_annex,
    }
    if with_annex:
        changes["annex_persons"] = list(annex_persons)
    audit.record(actor, "report.generated", run, changes=changes, object_ref=f"{site.code}-{kind}")
    return run
