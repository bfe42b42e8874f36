"""Background tasks of matching: batch duplicate detection started from the review queue's
page, kept as a job (`core/jobs.py`). Run by `asylon worker`; at once under the immediate
backend (tests)."""

from __future__ import annotations

from django_tasks import task

from asylon.core import jobs
from asylon.core.worker import on_lost


@task()
def find_duplicates(*, job_id: int) -> str:
    from .batch import detection_work

    return jobs.run(job_id, detection_work)


on_lost(find_duplicates)(jobs.lost)
