"""The health endpoint, and the pages of long work on the queue."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from asylon.audit import services as audit
from asylon.core import jobs
from asylon.core.edges import or_404
from asylon.core.models import JobStatus
from asylon.core.types import AuthedRequest

from . import health

# What each kind of job is, on its page.
JOB_LABELS = {
    "sitrep": _("Situation report"),
    "export": _("Export"),
    "duplicates": _("Duplicate detection"),
    "group_declaration": _("Group declaration"),
    "group_revocation": _("Revocation of a group declaration"),
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public health for load balancers and monitoring: figures only, no personal data, no login
    (operations/health.py). 200 when every check passes, 503 otherwise."""
    reading = health.report()
    return JsonResponse(reading, status=200 if reading["ok"] else 503)


# --- long work on the queue: one page per job, for the user who started it -----------------


@login_required
@require_GET
def job_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The job's state: queued, running with its progress, done with its file or outcome,
    failed with its error. Refreshes itself while the job waits or runs."""
    job = or_404(jobs.get_own, request.user, pk)
    context = {"job": job, "progress": jobs.read_progress(job), "label": JOB_LABELS.get(job.kind, job.kind)}
    return render(request, "core/job.html", context)


@login_required
@require_GET
def job_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    job = or_404(jobs.get_own, request.user, pk)
    return JsonResponse({"status": job.status, "error": job.error, **jobs.read_progress(job)})


@login_required
@require_GET
def job_download(request: AuthedRequest, pk: int) -> FileResponse:
    """The file the job produced, for the user who started it only; each download audited."""
    job = or_404(jobs.get_own, request.user, pk)
    path = Path(job.file_path) if job.file_path else None
    if job.status != JobStatus.DONE or path is None or not path.is_file():
        raise Http404
    with transaction.atomic():
        audit.record(
            request.user,
            "job.file_downloaded",
            job,
            object_ref=f"job-{job.pk}",
            changes={"kind": job.kind, "file": job.file_name, "site": job.site_code},
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name or path.name)
