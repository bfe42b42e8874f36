"""Background tasks of status: group declarations and their revocation over large groups,
confirmed on the page and run as jobs (`core/jobs.py`). Each is the same service in one
transaction: a worker lost mid-way wrote nothing, and its job reads failed."""

from __future__ import annotations

from django_tasks import task

from asylon.core import jobs
from asylon.core.worker import on_lost


@task()
def declare_group_job(*, job_id: int) -> str:
    from .declarations import declaration_work

    return jobs.run(job_id, declaration_work)


@task()
def revoke_group_job(*, job_id: int) -> str:
    from .declarations import revocation_work

    return jobs.run(job_id, revocation_work)


on_lost(declare_group_job)(jobs.lost)
on_lost(revoke_group_job)(jobs.lost)
