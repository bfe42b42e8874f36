"""Long work on the queue, as the pages see it: a `Job` row beside django-tasks' own.

The service that starts long work records a job (`create`) and enqueues its app's task
(`enqueue`) in the same transaction: the task's row is written on the same database, so no
worker finds one without the other. The task calls `run(job_id, work)`:

- `take` moves QUEUED to RUNNING and names the worker (process and host): until then the job
  reads "queued", waiting for a worker, never "running";
- `work(job, progress)` does the work, in one transaction of its own, calling `progress(done,
  total)`; progress goes to a file in the data dir (the work's transaction hides its own
  writes) and is the job's sign of life;
- the job ends DONE with its result (and the file it produced, in the data dir), or FAILED
  with the error, the task failing too, so that the queue shows it.

A worker killed mid-job cannot record anything: the next worker's sweep marks the task failed
and calls the app's `on_lost` handler, `lost`, which fails the job. Until then a reader sees a
RUNNING job whose process is gone, or silent for `STALE_AFTER`, as failed (`as_seen`, which
writes nothing). The work's transaction never committed, so the data is as it was.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.core.types import Actor

from .errors import DomainError, NotFound
from .models import Job, JobStatus
from .worker import process_alive

log = logging.getLogger("asylon.tasks.jobs")

# A job reports progress at least every few seconds; silent this long, its worker is gone.
STALE_AFTER = timedelta(minutes=5)

Progress = Callable[..., None]
Work = Callable[[Job, Progress], dict[str, Any] | None]


def create(*, actor: Actor, kind: str, params: dict[str, Any], site_code: str = "", total: int | None = None) -> Job:
    """Record long work for `actor`, QUEUED (the caller enqueues it: `enqueue`)."""
    return Job.objects.create(actor=actor, kind=kind, params=params, site_code=site_code, total=total)


def enqueue(job: Job, task) -> None:
    """Enqueue `task(job_id=...)`. The database backend writes the task's row on the same
    connection, so a job recorded in a transaction is enqueued exactly when it commits."""
    task.enqueue(job_id=job.pk)


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def output_path(job: Job, suffix: str) -> Path:
    """Where the job's file lands: the data dir, never served as a static file."""
    return folder() / f"job-{job.pk}{suffix}"


def _progress_file(job_id: int) -> Path:
    return folder() / f"job-{job_id}.progress.json"


def write_progress(job_id: int, done: int, total: int | None = None, step: str = "") -> None:
    path = _progress_file(job_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "step": step, "at": timezone.now().isoformat()}))
    tmp.replace(path)


def read_progress(job: Job) -> dict[str, Any]:
    """{"done", "total", "step", "at"} of a running job; its final figures once it ended."""
    if job.status != JobStatus.RUNNING:
        return {"done": job.done, "total": job.total, "step": ""}
    try:
        return json.loads(_progress_file(job.pk).read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": job.total, "step": ""}


def take(job_id: int) -> Job | None:
    """A worker takes the QUEUED job: RUNNING from now on, naming this worker. None when the
    job is no longer waiting (it failed as lost meanwhile)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return None
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.worker_pid, job.worker_host = os.getpid(), socket.gethostname()[:255]
        job.save(update_fields=["status", "started_at", "worker_pid", "worker_host"])
    write_progress(job.pk, 0, job.total)
    return job


def run(job_id: int, work: Work) -> str:
    """Take the job, do `work(job, progress)` and record how it ended. An exception fails the
    job with its message and is raised again, so that the task reads failed too."""
    job = take(job_id)
    if job is None:
        return Job.objects.get(pk=job_id).status

    def progress(done: int, total: int | None = None, step: str = "") -> None:
        write_progress(job_id, done, total if total is not None else job.total, str(step))

    try:
        result = work(job, progress) or {}
    except Exception as exc:
        fail(job_id, describe(exc))
        raise
    finish(job_id, result=result)
    return JobStatus.DONE


def describe(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return f"{exc.code}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def finish(job_id: int, *, result: dict[str, Any]) -> None:
    """DONE with `result`; a file the work produced is named by result["file_path"/"file_name"]."""
    last = _last_progress(job_id)
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        result={k: v for k, v in result.items() if k not in ("file_path", "file_name", "done", "total")},
        file_path=str(result.get("file_path", "")),
        file_name=str(result.get("file_name", ""))[:200],
        done=int(result.get("done", last.get("done") or 0)),
        total=result.get("total", last.get("total")),
        finished_at=timezone.now(),
    )
    _progress_file(job_id).unlink(missing_ok=True)


def fail(job_id: int, error: str) -> None:
    """FAILED with `error`, whether it waited or ran (an ended job stays as it ended)."""
    last = _last_progress(job_id)
    moved = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error=error[:4000], done=int(last.get("done") or 0), finished_at=timezone.now()
    )
    if moved:
        log.warning("job %s failed: %s", job_id, error)
    _progress_file(job_id).unlink(missing_ok=True)


def _last_progress(job_id: int) -> dict[str, Any]:
    try:
        return json.loads(_progress_file(job_id).read_text())
    except (OSError, ValueError):
        return {}


def lost(kwargs: dict[str, Any]) -> None:
    """The `on_lost` handler of every job task: its worker died, the job failed."""
    fail(int(kwargs["job_id"]), "WorkerLost: " + _("the worker running this job stopped before it finished"))


def worker_gone(job: Job, now: datetime | None = None) -> bool:
    """A RUNNING job whose process is gone from this host, or silent for `STALE_AFTER`."""
    if job.status != JobStatus.RUNNING:
        return False
    if job.worker_pid and job.worker_host == socket.gethostname()[:255] and not process_alive(job.worker_pid):
        return True
    signs = [job.started_at]
    at = _last_progress(job.pk).get("at")
    if at:
        signs.append(datetime.fromisoformat(at))
    latest = max(s for s in signs if s is not None)
    return (now or timezone.now()) - latest > STALE_AFTER


def as_seen(job: Job) -> Job:
    """The job as a reader should see it: a RUNNING job whose worker is gone reads FAILED.
    Nothing is written (the sweep records it)."""
    if not worker_gone(job):
        return job
    shown = copy.copy(job)
    shown.status = JobStatus.FAILED
    shown.error = "WorkerLost: " + _("the worker running this job stopped before it finished")
    return shown


def get_own(actor: Actor, job_id: int) -> Job:
    """The actor's own job (another user's reads as missing: `NotFound`)."""
    job = Job.objects.filter(pk=job_id, actor=actor).first()
    if job is None:
        raise NotFound(_("No such job."))
    return as_seen(job)
