"""Record exports too large to make while the page waits: made on the queue as a job
(`core/jobs.py`, `reports.tasks.make_export`). The checks run before anything is queued;
the export itself is the same service (`exports.export_records`: the data-sharing guard, the
record and its audit event), and its file lands in the data dir, downloadable by the same
user only (each download audited, operations/views.py)."""

from __future__ import annotations

import shutil
from typing import Any

from django.utils.translation import gettext as _

from asylon.core import jobs
from asylon.core.errors import InvalidInput
from asylon.core.models import Job
from asylon.core.types import Actor
from asylon.registry.models import Site

from . import exports

# Above this many rows a record export is made on the queue; below, while the page waits.
QUEUE_ABOVE = 5000


def queued(kind: str, site: Site) -> bool:
    return kind in exports.RECORD_EXPORTS and exports.estimated_rows(kind, site) > QUEUE_ABOVE


def start_export(
    *, actor: Actor, kind: str, site: Site, fmt: str, purpose: str, include_sensitive: bool = False, language: str = ""
) -> Job:
    """Check the export as `export_records` would, record it as a job and enqueue it."""
    exports.check_records(actor=actor, kind=kind, site=site, purpose=purpose, include_sensitive=include_sensitive)
    if fmt not in exports.FORMATS:
        raise InvalidInput({"format": [_("Use csv or xlsx.")]})
    from .tasks import make_export

    params = {
        "kind": kind,
        "site": site.pk,
        "format": fmt,
        "purpose": purpose.strip(),
        "sensitive": include_sensitive,
        "language": language,
    }
    job = jobs.create(
        actor=actor, kind="export", params=params, site_code=site.code, total=exports.estimated_rows(kind, site)
    )
    jobs.enqueue(job, make_export)
    return job


def export_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    from django.utils import translation

    params = job.params
    site = Site.objects.get(pk=params["site"])
    progress(0, job.total, _("writing the rows"))
    with translation.override(params.get("language") or None):
        made = exports.export_records(
            actor=job.actor,
            kind=params["kind"],
            site=site,
            fmt=params["format"],
            purpose=params["purpose"],
            include_sensitive=bool(params["sensitive"]),
        )
    path = jobs.output_path(job, f".{params['format']}")
    shutil.move(made.path, path)
    path.chmod(0o600)
    return {
        "file_path": str(path),
        "file_name": made.file_name,
        "done": made.rows,
        "total": made.rows,
        "rows": made.rows,
        "sha256": made.sha256,
    }
