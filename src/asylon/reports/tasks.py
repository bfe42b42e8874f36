"""Background tasks of reports: the imports started from the pages, and the long reports
(the situation report, large exports) kept as jobs (`core/jobs.py`).

Run by `asylon worker` (operations/worker.py), at once under the immediate backend (tests). The
page records the run (`begin_import`) and enqueues its id; the task takes ids and plain
values only. A worker killed mid-import wrote nothing (the import is one transaction); its
run reads as interrupted, and is settled so when the next worker notices (`on_lost`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.auth import get_user_model
from django_tasks import task

from asylon.core import jobs
from asylon.core.worker import on_lost, on_start

from .models import ImportRun, ImportStatus

log = logging.getLogger("asylon.tasks.imports")


@task()
def run_import(
    *,
    run_id: int,
    actor_id: int,
    path: str,
    source: str = "",
    decisions: dict[str, str],
    roster: dict | None = None,
    chunk_households: int = 0,
) -> str:
    """Run the recorded import `run_id` (dry run or real, as recorded) on the stored file."""
    from .imports.services import CHUNK_HOUSEHOLDS, import_registrations, take_run

    taken = take_run(run_id)  # QUEUED -> RUNNING, naming this worker
    if taken is None:  # settled (interrupted) while it waited for a worker
        return ImportRun.objects.get(pk=run_id).status
    run = taken
    actor = get_user_model().objects.get(pk=actor_id)
    stored = Path(path)

    def progress(done: int, total: int | None) -> None:
        log.info("import %s: %s of %s rows", run_id, done, total if total is not None else "?")

    run = import_registrations(
        actor=actor,
        site=run.site,
        path=stored,
        file_name=run.file_name,
        source=source or None,
        roster=roster,
        dry_run=run.dry_run,
        decisions=decisions,
        progress=progress,
        run=run,  # the service writes the progress file the run's page reads
        chunk_households=chunk_households or CHUNK_HOUSEHOLDS,
    )
    if run.status == ImportStatus.COMMITTED:
        stored.unlink(missing_ok=True)
    return run.status


@on_lost(run_import)
def _import_lost(kwargs: dict) -> None:
    """The worker died mid-import: record the run as interrupted now rather than when someone
    next lists the imports. Audited as the actor who started it (the system acted for them)."""
    from .imports.services import settle_lost

    run = ImportRun.objects.select_related("site", "actor", "source").filter(pk=int(kwargs["run_id"])).first()
    if run is not None:
        settle_lost(run=run)


@task()
def make_sitrep(*, job_id: int) -> str:
    from .sitrep import sitrep_work

    return jobs.run(job_id, sitrep_work)


on_lost(make_sitrep)(jobs.lost)


@on_start
def warm_up_sitrep() -> None:
    """The worker loads the PDF engine and fonts at its start (sitrep.warm_up)."""
    from .sitrep import warm_up

    warm_up()


@task()
def make_export(*, job_id: int) -> str:
    from .export_jobs import export_work

    return jobs.run(job_id, export_work)


on_lost(make_export)(jobs.lost)
